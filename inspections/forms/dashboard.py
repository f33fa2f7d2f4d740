"""Forms of the supervisor dashboard: decisions on a flag and referral outcomes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.filtersets import supervisors_for
from inspections.models import DecisionOutcome, FlagKind, ReferralOutcome


class DecisionForm(forms.Form):
    """One decision on one flag. The case page shows one such form per outcome; each carries the
    flag version the supervisor saw, so that a decision made meanwhile by someone else is
    detected (FlagConflict) instead of silently overwritten."""

    outcome = forms.ChoiceField(choices=DecisionOutcome.choices, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)

    def __init__(self, *args, flag, **kwargs):
        super().__init__(*args, **kwargs)
        self.flag = flag
        self.fields["assignee"].queryset = supervisors_for(province_ids=[flag.province_id])
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.get_username()

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome in (DecisionOutcome.DISMISS, DecisionOutcome.ESCALATE) and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for this decision."))
        if outcome == DecisionOutcome.ASSIGN and not cleaned.get("assignee"):
            self.add_error("assignee", _("Choose who the case is assigned to."))
        if outcome == DecisionOutcome.REFER:
            if self.flag.kind != FlagKind.TRAFFICKING_INDICATORS:
                self.add_error(None, _("Only trafficking cases are referred to protection services."))
            if not cleaned.get("organisation", "").strip():
                self.add_error("organisation", _("Name the organisation the person is referred to."))
        return cleaned


class ReferralOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReferralOutcome.choices)
    outcome_note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
