"""Cells of an imported file, as a spreadsheet leaves them, made into what the forms accept.

- a phone number the spreadsheet turned into a number (475223344, 4.75223344E8) gets its
  leading 0 back and is written in pairs: "04 75 22 33 44";
- a website without a scheme ("www.example.org") gets https://, as the forms assume;
- hours typed in French ("lundi-vendredi 9h-12h") become the OpenStreetMap syntax.

Values that cannot be normalised are returned unchanged: the row's checks report them, under
the file's own column name.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from . import hours

_DIGITS = re.compile(r"\d+")
_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?$", re.IGNORECASE)


def phone(value: str) -> str:
    """'475223344' / '4.75223344E8' / '475223344.0' -> '04 75 22 33 44'; '+33475223344' ->
    '+33 4 75 22 33 44'. Anything else is kept as typed."""
    text = value.strip()
    if re.fullmatch(r"\d+(\.0+)?|\d(\.\d+)?[eE]\+?\d+", text):
        try:
            text = str(int(Decimal(text)))
        except (InvalidOperation, ValueError):
            return value
        if len(text) == 9:  # a French number that lost its leading 0
            text = "0" + text
    digits = "".join(_DIGITS.findall(text))
    if text.startswith("+33") and len(digits) == 11:
        rest = digits[2:]
        return "+33 " + rest[0] + " " + " ".join(rest[i : i + 2] for i in range(1, 9, 2))
    if len(digits) == 10 and digits.startswith("0") and not text.startswith("+"):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return value


def website(value: str) -> str:
    """'www.example.org' or 'example.org/page' -> 'https://…'; anything with a scheme, or
    that does not look like an address, is kept as typed."""
    text = value.strip()
    if "://" in text or not _DOMAIN.match(text):
        return value
    return "https://" + text


def opening_hours(value: str) -> str:
    """French hours -> OSM syntax; valid OSM or unreadable text is kept as typed."""
    try:
        return hours.to_osm(value)[0]
    except ValidationError:
        return value


NORMALISERS = {"phone": phone, "website": website, "opening_hours": opening_hours}


def normalise(field: str, value: str) -> str:
    """The cell for `field` as the forms would accept it (unchanged for other fields)."""
    normaliser = NORMALISERS.get(field)
    return normaliser(value) if normaliser and value else value
