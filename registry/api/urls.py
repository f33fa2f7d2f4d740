from rest_framework.routers import DefaultRouter

from registry.api.views import DistrictViewSet, PremisesViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("premises", PremisesViewSet, basename="premises")
router.register("districts", DistrictViewSet, basename="district")

urlpatterns = router.urls
