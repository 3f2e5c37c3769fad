"""Checks on official identifiers and contact formats, usable by forms, serializers and imports."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .hours import parse

_PHONE_RE = re.compile(r"^(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}$")
_RNA_RE = re.compile(r"^W[0-9A-Z][0-9]{8}$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siret_is_valid(value: str) -> bool:
    if not (len(value) == 14 and value.isdigit()):
        return False
    # La Poste's establishments (SIREN 356000000) use a different checksum: the sum of the
    # digits is a multiple of 5; its head office (35600000000048) has the usual Luhn key.
    if value.startswith("356000000") and value != "35600000000048":
        return sum(int(c) for c in value) % 5 == 0
    return luhn_ok(value)


def validate_siret(value: str) -> None:
    value = (value or "").replace(" ", "")
    if value and not siret_is_valid(value):
        raise ValidationError(
            _("SIRET invalide : 14 chiffres attendus, avec une clé de contrôle correcte."),
            code="siret",
        )


def validate_rna(value: str) -> None:
    if value and not _RNA_RE.match(value):
        raise ValidationError(
            _("Numéro RNA invalide : « W » suivi de 9 caractères (ex. W073001234)."), code="rna"
        )


def validate_phone(value: str) -> None:
    if value and not _PHONE_RE.match(value.strip()):
        raise ValidationError(
            _("Numéro de téléphone invalide (ex. 04 75 00 00 00 ou +33 4 75 00 00 00)."),
            code="phone",
        )


def validate_opening_hours(value: str) -> None:
    """The OpenStreetMap opening_hours syntax, checked by the maintained parser."""
    if value:
        parse(value)


# Line breaks and other separators that would split a one-line field (a name, a subject).
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def validate_single_line(value: str) -> None:
    """A one-line field (name, summary, address, phone, a person's name) has no line break."""
    if value and _LINE_BREAKS.search(value):
        raise ValidationError(_("Une seule ligne, sans retour à la ligne."), code="single_line")
