"""Regenerate the open data files when the data changed (run by a scheduler, see README)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from initiatives.opendata.files import opendata_build, opendata_dir


class Command(BaseCommand):
    help = (
        "Écrit les fichiers complets (CSV, GeoJSON, chiffres clés, data·inclusion) dans "
        "OPENDATA_DIR, de façon atomique, si les données ont changé (ou avec --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Régénérer même sans changement.")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL or "http://127.0.0.1:8000",
            help="Adresse publique du site, pour les liens des fichiers (défaut : SITE_URL).",
        )

    def handle(self, *args, force: bool, base_url: str, **options):
        manifest = opendata_build(base_url=base_url, force=force)
        if manifest is None:
            self.stdout.write("Données inchangées : fichiers laissés tels quels.")
            return
        for name, entry in manifest["files"].items():
            self.stdout.write(f"{name}: {entry['rows']} lignes, {entry['size']} octets")
        self.stdout.write(self.style.SUCCESS(f"Fichiers écrits dans {opendata_dir()}"))
