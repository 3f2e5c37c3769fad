"""Reader of the official ESAT list extracted from FINESS (comma-separated, one row per
establishment, "EJ-" columns for the managing body, "ET-" for the establishment).

The published file lost the leading zeros of its codes (FINESS 70783212 is 070783212,
commune 7122 is 07122, département 7 is 07): they are restored. It has no NAF code and no
point: records get no theme from it and are placed at their commune's centre.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from ..models import Initiative
from .common import clean, commune_by_insee, csv_rows, departement_code, siret_problem
from .common import zero_padded as padded
from .records import RegisterRecord, RowSkipped

SOURCE = "finess-esat"
REQUIRED = (
    "EJ-Statut juridique Code", "ET-N°FINESS", "ET-Raison sociale", "ET-Adresse",
    "ET-Code Postal", "ET-SIRET", "ET-Département Code", "ET-Commune Code",
)  # fmt: skip
# FINESS legal status codes (nomenclature "statut juridique") -> essmap legal forms.
LEGAL_FORMS = {
    "47": Initiative.LegalForm.MUTUELLE,  # Société mutualiste
    "60": Initiative.LegalForm.ASSOCIATION,  # Association loi 1901 non reconnue d'utilité publique
    "61": Initiative.LegalForm.ASSOCIATION,  # Association loi 1901 reconnue d'utilité publique
    "62": Initiative.LegalForm.ASSOCIATION,  # Association de droit local
    "63": Initiative.LegalForm.FONDATION,  # Fondation
}


def read(paths: Iterable[Path], *, departements: set[str] | None = None) -> Iterator:
    for path in paths:
        for number, row in csv_rows(Path(path), delimiter=",", required=REQUIRED, source=SOURCE):
            yield _record(number, row, departements)


def _record(number: int, row: dict, departements) -> RegisterRecord | RowSkipped:
    finess = padded(row["ET-N°FINESS"], 9)
    if departements and departement_code(row["ET-Département Code"]) not in departements:
        return RowSkipped(SOURCE, number, _("hors des départements demandés"), finess)
    if len(finess) != 9:
        reason = _("numéro FINESS invalide : « %(finess)s »") % {"finess": finess}
        return RowSkipped(SOURCE, number, reason, finess)
    siret = clean(row["ET-SIRET"]).replace(" ", "")
    problem = siret_problem(siret)
    if problem:
        return RowSkipped(SOURCE, number, problem, finess)
    insee = padded(row["ET-Commune Code"], 5)
    commune = commune_by_insee(insee)
    if commune is None:
        reason = _("commune inconnue : code INSEE « %(insee)s »") % {"insee": insee}
        return RowSkipped(SOURCE, number, reason, finess)
    name = clean(row["ET-Raison sociale"])
    if not name:
        return RowSkipped(SOURCE, number, _("nom absent"), finess)
    status = clean(row["EJ-Statut juridique Code"])
    return RegisterRecord(
        source=SOURCE,
        source_id=finess,
        name=name,
        siret=siret,
        finess=finess,
        legal_form=LEGAL_FORMS.get(status, Initiative.LegalForm.OTHER),
        address=clean(row["ET-Adresse"]),
        postcode=padded(row["ET-Code Postal"], 5),
        commune_insee=commune.insee,
        phone=clean(row.get("ET-Téléphone 1")),
        extra={
            "row": number,
            "managing_body": clean(row.get("EJ-Raison sociale")),
            "managing_body_finess": padded(row.get("EJ-N°FINESS") or "", 9),
            "capacity": clean(row.get("Capacité autorisée agrégée")),
        },
    )
