import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from config.api import ErrorDetailSerializer
from inspections import selectors
from inspections.models import (
    Decision,
    DecisionOutcome,
    Encounter,
    Flag,
    Inspection,
    Referral,
    Verification,
)
from inspections.services import ENCOUNTER_FIELDS
from inspections.summaries import GROUPS
from registry.models import DocumentType, Premises
from registry.selectors import premises_inspectable

# --- people met ----------------------------------------------------------------------------------


class VerificationSerializer(serializers.ModelSerializer):
    matched_entry = serializers.CharField(
        source="matched_entry.source_id", read_only=True, allow_null=True, default=None,
        help_text="The border system's `source_id` of the matched entry record, or null.",
    )

    class Meta:
        model = Verification
        fields = ["status", "matched_entry", "match_score", "match_method", "rules_version", "checked_at"]
        read_only_fields = fields


class FlagBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Flag
        fields = ["id", "kind", "severity", "status", "held_for_victim_screening", "details", "raised_at",
                  "version"]
        read_only_fields = fields


class EncounterSerializer(serializers.ModelSerializer):
    """One person met, as the officer recorded it, with the worker's verification and flags."""

    verification = VerificationSerializer(read_only=True, allow_null=True, default=None,
                                          help_text="Null until the inspection is submitted.")
    flags = FlagBriefSerializer(many=True, read_only=True)
    # Read-only model fields lose allow_blank: declared so that the schema admits "" (not recorded).
    document_type = serializers.ChoiceField(choices=DocumentType.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Encounter
        fields = ["id", "inspection", *ENCOUNTER_FIELDS, "verification", "flags", "created_at", "updated_at"]
        read_only_fields = fields


class EncounterWriteSerializer(serializers.ModelSerializer):
    """A person met during a draft inspection. Names and countries are normalised by the service
    (upper case; document numbers letters and digits only)."""

    inspection = serializers.PrimaryKeyRelatedField(
        queryset=Inspection.objects.none(),
        help_text="A draft inspection of your unit. Set on creation only.",
    )

    class Meta:
        model = Encounter
        fields = ["inspection", *ENCOUNTER_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["inspection"].queryset = selectors.inspections_visible(user=request.user)
        if self.instance is not None:
            self.fields["inspection"].read_only = True

    def validate_date_of_birth(self, value):
        if value is not None and not (datetime.date(1900, 1, 1) <= value <= timezone.localdate()):
            raise serializers.ValidationError(_("Enter a date of birth between 1900 and today."))
        return value

    def validate_document_expiry(self, value):
        if value is not None and not 1900 <= value.year <= 2200:
            raise serializers.ValidationError(_("Enter an expiry date between 1900 and 2200."))
        return value


class EncounterSearchSerializer(serializers.Serializer):
    document_number = serializers.CharField(max_length=30, help_text="As printed; spaces and dashes are ignored.")
    issuing_country = serializers.CharField(min_length=1, max_length=3,
                                            help_text="ISO 3166-1 alpha-3 as in the passport's MRZ.")


# --- inspections ---------------------------------------------------------------------------------


class InspectionSerializer(serializers.ModelSerializer):
    premises_name = serializers.CharField(source="premises.name", read_only=True)
    premises_type = serializers.CharField(source="premises.premises_type", read_only=True)
    district = serializers.CharField(source="premises.district.code", read_only=True)
    province = serializers.CharField(source="premises.district.province.code", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    lead_officer = serializers.CharField(source="lead_officer.username", read_only=True)
    people = serializers.IntegerField(read_only=True, help_text="Number of people recorded.")

    class Meta:
        model = Inspection
        fields = ["id", "premises", "premises_name", "premises_type", "district", "province", "unit",
                  "lead_officer", "status", "started_at", "ended_at", "submitted_at", "verified_at", "notes",
                  "foreigners_present", "refused_access", "latitude", "longitude", "people"]
        read_only_fields = fields


class InspectionDetailSerializer(InspectionSerializer):
    encounters = EncounterSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "encounters"]
        read_only_fields = fields


class InspectionWriteSerializer(serializers.ModelSerializer):
    """A visit. ``premises`` is set on creation only; the rest may change while the inspection is a draft."""

    premises = serializers.PrimaryKeyRelatedField(queryset=Premises.objects.none(),
                                                  help_text="Premises in your unit's jurisdiction.")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                        required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                         required=False, allow_null=True)
    foreigners_present = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    refused_access = serializers.IntegerField(min_value=0, max_value=100_000, required=False)

    class Meta:
        model = Inspection
        fields = ["premises", "started_at", "ended_at", "notes", "foreigners_present", "refused_access",
                  "latitude", "longitude"]
        extra_kwargs = {"started_at": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["premises"].queryset = premises_inspectable(user=request.user)
        if self.instance is not None:
            self.fields["premises"].read_only = True

    def _plausible(self, value):
        if value is None:
            return value
        if value.year < 2000 or value > timezone.now() + datetime.timedelta(days=1):
            raise serializers.ValidationError(_("Enter a time between the year 2000 and tomorrow."))
        return value

    def validate_started_at(self, value):
        return self._plausible(value)

    def validate_ended_at(self, value):
        return self._plausible(value)

    def validate(self, attrs):
        started = attrs.get("started_at", getattr(self.instance, "started_at", None))
        ended = attrs.get("ended_at")
        if started and ended and ended < started:
            raise serializers.ValidationError({"ended_at": _("The visit cannot end before it started.")})
        return attrs


# --- flags, decisions, referrals -----------------------------------------------------------------


class FlagSerializer(serializers.ModelSerializer):
    inspection = serializers.UUIDField(source="encounter.inspection_id", read_only=True)
    province = serializers.CharField(source="province.code", read_only=True)
    district = serializers.CharField(source="district.code", read_only=True)
    assignee = serializers.CharField(source="assignee.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Flag
        fields = ["id", "encounter", "inspection", "kind", "severity", "status", "held_for_victim_screening",
                  "details", "province", "district", "premises_type", "nationality", "inspected_on", "assignee",
                  "raised_at", "updated_at", "version"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", read_only=True)
    assignee = serializers.CharField(source="assignee.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Decision
        fields = ["id", "outcome", "status_after", "decided_by", "decided_at", "assignee", "reason"]
        read_only_fields = fields


class FlagDetailSerializer(FlagSerializer):
    person = EncounterSerializer(source="encounter", read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta(FlagSerializer.Meta):
        fields = [*FlagSerializer.Meta.fields, "person", "decisions"]
        read_only_fields = fields


class DecisionCreateSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   help_text="Required to dismiss or escalate.")
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True,
        help_text="User id of the supervisor the case is assigned to (outcome `assign`).",
    )
    organisation = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                         help_text="Protection organisation (outcome `refer`).")
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0,
        help_text="The flag `version` you saw: if someone decided in between, the answer is 409.",
    )


class ConflictErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
    current = FlagSerializer(help_text="The flag as it is now.")


class ReferralSerializer(serializers.ModelSerializer):
    referred_by = serializers.CharField(source="referred_by.username", read_only=True)
    province = serializers.CharField(source="encounter.inspection.premises.district.province.code", read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "flag", "encounter", "organisation", "note", "referred_by", "referred_at", "outcome",
                  "outcome_note", "province"]
        read_only_fields = fields


# --- summaries -----------------------------------------------------------------------------------


def _group_fields():
    return {
        "province": serializers.CharField(required=False, help_text="Province code (ISO 3166-2:KH)."),
        "district": serializers.CharField(required=False, help_text="District code."),
        "premises_type": serializers.CharField(required=False),
        "nationality": serializers.CharField(required=False, help_text="ISO 3166-1 alpha-3."),
    }


class _SummaryRowBase(serializers.Serializer):
    period = serializers.DateField(help_text="First day of the period (weeks start on Monday).")

    def get_fields(self):
        fields = super().get_fields()
        fields.update(_group_fields())
        return fields


class InspectionSummaryRowSerializer(_SummaryRowBase):
    inspections = serializers.IntegerField()
    foreigners_present = serializers.IntegerField()
    refused_access = serializers.IntegerField()


class EncounterSummaryRowSerializer(_SummaryRowBase):
    people = serializers.IntegerField()
    workers = serializers.IntegerField()
    clear = serializers.IntegerField()
    flagged = serializers.IntegerField()
    exempt = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="Not yet verified, or verification failed and will be retried.")


class FlagSummaryRowSerializer(_SummaryRowBase):
    kind = serializers.CharField()
    severity = serializers.CharField()
    status = serializers.CharField()
    flags = serializers.IntegerField()
    held_for_victim_screening = serializers.IntegerField()


class ReferralSummaryRowSerializer(_SummaryRowBase):
    outcome = serializers.CharField()
    referrals = serializers.IntegerField()


class _SummaryBase(serializers.Serializer):
    period = serializers.ChoiceField(choices=["day", "week", "month"])
    group_by = serializers.ListField(child=serializers.ChoiceField(choices=list(GROUPS)))
    date_from = serializers.DateField()
    date_to = serializers.DateField()

    def get_fields(self):
        fields = super().get_fields()
        # "from" and "to" are Python keywords: declared here under their JSON names.
        renamed = {"date_from": "from", "date_to": "to"}
        return {renamed.get(name, name): field for name, field in fields.items()}


def _summary_serializer(name: str, row: type[serializers.Serializer]) -> type[serializers.Serializer]:
    return type(name, (_SummaryBase,), {"results": row(many=True)})


InspectionSummarySerializer = _summary_serializer("InspectionSummarySerializer", InspectionSummaryRowSerializer)
EncounterSummarySerializer = _summary_serializer("EncounterSummarySerializer", EncounterSummaryRowSerializer)
FlagSummarySerializer = _summary_serializer("FlagSummarySerializer", FlagSummaryRowSerializer)
ReferralSummarySerializer = _summary_serializer("ReferralSummarySerializer", ReferralSummaryRowSerializer)
