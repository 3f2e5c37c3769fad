"""Input shared by the API's write serializers: control characters refused, field by field.

A NUL byte reaches PostgreSQL as a query parameter when a related field (slug, INSEE code,
SIREN) is looked up with it, and psycopg refuses it with a DataError: a 500. Other C0 control
characters (but tab, line feed and carriage return) have no place in any field either: they
break CSV exports, e-mails and the pages. So every value of the request body, nested lists
and objects included, is checked once, before any field validates or queries anything, and
the request is a 400 naming each field that holds one.
"""

import re

from django.utils.translation import gettext as _
from rest_framework import serializers

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _holds_control_character(value) -> bool:
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, list | tuple):
        return any(_holds_control_character(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_control_character(k) or _holds_control_character(v)
                   for k, v in value.items())  # fmt: skip
    return False


def control_character_errors(data) -> dict[str, list[str]]:
    """{field: [message]} for each field of `data` holding a control character."""
    if not hasattr(data, "items"):
        return {}
    message = _("Caractère de contrôle interdit (octet nul ou autre caractère invisible).")
    if hasattr(data, "lists"):  # a QueryDict (form or multipart body): every value of a key
        items = ((key, values) for key, values in data.lists())
    else:
        items = data.items()
    return {str(key): [message] for key, value in items if _holds_control_character(value)}


class RefuseControlCharacters(serializers.Serializer):
    """Base of a write serializer: control characters in any field are a 400 for that field."""

    def to_internal_value(self, data):
        errors = control_character_errors(data)
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
