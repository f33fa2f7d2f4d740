"""The supervisor dashboard: case queue, victim referral queue, case page and decisions,
premises, overview and export. Thin views over the scoped selectors and the services.

Only supervisors use it: anyone else gets 403 for the pages as a whole; an object outside the
supervisor's jurisdiction answers 404 (the selectors raise it)."""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.access import scope_for
from accounts.models import AuditKind
from accounts.services import audit_read, audit_read_many, audit_record
from inspections import exports, selectors, services
from inspections.charts import bar_chart, map_points, stacked_period_chart
from inspections.filtersets import ACTIVE_STATUSES, FlagFilterSet
from inspections.forms.dashboard import DecisionForm, ReferralOutcomeForm
from inspections.models import (
    SCREENING_QUESTIONS,
    Answer,
    DecisionOutcome,
    Flag,
    FlagKind,
    FlagStatus,
    ReferralOutcome,
)
from registry.models import PremisesType
from registry.selectors import premises_get

PAGE_SIZE = 50


def supervisor_required(view):
    """Logged-in supervisors only; others are refused the dashboard as a whole (403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not scope_for(request.user).is_supervisor:
            raise PermissionDenied(_("The dashboard is for supervisors."))
        return view(request, *args, **kwargs)

    return wrapped


# --- case queue -------------------------------------------------------------------------------

def _queue_filterset(request) -> FlagFilterSet:
    data = request.GET.copy()
    data.pop("page", None)
    if not data:
        # Landing on the queue: the cases still to act on.
        data.setlist("status", list(ACTIVE_STATUSES))
    return FlagFilterSet(data, queryset=selectors.flags_visible(user=request.user), request=request)


# The counts are a GROUP BY over every flag under the filter (a million rows: about 100 ms even
# from an index). They are kept this long per worker, under a key made of the query and of the
# newest flag change, so that any decision or new flag is counted at once; only a deletion
# (retention) can leave a count behind, for at most this long.
COUNTS_CACHE_SECONDS = 60


def _count_matrix(queryset) -> list[tuple[str, str, int]]:
    grouped = queryset.values_list("status", "kind").annotate(n=Count("*")).order_by()
    newest_change = Flag.objects.aggregate(newest=Max("updated_at"))["newest"]
    sql, params = grouped.query.sql_with_params()
    key = "dashboard-counts:" + hashlib.sha256(repr((sql, params, newest_change)).encode()).hexdigest()
    matrix = cache.get(key)
    if matrix is None:
        matrix = list(grouped)
        cache.set(key, matrix, COUNTS_CACHE_SECONDS)
    return matrix


def _facets(filterset) -> tuple[list[dict], list[dict], int]:
    """Counts per status and per kind, and the total, under the current filter.

    One GROUP BY (status, kind) query under every filter but those two gives all three: the
    status counts honour the chosen kinds, the kind counts the chosen statuses (each shows what
    choosing another value would give), and the total honours both, so the queue never runs a
    COUNT(*) of its own."""
    matrix = _count_matrix(filterset.queryset_without("status", "kind"))
    cleaned = filterset.form.cleaned_data  # the valid filters (queryset_without validated the form)
    statuses, kinds = set(cleaned.get("status") or []), set(cleaned.get("kind") or [])
    by_status, by_kind, total = {}, {}, 0
    for status, kind, n in matrix:
        if not kinds or kind in kinds:
            by_status[status] = by_status.get(status, 0) + n
        if not statuses or status in statuses:
            by_kind[kind] = by_kind.get(kind, 0) + n
        if (not kinds or kind in kinds) and (not statuses or status in statuses):
            total += n
    status_facet = [{"value": v, "label": label, "count": by_status.get(v, 0), "selected": v in statuses}
                    for v, label in FlagStatus.choices]
    kind_facet = [{"value": v, "label": label, "count": by_kind.get(v, 0), "selected": v in kinds}
                  for v, label in FlagKind.choices]
    return status_facet, kind_facet, total


def _select(filterset, name, pairs) -> dict:
    """A filter's <select> as plain data: the template loops over it directly, which is much
    cheaper than rendering Django's widget templates option by option."""
    selected = filterset.data.get(name, "")
    return {"name": name, "id": f"id_{name}", "label": filterset.filters[name].label,
            "options": [("", "—")] + [(str(value), label) for value, label in pairs], "selected": str(selected)}


