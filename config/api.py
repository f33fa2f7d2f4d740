"""API-wide pieces: the error format."""

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler; every error body is an object with ``detail`` or field -> [reasons]."""
    return drf_exception_handler(exc, context)
