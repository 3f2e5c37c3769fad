# ruff: noqa: S608 -- SQL is built from constants and parsed floats; values go as parameters.
"""The floor: the benchmark's queries answered by a bare WSGI app (psycopg + stdlib, no framework).

Served by the same gunicorn on the same database as essmap, it measures what HTTP, the
database and JSON encoding cost on their own. Same filters, same ordering, same counts as the
essmap API (capped at 1,000 in lists, exact in pages); fewer fields. Run: gunicorn bench.floor:app (FLOOR_DSN=postgres://...).
"""

import csv
import html
import io
import json
import math
import os
import unicodedata
from urllib.parse import parse_qs

import psycopg

KM_PER_DEG = 111.32
EARTH_KM = 6371.0088
_conn = None

COLUMNS = (
    "i.id, i.slug, i.name, i.summary, i.kind, i.legal_form, i.latitude, i.longitude, "
    "c.insee, c.name, ARRAY(SELECT t.slug FROM initiatives_initiative_themes it "
    "JOIN initiatives_theme t ON t.id = it.theme_id WHERE it.initiative_id = i.id)"
)
FROM = (
    "initiatives_initiative i LEFT JOIN intercos_commune c ON c.insee = i.commune_id "
    "WHERE i.status = 'published'"
)
KEYS = ("id", "slug", "name", "summary", "kind", "legal_form", "latitude", "longitude")


def db():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(os.environ["FLOOR_DSN"], autocommit=True)
    return _conn


def rows(sql, params=()):
    with db().cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def item(row):
    out = dict(zip(KEYS, row[:8], strict=True))
    out.update(commune={"insee": row[8], "name": row[9]}, themes=row[10])
    return out


# The API's lists count up to this many results (essmap.api.pagination.COUNT_CAP); the HTML
# pages count exactly.
COUNT_CAP = 1000


def page(where, params, order="i.name, i.id", extra="", limit=20, cap=COUNT_CAP, order_params=(),
         offset=0):  # fmt: skip
    if cap is None:
        count = rows(f"SELECT count(*) FROM {FROM} {where}", params)[0][0]
    else:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {FROM} {where} LIMIT {cap + 1}) AS capped"
        count = min(rows(sql, params)[0][0], cap)
    found = rows(
        f"SELECT {COLUMNS}{extra} FROM {FROM} {where} ORDER BY {order} LIMIT {limit} "
        f"OFFSET {int(offset)}",
        [*params, *order_params],
    )
    return count, found


def words(text):
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def near_clause(lat, lon, radius):
    dlat, dlon = radius / KM_PER_DEG, radius / (KM_PER_DEG * max(math.cos(math.radians(lat)), 0.01))
    dist = (
        f"2 * {EARTH_KM} * asin(sqrt(power(sin((radians(i.latitude) - {math.radians(lat)}) / 2), 2)"
        f" + {math.cos(math.radians(lat))} * cos(radians(i.latitude))"
        f" * power(sin((radians(i.longitude) - {math.radians(lon)}) / 2), 2)))"
    )
    where = f"AND i.latitude BETWEEN %s AND %s AND i.longitude BETWEEN %s AND %s AND {dist} <= %s"
    return where, (lat - dlat, lat + dlat, lon - dlon, lon + dlon, radius), dist


IN_INTERCO = (
    "AND (c.interco_id = %s OR EXISTS (SELECT 1 FROM initiatives_initiative_coverage cv "
    "WHERE cv.initiative_id = i.id AND cv.interco_id = %s))"
)
THEME = (
    "AND EXISTS (SELECT 1 FROM initiatives_initiative_themes it JOIN initiatives_theme t "
    "ON t.id = it.theme_id WHERE it.initiative_id = i.id AND t.slug = %s)"
)
# The stored, weighted vector and its GIN index (essmap's migration 0003), ranked as essmap
# ranks (name words first).
FTS = "AND i.search_vector @@ plainto_tsquery('french'::regconfig, %s)"
RANK = "ts_rank_cd(i.search_vector, plainto_tsquery('french'::regconfig, %s)) DESC, i.name, i.id"


def view_list(q):
    where, params = "", []
    if "theme" in q:
        where, params = where + THEME, [*params, q["theme"]]
    if "departement" in q:
        where, params = where + " AND c.departement_id = %s", [*params, q["departement"]]
    order, order_params = "i.name, i.id", []
    if "q" in q:
        where, params = where + " " + FTS, [*params, words(q["q"])]
        order, order_params = RANK, [words(q["q"])]
    cap = None if q.get("count") == "exact" else COUNT_CAP
    offset = 20 * (max(1, int(q.get("page", 1))) - 1)
    count, found = page(where, params, order=order, cap=cap, order_params=order_params,
                        offset=offset)  # fmt: skip
    return {"count": count, "results": [item(r) for r in found]}


