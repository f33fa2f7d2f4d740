import pytest
from django.core.management import call_command

from inspections.models import Flag, FlagKind, Inspection, InspectionStatus, Verification, VerificationStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_verified_inspections_with_the_cases_inspections_look_for(
        capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # verification is enqueued on commit
        call_command("seed_demo", entries=3000, premises=300)
    assert "Demo inspections: 14 submitted" in capsys.readouterr().out
    assert set(Inspection.objects.values_list("status", flat=True)) == {InspectionStatus.VERIFIED}
    assert not Verification.objects.filter(status=VerificationStatus.PENDING).exists()
    kinds = set(Flag.objects.values_list("kind", flat=True))
    assert {FlagKind.TRAFFICKING_INDICATORS, FlagKind.NO_ENTRY_RECORD, FlagKind.NO_WORK_PERMIT} <= kinds
    assert Verification.objects.filter(status=VerificationStatus.CLEAR).exists()
