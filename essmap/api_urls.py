"""The partner API under /api/v1/ (see initiatives/api and intercos/api)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from essmap.api.redoc import redoc_bundle
from essmap.api.reference import SchemaView, api_reference
from essmap.api.views import api_not_found, api_root

urlpatterns = [
    path("", api_root, name="api-root"),
    path("", include("initiatives.api.map_urls")),
    path("", include("initiatives.api.urls")),
    path("", include("initiatives.api.interco_urls")),
    path("", include("intercos.api.urls")),
    path("", include("initiatives.opendata.api.urls")),
    # The schema built at deploy when there is one (essmap/api/schema.py).
    path("schema/", SchemaView.as_view(), name="api-schema"),
    # The reference, a plain page written from the schema; the interactive UIs have their own.
    path("docs/", api_reference, name="api-docs"),
    path(
        "swagger/",
        # Split view: the init script is a separate URL, and our template has no inline style.
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-swagger",
    ),
    path(
        "redoc/",
        # The stock template loads web fonts from a third-party host: ours does not.
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
    # Redoc's bundle without its vendor-hosted logo (essmap/api/redoc.py).
    path("redoc/redoc.standalone.js", redoc_bundle, name="api-redoc-bundle"),
    # Anything else under /api/v1/ ending with a slash: the JSON error body, not an HTML page.
    re_path(r"^[\s\S]*/$", api_not_found),
]
