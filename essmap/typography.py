"""French (and English) typography in ONE place: numbers, units, signs and punctuation.

Pages (template filters in essmap_tags), charts, e-mails and the French message catalog
(`manage.py typeset_catalog`) all go through these functions; nothing adds a no-break space by
hand.

- Numbers: French `1 200` (narrow no-break space) and `11,5`; English `1,200` and `11.5`;
  `+6` when a sign is asked for (growth).
- Units: `60 %`, `410 €`, `1 200 foyers` with a no-break space in French; `60%` in English.
- Punctuation (French text): no-break space before `: ; ! ?`, inside `« »`; curly apostrophes.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils import translation

NBSP = "\u00a0"  # no-break space: before ":" and units, inside « »
NNBSP = "\u202f"  # narrow no-break space: thousands, before ; ! ?

_GROUPS = {"fr": (NNBSP, ","), "en": (",", ".")}


def _lang(language: str | None) -> str:
    language = language or translation.get_language() or "fr"
    return "en" if language.lower().startswith("en") else "fr"


def format_number(value, *, language: str | None = None, sign: bool = False) -> str:
    """Decimal('1200.00') -> '1 200' (fr) / '1,200' (en); 11.5 -> '11,5' / '11.5'.

    sign=True writes '+' before positive numbers (growth figures), '−' stays '-'.
    Trailing zeros of decimals are dropped; values that are not numbers come back as text.
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    group, point = _GROUPS[_lang(language)]
    prefix = "-" if number < 0 else ("+" if sign and number > 0 else "")
    text = format(abs(number).normalize(), "f")
    whole, _dot, fraction = text.partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    digits = group.join(groups) or "0"
    return f"{prefix}{digits}{point}{fraction}" if fraction else f"{prefix}{digits}"


def with_unit(number: str, unit: str, *, language: str | None = None) -> str:
    """'60' + '%' -> '60 %' (fr, no-break) / '60%' (en); '410' + '€' -> '410 €' / '410 €'."""
    if not unit:
        return number
    if unit == "%" and _lang(language) == "en":
        return f"{number}%"
    return f"{number}{NBSP}{unit}"


def format_quantity(
    value, unit: str = "", *, qualifier: str = "", language: str | None = None, sign: bool = False
) -> str:
    """'plus de 1 200 foyers', 'environ 11 %', '+6 %': qualifier, signed number, unit."""
    text = with_unit(format_number(value, language=language, sign=sign), unit, language=language)
    return f"{qualifier}{NBSP}{text}" if qualifier else text


# French punctuation. Only spaces that are already there are made no-break before ":" (so URLs
# and times such as 9:00 are left alone); "!" and "?" glued to a word get a narrow space.
_SPACE_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:")
_SPACE_BEFORE_TALL = re.compile(r"[ \u00a0\u202f]+([;!?])")
_GLUED_TALL = re.compile(r"(?<=[^\W\d_])([!?])(?=\s|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")
_APOSTROPHE = re.compile(r"(?<=[^\W_])'(?=[^\W_])")
_DIGIT_GROUP = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_NUMBER_UNIT = re.compile(r"(?<=\d) (?=(?:%|€|M€|k€|km|ha)(?!\w))")


def apostrophes(text: str) -> str:
    """ "l'ESS" -> "l’ESS" (between letters only: code and quotes are left alone)."""
    return _APOSTROPHE.sub("\u2019", text)


def typeset(text: str) -> str:
    """French text as it should be printed (UI strings and rendered data).

    "Source : INSEE ; voir « ici »" -> no-break spaces before ":" and ";" and inside « »;
    "l'ESS" -> "l’ESS"; "1 200 foyers", "60 %", "410 €" -> no-break spaces.
    """
    if not text:
        return text
    text = apostrophes(str(text))
    text = _SPACE_BEFORE_COLON.sub(NBSP + ":", text)
    text = _SPACE_BEFORE_TALL.sub(NNBSP + r"\1", text)
    text = _GLUED_TALL.sub(NNBSP + r"\1", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    text = _CLOSE_QUOTE.sub(NBSP + "»", text)
    text = _DIGIT_GROUP.sub(NNBSP, text)
    return _NUMBER_UNIT.sub(NBSP, text)
