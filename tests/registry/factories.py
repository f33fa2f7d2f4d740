import datetime

import factory

from registry.models import (
    District,
    DocumentType,
    EntryRecord,
    Foreigner,
    GuestRegistration,
    Premises,
    PremisesType,
    Province,
    Sex,
    StayExtension,
    VisaType,
    WorkPermit,
)
from registry.normalisation import name_key


def province(code: str = "KH-12") -> Province:
    """A province loaded by the reference-data migration."""
    return Province.objects.get(code=code)


def district(province_code: str = "KH-12") -> District:
    return District.objects.filter(province__code=province_code).order_by("code").first()


def visa(code: str = "T") -> VisaType:
    return VisaType.objects.get(code=code)


class PremisesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Premises

    premises_type = PremisesType.HOTEL
    name = factory.Sequence(lambda n: f"Golden Lotus Guesthouse {n}")
    registration_number = factory.Sequence(lambda n: f"REG-{n:06d}")
    address = "Street 51"
    district = factory.LazyFunction(district)


class ForeignerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Foreigner

    surname = "NGUYEN"
    given_names = "VAN AN"
    date_of_birth = datetime.date(1990, 4, 12)
    sex = Sex.MALE
    nationality = "VNM"


class EntryRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntryRecord

    source_id = factory.Sequence(lambda n: f"BX-{n:08d}")
    document_type = DocumentType.PASSPORT
    document_number = factory.Sequence(lambda n: f"C{n:07d}")
    issuing_country = "VNM"
    nationality = "VNM"
    surname = "NGUYEN"
    given_names = "VAN AN"
    date_of_birth = datetime.date(1990, 4, 12)
    sex = Sex.MALE
    entry_date = datetime.date(2026, 10, 1)
    port_of_entry = "Bavet"
    visa_type = factory.LazyFunction(lambda: visa("T"))
    permitted_until = datetime.date(2026, 10, 31)
    exit_date = None
    name_key = factory.LazyAttribute(lambda o: name_key(o.surname, o.given_names))


class StayExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StayExtension

    source_id = factory.Sequence(lambda n: f"SX-{n:08d}")
    entry = factory.SubFactory(EntryRecordFactory)
    visa_type = factory.LazyFunction(lambda: visa("T"))
    granted_on = datetime.date(2026, 10, 25)
    valid_until = datetime.date(2026, 11, 30)


class WorkPermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPermit

    source_id = factory.Sequence(lambda n: f"WP-{n:08d}")
    document_number = factory.Sequence(lambda n: f"C{n:07d}")
    issuing_country = "VNM"
    surname = "NGUYEN"
    given_names = "VAN AN"
    employer_name = "Mekong Builders Co., Ltd."
    occupation = "Mason"
    valid_from = datetime.date(2026, 1, 1)
    valid_until = datetime.date(2026, 12, 31)


class GuestRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuestRegistration

    source_id = factory.Sequence(lambda n: f"GR-{n:08d}")
    premises = factory.SubFactory(PremisesFactory)
    document_number = factory.Sequence(lambda n: f"C{n:07d}")
    issuing_country = "VNM"
    nationality = "VNM"
    surname = "NGUYEN"
    given_names = "VAN AN"
    check_in = datetime.date(2026, 11, 1)
    check_out = None