def _filter_selects(filterset) -> list[dict]:
    request = filterset.request
    provinces = filterset.filters["province"].get_queryset(request).values_list("code", "name")
    districts = [(code, f"{name} ({province})") for code, name, province in
                 filterset.filters["district"].get_queryset(request).values_list("code", "name", "province__name")]
    assignees = filterset.filters["assignee"].get_queryset(request).values_list("pk", "username")
    yes_no = [("true", _("Yes")), ("false", _("No"))]
    ordering = [(value, label) for value, label in filterset.form.fields["ordering"].choices if value]
    return [
        _select(filterset, "province", provinces), _select(filterset, "district", districts),
        _select(filterset, "premises_type", PremisesType.choices), _select(filterset, "assignee", assignees),
        _select(filterset, "unassigned", yes_no), _select(filterset, "held_for_victim_screening", yes_no),
        _select(filterset, "ordering", ordering),
    ]


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@supervisor_required
@require_GET
def queue(request):
    filterset = _queue_filterset(request)
    status_facet, kind_facet, total = _facets(filterset)

    paginator = Paginator(
        filterset.qs.select_related("encounter__inspection__premises", "province", "district", "assignee"),
        PAGE_SIZE,
    )
    paginator.count = total  # known already: spares the paginator its COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    flags = list(page.object_list)

    context = {
        "filterset": filterset, "page": page, "flags": flags, "total": total,
        "status_facet": status_facet, "kind_facet": kind_facet, "query": _query_without_page(request),
        "selects": _filter_selects(filterset),
        "export_query": filterset.data.urlencode(), "tab": "queue",
    }
    shown = {flag.encounter_id: flag.encounter for flag in flags}
    if not request.htmx:
        context["victims"], context["victims_total"] = selectors.victim_queue(user=request.user)
        shown.update({case.encounter_id: case.encounter for case in context["victims"]})
    audit_read_many(actor=request.user, action="flag.list", objects=shown.values(), purpose="queue")
    template = "inspections/dashboard/_queue_results.html" if request.htmx else "inspections/dashboard/queue.html"
    return render(request, template, context)


