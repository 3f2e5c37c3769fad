import json
from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from initiatives.models import Initiative
from initiatives.registers.services import register_import
from initiatives.services import initiatives_reindex, points_settle
from intercos.geometries import geometries_sync, read_local

FIXTURES = ["territories.json", "article.json"]
# The committed register extracts (fixtures/registres/README.md): source, file, file's date.
REGISTER_FIXTURES = [
    ("finess-esat", "esat-finess-drome-ardeche.csv", date(2026, 6, 1)),
    ("siae", "siae-asp-2019-drome-ardeche.csv", date(2019, 7, 1)),
]
# Records earlier fixtures published as initiatives that the article cites only as sources
# (issue 18): the ALEC de Valence and the CRESS stay as Source rows. Removed from a database
# loaded before, when they are still the fixtures' records (same pk, slug and source).
RETIRED = {6: "alec-de-valence", 10: "cress-auvergne-rhone-alpes"}
ARTICLE_SOURCE = 1


class Command(BaseCommand):
    help = (
        "Load the territorial reference, its centres and contours (fixtures/geometries: IGN "
        "Admin Express COG 2018 via france-geojson, Licence Ouverte) and the article's content "
        "from fixtures/ (idempotent: loading twice changes nothing), then refresh search keys "
        "and approximate points."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--registers",
            action="store_true",
            help="also import the committed register extracts (fixtures/registres), published "
            "and marked with their source and date (`make load` does)",
        )

    def handle(self, *args, **options):
        folder = settings.BASE_DIR / "fixtures"
        paths = [folder / name for name in FIXTURES]
        with transaction.atomic():
            call_command("loaddata", str(paths[0]), verbosity=options["verbosity"])
            # Centres and contours before the initiatives: approximate points need them.
            geometries_sync(data=read_local(folder / "geometries"))
            call_command("loaddata", *[str(p) for p in paths[1:]], verbosity=options["verbosity"])
            for pk, slug in RETIRED.items():
                Initiative.objects.filter(pk=pk, slug=slug, source_id=ARTICLE_SOURCE).delete()
            pks = [
                obj["pk"]
                for path in paths
                for obj in json.loads(path.read_text(encoding="utf-8"))
                if obj["model"] == "initiatives.initiative"
            ]
            loaded = Initiative.objects.filter(pk__in=pks)
            count = initiatives_reindex(loaded)
            points_settle(loaded)
        self.stdout.write(self.style.SUCCESS(f"fixtures loaded, {count} initiatives indexed"))
        if options["registers"]:
            for source, name, file_date in REGISTER_FIXTURES:
                run = register_import(
                    source=source,
                    paths=[folder / "registres" / name],
                    publish=True,
                    source_date=file_date,
                )
                self.stdout.write(
                    f"{source}: {run.created} created, {run.updated} updated, "
                    f"{run.unchanged} unchanged, {run.skipped} skipped"
                )
