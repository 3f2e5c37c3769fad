"""A run's report in words (the command's output, the admin's preview)."""

from django.utils.translation import gettext as _

from .models import RegisterImportRun

ACTIONS = ("created", "updated", "unchanged", "archived", "skipped")


def action_label(action: str) -> str:
    return {
        "created": _("créée"),
        "updated": _("mise à jour"),
        "unchanged": _("inchangée"),
        "archived": _("archivée"),
        "skipped": _("ignorée"),
    }.get(action, action)


def summary(run: RegisterImportRun) -> str:
    text = _(
        "%(created)s créées, %(updated)s mises à jour, %(unchanged)s inchangées, "
        "%(archived)s archivées, %(skipped)s lignes ignorées, %(duplicates)s doublons possibles"
    ) % {name: getattr(run, name) for name in (*ACTIONS, "duplicates")}
    if run.dry_run:
        text = _("Simulation (rien n'est écrit) : %(summary)s") % {"summary": text}
    return text


def report_lines(run: RegisterImportRun) -> list[str]:
    lines = [summary(run)]
    for entry in run.details:
        if entry["action"] in ("created", "unchanged") and not entry.get("reason"):
            if not entry.get("duplicate_of"):
                continue
        parts = [
            _("ligne %(row)s") % {"row": entry["row"]} if entry["row"] else "—",
            entry.get("source_id") or "",
            str(action_label(entry["action"])),
        ]
        if entry.get("reason"):
            parts.append(entry["reason"])
        if entry.get("fields"):
            parts.append(", ".join(entry["fields"]))
        if entry.get("duplicate_of"):
            parts.append(_("doublon possible de %(slug)s") % {"slug": entry["duplicate_of"]})
        lines.append(" · ".join(p for p in parts if p))
    return lines
