"""Export the published initiatives of the benchmark database to SQLite for Datasette.

One denormalised table `initiatives` (themes joined with commas, commune, département and
interco codes), the indexes a Datasette user would add, and an FTS5 index on name and
description that Datasette detects (external content table `initiatives_fts`).

Usage: python bench/export_sqlite.py postgres://... out.db
"""

import sqlite3
import sys
from pathlib import Path

import psycopg

SELECT = """
SELECT i.id, i.slug, i.name, i.summary, i.description, i.kind, i.legal_form,
       coalesce((SELECT string_agg(t.slug, ',' ORDER BY t.slug)
                 FROM initiatives_initiative_themes it JOIN initiatives_theme t
                 ON t.id = it.theme_id WHERE it.initiative_id = i.id), '') AS themes,
       c.insee, c.name, i.postcode, c.departement_id, c.interco_id, ic.name,
       i.address, i.latitude, i.longitude, i.website, i.email, i.phone, i.updated_at::text
FROM initiatives_initiative i
LEFT JOIN intercos_commune c ON c.insee = i.commune_id
LEFT JOIN intercos_interco ic ON ic.siren = c.interco_id
WHERE i.status = 'published'
ORDER BY i.id
"""
COLUMNS = (
    "id INTEGER PRIMARY KEY, slug TEXT, name TEXT, summary TEXT, description TEXT, kind TEXT, "
    "legal_form TEXT, themes TEXT, commune_insee TEXT, commune TEXT, postcode TEXT, "
    "departement TEXT, interco_siren TEXT, interco TEXT, address TEXT, latitude REAL, "
    "longitude REAL, website TEXT, email TEXT, phone TEXT, updated_at TEXT"
)
INSERT = "INSERT INTO initiatives VALUES (" + ",".join("?" * 21) + ")"  # noqa: S608
INDEXES = [
    "CREATE UNIQUE INDEX initiatives_slug ON initiatives (slug)",
    "CREATE INDEX initiatives_name ON initiatives (name, id)",
    "CREATE INDEX initiatives_departement ON initiatives (departement, name)",
    "CREATE INDEX initiatives_interco ON initiatives (interco_siren, name)",
    "CREATE INDEX initiatives_lat_lon ON initiatives (latitude, longitude)",
    'CREATE VIRTUAL TABLE initiatives_fts USING FTS5 (name, description, content="initiatives")',
    "INSERT INTO initiatives_fts (rowid, name, description) "
    "SELECT id, name, description FROM initiatives",
]


def export(dsn: str, path: Path) -> int:
    path.unlink(missing_ok=True)
    out = sqlite3.connect(path)
    out.execute(f"CREATE TABLE initiatives ({COLUMNS})")
    n = 0
    with psycopg.connect(dsn) as conn, conn.cursor(name="export") as cur:
        cur.execute(SELECT)
        while chunk := cur.fetchmany(5000):
            out.executemany(INSERT, chunk)
            n += len(chunk)
    for sql in INDEXES:
        out.execute(sql)
    out.commit()
    out.execute("ANALYZE")
    out.close()
    return n


if __name__ == "__main__":
    count = export(sys.argv[1], Path(sys.argv[2]))
    print(f"exported {count} published initiatives to {sys.argv[2]}")
