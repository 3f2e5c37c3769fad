import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from initiatives.registers.common import LayoutError
from initiatives.registers.report import report_lines
from initiatives.registers.services import register_import
from initiatives.registers.sources import READERS, UnknownSource


def _date(text: str) -> date:
    """ "2019-07" or "2019-07-15"."""
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)


class Command(BaseCommand):
    help = (
        "Import a national register of ESS structures (finess-esat, siae, data-inclusion, "
        "sirene) through the write rules: new records pending review unless --publish, "
        "matched by SIRET, then FINESS, then the register's id; a report is printed and kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=sorted(READERS))
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--departements", default="", help="e.g. 26,07")
        parser.add_argument("--dry-run", action="store_true", help="write nothing, report only")
        parser.add_argument("--publish", action="store_true", help="publish new records")
        parser.add_argument(
            "--date",
            type=_date,
            help="date of the file (YYYY-MM[-DD]); default: the date the file states, else "
            "its mtime",
        )
        parser.add_argument(
            "--archive-missing",
            action="store_true",
            help="archive this source's records (in the départements asked) the file omits",
        )

    def handle(self, *args, **options):
        paths = options["files"]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        source_date = options["date"]  # None: the file's own date, else its mtime
        departements = {d.strip().zfill(2) for d in options["departements"].split(",") if d}
        progress = None
        if options["verbosity"] >= 1 and sys.stderr.isatty():

            def progress(n):
                self.stderr.write(f"\r{n} lignes lues", ending="")

        try:
            run = register_import(
                source=options["source"],
                paths=paths,
                departements=departements or None,
                dry_run=options["dry_run"],
                publish=options["publish"],
                source_date=source_date,
                archive_missing=options["archive_missing"],
                progress=progress,
            )
        except (LayoutError, UnknownSource) as exc:
            raise CommandError(str(exc)) from exc
        for line in report_lines(run):
            self.stdout.write(line)
