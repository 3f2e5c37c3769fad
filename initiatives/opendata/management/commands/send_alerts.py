"""Send the e-mail alerts' digests of the last complete period (run by a scheduler)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from initiatives.opendata.alerts import alerts_send
from initiatives.opendata.models import AlertSubscription


class Command(BaseCommand):
    help = (
        "Envoie le résumé de la dernière période complète (hier, ou la semaine ISO passée) à "
        "chaque alerte confirmée. Idempotent : une période n'est jamais envoyée deux fois."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency", choices=AlertSubscription.Frequency.values, required=True
        )
        parser.add_argument("--today", help="AAAA-MM-JJ (défaut : aujourd'hui).")

    def handle(self, *args, frequency: str, today: str | None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today : {exc}") from exc
        stats = alerts_send(frequency=frequency, today=day)
        self.stdout.write(", ".join(f"{k}={v}" for k, v in stats.items()))
