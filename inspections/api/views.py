"""Inspections over REST. Thin: scoped selectors find the objects, services write, and every
response that shows people's data records a consultation (purpose ``api:<path>``)."""

import datetime
import gzip
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.services import audit_read, audit_read_many
from config.api import API_PERMISSIONS, BoundedLimitOffsetPagination, error_response
from inspections import selectors, services
from inspections.api import examples
from inspections.api.serializers import (
    ConflictErrorSerializer,
    DecisionCreateSerializer,
    DecisionSerializer,
    EncounterSearchSerializer,
    EncounterSerializer,
    EncounterSummarySerializer,
    EncounterWriteSerializer,
    FlagDetailSerializer,
    FlagSerializer,
    FlagSummarySerializer,
    InspectionDetailSerializer,
    InspectionSerializer,
    InspectionSummarySerializer,
    InspectionWriteSerializer,
    ReferralSerializer,
    ReferralSummarySerializer,
)
from inspections.filtersets import EncounterFilterSet, FlagFilterSet, InspectionFilterSet
from inspections.models import Encounter, Flag, Inspection, Referral
from inspections.summaries import PERIODS, SUMMARIES, summary_rows
from registry.normalisation import normalise_country, normalise_document_number

OFFICER = {Role.OFFICER}
SUPERVISOR = {Role.SUPERVISOR}
FIELD_ROLES = {Role.OFFICER, Role.SUPERVISOR}
SUMMARY_ROLES = {Role.ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR}


def _purpose(request) -> str:
    return f"api:{request.path}"


def _audit_many(request, action_name: str, objects) -> None:
    audit_read_many(actor=request.user, action=action_name, objects=objects, purpose=_purpose(request))


def _audit_one(request, action_name: str, obj) -> None:
    audit_read(actor=request.user, action=action_name, obj=obj, purpose=_purpose(request))


class _Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class InspectionCursor(_Cursor):
    ordering = ("-started_at", "-id")


class EncounterCursor(_Cursor):
    ordering = ("-created_at", "-id")


class FlagCursor(_Cursor):
    ordering = ("-raised_at", "-id")


def _flags_prefetch():
    return Prefetch("flags", queryset=Flag.objects.order_by("kind"))


