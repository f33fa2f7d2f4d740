"""API test fixtures: a client per role (token auth) and a small two-jurisdiction world."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import api_token_issue
from inspections.models import Referral, Verification, VerificationStatus
from registry.models import ImportJob, ImportKind
from tests.accounts.factories import user_with_role
from tests.inspections.factories import EncounterFactory, FlagFactory, InspectionFactory
from tests.registry.factories import PremisesFactory, district


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are made by the dozen here; their passwords need not resist brute force."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_verification_worker(monkeypatch):
    """inspection_submit enqueues verification on commit; the worker is not part of these tests."""
    calls = []
    monkeypatch.setattr("inspections.services._enqueue_verification", calls.append)
    return calls


@pytest.fixture(autouse=True)
def _empty_cache():
    """Summary answers are cached per parameter set (SUMMARY_CACHE_SECONDS): each test counts its own data."""
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _, key = api_token_issue(actor=None, user=user, name=f"tests-{user.username}")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api_client():
    """api_client(user) -> an APIClient sending that user's token (None: anonymous)."""
    return token_client


@dataclass
class World:
    """Three of everything: two in the officer's unit / jurisdiction (Phnom Penh), one in Siem Reap."""

    premises: list
    inspections: list
    encounters: list
    flags: list
    referrals: list
    import_jobs: list = ()

    def mine(self, name):
        return getattr(self, name)[:2]

    def other(self, name):
        return getattr(self, name)[2]


@pytest.fixture
def world(station, other_station, officer, other_officer, supervisor, administrator):
    premises, inspections, encounters, flags, referrals = [], [], [], [], []
    for index, (unit, lead, province) in enumerate(
        [(station, officer, "KH-12"), (station, officer, "KH-12"), (other_station, other_officer, "KH-17")]
    ):
        p = PremisesFactory(district=district(province))
        i = InspectionFactory(premises=p, unit=unit, lead_officer=lead)
        e = EncounterFactory(inspection=i, document_number=f"C000000{index}", recorded_by=lead)
        Verification.objects.create(encounter=e, status=VerificationStatus.FLAGGED)
        f = FlagFactory(encounter=e)
        r = Referral.objects.create(encounter=e, flag=f, organisation="Chab Dai", referred_by=supervisor)
        premises.append(p)
        inspections.append(i)
        encounters.append(e)
        flags.append(f)
        referrals.append(r)
    other_administrator = user_with_role(Role.ADMINISTRATOR, other_station, username="other-administrator")
    import_jobs = [ImportJob.objects.create(kind=ImportKind.ENTRY_RECORDS, created_by=creator)
                   for creator in (administrator, administrator, other_administrator)]
    return World(premises, inspections, encounters, flags, referrals, import_jobs)


@pytest.fixture
def administrator(station):
    """An administrator (outside systems' service users hold this role for the intake)."""
    return user_with_role(Role.ADMINISTRATOR, station, username="administrator")
