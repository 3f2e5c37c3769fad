from django.core.management.base import BaseCommand

from initiatives.location import initiatives_settle_points


class Command(BaseCommand):
    help = (
        "Move approximate points to their commune's current centre, and give one to records "
        "with a commune but no point (after sync_geometries). Exact points are never touched."
    )

    def handle(self, *args, **options):
        changed = initiatives_settle_points()
        self.stdout.write(self.style.SUCCESS(f"{changed} initiatives placed"))