# --- inspections ---------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Inspections you may see",
                       description="Officers: their units' inspections. Supervisors: also every inspection "
                                   "of premises in their jurisdiction. Newest first, cursor-paginated.",
                       examples=[OpenApiExample("Inspection", value=examples.INSPECTION, response_only=True)]),
    retrieve=extend_schema(
        summary="One inspection with the people met, their verification and flags",
        responses={200: InspectionDetailSerializer},
        examples=[OpenApiExample("Verified inspection", value=examples.INSPECTION_DETAIL, response_only=True)],
    ),
    create=extend_schema(
        summary="Start an inspection (officers)", request=InspectionWriteSerializer,
        responses={201: InspectionDetailSerializer},
        examples=[OpenApiExample("Night visit", request_only=True, value=examples.INSPECTION_CREATE),
                  OpenApiExample("Created", response_only=True, status_codes=["201"],
                                 value={**examples.INSPECTION_DETAIL, "status": "draft", "encounters": []})],
    ),
    update=extend_schema(summary="Change a draft inspection (officers of its unit)",
                         request=InspectionWriteSerializer, responses={200: InspectionDetailSerializer},
                         examples=[OpenApiExample("Notes", request_only=True, value=examples.INSPECTION_CREATE)]),
    partial_update=extend_schema(
        summary="Change some fields of a draft inspection (officers of its unit)",
        request=InspectionWriteSerializer, responses={200: InspectionDetailSerializer},
        examples=[OpenApiExample("Counts", request_only=True, value={"foreigners_present": 14, "refused_access": 1})],
    ),
)
class InspectionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = API_PERMISSIONS
    roles = {"list": FIELD_ROLES, "retrieve": FIELD_ROLES, "*": OFFICER}
    serializer_class = InspectionSerializer
    pagination_class = InspectionCursor
    filterset_class = InspectionFilterSet
    queryset = Inspection.objects.none()

    def get_queryset(self):
        return (
            selectors.inspections_visible(user=self.request.user)
            .select_related("premises__district__province", "unit", "lead_officer")
            .annotate(people=Count("encounters"))
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        _audit_many(request, "api.inspection.list", page)
        return self.get_paginated_response(InspectionSerializer(page, many=True).data)

    def _detail(self, request, inspection_id, *, status_code=status.HTTP_200_OK):
        inspection = selectors.inspection_get(user=request.user, inspection_id=inspection_id)
        encounters = list(selectors.inspection_encounters(inspection=inspection))
        inspection.people = len(encounters)
        data = InspectionSerializer(inspection).data  # + the people, loaded above in constant queries
        data["encounters"] = EncounterSerializer(encounters, many=True).data
        _audit_one(request, "api.inspection.view", inspection)
        _audit_many(request, "api.encounter.view", encounters)
        return Response(data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._detail(request, pk)

    def create(self, request):
        serializer = InspectionWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inspection = services.inspection_create(actor=request.user, **serializer.validated_data)
        return self._detail(request, inspection.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        inspection = selectors.inspection_get(user=request.user, inspection_id=pk)
        serializer = InspectionWriteSerializer(inspection, data=request.data, partial=partial,
                                               context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.inspection_update(actor=request.user, inspection=inspection, **serializer.validated_data)
        return self._detail(request, pk)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(summary="Submit a draft inspection for verification (officers of its unit)",
                   description="The people met are checked by the worker after the answer is sent: poll the "
                               "inspection until `status` is `verified`.",
                   request=None, responses={200: InspectionDetailSerializer},
                   examples=[OpenApiExample("Submitted", response_only=True,
                                            value={**examples.INSPECTION_DETAIL, "status": "submitted"})])
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        inspection = selectors.inspection_get(user=request.user, inspection_id=pk)
        services.inspection_submit(actor=request.user, inspection=inspection)
        return self._detail(request, pk)


# --- people met ----------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="People met in the inspections you may see",
                       description="Filter with `inspection=<id>`. Newest first, cursor-paginated.",
                       examples=[OpenApiExample("Person", value=examples.ENCOUNTER, response_only=True)]),
    retrieve=extend_schema(summary="One person met, with verification and flags",
                           examples=[OpenApiExample("Person", value=examples.ENCOUNTER, response_only=True)]),
    create=extend_schema(summary="Record a person met during a draft inspection (officers of its unit)",
                         request=EncounterWriteSerializer, responses={201: EncounterSerializer},
                         examples=[OpenApiExample("Worker", request_only=True, value=examples.ENCOUNTER_CREATE),
                                   OpenApiExample("Recorded", response_only=True, status_codes=["201"],
                                                  value={**examples.ENCOUNTER, "verification": None,
                                                         "flags": []})]),
    update=extend_schema(summary="Correct a person met (draft inspections only)",
                         request=EncounterWriteSerializer, responses={200: EncounterSerializer},
                         examples=[OpenApiExample("Worker", request_only=True, value=examples.ENCOUNTER_CREATE)]),
    partial_update=extend_schema(summary="Correct some fields of a person met (draft inspections only)",
                                 request=EncounterWriteSerializer, responses={200: EncounterSerializer},
                                 examples=[OpenApiExample("Role", request_only=True, value={"role": "resident"})]),
    destroy=extend_schema(summary="Remove a person recorded by mistake (draft inspections only)"),
)
class EncounterViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = API_PERMISSIONS
    roles = {"list": FIELD_ROLES, "retrieve": FIELD_ROLES, "search": SUPERVISOR, "*": OFFICER}
    serializer_class = EncounterSerializer
    pagination_class = EncounterCursor
    filterset_class = EncounterFilterSet
    queryset = Encounter.objects.none()

    def get_queryset(self):
        return (
            selectors.encounters_visible(user=self.request.user)
            .select_related("verification__matched_entry")
            .prefetch_related(_flags_prefetch())
        )

    def _respond(self, request, encounter_id, *, status_code=status.HTTP_200_OK):
        encounter = self.get_queryset().get(pk=encounter_id)
        _audit_one(request, "api.encounter.view", encounter)
        return Response(EncounterSerializer(encounter).data, status=status_code)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        _audit_many(request, "api.encounter.list", page)
        return self.get_paginated_response(EncounterSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        encounter = selectors.encounter_get(user=request.user, encounter_id=pk)
        return self._respond(request, encounter.pk)

    def create(self, request):
        serializer = EncounterWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        inspection = fields.pop("inspection")
        encounter = services.encounter_add(actor=request.user, inspection=inspection, **fields)
        return self._respond(request, encounter.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        encounter = selectors.encounter_get(user=request.user, encounter_id=pk)
        serializer = EncounterWriteSerializer(encounter, data=request.data, partial=partial,
                                              context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        fields.pop("inspection", None)
        services.encounter_update(actor=request.user, encounter=encounter, **fields)
        return self._respond(request, encounter.pk)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        encounter = selectors.encounter_get(user=request.user, encounter_id=pk)
        services.encounter_remove(actor=request.user, encounter=encounter)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Find people met by travel document (supervisors)",
        description="Document numbers never travel in URLs: post them. Only people met in your jurisdiction "
                    "are found (at most 100, newest first).",
        request=EncounterSearchSerializer, responses={200: EncounterSerializer(many=True)},
        examples=[OpenApiExample("Passport", request_only=True,
                                 value={"document_number": "C 123-4567", "issuing_country": "VNM"}),
                  OpenApiExample("Found", response_only=True, value=[examples.ENCOUNTER])],
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def search(self, request):
        serializer = EncounterSearchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        number = normalise_document_number(serializer.validated_data["document_number"])
        country = normalise_country(serializer.validated_data["issuing_country"])
        if not number:
            raise serializers.ValidationError({"document_number": [_("Enter the document number.")]})
        found = list(
            self.get_queryset().filter(document_number=number, document_issuing_country=country)
            .order_by("-created_at", "-id")[:100]
        )
        _audit_many(request, "api.encounter.search", found)
        return Response(EncounterSerializer(found, many=True).data)


# --- flags and referrals (supervisors) -----------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Flags in your jurisdiction (supervisors)",
                       description="The dashboard's case queue with the same filters. Newest first, "
                                   "cursor-paginated.",
                       examples=[OpenApiExample("Flag", value=examples.FLAG, response_only=True)]),
    retrieve=extend_schema(summary="One flag with the person, verification and decisions (supervisors)",
                           responses={200: FlagDetailSerializer},
                           examples=[OpenApiExample("Flag", value=examples.FLAG_DETAIL, response_only=True)]),
)
class FlagViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = API_PERMISSIONS
    roles = {"*": SUPERVISOR}
    serializer_class = FlagSerializer
    pagination_class = FlagCursor
    filterset_class = FlagFilterSet
    queryset = Flag.objects.none()

    def get_queryset(self):
        return selectors.flags_visible(user=self.request.user).select_related(
            "encounter", "province", "district", "assignee")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        _audit_many(request, "api.flag.list", page)
        return self.get_paginated_response(FlagSerializer(page, many=True).data)

    def _detail(self, request, flag_id, *, status_code=status.HTTP_200_OK):
        flag = selectors.flag_get(user=request.user, flag_id=flag_id)
        encounter = (Encounter.objects.select_related("verification__matched_entry")
                     .prefetch_related(_flags_prefetch()).get(pk=flag.encounter_id))
        flag.encounter = encounter
        data = FlagSerializer(flag).data
        data["person"] = EncounterSerializer(encounter).data
        data["decisions"] = DecisionSerializer(selectors.flag_decisions(flag=flag), many=True).data
        _audit_one(request, "api.flag.view", flag)
        _audit_one(request, "api.encounter.view", encounter)
        return Response(data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._detail(request, pk)

    @extend_schema(
        summary="Decide on a flag (supervisors)",
        description="Assign, start review, confirm, dismiss, escalate or refer. Send the `version` you saw as "
                    "`expected_version`: if another supervisor decided first, nothing is written and the answer "
                    "is 409 with the flag as it is now.",
        request=DecisionCreateSerializer,
        responses={201: FlagDetailSerializer,
                   409: OpenApiResponse(ConflictErrorSerializer, description="Someone else decided first.")},
        examples=[
            OpenApiExample("Dismiss", request_only=True,
                           value={"outcome": "dismiss", "reason": "Valid extension shown on site.",
                                  "expected_version": 2}),
            OpenApiExample("Refer", request_only=True,
                           value={"outcome": "refer", "organisation": "Chab Dai Coalition", "expected_version": 0}),
            OpenApiExample("Decided", response_only=True, status_codes=["201"], value=examples.FLAG_DETAIL),
            OpenApiExample("Conflict", response_only=True, status_codes=["409"], value=examples.CONFLICT),
        ],
    )
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        flag = selectors.flag_get(user=request.user, flag_id=pk)
        serializer = DecisionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.flag_decide(
                actor=request.user, flag=flag, outcome=data["outcome"], reason=data.get("reason", ""),
                assignee=data.get("assignee"), organisation=data.get("organisation", ""),
                expected_version=data.get("expected_version"),
            )
        except services.FlagConflict as exc:
            current = selectors.flag_get(user=request.user, flag_id=pk)
            return error_response(status_code=status.HTTP_409_CONFLICT, code="conflict", detail=exc.messages[0],
                                  current=FlagSerializer(current).data)
        return self._detail(request, pk, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Referrals to protection services in your jurisdiction (supervisors)",
                       examples=[OpenApiExample("Referral", value=examples.REFERRAL, response_only=True)]),
)
class ReferralViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = API_PERMISSIONS
    roles = {"*": SUPERVISOR}
    serializer_class = ReferralSerializer
    pagination_class = BoundedLimitOffsetPagination
    queryset = Referral.objects.none()

    def get_queryset(self):
        return selectors.referrals_visible(user=self.request.user).select_related(
            "referred_by", "encounter__inspection__premises__district__province").order_by("-referred_at", "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        _audit_many(request, "api.referral.list", page)
        return self.get_paginated_response(ReferralSerializer(page, many=True).data)


# --- summaries (no personal data) ----------------------------------------------------------------

MAX_SPAN_DAYS = {"day": 366, "week": 3 * 366, "month": 10 * 366}
DEFAULT_SPAN_DAYS = 365


def _summary_parameters(name: str) -> list[OpenApiParameter]:
    groups = list(SUMMARIES[name].available_groups())
    return [
        OpenApiParameter("period", str, enum=list(PERIODS), default="month",
                         description="Count per day, ISO week (starting Monday) or month."),
        OpenApiParameter("group_by", str, many=True, enum=groups, explode=True, style="form",
                         description="Also count per each of these (repeat the parameter, or separate with "
                                     "commas)."),
        OpenApiParameter("from", OpenApiTypes.DATE,
                         description=f"First day counted (default: {DEFAULT_SPAN_DAYS} days before `to`)."),
        OpenApiParameter("to", OpenApiTypes.DATE, description="Last day counted (default: today)."),
    ]


def _parse_date(raw: str, name: str) -> datetime.date:
    try:
        value = datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise serializers.ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from exc
    if not 1900 <= value.year <= 2999:
        raise serializers.ValidationError({name: [_("Enter a date between 1900 and 2999.")]})
    return value


class _SummaryView(APIView):
    """Counts per period and group. Analysts, supervisors and administrators; national figures."""

    permission_classes = API_PERMISSIONS
    roles = {"*": SUMMARY_ROLES}
    renderer_classes = [JSONRenderer]  # the answer is cached as rendered JSON (_summary_response)
    summary_name = ""
    serializer_class = None  # documents the answer (schema); the rows are rendered as they are

    def get(self, request):
        summary = SUMMARIES[self.summary_name]
        params = request.query_params
        errors = {}
        period = params.get("period") or "month"
        if period not in PERIODS:
            errors["period"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(PERIODS)}]
        group_by = []
        for raw in params.getlist("group_by"):
            for value in filter(None, (v.strip() for v in raw.split(","))):
                if value not in summary.available_groups():
                    errors.setdefault("group_by", []).append(
                        _("“%(value)s” is not one of: %(choices)s.")
                        % {"value": value, "choices": ", ".join(summary.available_groups())})
                elif value not in group_by:
                    group_by.append(value)
        if errors:
            raise serializers.ValidationError(errors)
        date_to = _parse_date(params["to"], "to") if params.get("to") else timezone.localdate()
        date_from = (_parse_date(params["from"], "from") if params.get("from")
                     else max(date_to - datetime.timedelta(days=DEFAULT_SPAN_DAYS), datetime.date(1900, 1, 1)))
        if date_from > date_to:
            raise serializers.ValidationError({"from": [_("“from” must not be after “to”.")]})
        if (date_to - date_from).days > MAX_SPAN_DAYS[period]:
            raise serializers.ValidationError({"from": [
                _("At most %(days)s days can be counted per %(period)s; narrow the range.")
                % {"days": MAX_SPAN_DAYS[period], "period": period}]})
        return _summary_response(request, key=f"summary:{self.summary_name}:{period}:{','.join(group_by)}:"
                                              f"{date_from}:{date_to}",
                                 compute=lambda: {"period": period, "group_by": group_by, "from": date_from,
                                                  "to": date_to, "results": summary_rows(
                                                      name=self.summary_name, period=period, group_by=group_by,
                                                      date_from=date_from, date_to=date_to)})


def _summary_response(request, *, key: str, compute) -> HttpResponse:
    """The summary as JSON, kept SUMMARY_CACHE_SECONDS per parameter set in the shared cache.

    Counts over a year of national data are one GROUP BY over up to a million rows and up to
    ~20,000 result rows (seconds, bench/load.py); they are the same for every caller, so the
    answer is cached rendered and gzip-compressed (a tenth of the ~3 MB of JSON to move out of
    Redis; clients that do not accept gzip get it decompressed), with an ETag, so a client
    polling an unchanged summary gets 304. The rows are already codes, integers and dates,
    rendered as the response serializers document them (tests/api/test_summaries.py checks it).

    One request counts at a time (a lock in the cache): when an answer gets older than
    SUMMARY_CACHE_SECONDS, the others keep getting the previous one for up to
    SUMMARY_STALE_SECONDS more; when there is none yet, they wait for it instead of every web
    worker counting the same thing at once.
    """
    cached = _summary_cached(key, compute)
    _, etag, compressed = cached
    if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        response = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed), content_type="application/json")
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding", "Authorization"])
    return response


SUMMARY_COUNT_TIMEOUT = 60  # seconds a count may take before another request takes over


def _summary_render(compute, fresh_for: int) -> tuple[float, str, bytes]:
    body = JSONRenderer().render(compute())
    return time.time() + fresh_for, f'"{hashlib.sha256(body).hexdigest()[:32]}"', gzip.compress(body, 6)


def _summary_cached(key: str, compute) -> tuple[float, str, bytes]:
    """(fresh until, ETag, gzip body) from the cache, counted here when no other request does."""
    fresh_for = settings.SUMMARY_CACHE_SECONDS
    if not fresh_for:
        return _summary_render(compute, 0)
    lock = f"{key}:counting"
    cached = cache.get(key)
    if cached is None and not cache.add(lock, 1, timeout=SUMMARY_COUNT_TIMEOUT):
        # another request is counting it: wait for its answer
        deadline = time.monotonic() + SUMMARY_COUNT_TIMEOUT
        while cached is None and time.monotonic() < deadline and cache.get(lock):
            time.sleep(0.05)
            cached = cache.get(key)
        if cached is not None:
            return cached
        cache.add(lock, 1, timeout=SUMMARY_COUNT_TIMEOUT)  # that count failed: count it here
    elif cached is not None and (cached[0] > time.time()
                                 or not cache.add(lock, 1, timeout=SUMMARY_COUNT_TIMEOUT)):
        return cached  # fresh, or expired and another request is counting it again
    try:
        cached = _summary_render(compute, fresh_for)
        cache.set(key, cached, fresh_for + settings.SUMMARY_STALE_SECONDS)
    finally:
        cache.delete(lock)
    return cached


def _summary_schema(name: str, serializer, title: str, example_rows: list[dict]):
    return extend_schema(
        summary=title,
        description="Aggregated counts only: no names, document numbers, dates of birth or ids of people. "
                    "National figures (not limited to your units). Analysts, supervisors, administrators.",
        parameters=_summary_parameters(name), responses={200: serializer},
        examples=[OpenApiExample("Monthly, by province", response_only=True, value={
            "period": "month", "group_by": ["province"], "from": "2026-01-01", "to": "2026-11-30",
            "results": example_rows,
        })],
    )


@_summary_schema("inspections", InspectionSummarySerializer, "Inspections per period",
                 examples.SUMMARY_INSPECTIONS)
class InspectionSummaryView(_SummaryView):
    summary_name = "inspections"
    serializer_class = InspectionSummarySerializer


@_summary_schema("encounters", EncounterSummarySerializer, "People met per period", examples.SUMMARY_ENCOUNTERS)
class EncounterSummaryView(_SummaryView):
    summary_name = "encounters"
    serializer_class = EncounterSummarySerializer


@_summary_schema("flags", FlagSummarySerializer, "Flags per period, kind, severity and status",
                 examples.SUMMARY_FLAGS)
class FlagSummaryView(_SummaryView):
    summary_name = "flags"
    serializer_class = FlagSummarySerializer


@_summary_schema("referrals", ReferralSummarySerializer, "Referrals to protection services per period and outcome",
                 examples.SUMMARY_REFERRALS)
class ReferralSummaryView(_SummaryView):
    summary_name = "referrals"
    serializer_class = ReferralSummarySerializer
