"""Write the OpenAPI schema to settings.API_SCHEMA_FILE, at deploy (docs/deployment.md).

/api/v1/schema/ and the reference page /api/v1/docs/ then serve this file instead of building
the schema on each request. Written to a temporary file, then renamed: a running server never
reads half a schema.
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from essmap.api.schema import generate_schema, render_schema_json


class Command(BaseCommand):
    help = "Build the OpenAPI schema into API_SCHEMA_FILE (run at deploy, after collectstatic)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default="", help="write here instead of API_SCHEMA_FILE")

    def handle(self, *args, **options):
        target = options["file"] or settings.API_SCHEMA_FILE
        if not target:
            raise CommandError("Set API_SCHEMA_FILE (or give --file).")
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        body = render_schema_json(generate_schema())
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".openapi-", suffix=".json")
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        self.stdout.write(f"OpenAPI schema: {path} ({len(body) // 1024} KiB)")
