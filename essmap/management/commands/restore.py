from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from essmap import backups


class Command(BaseCommand):
    help = "Restore a dump made by `backup` into DATABASE_URL's database (pg_restore --clean)."

    def add_arguments(self, parser):
        parser.add_argument("dump", help="A .dump file made by manage.py backup.")

    def handle(self, *args, **options):
        dump = Path(options["dump"])
        if not dump.is_file():
            raise CommandError(f"{dump}: no such file")
        try:
            backups.restore(dump)
        except backups.subprocess.CalledProcessError as exc:
            raise CommandError(exc.stderr.decode(errors="replace")[-2000:]) from exc
        self.stdout.write(f"restored {dump}")
