"""The partner API under /api/v1/ (see initiatives/api and intercos/api)."""

from django.urls import include, path

urlpatterns = [
    path("", include("initiatives.api.map_urls")),
    path("", include("initiatives.api.urls")),
    path("", include("intercos.api.urls")),
]
