"""Text helpers shared by the apps: accent- and case-insensitive keys."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """'Énergie  Solidaire' -> 'energie solidaire'; 'Saint-Péray' -> 'saint peray'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("œ", "oe").replace("æ", "ae").replace("Œ", "oe").replace("Æ", "ae")
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def sort_key(text: str) -> tuple[str, str]:
    """French alphabetical order, the same in Python, SQLite and PostgreSQL: accents and case
    ignored first ('Café' < 'CRESS' < 'Épicerie'; 'Saint-Étienne' < 'Saint-Vincent'), then the
    text itself. In the database, order by the stored normalised column (search_name)."""
    return normalize(text), text or ""


def tokens(text: str) -> list[str]:
    return [t for t in normalize(text).split() if t]