@supervisor_required
@require_GET
def export(request, fmt: str):
    filterset = _queue_filterset(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("The filter is not valid; correct it before exporting."))
        return redirect(reverse("dashboard-queue") + "?" + _query_without_page(request))
    flags = list(
        filterset.qs.select_related("encounter__inspection__premises", "province", "district", "assignee")
        [:exports.EXPORT_MAX_ROWS]
    )
    rows = list(exports.flag_rows(flags))
    filter_data = {key: filterset.data.getlist(key) for key in sorted(filterset.data)}
    audit_record(actor=request.user, kind=AuditKind.EXPORT, action="flag.export", object_type="inspections.flag",
                 purpose="queue export", changes={"filter": filter_data, "rows": len(rows), "format": fmt})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        response = HttpResponse(
            exports.write_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.write_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="flags-{stamp}.{fmt}"'
    return response


# --- case page and decisions --------------------------------------------------------------------

# (label, attribute on the encounter, attribute on the entry record)
COMPARED_FIELDS = [
    (gettext_lazy("Surname"), "surname", "surname"),
    (gettext_lazy("Given names"), "given_names", "given_names"),
    (gettext_lazy("Date of birth"), "date_of_birth", "date_of_birth"),
    (gettext_lazy("Sex"), "sex", "sex"),
    (gettext_lazy("Nationality"), "nationality", "nationality"),
    (gettext_lazy("Document type"), "document_type", "document_type"),
    (gettext_lazy("Document number"), "document_number", "document_number"),
    (gettext_lazy("Issuing country"), "document_issuing_country", "issuing_country"),
]


def _comparison(encounter, entry):
    rows = []
    for label, recorded_name, entry_name in COMPARED_FIELDS:
        recorded = getattr(encounter, recorded_name)
        found = getattr(entry, entry_name) if entry is not None else None
        rows.append({"label": label, "recorded": recorded, "entry": found,
                     "differs": entry is not None and (recorded or "") != (found or "")})
    return rows


def _decision_forms(flag, bound: DecisionForm | None = None) -> dict:
    """One form per outcome the supervisor may take now (a bound one keeps its errors)."""
    outcomes = [DecisionOutcome.ASSIGN, DecisionOutcome.START_REVIEW, DecisionOutcome.CONFIRM,
                DecisionOutcome.DISMISS, DecisionOutcome.ESCALATE]
    if flag.kind == FlagKind.TRAFFICKING_INDICATORS:
        outcomes.append(DecisionOutcome.REFER)
    if flag.held_for_victim_screening:
        outcomes.remove(DecisionOutcome.CONFIRM)
    forms = {}
    for outcome in outcomes:
        if bound is not None and bound.data.get("outcome") == outcome:
            forms[outcome.value] = bound
        else:
            forms[outcome.value] = DecisionForm(
                flag=flag, initial={"outcome": outcome.value, "expected_version": flag.version}, prefix=None,
            )
    return forms


def _case_page(request, flag, bound_form=None, status=200):
    records = selectors.flag_case_records(user=request.user, flag=flag)
    encounter = flag.encounter
    context = {
        "flag": flag, "encounter": encounter, "inspection": encounter.inspection, "tab": "queue",
        "premises": encounter.inspection.premises, "verification": getattr(encounter, "verification", None),
        "comparison": _comparison(encounter, records["entry"]),
        "screening": [{"question": SCREENING_QUESTIONS[name], "value": value, "label": Answer(value).label}
                      for name, value in encounter.screening_answers().items()],
        "decisions": list(selectors.flag_decisions(flag=flag)),
        "decision_forms": _decision_forms(flag, bound_form),
        "decision_errors": bound_form.non_field_errors() if bound_form is not None else None,
        "details": sorted((flag.details or {}).items()),
        **records,
    }
    audit_read(actor=request.user, action="flag.view", obj=flag, purpose=f"case:{flag.pk}")
    return render(request, "inspections/dashboard/case.html", context, status=status)


@supervisor_required
@require_GET
def case(request, flag_id):
    return _case_page(request, selectors.flag_get(user=request.user, flag_id=flag_id))


@supervisor_required
@require_POST
def decide(request, flag_id):
    flag = selectors.flag_get(user=request.user, flag_id=flag_id)
    form = DecisionForm(request.POST, flag=flag)
    if not form.is_valid():
        return _case_page(request, flag, bound_form=form)
    data = form.cleaned_data
    try:
        services.flag_decide(
            actor=request.user, flag=flag, outcome=data["outcome"], reason=data["reason"],
            assignee=data["assignee"], organisation=data["organisation"],
            expected_version=data["expected_version"],
        )
    except services.FlagConflict as conflict:
        # Someone decided first: say so and show the flag as it now is.
        messages.error(request, conflict.messages[0])
        return redirect("dashboard-case", flag_id=flag.pk)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return _case_page(request, selectors.flag_get(user=request.user, flag_id=flag_id), bound_form=form)
    messages.success(request, _("Decision recorded: %(outcome)s.") % {
        "outcome": DecisionOutcome(data["outcome"]).label})
    return redirect("dashboard-case", flag_id=flag.pk)


# --- referrals ----------------------------------------------------------------------------------

@supervisor_required
@require_GET
def referrals(request):
    victims, victims_total = selectors.victim_queue(user=request.user, limit=50)
    qs = (selectors.referrals_visible(user=request.user)
          .select_related("encounter__inspection__premises", "flag", "referred_by").order_by("-referred_at", "-id"))
    outcome = request.GET.get("outcome", "")
    if outcome in ReferralOutcome.values:
        qs = qs.filter(outcome=outcome)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"referral": r, "form": ReferralOutcomeForm(initial={"outcome": r.outcome, "outcome_note": r.outcome_note})}
            for r in page.object_list]
    shown = {r.encounter_id: r.encounter for r in page.object_list}
    shown.update({c.encounter_id: c.encounter for c in victims})
    audit_read_many(actor=request.user, action="referral.list", objects=shown.values(), purpose="referrals")
    return render(request, "inspections/dashboard/referrals.html", {
        "victims": victims, "victims_total": victims_total, "page": page, "rows": rows,
        "outcome": outcome, "outcomes": ReferralOutcome.choices, "tab": "referrals",
    })


