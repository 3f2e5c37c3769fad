"""Site pages that belong to no app: sources/about, territory."""

from django.urls import path

from . import views

app_name = "site"
urlpatterns = [
    path("territoire/", views.territory, name="territory"),
    path("sources/", views.sources, name="sources"),
]
