#!/usr/bin/env bash
# `make bench`: national-scale benchmark of essmap against Datasette and a framework-free floor.
#
# 1. (Re)creates the PostgreSQL database $BENCH_DB and fills it with $BENCH_COUNT synthetic
#    initiatives (python -m bench.generate_synthetic), then VACUUM ANALYZE.
# 2. Exports the same published rows to SQLite with FTS5 for Datasette (own venv in .bench/).
# 3. Starts, on loopback only: essmap as in production (gunicorn, essmap.settings.production,
#    DEBUG off, whitenoise after collectstatic into a temporary folder, persistent connections,
#    Redis cache), the same essmap with its result cache off (RESULT_CACHE=0: essmap_nocache,
#    the figures the goals hold for), the floor (bench/floor.py) under the same gunicorn on the same database,
#    and Datasette with its default options.
# 4. Runs the query mix from a separate process (bench/loadgen.py) and writes BENCHMARKS.md.
#
# Environment: BENCH_COUNT (250000), BENCH_SEED (1), BENCH_DB (essmap_bench),
# BENCH_PG (postgres://postgres@127.0.0.1:5432), BENCH_REDIS (redis://127.0.0.1:6379/11),
# BENCH_WORKERS (2 x cores + 1), BENCH_LEVELS (1,8,32), BENCH_CSV_LEVELS (1), BENCH_QUERIES,
# BENCH_OUT (BENCHMARKS.md), BENCH_PORT (8701: essmap; +1 floor; +2 Datasette; +3 essmap
# without result cache), BENCH_REUSE_DB=1 (keep $BENCH_DB when it already holds $BENCH_COUNT
# synthetic initiatives: migrate it, skip the generation), BENCH_SIRENE_ROWS (0: skip it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
GUNICORN=$ROOT/.venv/bin/gunicorn
COUNT=${BENCH_COUNT:-250000}
SEED=${BENCH_SEED:-1}
DB=${BENCH_DB:-essmap_bench}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DSN=$PG/$DB
REDIS=${BENCH_REDIS:-redis://127.0.0.1:6379/11}
WORKERS=${BENCH_WORKERS:-$((2 * $(nproc) + 1))}
PORT=${BENCH_PORT:-8701}
OUT=${BENCH_OUT:-BENCHMARKS.md}
WORK=$ROOT/.bench
mkdir -p "$WORK"
LOGS=$WORK/logs
mkdir -p "$LOGS"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -n "${STATIC:-}" ] && rm -rf "$STATIC"
}
trap cleanup EXIT

step() { echo "== $(date -u +%H:%M:%S) $*"; }

step "PostgreSQL"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
REUSE=0
if [ "${BENCH_REUSE_DB:-0}" = 1 ]; then
    HELD=$(psql -qtA "$DSN" -c "SELECT count(*) FROM initiatives_initiative WHERE is_synthetic" \
        2>/dev/null || echo 0)
    [ "$HELD" = "$COUNT" ] && REUSE=1
fi
if [ "$REUSE" = 0 ]; then
    psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
fi

step "Redis"
redis_ping() { "$PY" -c "import redis,sys; redis.Redis.from_url(sys.argv[1]).ping()" "$REDIS" 2>/dev/null; }
if ! redis_ping; then
    command -v redis-server >/dev/null || { echo "Redis is not running at $REDIS"; exit 1; }
    redis-server --bind 127.0.0.1 --port 6379 --daemonize yes >/dev/null
    for _ in $(seq 20); do redis_ping && break; sleep 0.5; done
fi

step "migrate and generate $COUNT synthetic initiatives (seed $SEED)"
export DATABASE_URL=$DSN
"$PY" manage.py migrate --noinput -v0
GEN_START=$(date +%s)
if [ "$REUSE" = 0 ]; then
    "$PY" -m bench.generate_synthetic --count "$COUNT" --seed "$SEED"
else
    echo "reusing $DB ($COUNT synthetic initiatives)"
fi
GEN_SECONDS=$(( $(date +%s) - GEN_START ))
psql -q "$DSN" -c "VACUUM ANALYZE"

step "Datasette reference (SQLite + FTS5)"
if [ ! -x "$WORK/venv-ref/bin/datasette" ]; then
    python3 -m venv "$WORK/venv-ref"
    "$WORK/venv-ref/bin/pip" install --quiet datasette
fi
"$PY" bench/export_sqlite.py "$DSN" "$WORK/bench.db"

step "static files and servers"
STATIC=$(mktemp -d)
export DJANGO_SETTINGS_MODULE=essmap.settings.production
export SECRET_KEY="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export DEBUG=0 STATIC_ROOT=$STATIC CONN_MAX_AGE=600 REDIS_URL=$REDIS SECURE_COOKIES=0 SECURE_SSL_REDIRECT=0
export ALLOWED_HOSTS=127.0.0.1,localhost LOG_LEVEL=ERROR SITE_URL=http://127.0.0.1:$PORT
# The benchmark client is one IP: lift the anonymous API quota (throttling still runs).
export API_THROTTLE_ANON=100000000/minute API_THROTTLE_EXPORT=100000000/minute
export PAGE_THROTTLE_ANON=100000000/minute
"$PY" manage.py collectstatic --noinput -v0
"$PY" -c "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS"

