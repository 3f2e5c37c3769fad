"""Filter pieces shared by every FilterSet of both apps (HTML pages and the API)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

MAX_TEXT = 200


def _no_nul(value: str) -> None:
    if value and "\x00" in value:
        raise ValidationError(_("Caractère non autorisé."), code="nul")


class SafeCharFilter(filters.CharFilter):
    """A text filter with a length limit and no NUL byte."""

    def __init__(self, *args, max_length: int = MAX_TEXT, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra["validators"] = [MaxLengthValidator(max_length), _no_nul]
        self.extra.setdefault("strip", True)
