"""PostgreSQL search indexes (no-ops elsewhere).

`search_text` is already unaccented and lower-cased by services.refresh_search_keys, so the
French configuration works on unaccented words; queries must use exactly these expressions:
  to_tsvector('french'::regconfig, search_text)   -- full text, GIN
  search_text gin_trgm_ops                        -- trigram similarity and LIKE, GIN
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE INDEX IF NOT EXISTS initiative_search_fts ON initiatives_initiative "
    "USING GIN (to_tsvector('french'::regconfig, search_text))",
    "CREATE INDEX IF NOT EXISTS initiative_search_trgm ON initiatives_initiative "
    "USING GIN (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS commune_search_name_trgm ON intercos_commune "
    "USING GIN (search_name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS initiative_search_fts",
    "DROP INDEX IF EXISTS initiative_search_trgm",
    "DROP INDEX IF EXISTS commune_search_name_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in FORWARD:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0001_initial"),
        ("intercos", "0001_initial"),
    ]
    operations = [migrations.RunPython(forward, backward)]