GUNICORN_OPTS=(--workers "$WORKERS" --timeout 600 --backlog 2048 --log-level warning)
# essmap as deployed (docs/deployment.md): its gunicorn settings warm each worker at boot.
"$GUNICORN" essmap.wsgi:application -c essmap/gunicorn_conf.py --bind "127.0.0.1:$PORT" \
    "${GUNICORN_OPTS[@]}" \
    >"$LOGS/essmap.log" 2>&1 &
ESSMAP_PID=$!
PIDS+=("$ESSMAP_PID")
# The same essmap with its result cache off: every answer computed from the database.
RESULT_CACHE=0 "$GUNICORN" essmap.wsgi:application -c essmap/gunicorn_conf.py \
    --bind "127.0.0.1:$((PORT + 3))" "${GUNICORN_OPTS[@]}" \
    >"$LOGS/essmap_nocache.log" 2>&1 &
NOCACHE_PID=$!
PIDS+=("$NOCACHE_PID")
FLOOR_DSN=$DSN "$GUNICORN" --chdir "$ROOT/bench" floor:app --bind "127.0.0.1:$((PORT + 1))" \
    "${GUNICORN_OPTS[@]}" >"$LOGS/floor.log" 2>&1 &
FLOOR_PID=$!
PIDS+=("$FLOOR_PID")
"$WORK/venv-ref/bin/datasette" serve "$WORK/bench.db" -h 127.0.0.1 -p "$((PORT + 2))" \
    >"$LOGS/datasette.log" 2>&1 &
PIDS+=("$!")
for p in "$PORT" "$((PORT + 1))" "$((PORT + 2))" "$((PORT + 3))"; do
    for _ in $(seq 60); do
        curl -s -o /dev/null "http://127.0.0.1:$p/" && break
        sleep 1
    done
done

sleep 10  # every worker done with its boot (essmap's warm themselves)

step "query mix (loopback, separate process)"
"$PY" bench/loadgen.py --dsn "$DSN" --out "$WORK/results.json" \
    --target "essmap=http://127.0.0.1:$PORT" \
    --target "essmap_nocache=http://127.0.0.1:$((PORT + 3))" \
    --target "floor=http://127.0.0.1:$((PORT + 1))" \
    --target "datasette=http://127.0.0.1:$((PORT + 2))" \
    --target "datasette_tuned=http://127.0.0.1:$((PORT + 2))" \
    --pids "essmap=$ESSMAP_PID,essmap_nocache=$NOCACHE_PID,floor=$FLOOR_PID" \
    --levels "${BENCH_LEVELS:-1,8,32}" --csv-levels "${BENCH_CSV_LEVELS:-1}" \
    ${BENCH_QUERIES:+--queries "$BENCH_QUERIES"}

step "whole-set exports against PostgreSQL's COPY (bench/export_timing.py)"
# The servers are still up but idle; the interco of the GeoJSON query with the most rows.
INTERCO=$(psql -qtA "$DSN" -c "SELECT ic.siren FROM initiatives_initiative i JOIN intercos_commune c ON c.insee = i.commune_id JOIN intercos_interco ic ON ic.siren = c.interco_id WHERE i.status = 'published' GROUP BY ic.siren HAVING count(*) BETWEEN 200 AND 900 ORDER BY count(*) DESC, ic.siren LIMIT 1")
ALLOWED_HOSTS=testserver "$PY" -m bench.export_timing --runs 3 ${INTERCO:+--interco "$INTERCO"} \
    >"$WORK/exports.txt" 2>"$LOGS/export_timing.log" || echo "export timing failed: see $LOGS/export_timing.log"

step "misspelled search on the HTML page: database time (bench/search_timing.py)"
ALLOWED_HOSTS=testserver "$PY" -m bench.search_timing --runs 5 \
    >"$WORK/search.txt" 2>"$LOGS/search_timing.log" || echo "search timing failed: see $LOGS/search_timing.log"

step "query plans (EXPLAIN ANALYZE of essmap's SQL)"
EXPLAIN=${BENCH_EXPLAIN:-bench/last-explain.txt}
"$PY" bench/explain.py >"$EXPLAIN" 2>&1 || echo "explain failed: see $EXPLAIN"

if [ "${BENCH_SIRENE_ROWS:-5000000}" != 0 ]; then  # 0: skipped, bench/SIRENE.md kept
    step "SIRENE stock reader at ${BENCH_SIRENE_ROWS:-5000000} lines (bench/sirene_import.py -> bench/SIRENE.md)"
    "$PY" -m bench.sirene_import --rows "${BENCH_SIRENE_ROWS:-5000000}" >"$LOGS/sirene_import.log" 2>&1 \
        || echo "SIRENE import bench failed: see $LOGS/sirene_import.log"
fi

step "report"
RESULTS=${BENCH_RESULTS:-bench/last-results.json}
cp "$WORK/results.json" "$RESULTS"
"$PY" bench/report.py "$RESULTS" "$OUT" --rows "$COUNT" --seed "$SEED" \
    --workers "$WORKERS" --generate-seconds "$GEN_SECONDS" --exports "$WORK/exports.txt" \
    --search "$WORK/search.txt" \
    --datasette-version "$("$WORK/venv-ref/bin/datasette" --version)"
step "wrote $OUT"
