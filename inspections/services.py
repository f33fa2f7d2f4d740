"""Every write of the inspections app. The browser, the API and the tasks all call these.

Each function is keyword-only, atomic, validates before saving and writes an audit row with the
acting user. Permission is checked here too (as a safety net behind the scoped selectors the
views use to find the object).
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.models import Role, Unit
from accounts.services import audit_write
from inspections.models import (
    Decision,
    DecisionOutcome,
    Encounter,
    Flag,
    FlagKind,
    FlagStatus,
    Inspection,
    InspectionStatus,
    Referral,
    ReferralOutcome,
    Verification,
    VerificationStatus,
)
from registry.models import Premises
from registry.normalisation import normalise_country, normalise_document_number

INSPECTION_FIELDS = ("started_at", "ended_at", "notes", "foreigners_present", "refused_access", "latitude",
                     "longitude")
ENCOUNTER_FIELDS = (
    "surname", "given_names", "native_name", "date_of_birth", "sex", "nationality", "document_type",
    "document_number", "document_issuing_country", "document_expiry", "role",
    "document_withheld", "not_free_to_leave", "debt_owed", "wages_withheld", "excessive_hours", "isolated",
    "threats_or_violence", "deceived_about_job", "under_18", "physical_abuse_signs", "lives_at_workplace",
)


class FlagConflict(ValidationError):
    """Someone else decided the flag first; the caller shows the new state."""


def _snapshot(instance, fields) -> dict:
    data = model_to_dict(instance, fields=fields)
    return {key: (str(value) if value is not None and not isinstance(value, (int, float, bool, str)) else value)
            for key, value in data.items()}


def _officer_unit_for(*, actor, premises: Premises, unit: Unit | None) -> Unit:
    """The unit the inspection is logged for: one where ``actor`` is an officer and whose
    jurisdiction covers the premises."""
    scope = scope_for(actor)
    if not scope.is_officer:
        raise PermissionDenied(_("Only officers create inspections."))
    candidates = Unit.objects.filter(pk__in=scope.officer_unit_ids).prefetch_related("provinces")
    if unit is not None:
        candidates = candidates.filter(pk=unit.pk)
    province_id = premises.district.province_id
    for candidate in candidates:
        if candidate.is_national or any(p.pk == province_id for p in candidate.provinces.all()):
            return candidate
    raise ValidationError({"premises": _("These premises are outside your unit's jurisdiction.")})


def _require_draft(inspection: Inspection) -> None:
    if not inspection.is_editable:
        raise ValidationError(_("This inspection was submitted and can no longer be changed."))


def inspection_member(*, user, inspection: Inspection) -> bool:
    """Whether ``user`` is an officer of the inspecting unit: the people who change an inspection
    (while it is a draft). Views ask it to decide what to offer; the services enforce it."""
    scope = scope_for(user)
    return scope.is_officer and inspection.unit_id in scope.officer_unit_ids


def _require_inspection_member(*, actor, inspection: Inspection) -> None:
    if not inspection_member(user=actor, inspection=inspection):
        raise PermissionDenied(_("Only officers of the inspecting unit change an inspection."))


# --- inspections --------------------------------------------------------------------------------

@transaction.atomic
def inspection_create(
    *, actor, premises: Premises, unit: Unit | None = None, started_at: datetime | None = None,
    ended_at: datetime | None = None, notes: str = "", foreigners_present: int = 0, refused_access: int = 0,
    latitude=None, longitude=None, team=(),
) -> Inspection:
    if not premises.is_inspectable:
        raise ValidationError({"premises": _("Diplomatic premises are not inspectable.")})
    inspection = Inspection(
        premises=premises, unit=_officer_unit_for(actor=actor, premises=premises, unit=unit), lead_officer=actor,
        started_at=started_at or timezone.now(), ended_at=ended_at, notes=notes,
        foreigners_present=foreigners_present, refused_access=refused_access, latitude=latitude,
        longitude=longitude,
    )
    inspection.full_clean()
    inspection.save()
    if team:
        inspection.team.set(team)
    audit_write(actor=actor, action="inspection.create", obj=inspection,
                after=_snapshot(inspection, INSPECTION_FIELDS + ("premises", "unit")))
    return inspection


@transaction.atomic
def inspection_update(*, actor, inspection: Inspection, team=None, **fields) -> Inspection:
    """Change a draft inspection's details (the fields in INSPECTION_FIELDS, and the team)."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_inspection_member(actor=actor, inspection=inspection)
    _require_draft(inspection)
    unknown = set(fields) - set(INSPECTION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    before = _snapshot(inspection, INSPECTION_FIELDS)
    for name, value in fields.items():
        setattr(inspection, name, value)
    inspection.full_clean()
    inspection.save(update_fields=[*fields, "updated_at"])
    if team is not None:
        inspection.team.set(team)
    audit_write(actor=actor, action="inspection.update", obj=inspection, before=before,
                after=_snapshot(inspection, INSPECTION_FIELDS))
    return inspection


@transaction.atomic
def inspection_submit(*, actor, inspection: Inspection) -> Inspection:
    """Close the draft and hand its people to the verification worker (after commit)."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_inspection_member(actor=actor, inspection=inspection)
    _require_draft(inspection)
    now = timezone.now()
    inspection.status = InspectionStatus.SUBMITTED
    inspection.submitted_at = now
    if inspection.ended_at is None:
        inspection.ended_at = max(now, inspection.started_at)
    inspection.full_clean()
    inspection.save(update_fields=["status", "submitted_at", "ended_at", "updated_at"])
    encounter_ids = list(inspection.encounters.values_list("pk", flat=True))
    Verification.objects.bulk_create(
        [Verification(encounter_id=pk, status=VerificationStatus.PENDING) for pk in encounter_ids],
        ignore_conflicts=True,
    )
    audit_write(actor=actor, action="inspection.submit", obj=inspection,
                after={"status": inspection.status, "people": len(encounter_ids)})
    inspection_id = str(inspection.pk)
    transaction.on_commit(lambda: _enqueue_verification(inspection_id))
    return inspection


def _enqueue_verification(inspection_id: str) -> None:
    from inspections.tasks import inspection_verify_task

    inspection_verify_task.delay(inspection_id)


# --- encounters ---------------------------------------------------------------------------------

def _normalise_encounter_fields(fields: dict) -> dict:
    if "document_number" in fields:
        fields["document_number"] = normalise_document_number(fields["document_number"] or "")
    for name in ("nationality", "document_issuing_country"):
        if name in fields:
            fields[name] = normalise_country(fields[name] or "")
    for name in ("surname", "given_names"):
        if name in fields and fields[name]:
            fields[name] = " ".join(fields[name].split()).upper()
    return fields


def _check_encounter_fields(fields: dict) -> None:
    unknown = set(fields) - set(ENCOUNTER_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})


@transaction.atomic
def encounter_add(*, actor, inspection: Inspection, **fields) -> Encounter:
    """Record one person met during a draft inspection."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_inspection_member(actor=actor, inspection=inspection)
    _require_draft(inspection)
    _check_encounter_fields(fields)
    encounter = Encounter(inspection=inspection, recorded_by=actor, **_normalise_encounter_fields(fields))
    encounter.full_clean()
    encounter.save()
    audit_write(actor=actor, action="encounter.add", obj=encounter, after=_snapshot(encounter, ENCOUNTER_FIELDS))
    return encounter


@transaction.atomic
def encounter_update(*, actor, encounter: Encounter, **fields) -> Encounter:
    inspection = Inspection.objects.select_for_update().get(pk=encounter.inspection_id)
    _require_inspection_member(actor=actor, inspection=inspection)
    _require_draft(inspection)
    _check_encounter_fields(fields)
    encounter = Encounter.objects.get(pk=encounter.pk)
    before = _snapshot(encounter, ENCOUNTER_FIELDS)
    for name, value in _normalise_encounter_fields(fields).items():
        setattr(encounter, name, value)
    encounter.full_clean()
    encounter.save(update_fields=[*fields, "updated_at"])
    audit_write(actor=actor, action="encounter.update", obj=encounter, before=before,
                after=_snapshot(encounter, ENCOUNTER_FIELDS))
    return encounter


@transaction.atomic
def encounter_remove(*, actor, encounter: Encounter) -> None:
    inspection = Inspection.objects.select_for_update().get(pk=encounter.inspection_id)
    _require_inspection_member(actor=actor, inspection=inspection)
    _require_draft(inspection)
    before = _snapshot(encounter, ENCOUNTER_FIELDS)
    audit_write(actor=actor, action="encounter.remove", obj=encounter, before=before)
    encounter.delete()


# --- flags: supervisors' decisions ---------------------------------------------------------------

# outcome -> the status it leaves the flag in (None: status unchanged)
_OUTCOME_STATUS = {
    DecisionOutcome.ASSIGN: None,
    DecisionOutcome.START_REVIEW: FlagStatus.IN_REVIEW,
    DecisionOutcome.CONFIRM: FlagStatus.CONFIRMED,
    DecisionOutcome.DISMISS: FlagStatus.DISMISSED,
    DecisionOutcome.ESCALATE: FlagStatus.ESCALATED,
    DecisionOutcome.REFER: FlagStatus.REFERRED,
}
_REASON_REQUIRED = {DecisionOutcome.DISMISS, DecisionOutcome.ESCALATE}


def _require_supervisor_of(*, actor, flag: Flag) -> None:
    scope = scope_for(actor)
    if not scope.is_supervisor:
        raise PermissionDenied(_("Only supervisors decide flags."))
    if scope.supervised_province_ids is not None and flag.province_id not in scope.supervised_province_ids:
        raise PermissionDenied(_("This flag is outside your jurisdiction."))


@transaction.atomic
def flag_decide(
    *, actor, flag: Flag, outcome: str, reason: str = "", assignee=None, expected_version: int | None = None,
    organisation: str = "",
) -> Flag:
    """Record a supervisor's decision on a flag; the flag takes the decision's status.

    ``expected_version`` is the flag version the supervisor saw: if another decision landed in
    between, FlagConflict is raised and nothing is written (exactly one of two simultaneous
    decisions wins). Referring creates a Referral to ``organisation``.
    """
    locked = Flag.objects.select_for_update().get(pk=flag.pk)
    _require_supervisor_of(actor=actor, flag=locked)
    if expected_version is not None and locked.version != expected_version:
        raise FlagConflict(
            _("Another supervisor decided this flag first; it is now “%(status)s”.")
            % {"status": locked.get_status_display()}, code="conflict",
        )
    try:
        outcome = DecisionOutcome(outcome)
    except ValueError as exc:
        raise ValidationError({"outcome": _("Unknown decision.")}) from exc
    reason = (reason or "").strip()
    if outcome in _REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give a reason for this decision.")})
    if outcome == DecisionOutcome.ASSIGN:
        if assignee is None:
            raise ValidationError({"assignee": _("Choose who the case is assigned to.")})
        if not scope_for(assignee).is_supervisor:
            raise ValidationError({"assignee": _("Cases are assigned to supervisors.")})
    if outcome == DecisionOutcome.CONFIRM and locked.held_for_victim_screening:
        raise ValidationError(
            _("This flag is held for victim screening: decide the trafficking indicators first."), code="held",
        )
    if outcome == DecisionOutcome.REFER and locked.kind != FlagKind.TRAFFICKING_INDICATORS:
        raise ValidationError({"outcome": _("Only trafficking cases are referred to protection services.")})
    if outcome == DecisionOutcome.REFER and not (organisation or "").strip():
        raise ValidationError({"organisation": _("Name the organisation the person is referred to.")})

    before = {"status": locked.status, "assignee": locked.assignee_id, "version": locked.version}
    new_status = _OUTCOME_STATUS[outcome] or locked.status
    if outcome == DecisionOutcome.ASSIGN:
        locked.assignee = assignee
    elif outcome == DecisionOutcome.START_REVIEW and locked.assignee_id is None:
        locked.assignee = actor
    locked.status = new_status
    locked.version += 1
    locked.save(update_fields=["status", "assignee", "version", "updated_at"])
    Decision.objects.create(flag=locked, decided_by=actor, outcome=outcome, status_after=new_status,
                            assignee=locked.assignee, reason=reason)
    if outcome == DecisionOutcome.REFER:
        referral_create(actor=actor, flag=locked, organisation=organisation, note=reason)
    if locked.kind == FlagKind.TRAFFICKING_INDICATORS and outcome == DecisionOutcome.DISMISS:
        # Not a victim after all: the immigration flags are no longer held.
        Flag.objects.filter(encounter_id=locked.encounter_id, held_for_victim_screening=True).update(
            held_for_victim_screening=False, updated_at=timezone.now()
        )
    audit_write(actor=actor, action=f"flag.{outcome}", obj=locked, before=before,
                after={"status": locked.status, "assignee": locked.assignee_id, "version": locked.version,
                       "reason": reason})
    return locked


@transaction.atomic
def referral_create(*, actor, flag: Flag, organisation: str, note: str = "") -> Referral:
    """Hand a potential trafficking victim to protection services."""
    _require_supervisor_of(actor=actor, flag=flag)
    referral = Referral(encounter_id=flag.encounter_id, flag=flag, organisation=(organisation or "").strip(),
                        note=note, referred_by=actor)
    referral.full_clean()
    referral.save()
    audit_write(actor=actor, action="referral.create", obj=referral,
                after={"organisation": referral.organisation, "flag": str(flag.pk)})
    return referral


@transaction.atomic
def referral_record_outcome(*, actor, referral: Referral, outcome: str, outcome_note: str = "") -> Referral:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the flag.
    referral = Referral.objects.select_for_update(of=("self",)).select_related("flag").get(pk=referral.pk)
    if referral.flag is not None:
        _require_supervisor_of(actor=actor, flag=referral.flag)
    elif not scope_for(actor).has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only supervisors record referral outcomes."))
    if outcome not in ReferralOutcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    before = {"outcome": referral.outcome}
    referral.outcome = outcome
    referral.outcome_note = outcome_note
    referral.full_clean()
    referral.save(update_fields=["outcome", "outcome_note"])
    audit_write(actor=actor, action="referral.outcome", obj=referral, before=before,
                after={"outcome": outcome})
    return referral
