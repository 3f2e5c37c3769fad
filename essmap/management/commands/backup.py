from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from essmap import backups


class Command(BaseCommand):
    help = "Dump the database (pg_dump -Fc) into a folder and keep the newest N dumps."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default="backups", help="Folder of the dumps.")
        parser.add_argument("--keep", type=int, default=14, help="Dumps to keep (newest).")

    def handle(self, *args, **options):
        try:
            path = backups.backup(Path(options["dir"]), keep=options["keep"])
        except backups.subprocess.CalledProcessError as exc:
            raise CommandError(exc.stderr.decode(errors="replace")[-2000:]) from exc
        self.stdout.write(str(path))
