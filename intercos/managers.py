from django.db import models
from django.db.models import Q

from essmap.text import normalize


class IntercoQuerySet(models.QuerySet):
    def for_user(self, user):
        """Intercos a staff account belongs to (all of them for a superuser)."""
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user)


class CommuneQuerySet(models.QuerySet):
    def matching(self, term: str):
        """Communes whose name contains the term, or whose postcode starts with it."""
        term = (term or "").strip()
        if not term:
            return self.none()
        if term.isdigit():
            return self.filter(Q(postcodes__startswith=term) | Q(postcodes__contains=f" {term}"))
        key = normalize(term)
        return self.filter(search_name__contains=key)
