"""Data builders shared by the dashboard tests."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Unit
from inspections.models import EncounterRole, FlagKind, Severity, Verification, VerificationStatus
from tests.inspections.factories import EncounterFactory, FlagFactory, InspectionFactory
from tests.registry.factories import EntryRecordFactory, PremisesFactory, district


def premises_in(province_code="KH-12", **kwargs):
    return PremisesFactory(district=district(province_code), **kwargs)


def inspection_at(premises, day=datetime.date(2026, 11, 20), **kwargs):
    """An inspection of ``premises`` on ``day``; by one shared unit and lead officer unless given
    (creating a user per inspection would spend the test's time hashing passwords)."""
    started = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    if "unit" not in kwargs:
        kwargs["unit"] = Unit.objects.get_or_create(code="inspecting-unit",
                                                    defaults={"name": "Inspecting unit", "kind": "station"})[0]
    if "lead_officer" not in kwargs:
        kwargs["lead_officer"] = get_user_model().objects.get_or_create(username="lead-officer")[0]
    return InspectionFactory(premises=premises, started_at=started, **kwargs)


def flag_for(*, premises=None, inspection=None, kind=FlagKind.OVERSTAY, severity=Severity.HIGH, encounter=None,
             entry=None, **flag_fields):
    """A flag on a new encounter (at ``premises`` or ``inspection``), with a verification that
    matched ``entry`` when given."""
    if encounter is None:
        inspection = inspection or inspection_at(premises or premises_in())
        encounter = EncounterFactory(inspection=inspection)
    if entry is not None or not hasattr(encounter, "verification"):
        Verification.objects.update_or_create(
            encounter=encounter,
            defaults={"status": VerificationStatus.FLAGGED, "matched_entry": entry,
                      "match_score": 0.93 if entry else None, "match_method": "exact" if entry else "none",
                      "rules_version": "2026.11.1",
                      "checked_at": timezone.now()},
        )
    return FlagFactory(encounter=encounter, kind=kind, severity=severity, **flag_fields)


def matched_entry(**kwargs):
    return EntryRecordFactory(**kwargs)


def worker(inspection, **kwargs):
    return EncounterFactory(inspection=inspection, role=EncounterRole.WORKER, **kwargs)
