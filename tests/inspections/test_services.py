import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.models import AuditEvent, Role
from inspections import selectors, services
from inspections.models import (
    Decision,
    FlagKind,
    FlagStatus,
    InspectionStatus,
    Referral,
    Verification,
    VerificationStatus,
)
from registry.models import PremisesType
from tests.accounts.factories import UnitFactory, user_with_role
from tests.inspections.factories import EncounterFactory, FlagFactory, InspectionFactory
from tests.registry.factories import PremisesFactory, district

pytestmark = pytest.mark.django_db


def _premises(province_code="KH-12", **kwargs):
    return PremisesFactory(district=district(province_code), **kwargs)


def _encounter_fields(**overrides):
    fields = dict(surname=" nguyen  ", given_names="van an", date_of_birth=datetime.date(1990, 4, 12), sex="M",
                  nationality="vnm", document_type="P", document_number="c 123-4567", document_issuing_country="vnm",
                  role="worker")
    fields.update(overrides)
    return fields


def test_officer_creates_inspection_in_own_jurisdiction(officer, station):
    inspection = services.inspection_create(actor=officer, premises=_premises(), notes="night visit")
    assert inspection.unit == station
    assert inspection.status == InspectionStatus.DRAFT
    assert AuditEvent.objects.filter(action="inspection.create", object_id=str(inspection.pk),
                                     actor=officer).exists()


def test_premises_outside_jurisdiction_is_refused(officer):
    with pytest.raises(ValidationError) as excinfo:
        services.inspection_create(actor=officer, premises=_premises("KH-17"))
    assert "premises" in excinfo.value.message_dict


def test_diplomatic_premises_are_not_inspectable(officer):
    with pytest.raises(ValidationError) as excinfo:
        services.inspection_create(actor=officer, premises=_premises(premises_type=PremisesType.DIPLOMATIC))
    assert "not inspectable" in excinfo.value.message_dict["premises"][0]


def test_supervisor_cannot_create_inspection(supervisor):
    with pytest.raises(PermissionDenied):
        services.inspection_create(actor=supervisor, premises=_premises())


def test_encounter_is_normalised_and_audited(officer):
    inspection = services.inspection_create(actor=officer, premises=_premises())
    encounter = services.encounter_add(actor=officer, inspection=inspection, **_encounter_fields())
    assert (encounter.surname, encounter.given_names) == ("NGUYEN", "VAN AN")
    assert encounter.document_number == "C1234567"
    assert encounter.nationality == "VNM"
    assert AuditEvent.objects.filter(action="encounter.add", object_id=str(encounter.pk)).exists()


def test_encounter_validation_names_the_field(officer):
    inspection = services.inspection_create(actor=officer, premises=_premises())
    with pytest.raises(ValidationError) as excinfo:
        services.encounter_add(actor=officer, inspection=inspection, **_encounter_fields(sex="Q", surname=""))
    assert {"sex", "surname"} <= set(excinfo.value.message_dict)
    assert inspection.encounters.count() == 0


def test_other_units_officer_cannot_touch_inspection(officer, other_officer):
    inspection = services.inspection_create(actor=officer, premises=_premises())
    with pytest.raises(PermissionDenied):
        services.encounter_add(actor=other_officer, inspection=inspection, **_encounter_fields())
    with pytest.raises(Http404):
        selectors.inspection_get(user=other_officer, inspection_id=inspection.pk)


def test_submit_creates_pending_verifications_and_enqueues_after_commit(officer, django_capture_on_commit_callbacks):
    inspection = services.inspection_create(actor=officer, premises=_premises())
    services.encounter_add(actor=officer, inspection=inspection, **_encounter_fields())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.inspection_submit(actor=officer, inspection=inspection)
    assert len(callbacks) == 1
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED and inspection.submitted_at is not None
    assert Verification.objects.filter(encounter__inspection=inspection,
                                       status=VerificationStatus.PENDING).count() == 1
    with pytest.raises(ValidationError):
        services.encounter_add(actor=officer, inspection=inspection, **_encounter_fields())
    with pytest.raises(ValidationError):
        services.inspection_update(actor=officer, inspection=inspection, notes="late change")


def test_scope_of_lists(officer, other_officer, supervisor, analyst):
    mine = InspectionFactory(unit=officer.memberships.get().unit, premises=_premises())
    theirs = InspectionFactory(unit=other_officer.memberships.get().unit, premises=_premises("KH-17"))
    assert list(selectors.inspections_visible(user=officer)) == [mine]
    assert list(selectors.inspections_visible(user=other_officer)) == [theirs]
    assert list(selectors.inspections_visible(user=supervisor)) == [mine]
    assert not selectors.inspections_visible(user=analyst).exists()


