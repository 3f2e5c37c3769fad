"""Reader of the ASP's list of SIAE (insertion structures), `;`-separated.

The file has no INSEE code: the commune is found from the postal code and the commune's
upper-case, abbreviated name ("ST AGREVE", "TAIN L HERMITAGE") with the near search's
tolerant key (intercos.places.place_key); a row that matches no commune, or several, is
skipped with its reason. Départements are padded ("007"), street names have leading spaces.
Every measure (ACI, AI, EI, ETTI) is an insertion structure: theme `insertion`.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from ..models import Initiative
from .common import (
    clean,
    commune_by_postcode_and_name,
    csv_rows,
    departement_code,
    siret_problem,
    theme_of,
)
from .common import zero_padded as padded
from .records import RegisterRecord, RowSkipped

SOURCE = "siae"
REQUIRED = (
    "MESURE", "CODE_DEPARTEMENT", "CODE_NAF2", "NATURE_JURIDIQUE", "SIRET",
    "DENOMINATION_SOCIALE", "NUM_RUE", "NOM_RUE", "CODE_POST_COM", "LIB_COM",
)  # fmt: skip
MEASURES = {
    "ACI": "Atelier et chantier d'insertion (ACI)",
    "AI": "Association intermédiaire (AI)",
    "EI": "Entreprise d'insertion (EI)",
    "ETTI": "Entreprise de travail temporaire d'insertion (ETTI)",
    "EITI": "Entreprise d'insertion par le travail indépendant (EITI)",
}


def legal_form(nature: str) -> str:
    """The ASP's legal nature in words -> an essmap legal form."""
    text = clean(nature).lower()
    forms = Initiative.LegalForm
    if text.startswith("association"):
        return forms.ASSOCIATION
    if "intérêt collectif" in text:
        return forms.SCIC
    if "coopérative ouvrière" in text or "scop" in text:
        return forms.SCOP
    if "coopérative" in text:
        return forms.COOPERATIVE
    if "mutuelle" in text:
        return forms.MUTUELLE
    if text.startswith("fondation"):
        return forms.FONDATION
    return forms.OTHER


def read(paths: Iterable[Path], *, departements: set[str] | None = None) -> Iterator:
    for path in paths:
        for number, row in csv_rows(Path(path), delimiter=";", required=REQUIRED, source=SOURCE):
            yield _record(number, row, departements)


def _record(number: int, row: dict, departements) -> RegisterRecord | RowSkipped:
    siret = clean(row["SIRET"]).replace(" ", "")
    if departements and departement_code(row["CODE_DEPARTEMENT"]) not in departements:
        return RowSkipped(SOURCE, number, _("hors des départements demandés"), siret)
    if not siret:
        return RowSkipped(SOURCE, number, _("SIRET absent"))
    problem = siret_problem(siret)
    if problem:
        return RowSkipped(SOURCE, number, problem, siret)
    postcode = padded(row["CODE_POST_COM"] or row.get("CODE_POSTAL") or "", 5)
    commune_name = clean(row["LIB_COM"] or row.get("COMMUNE") or "")
    commune, reason = commune_by_postcode_and_name(postcode, commune_name)
    if commune is None:
        return RowSkipped(SOURCE, number, reason, siret)
    name = clean(row["DENOMINATION_SOCIALE"])
    if not name:
        return RowSkipped(SOURCE, number, _("nom absent"), siret)
    number_in_street = clean(row["NUM_RUE"]).replace(" ", "")
    address = clean(f"{number_in_street} {row['NOM_RUE']}")
    measure = clean(row["MESURE"]).upper()
    naf = clean(row["CODE_NAF2"]).upper()
    themes = sorted({"insertion", theme_of(naf)} - {""})
    return RegisterRecord(
        source=SOURCE,
        source_id=siret,
        name=name,
        siret=siret,
        legal_form=legal_form(row["NATURE_JURIDIQUE"]),
        naf=naf,
        address=address,
        postcode=postcode,
        commune_insee=commune.insee,
        phone=clean(row.get("TELEPHONE")),
        email=clean(row.get("MAIL_SIAE")),
        description=MEASURES.get(measure, measure),
        extra={"row": number, "measure": measure, "themes": themes},
    )
