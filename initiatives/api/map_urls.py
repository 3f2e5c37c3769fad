"""The map endpoint under /api/v1/map/ (markers or server-side clusters)."""

urlpatterns: list = []
