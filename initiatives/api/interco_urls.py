"""Partner API route for intercos (under /api/v1/), beside the communes of intercos/api."""

from rest_framework.routers import SimpleRouter

from .interco_views import IntercoViewSet

router = SimpleRouter()
router.register("intercos", IntercoViewSet, basename="api-interco")

urlpatterns = router.urls
