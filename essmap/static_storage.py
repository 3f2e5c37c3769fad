"""Static files storage: hashed names for every file, ES-module imports included.

whitenoise's storage (compressed copies, a manifest of hashed names) with Django's rewriting
of `import … from "./mapcore.js"` statements turned on: a module's hashed name changes when a
module it imports changes, and every module is then served with a year-long, immutable cache.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class EssmapStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
