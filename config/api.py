"""API-wide pieces: one error format for every error, and its place in the OpenAPI schema.

Every error answers::

    {"error": {"status": 400, "code": "invalid", "detail": "Invalid input.",
               "fields": {"surname": ["This field is required."]}}}

``fields`` is present only for validation errors (field name -> reasons; errors about the object as
a whole are under ``non_field_errors``). Django's ValidationError raised by a service is a 400 with
its fields, PermissionDenied a 403, Http404 a 404. Views add keys next to ``error`` when the client
needs more, e.g. a 409 conflict carries the object's ``current`` state.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiExample
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail -> {"field" or "field.0.sub": [reasons]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out.setdefault(prefix or NON_FIELD, []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                if item:
                    for k, v in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                        out.setdefault(k, []).extend(v)
    else:
        out.setdefault(prefix or NON_FIELD, []).append(str(detail))
    return out


def django_validation_error_as_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError, keeping field names and codes."""
    if hasattr(exc, "error_dict"):
        detail = {
            (NON_FIELD if field == "__all__" else field): [str(m) for err in errors for m in err.messages]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = {NON_FIELD: [str(m) for m in exc.messages]}
    code = getattr(exc, "code", None) or "invalid"
    return exceptions.ValidationError(detail, code=code)


def error_body(*, status_code: int, code: str, detail: str, fields: dict | None = None) -> dict:
    body = {"status": status_code, "code": code, "detail": detail}
    if fields is not None:
        body["fields"] = fields
    return {"error": body}


def _top_code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return getattr(exc, "default_code", "error")


def exception_handler(exc, context):
    """DRF's handler, then every error body reshaped into the one format above."""
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_error_as_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        messages = fields.get(NON_FIELD) or []
        detail = messages[0] if messages and len(fields) == 1 else _("Invalid input.")
        response.data = error_body(status_code=response.status_code, code="invalid", detail=detail,
                                   fields=fields)
    else:
        detail = exc.detail if isinstance(exc.detail, str) else _flatten(exc.detail)
        response.data = error_body(status_code=response.status_code, code=_top_code(exc), detail=str(detail))
    return response


def error_response(*, status_code: int, code: str, detail: str, fields: dict | None = None, **extra) -> Response:
    """An error answered by a view itself (e.g. a 409 with the current state)."""
    return Response({**error_body(status_code=status_code, code=code, detail=detail, fields=fields), **extra},
                    status=status_code)


# --- schema -----------------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text="Machine-readable reason: invalid, not_authenticated, "
                                           "authentication_failed, permission_denied, not_found, conflict, …")
    detail = serializers.CharField(help_text="Human-readable message, in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Validation errors only: field name -> reasons (non_field_errors for the object as a whole).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_EXAMPLES = {
    400: OpenApiExample(
        "Invalid input", status_codes=["400"], response_only=True,
        value=error_body(status_code=400, code="invalid", detail="Invalid input.",
                         fields={"surname": ["This field is required."]}),
    ),
    401: OpenApiExample(
        "Not authenticated", status_codes=["401"], response_only=True,
        value=error_body(status_code=401, code="not_authenticated",
                         detail="Authentication credentials were not provided."),
    ),
    403: OpenApiExample(
        "Wrong role", status_codes=["403"], response_only=True,
        value=error_body(status_code=403, code="permission_denied",
                         detail="You do not have permission to perform this action."),
    ),
    404: OpenApiExample(
        "Not found (or outside your jurisdiction)", status_codes=["404"], response_only=True,
        value=error_body(status_code=404, code="not_found", detail="Not found."),
    ),
}

_ERROR_DETAIL_SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status, repeated."},
        "code": {"type": "string", "description": "Machine-readable reason: invalid, not_authenticated, "
                                                  "authentication_failed, permission_denied, not_found, conflict, …"},
        "detail": {"type": "string", "description": "Human-readable message, in the request's language."},
        "fields": {
            "type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Validation errors only: field name -> reasons (non_field_errors for the object).",
        },
    },
    "required": ["status", "code", "detail"],
}
_ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}},
    "required": ["error"],
}

_ERROR_STATUSES = {
    "400": "Invalid input: `error.fields` names each field and the reason.",
    "401": "No credentials, or an invalid, expired or revoked token.",
    "403": "Your role may not do this.",
    "404": "No such object, or it is outside your jurisdiction.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the error format for the
    statuses any endpoint can answer (400, 401, 403, 404), unless the view documented them itself."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorDetail", _ERROR_DETAIL_SCHEMA)
    components.setdefault("Error", _ERROR_SCHEMA)
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in _ERROR_STATUSES.items():
                if code not in responses:
                    example = ERROR_EXAMPLES[int(code)]
                    responses[code] = {
                        "content": {"application/json": {
                            "schema": ref,
                            "examples": {example.name.replace(" ", ""): {"value": example.value,
                                                                         "summary": example.name}},
                        }},
                        "description": description,
                    }
    return result


ERROR_RESPONSES = {
    status.HTTP_400_BAD_REQUEST: ErrorSerializer,
    status.HTTP_401_UNAUTHORIZED: ErrorSerializer,
    status.HTTP_403_FORBIDDEN: ErrorSerializer,
    status.HTTP_404_NOT_FOUND: ErrorSerializer,
}


# --- permissions by role ----------------------------------------------------------------------------


class RolePermission(permissions.BasePermission):
    """Allows the request when the user holds one of the roles the view names for this action.

    A view sets ``roles = {"list": {...}, "create": {...}, "*": {...}}`` (``*`` for every other
    action). Anonymous requests never reach this check: IsAuthenticated comes first and answers 401.
    """

    message = _lazy("Your role may not do this.")

    def has_permission(self, request, view):
        from accounts.access import scope_for

        wanted = view.roles.get(getattr(view, "action", None) or "", view.roles.get("*", set()))
        return bool(scope_for(request.user).roles & set(wanted))


API_PERMISSIONS = [permissions.IsAuthenticated, RolePermission]


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """``limit`` / ``offset`` with a ``count``, for the small lists; at most 200 rows a page."""

    default_limit = 50
    max_limit = 200
