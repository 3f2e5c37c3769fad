"""Public suggestion form ("Proposer une initiative")."""

urlpatterns: list = []
