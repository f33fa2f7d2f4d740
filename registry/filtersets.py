"""One FilterSet per list of registry objects, shared by the browser and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import District, Premises, PremisesType


class PremisesFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name, registration number or district"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), to_field_name="code",
                                                label=_("District code"))
    premises_type = django_filters.ChoiceFilter(choices=PremisesType.choices, label=_("Type"))

    class Meta:
        model = Premises
        fields = ["q", "district", "premises_type"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(registration_number__istartswith=value) | Q(district__name__icontains=value)
        )
