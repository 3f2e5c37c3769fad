"""Monthly: tell each interco's moderators which records were not verified for 12 months."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from initiatives.opendata.freshness import freshness_digest_send


class Command(BaseCommand):
    help = (
        "Envoie à chaque modérateur la liste des fiches publiées de son territoire non "
        "vérifiées depuis 12 mois. Une fois par mois au plus (relancer ne renvoie rien)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="AAAA-MM-JJ (défaut : aujourd'hui).")

    def handle(self, *args, today: str | None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today : {exc}") from exc
        stats = freshness_digest_send(today=day)
        self.stdout.write(", ".join(f"{k}={v}" for k, v in stats.items()))
