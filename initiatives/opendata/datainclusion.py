"""The directory in the data·inclusion schema (v1 `Structure` and `Service`).

data·inclusion lists the services a person (or a social worker for them) can use, and the
structures that offer them. The criterion (README, "data·inclusion export"):

- a **service** is a published initiative of kind « Service » (something people use: a
  supply service, a mobility platform, an energy scheme). Structures and projects are not
  services: a network, a bank cited as a partner or a housing project offers nothing one can
  mobilise;
- a **structure** is a published initiative of kind « Structure de l'ESS », plus each exported
  service that no published structure carries (it stands as its own structure, so that every
  service's `structure_id` resolves). Projects are neither.

Nothing is invented: a field the directory does not know is left out (no thématique without
an honest counterpart, no zone d'éligibilité without a covered territory, no coordinates for a
point that is only the commune's centre).

The records are validated with the package's models in the tests (warnings as errors,
`validate(..., strict=True)`), on the seeded data and on a synthetic sample.
"""

from collections.abc import Iterable, Iterator
from datetime import date

from django.utils import timezone
from pydantic import EmailStr, HttpUrl, TypeAdapter
from pydantic import ValidationError as PydanticError

SOURCE = "essmap"
SERVICE_KIND = "service"  # Initiative.Kind.SERVICE (no model import: this module is pure)

# Directory themes → data·inclusion v1 thématiques (services take sub-thématiques only),
# reviewed one by one against the vocabulary of data-inclusion-schema 1.0 (v1/thematiques.py).
# A directory theme is a sector of the social economy; a thématique is a need of the person
# who uses the service. A theme maps only when every service under it answers that need;
# otherwise it maps to nothing rather than to a category wrong in meaning:
#
# - mobilite → "Utiliser des services de mobilité douce, partagée ou collective": an ESS
#   mobility service (car-sharing, rural car-pooling, shared bikes) is exactly that;
# - culture → "Activités sportives et culturelles": a cultural service is such an activity;
# - tiers-lieux → "Lien social": a social third place is a place open to all, for meeting;
# - insertion → nothing. "Maintien dans l'emploi" is for people keeping their job; the theme
#   also covers schemes that *hire* people from work integration (Energie Solidaire's 7
#   advisers), which are no job service for the public;
# - finance-solidaire → nothing. "Développer son entreprise" is support to business owners;
#   solidarity finance includes micro-loans to families (Crédit coopératif, Energie
#   Solidaire) and savings products;
# - education → nothing. "Trouver sa formation" is finding a training course; the theme was
#   given to school canteens and campus projects, which are not that;
# - habitat → nothing (doubtful): "S'informer sur les démarches liées à l'accès au logement"
#   is housing-access advice; the theme covers participatory housing and building projects;
# - alimentation → nothing (doubtful): "Alimentation" (under "Équipement et alimentation") is
#   access to food for people in need; the theme covers canteen supply chains and producers;
# - sante → nothing (doubtful): "Accès aux soins" covers care; the theme is "Santé et
#   vieillissement", which also covers ageing at home;
# - accompagnement → nothing (doubtful): "Structurer son projet de création d'entreprise"
#   fits an incubator but not the networks the theme also covers;
# - energie, monnaie-locale, reemploi → no counterpart in the vocabulary.
THEMATIQUES: dict[str, tuple[str, ...]] = {
    "mobilite": ("mobilite--mobilite-douce-partagee-collective",),
    "culture": ("remobilisation--activites-sportives-et-culturelles",),
    "tiers-lieux": ("remobilisation--lien-social",),
}
_EMAIL = TypeAdapter(EmailStr)
_URL = TypeAdapter(HttpUrl)


def record_id(initiative) -> str:
    return f"{SOURCE}--{initiative.slug}"


def _name(value: str) -> str:
    """3 to 150 characters, not ending with a full stop (the schema's rule for `nom`)."""
    name = " ".join(value.split())[:150].rstrip()
    while name.endswith(".") and not name.endswith("etc."):
        name = name[:-1].rstrip()
    return name if len(name) >= 3 else f"{name} (ESS)"


def _text(*candidates: str) -> str | None:
    for value in candidates:
        value = (value or "").strip()
        if len(value) >= 5:
            return value[:10000]
    return None


def _checked(adapter: TypeAdapter, value: str) -> str | None:
    """The value if the schema accepts it; else None (an e-mail or URL the schema's stricter
    checks refuse is left out of the export rather than failing the whole record)."""
    if not value:
        return None
    try:
        adapter.validate_python(value)
    except PydanticError:
        return None
    return value


