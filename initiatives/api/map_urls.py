"""The map endpoint under /api/v1/map/ (markers or server-side clusters)."""

from django.urls import path

from .map_views import MapFeaturesView

urlpatterns = [
    path("map/", MapFeaturesView.as_view(), name="api-map"),
]
