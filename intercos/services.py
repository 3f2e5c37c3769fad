"""Writes on territories: reference import and geometry sync (idempotent, all or nothing)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from essmap.cache import data_changed
from essmap.text import normalize

from .models import Commune, Departement, Interco
from .reference import Reference


@dataclass
class ImportReport:
    departements: int = 0
    intercos: int = 0
    communes: int = 0
    created: int = 0
    updated: int = 0


def _interco_slugs(reference: Reference) -> dict[str, str]:
    taken = dict(Interco.objects.values_list("slug", "siren"))
    slugs = {}
    for siren, ic in sorted(reference.intercos.items()):
        slug = slugify(ic.name)[:190] or siren
        if taken.get(slug, siren) != siren:
            slug = f"{slug}-{siren}"
        taken[slug] = siren
        slugs[siren] = slug
    return slugs


def _upsert(model, rows: dict[str, dict], report: ImportReport) -> None:
    existing = model.objects.in_bulk(list(rows))
    to_create, to_update, fields = [], [], set()
    for pk, values in rows.items():
        obj = existing.get(pk)
        if obj is None:
            to_create.append(model(pk=pk, **values))
            continue
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            fields.update(changed)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=500)
    report.created += len(to_create)
    report.updated += len(to_update)


@transaction.atomic
def territories_import(*, reference: Reference) -> ImportReport:
    """Create or update départements, intercos and communes; running it twice changes nothing."""
    report = ImportReport(
        departements=len(reference.departements),
        intercos=len(reference.intercos),
        communes=len(reference.communes),
    )
    known = set(Departement.objects.values_list("code", flat=True))
    _upsert(
        Departement,
        {
            code: {"name": name or code, "region_code": reference.regions.get(code, "")}
            for code, name in reference.departements.items()
            if name or code not in known
        },
        report,
    )
    slugs = _interco_slugs(reference)
    _upsert(
        Interco,
        {
            siren: {
                "name": ic.name,
                "slug": slugs[siren],
                "kind": ic.kind,
                "population": ic.population,
            }
            for siren, ic in reference.intercos.items()
        },
        report,
    )
    _upsert(
        Commune,
        {
            insee: {
                "name": c.name,
                "search_name": normalize(c.name),
                "postcodes": " ".join(c.postcodes),
                "population": c.population,
                "departement_id": c.departement,
                "interco_id": c.interco,
            }
            for insee, c in reference.communes.items()
        },
        report,
    )
    through = Interco.departements.through
    wanted = {
        (c.interco, c.departement)
        for c in reference.communes.values()
        if c.interco in reference.intercos
    }
    current = set(
        through.objects.filter(interco_id__in=list(reference.intercos)).values_list(
            "interco_id", "departement_id"
        )
    )
    stale = current - wanted
    for interco_id, departement_id in stale:
        through.objects.filter(interco_id=interco_id, departement_id=departement_id).delete()
    through.objects.bulk_create(
        [through(interco_id=i, departement_id=d) for i, d in sorted(wanted - current)]
    )
    data_changed()
    return report
