import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from initiatives.models import Initiative
from initiatives.services import initiatives_reindex

FIXTURES = ["territories.json", "article.json"]


class Command(BaseCommand):
    help = (
        "Load the territorial reference and the article's content from fixtures/ "
        "(idempotent: loading twice changes nothing), then refresh search keys."
    )

    def handle(self, *args, **options):
        folder = settings.BASE_DIR / "fixtures"
        paths = [folder / name for name in FIXTURES]
        with transaction.atomic():
            call_command("loaddata", *[str(p) for p in paths], verbosity=options["verbosity"])
            pks = [
                obj["pk"]
                for path in paths
                for obj in json.loads(path.read_text(encoding="utf-8"))
                if obj["model"] == "initiatives.initiative"
            ]
            count = initiatives_reindex(Initiative.objects.filter(pk__in=pks))
        self.stdout.write(self.style.SUCCESS(f"fixtures loaded, {count} initiatives indexed"))
