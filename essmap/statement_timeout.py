"""A ceiling on each query's time while computing an anonymous read (issue 18).

Searches, filtered lists and their counts are bounded by design (indexes, capped counts,
typo correction against the vocabulary); this is the safety net for what a design misses:
on PostgreSQL, while an anonymous visitor's directory page or API page is computed, no
statement may run longer than ANONYMOUS_STATEMENT_TIMEOUT_MS (0: no ceiling). A statement
past it is cancelled by PostgreSQL; the error is a database error, answered as the 503 page
(or JSON) with Retry-After by essmap.errors, never a worker held for seconds.

Not applied to exports (streamed after the view returns, whole-set by nature), the admin or
signed-in staff.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections, router


@contextmanager
def anonymous_statement_timeout(using: str | None = None):
    """Within the block, each statement is cancelled past the setting's ceiling.

    On `using`, by default the database reads go to (the replica when one is configured and
    usable, see essmap.db_router: it routes every model alike, so none is named here and the
    shared core imports no feature app).
    """
    if using is None:
        using = router.db_for_read(None)
    connection = connections[using]
    ms = int(settings.ANONYMOUS_STATEMENT_TIMEOUT_MS or 0)
    if ms <= 0 or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'), "
            "set_config('statement_timeout', %s, false)",
            [f"{ms}ms"],
        )
        previous = cursor.fetchone()[0]
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [previous])
        except DatabaseError:
            # An aborted transaction: its rollback undoes the setting too (SET is transactional).
            pass
