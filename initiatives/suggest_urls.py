"""Public suggestion form ("Proposer une initiative")."""

from django.urls import path

from . import suggest_views

urlpatterns = [
    path("proposer/", suggest_views.propose, name="propose"),
    path("proposer/merci/", suggest_views.propose_done, name="propose_done"),
]
