from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intercos.reference import ReferenceError, load_reference
from intercos.services import territories_import


class Command(BaseCommand):
    help = (
        "Load départements, intercommunalités and communes from @etalab/decoupage-administratif "
        "(the .tgz of `npm pack @etalab/decoupage-administratif@6.0.0`, or its data folder) or "
        "from files in the geographic API's format. Idempotent, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="tarball or folder")
        parser.add_argument(
            "--departements",
            default="26,07",
            help="comma-separated département codes (default: 26,07)",
        )

    def handle(self, *args, source: Path, departements: str, **options):
        codes = [
            c.strip().upper() if c.strip()[:1].isalpha() else c.strip()
            for c in departements.split(",")
            if c.strip()
        ]
        if not codes:
            raise CommandError("--departements: at least one code is required")
        try:
            reference = load_reference(source, codes)
        except ReferenceError as exc:
            raise CommandError(f"nothing imported: {exc}") from exc
        report = territories_import(reference=reference)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.departements} départements, {report.intercos} intercos, "
                f"{report.communes} communes ({report.created} created, {report.updated} updated)"
            )
        )