def _date_maj(initiative) -> date:
    updated = timezone.localdate(initiative.updated_at)
    return min(updated, timezone.localdate())


def _place(fields: dict) -> dict:
    """Where and how to reach it, from the public representation (representation.py).

    A point that is only the commune's centre (`approximate_point`) is no location: it is
    left out, the commune stays."""
    exact = not fields["approximate_point"]
    return {
        "commune": fields["commune"],
        "code_insee": fields["commune_insee"],
        "code_postal": fields["postal_code"] or None,
        "adresse": fields["address"] or None,
        "latitude": fields["latitude"] if exact else None,
        "longitude": fields["longitude"] if exact else None,
        "telephone": fields["phone"] or None,
        "courriel": _checked(_EMAIL, fields["email"]),
    }


def offers_service(initiative) -> bool:
    """The export's criterion for a data·inclusion service (see the module's docstring)."""
    return initiative.kind == SERVICE_KIND


def thematiques(initiative) -> list[str] | None:
    found = sorted(
        {t for theme in initiative.themes.all() for t in THEMATIQUES.get(theme.slug, ())}
    )
    return found or None


def zone_eligibilite(initiative, departement_intercos: dict[str, set[str]]) -> list[str] | None:
    """The covered intercos' SIRENs (EPCI codes; a whole département covered: its code).

    None when the record covers no interco: the commune of its office or of its point says
    where it is, not who may use it. `departement_intercos` maps each département code to
    the SIRENs of its intercos.
    """
    covered = {interco.siren for interco in initiative.coverage.all()}
    if not covered:
        return None
    codes = []
    for code, sirens in sorted(departement_intercos.items()):
        if sirens and sirens <= covered:
            codes.append(code)
    whole = set().union(*(departement_intercos[c] for c in codes)) if codes else set()
    return codes + sorted(covered - whole)


def structure_record(initiative, fields: dict) -> dict:
    """`fields`: the initiative's public representation (representation.public_fields)."""
    return {
        "source": SOURCE,
        "id": record_id(initiative),
        "nom": _name(fields["name"]),
        "date_maj": _date_maj(initiative).isoformat(),
        "description": _text(initiative.description, fields["summary"]),
        "lien_source": fields["url"],
        "siret": fields["siret"] or None,
        "site_web": _checked(_URL, fields["website"]),
        "horaires_accueil": fields["opening_hours"] or None,
        **_place(fields),
    }


def service_record(
    initiative, fields: dict, *, structure_id: str, departement_intercos: dict[str, set[str]]
) -> dict:
    themes = ", ".join(t.name for t in initiative.themes.all())
    fallback = f"{initiative.get_kind_display()} de l'économie sociale et solidaire" + (
        f" ({themes})" if themes else ""
    )
    return {
        "source": SOURCE,
        "structure_id": structure_id,
        "id": record_id(initiative),
        "nom": _name(fields["name"]),
        "description": _text(initiative.description, fields["summary"]) or fallback,
        "lien_source": fields["url"],
        "date_maj": _date_maj(initiative).isoformat(),
        "thematiques": thematiques(initiative),
        "zone_eligibilite": zone_eligibilite(initiative, departement_intercos),
        "lien_mobilisation": _checked(_URL, fields["website"]),
        "horaires_accueil": fields["opening_hours"] or None,
        **_place(fields),
    }


def structure_id_of(initiative) -> str:
    """The published carrying structure (`carrier_slug`, annotated by the selector), or its own."""
    carrier = getattr(initiative, "carrier_slug", None)
    return f"{SOURCE}--{carrier}" if carrier else record_id(initiative)


def structures(initiatives: Iterable, *, fields_of) -> Iterator[dict]:
    """Structure records (selectors.structure_queryset).

    `fields_of(initiative)` gives its public representation (with absolute page URLs).
    """
    for initiative in initiatives:
        yield structure_record(initiative, fields_of(initiative))


def services(
    initiatives: Iterable, *, fields_of, departement_intercos: dict[str, set[str]]
) -> Iterator[dict]:
    """Service records of the initiatives that offer one (selectors.service_queryset)."""
    for initiative in initiatives:
        if not offers_service(initiative):
            continue
        yield service_record(
            initiative,
            fields_of(initiative),
            structure_id=structure_id_of(initiative),
            departement_intercos=departement_intercos,
        )


def validate(record: dict, model, *, strict: bool = True):
    """The record parsed by a data·inclusion model; with `strict`, warnings are errors."""
    return model.model_validate(record, context={"ignore_warnings": not strict})
