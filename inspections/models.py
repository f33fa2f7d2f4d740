"""What officers did and what the system concluded."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from registry.models import DocumentType, Sex


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")


class Inspection(models.Model):
    """A visit to a premises by a unit's team."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    premises = models.ForeignKey("registry.Premises", verbose_name=_("premises"), on_delete=models.PROTECT,
                                 related_name="inspections")
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="inspections")
    lead_officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("lead officer"),
                                     on_delete=models.PROTECT, related_name="led_inspections")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("team"), blank=True,
                                  related_name="team_inspections")
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=InspectionStatus.choices,
                              default=InspectionStatus.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    foreigners_present = models.PositiveIntegerField(_("foreigners present"), default=0)
    refused_access = models.PositiveIntegerField(_("refused access"), default=0)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                                   name="inspection_ended_after_started"),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "started_at"], name="inspection_unit_status"),
            models.Index(fields=["started_at"], name="inspection_started"),
        ]

    def __str__(self):
        return f"{self.premises} — {self.started_at:%Y-%m-%d}"

    @property
    def is_editable(self) -> bool:
        return self.status == InspectionStatus.DRAFT


class EncounterRole(models.TextChoices):
    GUEST = "guest", _("Guest")
    RESIDENT = "resident", _("Resident / tenant")
    WORKER = "worker", _("Worker")
    EMPLOYER = "employer", _("Employer / manager")
    OTHER = "other", _("Other")