@supervisor_required
@require_POST
def referral_outcome(request, referral_id):
    try:
        referral = selectors.referrals_visible(user=request.user).get(pk=referral_id)
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such referral.") from exc
    except selectors.Referral.DoesNotExist as exc:
        raise Http404("No such referral.") from exc
    form = ReferralOutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.referral_record_outcome(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Referral outcome recorded."))
    else:
        messages.error(request, _("Choose an outcome."))
    return redirect("dashboard-referrals")


# --- premises -----------------------------------------------------------------------------------

@supervisor_required
@require_GET
def premises_ranking(request):
    rows = selectors.premises_risk_ranking(user=request.user)
    return render(request, "inspections/dashboard/premises_ranking.html",
                  {"rows": rows, "weights": selectors.RISK_WEIGHTS, "tab": "premises"})


DISCREPANCY_LABELS = {
    "not_declared": gettext_lazy("Found, not declared by the premises"),
    "declared_not_found": gettext_lazy("Declared, not found at an inspection"),
}


@supervisor_required
@require_GET
def premises_detail(request, premises_id):
    premises = premises_get(user=request.user, premises_id=premises_id)
    people = selectors.premises_people(user=request.user, premises=premises)
    for row in people["rows"]:
        items = [{"label": DISCREPANCY_LABELS[d], "url": None} for d in row["discrepancies"]
                 if d in ("not_declared", "declared_not_found")]
        if row["encounter"] is not None:
            items += [{"label": f.get_kind_display(), "url": reverse("dashboard-case", args=[f.pk])}
                      for f in row["encounter"].flags.all()]
        row["discrepancy_items"] = items
    audit_read(actor=request.user, action="premises.people", obj=premises, purpose=f"premises:{premises.pk}",
               count=len(people["rows"]))
    return render(request, "inspections/dashboard/premises_detail.html",
                  {"premises": premises, "tab": "premises", **people})


# --- overview -----------------------------------------------------------------------------------

@supervisor_required
@require_GET
def overview(request):
    period = "month" if request.GET.get("period") == "month" else "week"
    figures = selectors.overview_figures(user=request.user, period=period)
    kind_labels = dict(FlagKind.choices)
    points = [
        {"lat": float(p["latitude"]), "lon": float(p["longitude"]), "open": p["open_flags"], "name": p["name"],
         "url": reverse("dashboard-premises", args=[p["pk"]])}
        for p in figures["points"]
    ]
    context = {
        "period": period, "figures": figures, "tab": "overview",
        "period_chart": stacked_period_chart(figures["by_period"], kind_labels, period=period,
                                             start=figures["start"], today=timezone.localdate()),
        "province_chart": bar_chart([(r["premises__district__province__name"], r["n"])
                                     for r in figures["by_province"]]),
        "status_chart": bar_chart([(FlagStatus(s).label, n) for s, n in sorted(figures["by_status"].items())]),
        "map": map_points(points),
        "map_data": {"tiles": settings.MAP_TILE_URL, "points": points},
        "clearance_percent": None if figures["clearance_rate"] is None else round(figures["clearance_rate"] * 100),
        "median_days": None if figures["median_hours"] is None else figures["median_hours"] / 24,
    }
    return render(request, "inspections/dashboard/overview.html", context)
