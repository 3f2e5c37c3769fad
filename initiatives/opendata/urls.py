from django.urls import path, register_converter

from . import views
from .feeds import SearchFeed


class TokenConverter:
    """An alert token (secrets.token_urlsafe): a malformed one, "%00" included, is a 404."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "alert_token")

app_name = "opendata"
urlpatterns = [
    path("donnees/", views.page, name="page"),
    path("donnees/fichiers/<str:name>", views.data_file, name="file"),
    path("donnees/schema/initiatives.json", views.table_schema, name="table_schema"),
    path("donnees/catalogue.jsonld", views.dcat, name="catalogue"),
    path("flux/initiatives.atom", SearchFeed(), name="feed"),
    path("alertes/", views.alert_subscribe, name="alert_subscribe"),
    path("alertes/envoyee/", views.alert_sent, name="alert_sent"),
    path("alertes/confirmer/<alert_token:token>/", views.alert_confirm, name="alert_confirm"),
    path("initiatives/<slug:slug>/signaler/", views.report, name="report"),
    path("initiatives/<slug:slug>/signaler/merci/", views.report_done, name="report_done"),
    path(
        "alertes/desinscrire/<alert_token:token>/",
        views.alert_unsubscribe,
        name="alert_unsubscribe",
    ),
]
