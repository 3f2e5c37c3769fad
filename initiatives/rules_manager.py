"""The write rules for a record's manager (the structure's own people, initiatives/claims),
part of the one write authority: `rules.py` decides staff writes, this module the manager's,
with the same refusals, change detection and data checks."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import STRUCTURE_VERIFIER, Initiative
from .rules import Refusal, _data_refusals, changed_values, refuse

Status = Initiative.Status

# --- the manager role: a structure's own people, signed in by e-mail link ---------------------
#
# A manager (claims.RecordManager) is no staff account. What a manager's write does, by field:
# "publish": live at once, the territory's moderators told, the manager named in the history;
# "queue": identity and placement, proposed to the moderation queue as a diff (a ChangeReport
# flagged `from_manager`); any other field (status, commune, point, themes, coverage,
# verification…) is refused. A manager reaches only their own PUBLISHED record: another one,
# a draft, an archived record answer as a missing one (404). A manager never publishes,
# archives or deletes.

MANAGER_FIELDS: dict[str, str] = {
    "description": "publish",
    "email": "publish",
    "phone": "publish",
    "website": "publish",
    "opening_hours": "publish",
    "audience": "publish",
    "access_conditions": "publish",
    "name": "queue",
    "siret": "queue",
    "address": "queue",
    "postcode": "queue",
}


@dataclass(frozen=True)
class ManagerPlan:
    publish: dict[str, Any]
    queue: dict[str, Any]


def manager_can_reach(manager, initiative: Initiative | None) -> bool:
    """Only the manager's own record, and only while it is published."""
    return (
        manager is not None
        and manager.pk is not None
        and initiative is not None
        and initiative.pk is not None
        and manager.initiative_id == initiative.pk
        and initiative.status == Status.PUBLISHED
    )


def manager_plan(*, manager, current: Initiative, values: Mapping[str, Any]) -> ManagerPlan:
    """What a manager's write publishes and what it queues; WriteRefused/Forbidden otherwise.

    `current`: the record as it is in the database now; `values`: the form's fields.
    """
    if not manager_can_reach(manager, current):
        raise Initiative.DoesNotExist
    refusals = [
        Refusal(name, _("Ce champ ne peut pas être modifié par la structure."), True)
        for name in values
        if name not in MANAGER_FIELDS
    ]
    refuse(refusals)
    changed = changed_values(current, values)
    publish = {k: v for k, v in changed.items() if MANAGER_FIELDS[k] == "publish"}
    queue = {k: v for k, v in changed.items() if MANAGER_FIELDS[k] == "queue"}
    refuse(_data_refusals(current, publish))
    return ManagerPlan(publish=publish, queue=queue)


def manager_label(manager) -> str:
    """How the history and the moderators' mail name a manager (never the address)."""
    return _("%(name)s (gestionnaire de la structure, n° %(id)s)") % {
        "name": manager.name,
        "id": manager.pk,
    }


def manager_confirmation(*, manager, current: Initiative) -> dict[str, Any]:
    """ "Toujours exact" by a manager: verified today, by the structure."""
    if not manager_can_reach(manager, current):
        raise Initiative.DoesNotExist
    return {"verified_at": timezone.localdate(), "verified_by": STRUCTURE_VERIFIER}
