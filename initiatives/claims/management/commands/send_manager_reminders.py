from django.core.management.base import BaseCommand

from initiatives.claims import links
from initiatives.claims.reminders import send_reminders


class Command(BaseCommand):
    help = "Ask each record's managers whether it is still right (idempotent per period)."

    def handle(self, *args, **options):
        stats = send_reminders()
        forgotten = links.forget_old()
        self.stdout.write(
            "sent {sent}, already {already}, failed {failed}; old links deleted {n}".format(
                n=forgotten, **stats
            )
        )
