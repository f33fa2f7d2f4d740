import pytest

from accounts.access import scope_for
from accounts.models import Role
from tests.accounts.factories import UnitFactory, user_with_role


@pytest.mark.django_db
def test_scope_of_station_officer(officer, station, phnom_penh):
    scope = scope_for(officer)
    assert scope.is_officer and not scope.is_supervisor
    assert scope.officer_unit_ids == {station.pk}
    assert scope.province_ids == {phnom_penh.pk}
    assert scope.supervised_province_ids == frozenset()


@pytest.mark.django_db
def test_national_supervisor_sees_every_province():
    hq = UnitFactory(code="hq", is_national=True)
    user = user_with_role(Role.SUPERVISOR, hq)
    scope = scope_for(user)
    assert scope.province_ids is None and scope.supervised_province_ids is None


@pytest.mark.django_db
def test_inactive_user_has_empty_scope(officer):
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert scope_for(officer).roles == frozenset()
