from django.urls import path
from rest_framework.routers import DefaultRouter

from registry.api.intake import ImportJobView, IntakeView
from registry.api.views import DistrictViewSet, PremisesViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("premises", PremisesViewSet, basename="premises")
router.register("districts", DistrictViewSet, basename="district")

urlpatterns = [
    path("intake/jobs/<uuid:pk>/", ImportJobView.as_view(), name="intake-job"),
    path("intake/<slug:kind>/", IntakeView.as_view(), name="intake"),
    *router.urls,
]
