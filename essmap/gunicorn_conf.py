"""gunicorn settings for essmap (`gunicorn -c essmap/gunicorn_conf.py essmap.wsgi:application`).

Only what the application needs from its server: each worker warms itself before it takes
requests (essmap/warmup.py). Workers, binding and timeouts stay on the command line
(docs/deployment.md).
"""


def post_worker_init(worker):
    from essmap.warmup import warm

    statuses = warm(worker.wsgi)
    worker.log.debug("warmed: %s", ", ".join(statuses))
