from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api.views import MeView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
] + router.urls
