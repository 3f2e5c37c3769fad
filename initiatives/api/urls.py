"""Partner API routes for initiatives and their reference lists (under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("initiatives", views.InitiativeViewSet, basename="api-initiative")
router.register("themes", views.ThemeViewSet, basename="api-theme")
router.register("partnerships", views.PartnershipViewSet, basename="api-partnership")
router.register("key-figures", views.KeyFigureViewSet, basename="api-key-figure")
router.register("sources", views.SourceViewSet, basename="api-source")

urlpatterns = router.urls
