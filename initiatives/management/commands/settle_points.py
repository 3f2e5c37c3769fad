from django.core.management.base import BaseCommand

from initiatives.services import points_settle


class Command(BaseCommand):
    help = (
        "Move approximate points to their commune's current centre, and give one to records "
        "with a commune but no point (after sync_geometries). Exact points are never touched. "
        "Each move is a write: history entry, new update time, caches invalidated."
    )

    def handle(self, *args, **options):
        changed = points_settle()
        self.stdout.write(self.style.SUCCESS(f"{changed} initiatives placed"))
