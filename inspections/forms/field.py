"""Forms of the officer field app. They only validate and convert what was typed; every write goes
through inspections.services (which validates again and audits)."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Role
from inspections.models import SCREENING_QUESTIONS, Answer, EncounterRole, Inspection
from registry.models import DocumentType, Sex
from registry.mrz import MrzResult, parse_td3

_COUNTRY = re.compile(r"^[A-Z]{1,3}$")
# Roles that are asked the trafficking screening questions (DESIGN.md).
SCREENED_ROLES = (EncounterRole.WORKER, EncounterRole.RESIDENT)


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the field it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _decimal(label, minimum, maximum):
    return forms.DecimalField(
        label=label, required=False, max_digits=9, decimal_places=6, min_value=minimum, max_value=maximum,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class CountryField(forms.CharField):
    """ISO 3166-1 alpha-3 as printed in passports ('D' for Germany is valid)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false",
                                  "class": "short"})

    def clean(self, value):
        value = super().clean(value)
        value = (value or "").strip().upper().replace("<", "")
        if value and not _COUNTRY.match(value):
            raise ValidationError(_("Use the three-letter country code printed in the passport, e.g. VNM."),
                                  code="country")
        return value


class InspectionForm(forms.Form):
    """Team, times, notes, counts and position of a draft inspection."""

    team = forms.ModelMultipleChoiceField(
        label=_("Team (other officers of your unit)"), queryset=get_user_model().objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    started_at = forms.DateTimeField(label=_("Started at"), widget=DateTimeLocalInput())
    ended_at = forms.DateTimeField(label=_("Ended at"), required=False, widget=DateTimeLocalInput())
    foreigners_present = forms.IntegerField(label=_("Foreigners present"), min_value=0, max_value=100000,
                                            widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    refused_access = forms.IntegerField(label=_("Refused access"), min_value=0, max_value=100000,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                                        help_text=_("People who would not let you check them."))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    latitude = _decimal(_("Latitude"), -90, 90)
    longitude = _decimal(_("Longitude"), -180, 180)

    def __init__(self, *args, inspection: Inspection, **kwargs):
        initial = kwargs.pop("initial", None) or {
            "team": list(inspection.team.values_list("pk", flat=True)),
            "started_at": timezone.localtime(inspection.started_at),
            "ended_at": timezone.localtime(inspection.ended_at) if inspection.ended_at else None,
            "foreigners_present": inspection.foreigners_present,
            "refused_access": inspection.refused_access,
            "notes": inspection.notes,
            "latitude": inspection.latitude,
            "longitude": inspection.longitude,
        }
        super().__init__(*args, initial=initial, **kwargs)
        officer_ids = Membership.objects.filter(unit_id=inspection.unit_id, role=Role.OFFICER).values("user_id")
        self.fields["team"].queryset = (
            get_user_model().objects.filter(pk__in=officer_ids, is_active=True)
            .exclude(pk=inspection.lead_officer_id).order_by("username")
        )

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_at"), data.get("ended_at")
        if started and ended and ended < started:
            self.add_error("ended_at", _("The end time is before the start time."))
        return data

    def service_fields(self) -> dict:
        """Keyword arguments for inspections.services.inspection_update."""
        data = dict(self.cleaned_data)
        data["team"] = list(data["team"])
        return data


def _screening_field(question):
    return forms.ChoiceField(
        label=question, choices=[(Answer.YES, _("Yes")), (Answer.NO, _("No")),
                                 (Answer.UNKNOWN, _("Unknown / not asked"))],
        initial=Answer.UNKNOWN, required=False, widget=forms.RadioSelect(attrs={"class": "choice"}),
    )


class EncounterForm(forms.Form):
    """One person met: identity, document, role and (for workers and residents) the screening."""

    mrz = forms.CharField(
        label=_("Passport machine-readable zone (MRZ)"), required=False, max_length=200,
        help_text=_("Paste or type the two lines at the bottom of the passport photo page, then tap “Read MRZ”."),
        widget=forms.Textarea(attrs={"rows": 2, "autocapitalize": "characters", "autocomplete": "off",
                                     "spellcheck": "false", "class": "mrz"}),
    )
    surname = forms.CharField(label=_("Surname"), max_length=100)
    given_names = forms.CharField(label=_("Given names"), max_length=150, required=False)
    native_name = forms.CharField(label=_("Name in own script"), max_length=200, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices])
    nationality = CountryField(label=_("Nationality"))
    role = forms.ChoiceField(label=_("Role at the premises"), choices=[("", "—"), *EncounterRole.choices])
    document_type = forms.ChoiceField(label=_("Document type"), choices=[("", "—"), *DocumentType.choices],
                                      required=False)
    document_number = forms.CharField(label=_("Document number"), max_length=30, required=False,
                                      widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                                    "autocapitalize": "characters"}))
    document_issuing_country = CountryField(label=_("Issuing country"), required=False)
    document_expiry = forms.DateField(label=_("Document expiry"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in SCREENING_QUESTIONS.items():
            self.fields[name] = _screening_field(question)

    @property
    def screening_fields(self):
        return [self[name] for name in SCREENING_QUESTIONS]

    @property
    def identity_fields(self):
        return [self[name] for name in ("surname", "given_names", "native_name", "date_of_birth", "sex",
                                        "nationality", "role")]

    @property
    def document_fields(self):
        return [self[name] for name in ("document_type", "document_number", "document_issuing_country",
                                        "document_expiry")]

    def clean(self):
        data = super().clean()
        if data.get("document_number") and not data.get("document_type"):
            self.add_error("document_type", _("Choose the type of the document whose number you entered."))
        for name in SCREENING_QUESTIONS:
            data[name] = data.get(name) or Answer.UNKNOWN
        return data

    def service_fields(self) -> dict:
        """Keyword arguments for encounter_add / encounter_update (everything but the MRZ text)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "mrz"}

    @classmethod
    def from_mrz(cls, data) -> "EncounterForm":
        """An unbound form showing what was typed, with identity and document filled from the MRZ.

        When the MRZ does not check out, the typed input is kept as it was and ``mrz_errors``
        says which check digit failed (shown next to the MRZ field); the other fields are not
        validated yet, so no "required" errors appear before the officer submits."""
        initial = {name: data.get(name, "") for name in data if name != "csrfmiddlewaretoken"}
        result = parse_td3(data.get("mrz", ""))
        form = cls(initial=initial)
        form.mrz_errors = []
        form.mrz_read = isinstance(result, MrzResult)
        if form.mrz_read:
            for name in ("surname", "given_names", "sex", "nationality", "document_type", "document_number",
                         "date_of_birth", "document_expiry"):
                form.initial[name] = getattr(result, name)
            form.initial["document_issuing_country"] = result.issuing_country
        else:
            form.mrz_errors = list(result.errors)
            form.fields["mrz"].widget.attrs.update({"aria-invalid": "true", "aria-describedby": "id_mrz_error"})
        return form
