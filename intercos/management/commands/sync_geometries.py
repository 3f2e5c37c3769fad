from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intercos.geometries import geometries_sync, read_local, read_remote
from intercos.models import Commune, Interco
from intercos.reference import ReferenceError

DEFAULT_SOURCE = "https://geo.api.gouv.fr"


class Command(BaseCommand):
    help = (
        "Fill centres and contours of the loaded communes, intercos and départements from the "
        "official geographic API (a URL) or local files in its format (a folder holding "
        "communes.json, epcis.json, departements.json). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", default=DEFAULT_SOURCE, help="URL or folder")
        parser.add_argument("--no-contours", action="store_true", help="centres only")

    def handle(self, *args, source: str, no_contours: bool, **options):
        try:
            if source.startswith(("http://", "https://")):
                deps = sorted(
                    set(
                        Commune.objects.filter(interco__isnull=False).values_list(
                            "departement_id", flat=True
                        )
                    )
                )
                data = read_remote(source, deps, Interco.objects.values_list("pk", flat=True))
            else:
                data = read_local(Path(source))
            counts = geometries_sync(data=data, contours=not no_contours)
        except ReferenceError as exc:
            raise CommandError(f"nothing changed: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(", ".join(f"{n} {name}" for name, n in counts.items()) + " updated")
        )
