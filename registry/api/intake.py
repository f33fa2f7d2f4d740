"""Intake for the border, labour and hotel systems: bulk upserts over the API.

``POST /api/v1/intake/<kind>/`` takes a JSON array of rows (the field names of
docs/import-formats.md), imported at once (all or nothing), or a CSV/XLSX file (multipart field
``file``), imported by a Celery task whose progress is polled at ``/api/v1/intake/jobs/<id>/``.
Administrators only: outside systems get a service user with the administrator role.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiTypes, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from config.api import API_PERMISSIONS
from registry import services
from registry.models import ImportJob, ImportKind

KINDS = {
    "entry-records": ImportKind.ENTRY_RECORDS,
    "stay-extensions": ImportKind.STAY_EXTENSIONS,
    "work-permits": ImportKind.WORK_PERMITS,
    "guest-registrations": ImportKind.GUEST_REGISTRATIONS,
    "premises": ImportKind.PREMISES,
}
# JSON requests are imported in the request; anything larger is sent as a file (a background job).
MAX_JSON_ROWS = 5000


class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = ["id", "kind", "status", "file_name", "total_rows", "processed_rows", "created_rows",
                  "updated_rows", "errors", "created_at", "finished_at"]
        read_only_fields = fields


IntakeResult = inline_serializer("IntakeResult", fields={
    "kind": serializers.CharField(), "total_rows": serializers.IntegerField(),
    "created": serializers.IntegerField(), "updated": serializers.IntegerField(),
})
IntakeFile = inline_serializer("IntakeFile", fields={"file": serializers.FileField()})

ENTRY_ROW = {
    "source_id": "BX-2026-000123", "document_type": "P", "document_number": "C1234567", "issuing_country": "VNM",
    "nationality": "VNM", "surname": "NGUYEN", "given_names": "VAN AN", "date_of_birth": "1990-04-12", "sex": "M",
    "entry_date": "2026-10-01", "port_of_entry": "Bavet", "visa_type": "T", "permitted_until": "2026-10-31",
    "exit_date": "",
}
JOB_EXAMPLE = {
    "id": "0b3f4c1e-2a57-4b8e-9d61-4f0d2f7e6a11", "kind": "entry_records", "status": "importing",
    "file_name": "arrivals-2026-11-25.csv", "total_rows": 250000, "processed_rows": 120000, "created_rows": 0,
    "updated_rows": 0, "errors": [], "created_at": "2026-11-26T01:00:00+07:00", "finished_at": None,
}


def _kind(slug: str) -> str:
    try:
        return KINDS[slug]
    except KeyError as exc:
        raise Http404 from exc


def _rejected(result) -> serializers.ValidationError:
    """Every bad row, in the API's one error format: fields ``line N`` -> ["column: reason"]."""
    fields: dict[str, list[str]] = {}
    for error in result.errors:
        fields.setdefault(f"line {error['line']}", []).append(f"{error['column']}: {error['reason']}")
    if result.error_count > len(result.errors):
        fields.setdefault("non_field_errors", []).append(
            _("%(count)s more errors not listed.") % {"count": result.error_count - len(result.errors)})
    return serializers.ValidationError(fields)


class IntakeView(APIView):
    permission_classes = API_PERMISSIONS
    roles = {"*": {Role.ADMINISTRATOR}}
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary="Bulk upsert of registry records (administrators, outside systems)",
        description=(
            "A JSON array of rows (at most 5,000; field names as in docs/import-formats.md) is imported at once: "
            "200 with the counts, or 400 listing every bad row (`fields`: `line N` -> `column: reason`) with "
            "nothing written. A CSV or XLSX file (multipart, field `file`) is imported in the background: 202 "
            "with the job to poll. Rows are upserted on their key (`source_id`; premises: registration number)."
        ),
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(KINDS))],
        request={"application/json": {"type": "array", "items": {"type": "object"}}, "multipart/form-data": IntakeFile},
        responses={200: IntakeResult, 202: ImportJobSerializer},
        examples=[
            OpenApiExample("Two entry records", request_only=True, value=[ENTRY_ROW, {**ENTRY_ROW,
                           "source_id": "BX-2026-000124", "exit_date": "2026-10-20"}]),
            OpenApiExample("Imported", response_only=True, status_codes=["200"],
                           value={"kind": "entry_records", "total_rows": 2, "created": 1, "updated": 1}),
            OpenApiExample("Queued", response_only=True, status_codes=["202"], value={**JOB_EXAMPLE,
                           "status": "queued", "processed_rows": 0}),
        ],
    )
    def post(self, request, kind):
        kind = _kind(kind)
        if request.content_type.startswith("multipart/"):
            upload = request.FILES.get("file")
            if upload is None:
                raise serializers.ValidationError({"file": [_("Attach a CSV or XLSX file.")]})
            job = services.import_job_enqueue(actor=request.user, kind=kind, upload=upload)
            body = ImportJobSerializer(job).data
            return Response(body, status=status.HTTP_202_ACCEPTED,
                            headers={"Location": f"/api/v1/intake/jobs/{job.pk}/"})
        rows = request.data
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise serializers.ValidationError({"non_field_errors": [_("Send a JSON array of row objects.")]})
        if not rows:
            raise serializers.ValidationError({"non_field_errors": [_("The array is empty.")]})
        if len(rows) > MAX_JSON_ROWS:
            raise serializers.ValidationError({"non_field_errors": [
                _("At most %(max)s rows per JSON request; send a CSV or XLSX file.") % {"max": MAX_JSON_ROWS}]})
        result = services.import_run(actor=request.user, kind=kind, rows=rows, file_name="api.json")
        if not result.ok:
            raise _rejected(result)
        return Response({"kind": kind, "total_rows": result.total_rows, "created": result.created,
                         "updated": result.updated})


class ImportJobView(APIView):
    permission_classes = API_PERMISSIONS
    roles = {"*": {Role.ADMINISTRATOR}}

    @extend_schema(summary="Progress and report of a background import", responses=ImportJobSerializer,
                   examples=[OpenApiExample("Importing", response_only=True, value=JOB_EXAMPLE)])
    def get(self, request, pk):
        try:  # a client sees its own jobs; anyone else's answer 404
            job = ImportJob.objects.get(pk=pk, created_by=request.user)
        except (ImportJob.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        return Response(ImportJobSerializer(job).data)
