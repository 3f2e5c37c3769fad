"""Site pages that belong to no app: sources/about, territory."""

urlpatterns: list = []
