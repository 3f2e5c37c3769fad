"""Reads on initiatives for pages and the API."""

from django.db.models import Prefetch, QuerySet

from .filters import InitiativeFilterSet
from .models import Initiative, Theme


def initiative_public_list() -> QuerySet[Initiative]:
    return (
        Initiative.objects.published()
        .select_related("commune", "commune__interco")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("position")))
    )


def initiative_filter(*, data, request=None) -> InitiativeFilterSet:
    """The bound FilterSet over public initiatives; check `.is_valid()` then use `.qs`."""
    return InitiativeFilterSet(data=data, queryset=initiative_public_list(), request=request)


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


def user_can_edit_initiative(user, initiative: Initiative) -> bool:
    if initiative.pk is None:
        return False
    return initiatives_for_user(user).filter(pk=initiative.pk).exists()
