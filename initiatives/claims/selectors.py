"""Reads of the claims app: a manager's records (only theirs, only published)."""

from initiatives.models import Initiative

from .models import ManagerClaim, RecordManager


def records_of(email: str) -> list[RecordManager]:
    if not email:
        return []
    return list(
        RecordManager.objects.filter(
            email__iexact=email, initiative__status=Initiative.Status.PUBLISHED
        )
        .select_related("initiative")
        .order_by("initiative__name")
    )


def manager_for(*, email: str, slug: str) -> RecordManager | None:
    """The signed-in address's manager row for this record; None for anything else."""
    if not email or not slug:
        return None
    return (
        RecordManager.objects.filter(
            email__iexact=email,
            initiative__slug=slug,
            initiative__status=Initiative.Status.PUBLISHED,
        )
        .select_related("initiative")
        .first()
    )


def pending_claims_for(initiatives):
    return ManagerClaim.objects.filter(
        initiative__in=initiatives, status=ManagerClaim.Status.PENDING
    )
