"""URLconf for the error-page tests: the project's URLs plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def fails(request):
    # An exception whose text carries personal data must not reach the page (or the log unredacted).
    raise RuntimeError(f"lookup failed for NGUYEN VAN AN passport C7654321 ({request.GET.get('q', '')})")


def forbidden(request):
    raise PermissionDenied("officer NGUYEN may not see C7654321")


def bad(request):
    raise SuspiciousOperation("bad input NGUYEN C7654321")


urlpatterns = [
    path("test-errors/500/", fails),
    path("test-errors/403/", forbidden),
    path("test-errors/400/", bad),
] + project_urlpatterns
