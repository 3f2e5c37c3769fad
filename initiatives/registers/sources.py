"""The registers essmap imports: their readers (by dotted path, imported when used) and how a
record's provenance is said on its page."""

from collections.abc import Callable
from importlib import import_module

from django.utils import formats
from django.utils.translation import gettext as _

from ..models import REGISTER_CHOICES, Initiative

# source -> "module.function" of its reader (records.py: `read(paths, *, departements)`).
READERS = {
    "finess-esat": "initiatives.registers.finess.read",
    "siae": "initiatives.registers.siae.read",
    "data-inclusion": "initiatives.registers.datainclusion.read",
    "sirene": "initiatives.registers.sirene.read",
}
LABELS = dict(REGISTER_CHOICES)


class UnknownSource(Exception):
    pass


def reader(source: str) -> Callable:
    """The reader of a source; UnknownSource when there is none (or it is not written yet)."""
    if source not in READERS:
        raise UnknownSource(
            _("Registre inconnu « %(source)s » : %(known)s.")
            % {"source": source, "known": ", ".join(sorted(READERS))}
        )
    module, _dot, name = READERS[source].rpartition(".")
    try:
        return getattr(import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise UnknownSource(
            _("Le lecteur du registre « %(source)s » n'est pas encore disponible.")
            % {"source": source}
        ) from exc


def provenance_line(initiative: Initiative) -> str:
    """ "Source : liste des SIAE (ASP), juillet 2019 — non vérifiée par l'intercommunalité";
    "" for a record the interco recorded itself."""
    if initiative.origin != Initiative.Origin.REGISTER or not initiative.register_source:
        return ""
    label = str(LABELS.get(initiative.register_source, initiative.register_source))
    if initiative.register_date:
        label += ", " + formats.date_format(initiative.register_date, "F Y")
    verified = (
        _("vérifiée par l'intercommunalité")
        if initiative.verified_by
        else _("non vérifiée par l'intercommunalité")
    )
    return _("Source : %(register)s — %(verified)s") % {"register": label, "verified": verified}
