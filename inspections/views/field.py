"""The officer field app: start an inspection, record the people met, submit, watch the results.

Thin views: reads through inspections.selectors / registry.selectors (scoped, 404 outside the
user's units), writes through inspections.services. Every page showing a person's data records a
consultation with the purpose "inspection:<uuid>". Document numbers only ever travel in POST bodies.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import scope_for
from accounts.services import audit_read, audit_read_many
from inspections.forms.field import SCREENED_ROLES, EncounterForm, InspectionForm, apply_service_errors
from inspections.models import (
    Encounter,
    FlagKind,
    FlagStatus,
    Inspection,
    InspectionStatus,
    Severity,
    VerificationStatus,
)
from inspections.selectors import encounter_get, inspection_encounters, inspection_get, inspections_visible
from inspections.services import (
    encounter_add,
    encounter_remove,
    encounter_update,
    inspection_create,
    inspection_member,
    inspection_submit,
    inspection_update,
)
from registry.selectors import premises_get

RECENT_SUBMITTED = 10
POLL_PENDING = "1500ms"
POLL_RETRYING = "10s"
# Flags the officer no longer needs to see: they were found not to apply.
_HIDDEN_FLAG_STATUSES = (FlagStatus.CLEARED, FlagStatus.DISMISSED)
_SESSION_DRAFTS_SAVED = "field_drafts_saved"
_SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


# --- helpers ------------------------------------------------------------------------------------

def _purpose(inspection: Inspection) -> str:
    return f"inspection:{inspection.pk}"


def _can_edit(user, inspection: Inspection) -> bool:
    return inspection.is_editable and inspection_member(user=user, inspection=inspection)


def _require_editable(request, inspection: Inspection):
    """None when the user may change the draft; otherwise a redirect back with a message.

    Someone who may see but not change the inspection (a supervisor) is refused (403)."""
    if not inspection_member(user=request.user, inspection=inspection):
        raise PermissionDenied(_("Only officers of the inspecting unit change an inspection."))
    if not inspection.is_editable:
        messages.error(request, _("This inspection was submitted and can no longer be changed."))
        return redirect("inspection_detail", pk=inspection.pk)
    return None


def _encounter_of(request, inspection: Inspection, encounter_pk) -> Encounter:
    encounter = encounter_get(user=request.user, encounter_id=encounter_pk)
    if encounter.inspection_id != inspection.pk:
        raise Http404("No such person.")
    return encounter


def draft_key(inspection: Inspection, form_name: str) -> str:
    """The browser-side key under which static/js/field.js keeps unsent input of one form."""
    return f"inspection:{inspection.pk}:{form_name}"


def _mark_draft_saved(request, *keys: str) -> None:
    saved = request.session.get(_SESSION_DRAFTS_SAVED, [])
    request.session[_SESSION_DRAFTS_SAVED] = [*saved, *keys][-20:]


def _pop_drafts_saved(request) -> str:
    return " ".join(request.session.pop(_SESSION_DRAFTS_SAVED, []))


@dataclass
class FlagLine:
    label: str
    detail: str
    severity: str
    held: bool


@dataclass
class PersonResult:
    encounter: Encounter
    state: str  # draft, pending, clear, exempt, error, flagged
    label: str
    flags: list[FlagLine] = field(default_factory=list)

    @property
    def screened(self) -> bool:
        return self.encounter.role in SCREENED_ROLES


def _flag_detail(flag) -> str:
    details = flag.details or {}
    days = details.get("days")
    if isinstance(days, int):
        if flag.kind == FlagKind.OVERSTAY:
            return ngettext("%(days)d day over the permitted stay", "%(days)d days over the permitted stay",
                            days) % {"days": days}
        if flag.kind == FlagKind.DOCUMENT_EXPIRED:
            return ngettext("expired %(days)d day ago", "expired %(days)d days ago", days) % {"days": days}
        return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
    return ""


def _person_result(encounter: Encounter, inspection: Inspection) -> PersonResult:
    if inspection.status == InspectionStatus.DRAFT:
        return PersonResult(encounter, "draft", _("Not submitted yet"))
    verification = getattr(encounter, "verification", None)
    status = verification.status if verification is not None else VerificationStatus.PENDING
    if status == VerificationStatus.PENDING:
        return PersonResult(encounter, "pending", _("Checking…"))
    if status == VerificationStatus.EXEMPT:
        return PersonResult(encounter, "exempt", _("Exempt (diplomatic)"))
    if status == VerificationStatus.ERROR:
        return PersonResult(encounter, "error", _("Error — will retry"))
    visible = [flag for flag in encounter.flags.all() if flag.status not in _HIDDEN_FLAG_STATUSES]
    # Trafficking first (the person is screened as a possible victim first), then by severity.
    visible.sort(key=lambda f: (f.kind != FlagKind.TRAFFICKING_INDICATORS, _SEVERITY_ORDER.get(f.severity, 9)))
    flags = [FlagLine(f.get_kind_display(), _flag_detail(f), f.severity, f.held_for_victim_screening)
             for f in visible]
    if status == VerificationStatus.FLAGGED and flags:
        return PersonResult(encounter, "flagged", _("Flagged"), flags)
    return PersonResult(encounter, "clear", _("Clear"))


def _people(inspection: Inspection) -> list[PersonResult]:
    return [_person_result(e, inspection) for e in inspection_encounters(inspection=inspection)]


def _results_context(request, inspection: Inspection, action: str) -> dict:
    people = _people(inspection)
    if people:
        audit_read_many(actor=request.user, action=action, objects=[p.encounter for p in people],
                        purpose=_purpose(inspection))
    pending = any(p.state == "pending" for p in people)
    retrying = any(p.state == "error" for p in people)
    return {
        "inspection": inspection,
        "people": people,
        "pending": pending,
        # Poll quickly while results are due, slowly while the worker retries errors, else not at all.
        "poll_every": POLL_PENDING if pending else POLL_RETRYING if retrying else "",
        "editable": _can_edit(request.user, inspection),
    }


# --- home ---------------------------------------------------------------------------------------

@login_required
@require_GET
def home(request):
    """Officers: their open drafts and their units' recent submitted inspections."""
    scope = scope_for(request.user)
    context = {"scope": scope}
    if scope.is_officer:
        base = (
            inspections_visible(user=request.user).filter(unit_id__in=scope.officer_unit_ids)
            .select_related("premises__district__province").annotate(people=Count("encounters", distinct=True))
        )
        context["drafts"] = list(
            base.filter(status=InspectionStatus.DRAFT)
            .filter(Q(lead_officer=request.user) | Q(team=request.user)).distinct().order_by("-started_at")
        )
        context["submitted"] = list(
            base.exclude(status=InspectionStatus.DRAFT).order_by("-submitted_at", "-started_at")[:RECENT_SUBMITTED]
        )
    return render(request, "inspections/home.html", context)


