"""The territory and sources pages (figures and sources are initiatives data); URL names
`site:territory`, `site:sources`."""

from django.urls import path

from . import site_views as views

app_name = "site"
urlpatterns = [
    path("territoire/", views.territory, name="territory"),
    path("sources/", views.sources, name="sources"),
]
