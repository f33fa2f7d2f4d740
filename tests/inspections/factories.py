import datetime

import factory
from django.utils import timezone

from inspections.models import Encounter, EncounterRole, Flag, FlagKind, Inspection, Severity
from registry.models import DocumentType, Sex
from tests.accounts.factories import UnitFactory, UserFactory
from tests.registry.factories import PremisesFactory


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection
        skip_postgeneration_save = True

    premises = factory.SubFactory(PremisesFactory)
    unit = factory.SubFactory(UnitFactory)
    lead_officer = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(lambda: timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 30)))


class EncounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Encounter

    inspection = factory.SubFactory(InspectionFactory)
    surname = "NGUYEN"
    given_names = "VAN AN"
    date_of_birth = datetime.date(1990, 4, 12)
    sex = Sex.MALE
    nationality = "VNM"
    document_type = DocumentType.PASSPORT
    document_number = "C0000001"
    document_issuing_country = "VNM"
    role = EncounterRole.GUEST


class FlagFactory(factory.django.DjangoModelFactory):
    """A flag as the verification engine would raise it (denormalised fields from the inspection)."""

    class Meta:
        model = Flag

    encounter = factory.SubFactory(EncounterFactory)
    kind = FlagKind.OVERSTAY
    severity = Severity.HIGH
    details = factory.LazyFunction(lambda: {"days": 12})
    province = factory.LazyAttribute(lambda o: o.encounter.inspection.premises.district.province)
    district = factory.LazyAttribute(lambda o: o.encounter.inspection.premises.district)
    premises_type = factory.LazyAttribute(lambda o: o.encounter.inspection.premises.premises_type)
    nationality = factory.LazyAttribute(lambda o: o.encounter.nationality)
    inspected_on = factory.LazyAttribute(lambda o: o.encounter.inspection.started_at.date())
