"""Partner API routes for communes (under /api/v1/); intercos: initiatives/api/interco_urls.py."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("communes", views.CommuneViewSet, basename="api-commune")

urlpatterns = router.urls
