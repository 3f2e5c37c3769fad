"""The directory in the data·inclusion schema (v1 `Structure` and `Service`).

Every published initiative is a *service* (what it offers, with its thématiques and its
zone d'éligibilité). Structures are the initiatives that no published initiative carries
(a project or a service carried by a published structure is attached to it). Nothing is
invented: a field the directory does not know is left out.

The records are validated with the package's models in the tests (warnings as errors,
`validate(..., strict=True)`), on the seeded data and on a synthetic sample.
"""

from collections.abc import Iterable, Iterator
from datetime import date

from django.utils import timezone
from pydantic import EmailStr, HttpUrl, TypeAdapter
from pydantic import ValidationError as PydanticError

SOURCE = "essmap"

# Directory themes → data·inclusion thématiques (v1 services take sub-thématiques only).
# A theme with no honest counterpart (energy, local currencies, re-use) maps to nothing
# rather than to a wrong category.
THEMATIQUES: dict[str, tuple[str, ...]] = {
    "alimentation": ("equipement-et-alimentation--alimentation",),
    "habitat": ("logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",),
    "mobilite": ("mobilite--mobilite-douce-partagee-collective",),
    "insertion": ("trouver-un-emploi--maintien-dans-lemploi",),
    "finance-solidaire": ("creer-une-entreprise--developper-son-entreprise",),
    "tiers-lieux": ("remobilisation--lien-social",),
    "culture": ("remobilisation--activites-sportives-et-culturelles",),
    "education": ("se-former--trouver-sa-formation",),
    "sante": ("sante--acces-aux-soins",),
    "accompagnement": ("creer-une-entreprise--structurer-son-projet-de-creation-dentreprise",),
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
    """Where and how to reach it, from the public representation (representation.py)."""
    return {
        "commune": fields["commune"],
        "code_insee": fields["commune_insee"],
        "code_postal": fields["postal_code"] or None,
        "adresse": fields["address"] or None,
        "latitude": fields["latitude"],
        "longitude": fields["longitude"],
        "telephone": fields["phone"] or None,
        "courriel": _checked(_EMAIL, fields["email"]),
    }


def thematiques(initiative) -> list[str] | None:
    found = sorted(
        {t for theme in initiative.themes.all() for t in THEMATIQUES.get(theme.slug, ())}
    )
    return found or None


def zone_eligibilite(initiative, departement_intercos: dict[str, set[str]]) -> list[str] | None:
    """The covered intercos' SIRENs (a whole département covered: its code), else the commune.

    `departement_intercos` maps each département code to the SIRENs of its intercos.
    """
    covered = {interco.siren for interco in initiative.coverage.all()}
    if not covered:
        return [initiative.commune.insee] if initiative.commune else None
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
    """The published carrier's structure (`carrier_slug`, annotated by the selector), or its own."""
    carrier = getattr(initiative, "carrier_slug", None)
    return f"{SOURCE}--{carrier}" if carrier else record_id(initiative)


def structures(initiatives: Iterable, *, fields_of) -> Iterator[dict]:
    """Structure records of initiatives that are structures (selectors.structure_queryset).

    `fields_of(initiative)` gives its public representation (with absolute page URLs).
    """
    for initiative in initiatives:
        yield structure_record(initiative, fields_of(initiative))


def services(
    initiatives: Iterable, *, fields_of, departement_intercos: dict[str, set[str]]
) -> Iterator[dict]:
    for initiative in initiatives:
        yield service_record(
            initiative,
            fields_of(initiative),
            structure_id=structure_id_of(initiative),
            departement_intercos=departement_intercos,
        )


def validate(record: dict, model, *, strict: bool = True):
    """The record parsed by a data·inclusion model; with `strict`, warnings are errors."""
    return model.model_validate(record, context={"ignore_warnings": not strict})
