"""Partner API routes for territories (under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("intercos", views.IntercoViewSet, basename="api-interco")
router.register("communes", views.CommuneViewSet, basename="api-commune")

urlpatterns = router.urls
