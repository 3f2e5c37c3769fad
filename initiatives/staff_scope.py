"""Which initiatives a staff account may see and edit: its intercos' (all for a superuser).

Shared by the admin, the write rules, the imports and the API's write permissions.
"""

from django.db.models import QuerySet

from .models import Initiative


def initiatives_for_user(user) -> QuerySet[Initiative]:
    """Every initiative a staff account may see and edit: its intercos' (all for a superuser).

    An initiative belongs to a territory when it is located in one of its communes or
    covers it. Shared by the admin and the API's write permissions.
    """
    if not (user and user.is_authenticated and user.is_active):
        return Initiative.objects.none()
    if user.is_superuser:
        return Initiative.objects.all()
    intercos = user.interco_memberships.values("interco_id")
    return Initiative.objects.in_intercos(intercos)


def initiative_intercos(initiative: Initiative) -> set[str]:
    """SIRENs of the intercos an initiative belongs to (its commune's, and those it covers)."""
    sirens = set()
    if initiative.commune_id and initiative.commune.interco_id:
        sirens.add(initiative.commune.interco_id)
    if initiative.pk:
        sirens.update(initiative.coverage.values_list("pk", flat=True))
    return sirens