# --- inspections --------------------------------------------------------------------------------

@login_required
@require_POST
def inspection_start(request):
    """Start a draft inspection at the chosen premises (POST from the premises search)."""
    premises = premises_get(user=request.user, premises_id=request.POST.get("premises"))
    try:
        inspection = inspection_create(actor=request.user, premises=premises)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("registry:premises_search")
    messages.success(request, _("Inspection started. Its details are saved as you type."))
    return redirect("inspection_detail", pk=inspection.pk)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request, pk):
    """The inspection: details form (while draft), the people met, and after submit their results."""
    inspection = inspection_get(user=request.user, inspection_id=pk)
    editable = _can_edit(request.user, inspection)
    form = None
    if request.method == "POST":
        refused = _require_editable(request, inspection)
        if refused:
            return refused
        form = InspectionForm(request.POST, inspection=inspection)
        if form.is_valid():
            try:
                inspection_update(actor=request.user, inspection=inspection, **form.service_fields())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                _mark_draft_saved(request, draft_key(inspection, "details"))
                messages.success(request, _("Inspection details saved."))
                return redirect("inspection_detail", pk=inspection.pk)
    elif editable:
        form = InspectionForm(inspection=inspection)
    context = _results_context(request, inspection, "inspection.view")
    context.update({
        "form": form,
        "draft_key": draft_key(inspection, "details"),
        "drafts_saved": _pop_drafts_saved(request),
    })
    return render(request, "inspections/inspection.html", context)


