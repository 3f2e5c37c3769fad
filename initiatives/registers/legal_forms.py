"""INSEE's legal categories (`categorieJuridiqueUniteLegale`, level III) -> the project's forms.

Exact codes first (worker co-operatives, other co-operatives, mutual insurers), then the
families of the nomenclature by their first two digits (92: associations, 93: foundations,
82: mutual organisations). Anything else is "other": the register does not say more, and a
form is never guessed from a name. SCIC have no code of their own in the nomenclature; they
come out as "other co-operative" when INSEE files them under a co-operative code.
"""

from initiatives.models import Initiative

FORM = Initiative.LegalForm

EXACT = {
    # Sociétés coopératives ouvrières de production (SCOP).
    "5458": FORM.SCOP,  # SARL coopérative ouvrière de production
    "5558": FORM.SCOP,  # SA coopérative ouvrière de production à conseil d'administration
    "5658": FORM.SCOP,  # SA coopérative ouvrière de production à directoire
    # Other co-operatives (consumers, craftsmen, maritime, transport, building, unions, other).
    **dict.fromkeys(
        ["5443", "5451", "5453", "5454", "5455", "5459", "5460"], FORM.COOPERATIVE
    ),  # SARL
    **dict.fromkeys(
        ["5543", "5551", "5553", "5554", "5555", "5559", "5560"], FORM.COOPERATIVE
    ),  # SA à conseil d'administration
    **dict.fromkeys(
        ["5643", "5651", "5653", "5654", "5655", "5659", "5660"], FORM.COOPERATIVE
    ),  # SA à directoire
    "6316": FORM.COOPERATIVE,  # Coopérative d'utilisation de matériel agricole en commun (CUMA)
    "6317": FORM.COOPERATIVE,  # Société coopérative agricole
    "6318": FORM.COOPERATIVE,  # Union de sociétés coopératives agricoles
    "6411": FORM.MUTUELLE,  # Société d'assurance à forme mutuelle
}
FAMILIES = {"92": FORM.ASSOCIATION, "93": FORM.FONDATION, "82": FORM.MUTUELLE}


def legal_form(category: str) -> str:
    """The project's legal form of an INSEE category code ("9220" -> "association")."""
    code = (category or "").strip()
    if code in EXACT:
        return str(EXACT[code])
    return str(FAMILIES.get(code[:2], FORM.OTHER))