class Answer(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown / not asked")
    YES = "yes", _("Yes")
    NO = "no", _("No")


# Trafficking screening indicators (ILO forced-labour and victim-identification indicators):
# field name -> the question as asked in a field interview.
SCREENING_QUESTIONS = {
    "document_withheld": _("Does someone else keep your passport or ID?"),
    "not_free_to_leave": _("Can you leave this place when you want? (answer Yes if NOT free to leave)"),
    "debt_owed": _("Do you owe money to your employer or the person who brought you here?"),
    "wages_withheld": _("Is your pay kept back or not paid?"),
    "excessive_hours": _("Do you work very long hours or without days off?"),
    "isolated": _("Are you locked in or kept away from other people?"),
    "threats_or_violence": _("Has anyone threatened or hurt you or your family?"),
    "deceived_about_job": _("Is this job different from the one you were promised?"),
    "under_18": _("Is the person under 18?"),
    "physical_abuse_signs": _("Are there signs of physical abuse? (officer's observation)"),
    "lives_at_workplace": _("Do you live where you work?"),
}


def _answer_field(question):
    return models.CharField(question, max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)


class Encounter(models.Model):
    """One person met during an inspection, as the officer recorded it. The worker never
    overwrites what was recorded; it only links the matched foreigner."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="encounters")
    foreigner = models.ForeignKey("registry.Foreigner", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="encounters")
    surname = models.CharField(_("surname"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    native_name = models.CharField(_("name in own script"), max_length=200, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    nationality = models.CharField(_("nationality"), max_length=3)
    document_type = models.CharField(_("document type"), max_length=1, choices=DocumentType.choices,
                                     blank=True)
    document_number = models.CharField(_("document number"), max_length=30, blank=True)
    document_issuing_country = models.CharField(_("issuing country"), max_length=3, blank=True)
    document_expiry = models.DateField(_("document expiry"), null=True, blank=True)
    role = models.CharField(_("role at the premises"), max_length=20, choices=EncounterRole.choices)
    # Trafficking screening, asked of every worker and resident.
    document_withheld = _answer_field(SCREENING_QUESTIONS["document_withheld"])
    not_free_to_leave = _answer_field(SCREENING_QUESTIONS["not_free_to_leave"])
    debt_owed = _answer_field(SCREENING_QUESTIONS["debt_owed"])
    wages_withheld = _answer_field(SCREENING_QUESTIONS["wages_withheld"])
    excessive_hours = _answer_field(SCREENING_QUESTIONS["excessive_hours"])
    isolated = _answer_field(SCREENING_QUESTIONS["isolated"])
    threats_or_violence = _answer_field(SCREENING_QUESTIONS["threats_or_violence"])
    deceived_about_job = _answer_field(SCREENING_QUESTIONS["deceived_about_job"])
    under_18 = _answer_field(SCREENING_QUESTIONS["under_18"])
    physical_abuse_signs = _answer_field(SCREENING_QUESTIONS["physical_abuse_signs"])
    lives_at_workplace = _answer_field(SCREENING_QUESTIONS["lives_at_workplace"])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by retention: the person's details were erased, the counts remain.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("encounter")
        verbose_name_plural = _("encounters")
        indexes = [models.Index(fields=["document_number", "document_issuing_country"],
                                name="encounter_document")]

    def __str__(self):
        return f"{self.surname}, {self.given_names}"

    def screening_answers(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in SCREENING_QUESTIONS}


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLEAR = "clear", _("Clear")
    FLAGGED = "flagged", _("Flagged")
    EXEMPT = "exempt", _("Exempt (diplomatic)")
    ERROR = "error", _("Error")


class MatchMethod(models.TextChoices):
    NONE = "none", _("No match")
    EXACT = "exact", _("Exact document match")
    FUZZY = "fuzzy", _("Fuzzy identity match")


class Verification(models.Model):
    """The worker's result for one encounter."""

    encounter = models.OneToOneField(Encounter, primary_key=True, on_delete=models.CASCADE,
                                     related_name="verification")
    status = models.CharField(_("status"), max_length=10, choices=VerificationStatus.choices,
                              default=VerificationStatus.PENDING)
    matched_entry = models.ForeignKey("registry.EntryRecord", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    match_score = models.FloatField(_("match score"), null=True, blank=True)
    match_method = models.CharField(_("match method"), max_length=10, choices=MatchMethod.choices,
                                    default=MatchMethod.NONE)
    rules_version = models.CharField(_("rules version"), max_length=20, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        indexes = [models.Index(fields=["status"], name="verification_status")]

    def __str__(self):
        return f"{self.encounter_id}: {self.status}"


class FlagKind(models.TextChoices):
    NO_ENTRY_RECORD = "NO_ENTRY_RECORD", _("No entry record")
    IDENTITY_CONFLICT = "IDENTITY_CONFLICT", _("Identity conflict")
    DOCUMENT_MISMATCH = "DOCUMENT_MISMATCH", _("Entered on another document")
    OVERSTAY = "OVERSTAY", _("Overstay")
    RECORDED_EXIT = "RECORDED_EXIT", _("Recorded as having left")
    WORK_NOT_PERMITTED = "WORK_NOT_PERMITTED", _("Visa does not allow work")
    NO_WORK_PERMIT = "NO_WORK_PERMIT", _("No valid work permit")
    NOT_REGISTERED = "NOT_REGISTERED", _("Not registered by the premises")
    DOCUMENT_EXPIRED = "DOCUMENT_EXPIRED", _("Travel document expired")
    TRAFFICKING_INDICATORS = "TRAFFICKING_INDICATORS", _("Trafficking indicators")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_REVIEW = "in_review", _("In review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    REFERRED = "referred", _("Referred to protection")
    ESCALATED = "escalated", _("Escalated")
    CLEARED = "cleared", _("Cleared")


# Statuses a supervisor set: re-verification never clears or reopens them.
DECIDED_STATUSES = (FlagStatus.CONFIRMED, FlagStatus.DISMISSED, FlagStatus.REFERRED, FlagStatus.ESCALATED)


class Flag(models.Model):
    """One discrepancy on one encounter. At most one per (encounter, kind).

    province, premises_type, nationality and inspected_on are copied from the encounter's
    inspection when the flag is raised, so that the case queue filters and counts on one table
    (millions of rows); none of them can change after the inspection is submitted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=30, choices=FlagKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    held_for_victim_screening = models.BooleanField(_("held for victim screening"), default=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_flags")
    province = models.ForeignKey("registry.Province", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("registry.District", on_delete=models.PROTECT, related_name="+")
    premises_type = models.CharField(_("premises type"), max_length=20)
    nationality = models.CharField(_("nationality"), max_length=3)
    inspected_on = models.DateField(_("inspected on"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Incremented by every decision: two supervisors deciding at once, one wins.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["encounter", "kind"], name="flag_unique_encounter_kind"),
        ]
        indexes = [
            models.Index(fields=["province", "status", "raised_at"], name="flag_province_status"),
            models.Index(fields=["status", "raised_at"], name="flag_status_raised"),
            models.Index(fields=["kind", "status"], name="flag_kind_status"),
            models.Index(fields=["inspected_on"], name="flag_inspected_on"),
            models.Index(fields=["assignee", "status"], name="flag_assignee_status"),
            # the case queue: newest first, stable order (keyset-friendly) under any filter
            models.Index(fields=["-raised_at", "-id"], name="flag_queue_newest"),
            # the queue's counts per status and kind, read from the index alone (province-scoped)
            models.Index(fields=["province", "status", "kind"], name="flag_queue_province_counts"),
            # the newest change of any flag: the version of the queue's cached counts
            models.Index(fields=["updated_at"], name="flag_updated"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES


class DecisionOutcome(models.TextChoices):
    ASSIGN = "assign", _("Assign")
    START_REVIEW = "start_review", _("Start review")
    CONFIRM = "confirm", _("Confirm")
    DISMISS = "dismiss", _("Dismiss")
    ESCALATE = "escalate", _("Escalate")
    REFER = "refer", _("Refer to protection services")


class Decision(models.Model):
    """A supervisor's act on a flag. Append-only; the flag's status is the latest decision."""

    id = models.BigAutoField(primary_key=True)
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    status_after = models.CharField(_("status after"), max_length=12, choices=FlagStatus.choices)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.get_outcome_display()} by {self.decided_by}"


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted by the organisation")
    DECLINED = "declined", _("Declined by the person")
    UNREACHABLE = "unreachable", _("Could not be reached")


class Referral(models.Model):
    """A potential trafficking victim handed to protection services."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="referrals")
    flag = models.ForeignKey(Flag, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")
    organisation = models.CharField(_("organisation"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(_("referred at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReferralOutcome.choices,
                               default=ReferralOutcome.PENDING)
    outcome_note = models.TextField(_("outcome note"), blank=True)

    class Meta:
        ordering = ["-referred_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        return f"{self.organisation} ({self.get_outcome_display()})"