@login_required
def inspection_autosave(request, pk):
    """htmx: save the draft's details as the officer goes; answers a small status line."""
    inspection = inspection_get(user=request.user, inspection_id=pk)  # 404 first, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not inspection_member(user=request.user, inspection=inspection):
        raise PermissionDenied(_("Only officers of the inspecting unit change an inspection."))
    form = InspectionForm(request.POST, inspection=inspection)
    context = {"saved": False, "form": form}
    if not inspection.is_editable:
        context["problem"] = _("This inspection was submitted and can no longer be changed.")
    elif form.is_valid():
        try:
            inspection = inspection_update(actor=request.user, inspection=inspection, **form.service_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            context.update({"saved": True, "saved_at": timezone.localtime(inspection.updated_at)})
    return render(request, "inspections/partials/autosave_status.html", context)


@login_required
def inspection_results(request, pk):
    """htmx polling: each person's verification result; the partial stops polling when none is pending."""
    inspection = inspection_get(user=request.user, inspection_id=pk)  # 404 first, whatever the method
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(request, "inspections/partials/results.html",
                  _results_context(request, inspection, "inspection.results"))


@login_required
@require_http_methods(["GET", "POST"])
def inspection_submit_view(request, pk):
    """Confirmation step, then submit: the people go to the verification worker."""
    inspection = inspection_get(user=request.user, inspection_id=pk)
    refused = _require_editable(request, inspection)
    if refused:
        return refused
    if request.method == "POST":
        try:
            inspection_submit(actor=request.user, inspection=inspection)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("inspection_detail", pk=inspection.pk)
        _mark_draft_saved(request, draft_key(inspection, "details"), draft_key(inspection, "person-new"))
        messages.success(request, _("Inspection submitted. The results appear below as each person is checked."))
        return redirect("inspection_detail", pk=inspection.pk)
    context = _results_context(request, inspection, "inspection.submit_confirm")
    return render(request, "inspections/submit_confirm.html", context)


# --- people met (encounters) --------------------------------------------------------------------

def _encounter_page(request, inspection, form, *, encounter=None, status=200):
    form_name = f"person-{encounter.pk}" if encounter else "person-new"
    context = {
        "inspection": inspection, "form": form, "encounter": encounter,
        "draft_key": draft_key(inspection, form_name),
        "server_updated": encounter.updated_at if encounter else None,
        "screened_roles": " ".join(SCREENED_ROLES),
        "drafts_saved": _pop_drafts_saved(request),
    }
    template = "inspections/partials/encounter_form.html" if request.htmx else "inspections/encounter_form.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def encounter_add_view(request, pk):
    inspection = inspection_get(user=request.user, inspection_id=pk)
    refused = _require_editable(request, inspection)
    if refused:
        return refused
    if request.method == "GET":
        return _encounter_page(request, inspection, EncounterForm())
    if request.POST.get("action") == "mrz":
        return _encounter_page(request, inspection, EncounterForm.from_mrz(request.POST))
    form = EncounterForm(request.POST)
    if form.is_valid():
        try:
            encounter_add(actor=request.user, inspection=inspection, **form.service_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            _mark_draft_saved(request, draft_key(inspection, "person-new"))
            messages.success(request, _("Person added."))
            if request.POST.get("action") == "save_add":
                return redirect("encounter_add", pk=inspection.pk)
            return redirect("inspection_detail", pk=inspection.pk)
    return _encounter_page(request, inspection, form)


@login_required
@require_http_methods(["GET", "POST"])
def encounter_edit_view(request, pk, encounter_pk):
    inspection = inspection_get(user=request.user, inspection_id=pk)
    encounter = _encounter_of(request, inspection, encounter_pk)
    refused = _require_editable(request, inspection)
    if refused:
        return refused
    if request.method == "GET":
        audit_read(actor=request.user, action="encounter.view", obj=encounter, purpose=_purpose(inspection))
        initial = {name: getattr(encounter, name) for name in EncounterForm.base_fields if name != "mrz"}
        initial.update(encounter.screening_answers())
        return _encounter_page(request, inspection, EncounterForm(initial=initial), encounter=encounter)
    if request.POST.get("action") == "mrz":
        return _encounter_page(request, inspection, EncounterForm.from_mrz(request.POST), encounter=encounter)
    form = EncounterForm(request.POST)
    if form.is_valid():
        try:
            encounter_update(actor=request.user, encounter=encounter, **form.service_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            _mark_draft_saved(request, draft_key(inspection, f"person-{encounter.pk}"))
            messages.success(request, _("Changes saved."))
            return redirect("inspection_detail", pk=inspection.pk)
    return _encounter_page(request, inspection, form, encounter=encounter)


@login_required
@require_http_methods(["GET", "POST"])
def encounter_remove_view(request, pk, encounter_pk):
    inspection = inspection_get(user=request.user, inspection_id=pk)
    encounter = _encounter_of(request, inspection, encounter_pk)
    refused = _require_editable(request, inspection)
    if refused:
        return refused
    if request.method == "POST":
        try:
            encounter_remove(actor=request.user, encounter=encounter)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            _mark_draft_saved(request, draft_key(inspection, f"person-{encounter.pk}"))
            messages.success(request, _("Person removed from this inspection."))
        return redirect("inspection_detail", pk=inspection.pk)
    audit_read(actor=request.user, action="encounter.view", obj=encounter, purpose=_purpose(inspection))
    return render(request, "inspections/encounter_remove.html", {"inspection": inspection, "encounter": encounter})
