"""`python -m bench.generate_synthetic --count N --seed S`: synthetic initiatives, benchmarks only.

Replaces any earlier synthetic data (initiatives flagged `is_synthetic`, communes and intercos
named with the synthetic prefix), so that a count and a seed always give the same database.
Refuses to run on a database holding real initiatives unless `--allow-real` is given.
Runs with the settings and database manage.py would use (DJANGO_SETTINGS_MODULE,
DATABASE_URL); tests call `call_command(Command(), count=…)`.
"""

import contextlib
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

if __name__ == "__main__":  # run as a script: set Django up before importing models
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essmap.settings.local")
    django.setup()

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify

from essmap.text import normalize
from initiatives.models import Initiative, KeyFigure, Partnership, Theme
from intercos.models import Commune, Departement, Interco

from .synthetic import (
    DEFAULT_THEMES,
    SIREN_PREFIX,
    SYNTH_PREFIX,
    InitiativeFactory,
    plan_territories,
    ring,
)
from .synthetic_places import DEPARTEMENTS


def delete_synthetic() -> int:
    """Remove every synthetic initiative, commune and interco; returns the initiatives removed."""
    synthetic = Initiative.objects.filter(is_synthetic=True)
    Initiative.objects.filter(carried_by__is_synthetic=True).update(carried_by=None)
    Partnership.objects.filter(partner_initiative__is_synthetic=True).delete()
    Partnership.objects.filter(initiative__is_synthetic=True).delete()
    KeyFigure.objects.filter(initiative__is_synthetic=True).delete()
    Initiative.themes.through.objects.filter(initiative__is_synthetic=True).delete()
    Initiative.coverage.through.objects.filter(initiative__is_synthetic=True).delete()
    removed = synthetic._raw_delete(synthetic.db)
    Commune.objects.filter(
        name__startswith=SYNTH_PREFIX, insee__regex=r"^.{2}9[5-9][0-9]$"
    ).delete()
    Interco.objects.filter(name__startswith=SYNTH_PREFIX, siren__startswith=SIREN_PREFIX).delete()
    return removed


def ensure_themes() -> list[Theme]:
    if not Theme.objects.exists():
        Theme.objects.bulk_create(
            Theme(slug=slug, name=name, name_en=name_en, colour=colour, position=i)
            for i, (slug, name, name_en, colour) in enumerate(DEFAULT_THEMES)
        )
    return list(Theme.objects.order_by("position", "slug"))


def create_territories():
    """Synthetic intercos and communes; returns (plan, {insee: Commune})."""
    plan = plan_territories()
    taken = set(Commune.objects.values_list("insee", flat=True))
    for ic in plan:
        ic.communes = [c for c in ic.communes if c.insee not in taken]
    plan = [ic for ic in plan if ic.communes]
    deps = {ic.town.dep for ic in plan}
    existing = set(Departement.objects.filter(code__in=deps).values_list("code", flat=True))
    Departement.objects.bulk_create(
        Departement(code=code, name=DEPARTEMENTS.get(code, code)) for code in deps - existing
    )
    intercos = Interco.objects.bulk_create(
        Interco(
            siren=ic.siren,
            name=ic.name,
            slug=slugify(ic.name),
            kind=ic.kind,
            population=ic.population,
            centre_lat=ic.town.lat,
            centre_lon=ic.town.lon,
            contour=ring(ic.town.lat, ic.town.lon, 6 + 8 * (ic.population / 1e6) ** 0.5, 200, n),
        )
        for n, ic in enumerate(plan)
    )
    Interco.departements.through.objects.bulk_create(
        Interco.departements.through(interco_id=ic.siren, departement_id=ic.town.dep) for ic in plan
    )
    communes = Commune.objects.bulk_create(
        Commune(
            insee=c.insee,
            name=c.name,
            search_name=normalize(c.name),
            postcodes=c.postcode,
            population=c.population,
            departement_id=c.dep,
            interco_id=c.siren,
            centre_lat=c.lat,
            centre_lon=c.lon,
            contour=ring(c.lat, c.lon, 2 + 2 * (c.population / 1e5) ** 0.5, 48, int(c.insee[2:])),
        )
        for ic in plan
        for c in ic.communes
    )
    for obj, ic in zip(intercos, plan, strict=True):
        obj.seat_id = ic.communes[0].insee
    Interco.objects.bulk_update(intercos, ["seat"])
    return plan, {c.insee: c for c in communes}


