"""PostgreSQL: the vocabulary of published initiatives, for typo correction (issue 18).

A misspelled search ("solidaie") used to run trigram word similarity against every
initiative's whole text: about 100 µs per row on texts of 400 characters, three times per
page (4 s per pass at 40,000 rows, a seq scan whatever the index). Correcting the query's
words against the list of distinct words instead (a few thousand short words, trigram GIN
index) costs a millisecond, then the corrected words go through the full-text index like
any search.

The table is unknown to the Django model. Triggers keep it in sync with every write path
(services, bulk loads, imports, raw SQL): the words of published rows are added when rows
are inserted or updated. Words are never removed; a word that no longer matches anything
only corrects a query to a search that finds nothing. No-ops on other databases.
"""

from django.db import migrations

# search_text is normalised words separated by single spaces (services.search_keys).
WORDS = (
    "SELECT DISTINCT w FROM {rows}, unnest(string_to_array({rows}.search_text, ' ')) AS w "
    "WHERE {rows}.status = 'published' AND length(w) BETWEEN 3 AND 40"
)
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE IF NOT EXISTS initiatives_search_word (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS initiative_search_word_trgm ON initiatives_search_word "
    "USING GIN (word gin_trgm_ops)",
    "CREATE OR REPLACE FUNCTION initiatives_search_words_add() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO initiatives_search_word (word) "
    + WORDS.format(rows="new_rows")
    + " ON CONFLICT DO NOTHING; RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS initiative_search_words_insert ON initiatives_initiative",
    "CREATE TRIGGER initiative_search_words_insert AFTER INSERT ON initiatives_initiative "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION initiatives_search_words_add()",
    "DROP TRIGGER IF EXISTS initiative_search_words_update ON initiatives_initiative",
    "CREATE TRIGGER initiative_search_words_update AFTER UPDATE ON initiatives_initiative "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION initiatives_search_words_add()",
    "INSERT INTO initiatives_search_word (word) "
    + WORDS.format(rows="initiatives_initiative")
    + " ON CONFLICT DO NOTHING",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS initiative_search_words_update ON initiatives_initiative",
    "DROP TRIGGER IF EXISTS initiative_search_words_insert ON initiatives_initiative",
    "DROP FUNCTION IF EXISTS initiatives_search_words_add()",
    "DROP TABLE IF EXISTS initiatives_search_word",
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
    dependencies = [("initiatives", "0005_approximate_point")]
    operations = [migrations.RunPython(forward, backward)]
