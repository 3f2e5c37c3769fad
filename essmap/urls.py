from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import admin_scoping, site_basics

# Unprefixed: the API, the admin and the site's machine-read files.
urlpatterns = [
    path("api/v1/", include("essmap.api_urls")),
    path("admin/", include("intercos.staff_urls")),  # staff accounts choose their password
    # Before the admin's own: its view-on-site shortcut, scoped to the account's territory.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_scoping.view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("robots.txt", site_basics.robots_txt, name="robots"),
    path("", include("initiatives.sitemap_urls")),  # sitemap.xml
    path("favicon.ico", site_basics.favicon, name="favicon"),
]
# Pages: French at /, English at /en/ (a link carries its language).
urlpatterns += i18n_patterns(
    path("", include("initiatives.suggest_urls")),
    path("", include("initiatives.opendata.urls")),
    path("", include("initiatives.claims.urls")),
    path("", include("initiatives.urls")),
    path("", include("initiatives.interco_urls")),
    path("", include("initiatives.site_urls")),
    prefix_default_language=False,
)

handler400 = "essmap.errors.bad_request"
handler403 = "essmap.errors.permission_denied"
handler404 = "essmap.errors.page_not_found"
handler500 = "essmap.errors.server_error"
