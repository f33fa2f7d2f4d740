from django.urls import path
from rest_framework.routers import DefaultRouter

from inspections.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("encounters", views.EncounterViewSet, basename="encounter")
router.register("flags", views.FlagViewSet, basename="flag")
router.register("referrals", views.ReferralViewSet, basename="referral")

urlpatterns = [
    path("summaries/inspections/", views.InspectionSummaryView.as_view(), name="summary-inspections"),
    path("summaries/encounters/", views.EncounterSummaryView.as_view(), name="summary-encounters"),
    path("summaries/flags/", views.FlagSummaryView.as_view(), name="summary-flags"),
    path("summaries/referrals/", views.ReferralSummaryView.as_view(), name="summary-referrals"),
    *router.urls,
]
