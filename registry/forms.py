"""Browser forms of the registry: premises recorded on the spot by officers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import ImportKind, PremisesType
from registry.selectors import districts_for


class PremisesSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, registration number or district"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.province.name})"


class PremisesForm(forms.Form):
    premises_type = forms.ChoiceField(
        label=_("Type"), choices=[("", "—")] + [c for c in PremisesType.choices if c[0] != PremisesType.DIPLOMATIC],
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    registration_number = forms.CharField(label=_("Registration number"), max_length=60, required=False,
                                          help_text=_("As on the business licence, if there is one."))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    district = DistrictChoiceField(label=_("District"), queryset=None, empty_label="—")
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6,
                                  min_value=-90, max_value=90,
                                  widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6,
                                   min_value=-180, max_value=180,
                                   widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts_for(user=user)

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.errors.keys() & {
                "latitude", "longitude"}:
            self.add_error("longitude" if data.get("longitude") is None else "latitude",
                           _("Give both latitude and longitude, or neither."))
        return data


class ImportUploadForm(forms.Form):
    """An administrator's upload of a CSV or XLSX file of one kind of registry records."""

    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("UTF-8 CSV with a header row, or XLSX. Formats: docs/import-formats.md."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        return upload