@contextlib.contextmanager
def deferred_gin_indexes(table: str, *, enabled: bool):
    """On PostgreSQL, drop the table's GIN indexes for a bulk load and rebuild them after.

    Rebuilding a GIN index once is much faster than updating it row by row; the definitions
    are read back from pg_indexes, so whatever the migrations created is restored as it was.
    """
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexdef LIKE '%%USING gin%%'",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _, definition in indexes:
                cursor.execute(definition)


class Command(BaseCommand):
    help = "Generate synthetic initiatives for benchmarks (never for real databases)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--allow-real",
            action="store_true",
            help="Run even though the database holds real (non-synthetic) initiatives.",
        )

    @staticmethod
    def build(factory: InitiativeFactory, size: int) -> list:
        return [factory.build() for _ in range(size)]

    @staticmethod
    @transaction.atomic
    def write(built: list) -> None:
        themes_through = Initiative.themes.through
        coverage_through = Initiative.coverage.through
        objs = Initiative.objects.bulk_create([b[0] for b in built])
        themes_through.objects.bulk_create(
            themes_through(initiative_id=obj.pk, theme_id=theme_id)
            for obj, (_, theme_ids, _) in zip(objs, built, strict=True)
            for theme_id in theme_ids
        )
        coverage_through.objects.bulk_create(
            coverage_through(initiative_id=obj.pk, interco_id=siren)
            for obj, (_, _, siren) in zip(objs, built, strict=True)
            if siren
        )

    def handle(self, *args, count, seed, batch_size, allow_real, **options):
        if count < 0 or batch_size < 1:
            raise CommandError("--count must be ≥ 0 and --batch-size ≥ 1.")
        real = Initiative.objects.filter(is_synthetic=False).count()
        if real and not allow_real:
            raise CommandError(
                f"This database holds {real} real initiatives: synthetic data is for benchmark "
                "databases only. Use a dedicated database, or pass --allow-real."
            )
        start = time.monotonic()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # bulk-load settings, this session only
                cursor.execute("SET synchronous_commit = off")
                cursor.execute("SET gin_pending_list_limit = '64MB'")
        with transaction.atomic():
            removed = delete_synthetic()
            themes = ensure_themes()
            plan, communes = create_territories()
        factory = InitiativeFactory(seed=seed, intercos=plan, communes=communes, themes=themes)
        sizes = [min(batch_size, count - done) for done in range(0, count, batch_size)]
        table = Initiative._meta.db_table
        # The next batch is built in a thread while this one is written (one at a time, in
        # order, so the output does not depend on timing).
        with (
            deferred_gin_indexes(table, enabled=count >= 20_000),
            ThreadPoolExecutor(max_workers=1) as pool,
        ):
            pending = pool.submit(self.build, factory, sizes[0]) if sizes else None
            for i, _ in enumerate(sizes):
                built = pending.result()
                if i + 1 < len(sizes):
                    pending = pool.submit(self.build, factory, sizes[i + 1])
                self.write(built)
                if options["verbosity"] > 1:
                    self.stdout.write(f"{sum(sizes[: i + 1])}/{count}")
        n_communes = len(communes)
        self.stdout.write(
            f"{count} synthetic initiatives ({len(plan)} intercos, {n_communes} communes, "
            f"{len(themes)} themes; {removed} earlier ones removed) "
            f"in {time.monotonic() - start:.1f}s"
        )


if __name__ == "__main__":
    Command().run_from_argv([sys.argv[0], "generate_synthetic", *sys.argv[1:]])
