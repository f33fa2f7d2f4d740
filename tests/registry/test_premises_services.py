import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registry.models import PremisesType
from registry.services import premises_create, premises_update
from tests.registry.factories import district

pytestmark = pytest.mark.django_db


def test_officer_records_premises_in_jurisdiction(officer):
    premises = premises_create(actor=officer, premises_type=PremisesType.CONSTRUCTION, name=" Tower 7 site ",
                               district=district("KH-12"), registration_number="moc-77")
    assert premises.name == "Tower 7 site" and premises.registration_number == "MOC-77"
    assert AuditEvent.objects.filter(action="premises.create", object_id=str(premises.pk)).exists()


def test_premises_outside_jurisdiction_names_the_district(officer):
    with pytest.raises(ValidationError) as excinfo:
        premises_create(actor=officer, premises_type=PremisesType.HOTEL, name="Far away", district=district("KH-17"))
    assert "district" in excinfo.value.message_dict


def test_bad_type_and_duplicate_registration_are_field_errors(officer):
    premises_create(actor=officer, premises_type=PremisesType.HOTEL, name="A", district=district(),
                    registration_number="R-1")
    with pytest.raises(ValidationError) as excinfo:
        premises_create(actor=officer, premises_type="palace", name="B", district=district(), registration_number="r-1")
    assert {"premises_type"} <= set(excinfo.value.message_dict)


def test_analyst_cannot_record_premises(analyst):
    with pytest.raises(PermissionDenied):
        premises_create(actor=analyst, premises_type=PremisesType.HOTEL, name="X", district=district())


def test_update_is_audited_with_before_and_after(officer):
    premises = premises_create(actor=officer, premises_type=PremisesType.HOTEL, name="Old", district=district())
    premises_update(actor=officer, premises=premises, name="New")
    event = AuditEvent.objects.get(action="premises.update")
    assert event.changes["before"]["name"] == "Old" and event.changes["after"]["name"] == "New"
