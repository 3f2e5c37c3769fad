from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("essmap.api_urls")),
    path("admin/", admin.site.urls),
    path("", include("initiatives.suggest_urls")),
    path("", include("opendata.urls")),
    path("", include("initiatives.urls")),
    path("", include("initiatives.interco_urls")),
    path("", include("essmap.site_urls")),
]