def view_near(q):
    """Points within the radius, UNION initiatives covering an interco reaching into it."""
    lat, lon, radius = float(q["lat"]), float(q["lon"]), float(q["radius"])
    inner, params, dist = near_clause(lat, lon, radius)
    south, north, west, east = params[:4]
    where = (
        "AND i.id IN (SELECT i.id FROM initiatives_initiative i WHERE true "
        f"{inner} UNION SELECT cv.initiative_id FROM initiatives_initiative_coverage cv "
        "WHERE cv.interco_id IN (SELECT interco_id FROM intercos_commune WHERE centre_lat "
        "BETWEEN %s AND %s AND centre_lon BETWEEN %s AND %s AND interco_id IS NOT NULL))"
    )
    params = (*params, south, north, west, east)
    order = f"({dist} <= {radius}) DESC, {dist} NULLS LAST, i.name, i.id"
    count, found = page(where, params, order=order, extra=f", {dist}")
    return {"count": count, "results": [{**item(r), "distance_km": r[11]} for r in found]}


def view_detail(q):
    row = rows(
        f"SELECT {COLUMNS}, i.description, i.website, i.email, i.phone, c.interco_id "
        f"FROM {FROM} AND i.slug = %s",
        (q["slug"],),
    )
    if not row:
        return None
    r = row[0]
    return {**item(r), "description": r[11], "website": r[12], "email": r[13], "phone": r[14],
            "interco": r[15]}  # fmt: skip


def view_map(q):
    """Markers when at most 400 points are in view, else grid clusters (as essmap's map)."""
    west, south, east, north = (float(v) for v in q["bbox"].split(","))
    zoom = int(q["zoom"])
    box = "AND i.latitude BETWEEN %s AND %s AND i.longitude BETWEEN %s AND %s"
    params = (south, north, west, east)
    found = rows(
        f"SELECT i.slug, i.name, i.latitude, i.longitude, c.name FROM {FROM} {box} "
        "ORDER BY i.name, i.id LIMIT 401",
        params,
    )
    if len(found) <= 400:
        feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[3], r[2]]},
                  "properties": {"kind": "marker", "name": r[1], "commune": r[4],
                                 "url": f"/initiatives/{r[0]}/"}} for r in found]  # fmt: skip
    else:
        cell = max(64 * 360.0 / (256 * 2**zoom), max(east - west, north - south) / 40)
        found = rows(
            "SELECT count(*) AS n, avg(i.latitude), avg(i.longitude), min(i.longitude), "
            f"min(i.latitude), max(i.longitude), max(i.latitude) FROM {FROM} {box} "
            f"GROUP BY floor(i.latitude / {cell}), floor(i.longitude / {cell}) "
            "ORDER BY n DESC LIMIT 2000",
            params,
        )
        feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[2], r[1]]},
                  "properties": {"kind": "cluster", "count": r[0], "bbox": list(r[3:])}}
                 for r in found]  # fmt: skip
    return {"type": "FeatureCollection", "features": feats}


def view_geojson(q):
    found = rows(f"SELECT {COLUMNS} FROM {FROM} {IN_INTERCO} ORDER BY i.name, i.id",
                 (q["interco"], q["interco"]))  # fmt: skip
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[7], r[6]]},
         "properties": item(r)} for r in found]}  # fmt: skip


def html_page(title, count, found):
    items = "".join(
        f'<li><a href="/initiatives/{html.escape(r[1])}/">{html.escape(r[2])}</a> '
        f"— {html.escape(r[9] or '')}<p>{html.escape(r[3])}</p></li>"
        for r in found
    )
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title></head><body><h1>{html.escape(title)}</h1><p>{count} initiatives</p>"
        f"<ol>{items}</ol></body></html>"
    )


def csv_stream():
    yield b"slug,name,summary,kind,legal_form,commune_insee,commune,latitude,longitude\r\n"
    with db().cursor(name="floor_csv") as cur, db().transaction():
        cur.execute(f"SELECT i.slug, i.name, i.summary, i.kind, i.legal_form, c.insee, c.name, "
                    f"i.latitude, i.longitude FROM {FROM} ORDER BY i.name, i.id")  # fmt: skip
        buf = io.StringIO()
        writer = csv.writer(buf)
        while chunk := cur.fetchmany(2000):
            writer.writerows(chunk)
            yield buf.getvalue().encode()
            buf.seek(0)
            buf.truncate()


JSON_VIEWS = {"/list": view_list, "/near": view_near, "/detail": view_detail, "/map": view_map,
              "/geojson": view_geojson}  # fmt: skip


def app(environ, start_response):
    path = environ["PATH_INFO"]
    q = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if path in JSON_VIEWS:
        data = JSON_VIEWS[path](q)
        if data is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        body = json.dumps(data).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    if path in ("/home", "/interco"):
        where, params = ("", ()) if path == "/home" else (IN_INTERCO, (q["interco"],) * 2)
        count, found = page(where, params, cap=None)
        body = html_page("Initiatives", count, found).encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body]
    if path == "/csv":
        start_response("200 OK", [("Content-Type", "text/csv; charset=utf-8")])
        return csv_stream()
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]