def test_provincial_supervisor_sees_other_stations_in_province(phnom_penh):
    department = UnitFactory(code="pp-dept", provinces=[phnom_penh])
    boss = user_with_role(Role.SUPERVISOR, department)
    other_station_same_province = UnitFactory(code="pp-2", provinces=[phnom_penh])
    inspection = InspectionFactory(unit=other_station_same_province, premises=_premises())
    flag = FlagFactory(encounter=EncounterFactory(inspection=inspection))
    assert list(selectors.inspections_visible(user=boss)) == [inspection]
    assert selectors.flag_get(user=boss, flag_id=flag.pk) == flag


def _flag_in(station, kind=FlagKind.OVERSTAY, province_code="KH-12", **kwargs):
    inspection = InspectionFactory(unit=station, premises=_premises(province_code))
    return FlagFactory(encounter=EncounterFactory(inspection=inspection), kind=kind, **kwargs)


def test_dismiss_needs_a_reason_and_is_appended(supervisor, station):
    flag = _flag_in(station)
    with pytest.raises(ValidationError) as excinfo:
        services.flag_decide(actor=supervisor, flag=flag, outcome="dismiss")
    assert "reason" in excinfo.value.message_dict
    services.flag_decide(actor=supervisor, flag=flag, outcome="start_review")
    flag = services.flag_decide(actor=supervisor, flag=flag, outcome="dismiss", reason="Extension was granted")
    assert flag.status == FlagStatus.DISMISSED and flag.version == 2
    assert list(Decision.objects.filter(flag=flag).values_list("status_after", flat=True)) == [
        FlagStatus.IN_REVIEW, FlagStatus.DISMISSED]


def test_stale_version_loses(supervisor, station):
    flag = _flag_in(station)
    services.flag_decide(actor=supervisor, flag=flag, outcome="confirm", expected_version=0)
    with pytest.raises(services.FlagConflict):
        services.flag_decide(actor=supervisor, flag=flag, outcome="dismiss", reason="x", expected_version=0)
    assert Decision.objects.filter(flag=flag).count() == 1


def test_held_flag_cannot_be_confirmed_until_trafficking_dismissed(supervisor, station):
    trafficking = _flag_in(station, kind=FlagKind.TRAFFICKING_INDICATORS)
    held = FlagFactory(encounter=trafficking.encounter, kind=FlagKind.OVERSTAY, held_for_victim_screening=True)
    with pytest.raises(ValidationError):
        services.flag_decide(actor=supervisor, flag=held, outcome="confirm")
    services.flag_decide(actor=supervisor, flag=trafficking, outcome="dismiss", reason="No indicators on re-interview")
    held.refresh_from_db()
    assert not held.held_for_victim_screening
    assert services.flag_decide(actor=supervisor, flag=held, outcome="confirm").status == FlagStatus.CONFIRMED


def test_refer_creates_referral(supervisor, station):
    flag = _flag_in(station, kind=FlagKind.TRAFFICKING_INDICATORS)
    with pytest.raises(ValidationError) as excinfo:
        services.flag_decide(actor=supervisor, flag=flag, outcome="refer")
    assert "organisation" in excinfo.value.message_dict
    services.flag_decide(actor=supervisor, flag=flag, outcome="refer", organisation="Ministry of Social Affairs")
    referral = Referral.objects.get(flag=flag)
    assert referral.organisation == "Ministry of Social Affairs" and referral.referred_by == supervisor


def test_officer_cannot_decide(officer, station):
    with pytest.raises(PermissionDenied):
        services.flag_decide(actor=officer, flag=_flag_in(station), outcome="confirm")


def test_supervisor_outside_jurisdiction_cannot_decide(supervisor, other_station):
    with pytest.raises(PermissionDenied):
        services.flag_decide(actor=supervisor, flag=_flag_in(other_station, province_code="KH-17"), outcome="confirm")


def test_assign_only_to_supervisors(supervisor, officer, station):
    flag = _flag_in(station)
    with pytest.raises(ValidationError):
        services.flag_decide(actor=supervisor, flag=flag, outcome="assign", assignee=officer)
    flag = services.flag_decide(actor=supervisor, flag=flag, outcome="assign", assignee=supervisor)
    assert flag.assignee == supervisor and flag.status == FlagStatus.OPEN
    assert timezone.now() >= flag.updated_at
