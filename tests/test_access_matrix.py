"""The access matrix: who may call which URL with which method, and what they get.

HOW TO ADD A ROW (one line per URL and method, in MATRIX below):

    Row("app:url-name", "GET", "302 200 404 200 403 200 302", obj="inspection"),

- the first field is the URL name as ``reverse()`` takes it (namespace included), or, for a
  pattern without a name, its route as the resolver prints it (e.g. "api/v1/things/<uuid:pk>/");
- the status string lists the expected HTTP status for each role, in the order of ROLES:
      anonymous  officer  other_officer  supervisor  analyst  administrator  deactivated
  ("other_officer" is an officer of another unit: for an object of the officer's unit it must
  answer 404, never 403; "deactivated" was logged in, then deactivated);
- ``obj`` names a maker in OBJECTS (an object inside the officer's unit, e.g. "inspection"); the
  URL is reversed with ``{"pk": obj.pk}`` (or pass ``kwargs=lambda o: {...}``);
- ``data`` is the POST/PATCH body (a dict, or a callable taking the object).
Requests from logged-in roles use the session (the test client does not enforce CSRF). API
clients with tokens are covered by tests/accounts/test_api_tokens.py.

test_every_url_pattern_has_a_row fails when a URL pattern has no row (so a new view cannot ship
without declaring who may use it); test_every_row_names_a_real_url fails on stale rows.
Excluded on purpose: the Django admin (its own staff permission system, tested in
tests/accounts), static files, and i18n set_language (no data, CSRF-protected POST).
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from accounts.services import user_deactivate
from inspections.models import FlagKind, Referral
from registry.models import ImportJob, ImportKind
from tests.accounts.factories import user_with_role
from tests.inspections.factories import EncounterFactory, FlagFactory, InspectionFactory
from tests.registry.factories import PremisesFactory, district

ROLES = ("anonymous", "officer", "other_officer", "supervisor", "analyst", "administrator", "deactivated")

# URL names and route prefixes outside the matrix (see the module docstring).
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_NAMES = {"set_language"}
EXCLUDED_ROUTE_PREFIXES = ("admin/", "static/")


@dataclass(frozen=True)
class Row:
    url: str
    method: str
    statuses: str
    obj: str | None = None
    kwargs: Callable | None = None
    data: dict | Callable | None = field(default=None, hash=False)

    def expected(self) -> dict[str, int]:
        codes = [int(code) for code in self.statuses.split()]
        assert len(codes) == len(ROLES), f"{self.url} {self.method}: {len(ROLES)} statuses needed, one per role"
        return dict(zip(ROLES, codes, strict=True))


def _encounter_kwargs(encounter):
    return {"pk": encounter.inspection_id, "encounter_pk": encounter.pk}


#        url name                 method   anon off other sup  ana  adm  deact
MATRIX = [
    Row("accounts:login",        "GET",   "200 302 302 302 302 302 200"),
    Row("accounts:logout",       "POST",  "302 302 302 302 302 302 302"),
    Row("accounts:logout",       "GET",   "405 405 405 405 405 405 405"),
    Row("accounts:password_change", "GET",  "302 200 200 200 200 200 302"),
    Row("accounts:password_change", "POST", "302 200 200 200 200 200 302"),
    Row("accounts:password_change_done", "GET", "302 200 200 200 200 200 302"),
    Row("home",                  "GET",   "302 200 200 200 200 200 302"),
    Row("api-me",                "GET",   "401 200 200 200 200 200 401"),
    Row("api-me",                "POST",  "401 405 405 405 405 405 401"),
    # officer field app: objects of the officer's unit; other units' officers get 404
    Row("inspection_start",      "POST",  "302 302 404 403 404 404 302", obj="premises", kwargs=lambda o: {},
        data=lambda premises: {"premises": str(premises.pk)}),
    Row("inspection_detail",     "GET",   "302 200 404 200 404 404 302", obj="inspection"),
    Row("inspection_detail",     "POST",  "302 200 404 403 404 404 302", obj="inspection",
        data={"notes": "Second visit"}),
    Row("inspection_autosave",   "POST",  "302 200 404 403 404 404 302", obj="inspection",
        data={"notes": "Autosaved"}),
    Row("inspection_results",    "GET",   "302 200 404 200 404 404 302", obj="inspection"),
    Row("inspection_submit",     "GET",   "302 200 404 403 404 404 302", obj="inspection"),
    Row("encounter_add",         "GET",   "302 200 404 403 404 404 302", obj="inspection"),
    Row("encounter_edit",        "GET",   "302 200 404 403 404 404 302", obj="encounter", kwargs=_encounter_kwargs),
    Row("encounter_remove",      "GET",   "302 200 404 403 404 404 302", obj="encounter", kwargs=_encounter_kwargs),
    # analysts and administrators see no premises pages: as if they did not exist
    Row("registry:premises_search", "GET", "302 200 200 200 404 404 302"),
    Row("registry:premises_create", "GET", "302 200 200 200 404 404 302"),
    # supervisor dashboard: supervisors only (403 for other roles); other jurisdictions' objects 404
    Row("dashboard-queue",       "GET",   "302 403 403 200 403 403 302"),
    Row("dashboard-export-csv",  "GET",   "302 403 403 200 403 403 302"),
    Row("dashboard-export-xlsx", "GET",   "302 403 403 200 403 403 302"),
    Row("dashboard-case",        "GET",   "302 403 403 200 403 403 302", obj="flag",
        kwargs=lambda f: {"flag_id": f.pk}),
    Row("dashboard-decide",      "POST",  "302 403 403 302 403 403 302", obj="flag",
        kwargs=lambda f: {"flag_id": f.pk},
        data=lambda f: {"outcome": "start_review", "expected_version": f.version}),
    Row("dashboard-referrals",   "GET",   "302 403 403 200 403 403 302"),
    Row("dashboard-referral-outcome", "POST", "302 403 403 302 403 403 302", obj="referral",
        kwargs=lambda r: {"referral_id": r.pk},
        data={"outcome": "accepted", "outcome_note": "Shelter place found"}),
    Row("dashboard-premises-ranking", "GET", "302 403 403 200 403 403 302"),
    Row("dashboard-premises",    "GET",   "302 403 403 200 403 403 302", obj="premises",
        kwargs=lambda p: {"premises_id": p.pk}),
    Row("dashboard-overview",    "GET",   "302 403 403 200 403 403 302"),
    # import upload page: administrators only; a job is visible to its creator
    Row("registry:imports",      "GET",   "302 403 403 403 403 200 302"),
    Row("registry:imports",      "POST",  "302 403 403 403 403 400 302", data={"kind": "entry_records"}),
    Row("registry:import_job",   "GET",   "302 403 403 403 403 200 302", obj="import_job"),
    # REST API (tests/api/test_permissions.py checks every schema operation by token, too)
    Row("district-list",         "GET",   "401 200 200 200 200 200 401"),
    Row("premises-list",         "GET",   "401 200 200 200 403 403 401"),
    Row("premises-list",         "POST",  "401 201 400 201 403 403 401",
        data=lambda o: {"premises_type": "hotel", "name": "Matrix Inn",
        "district": district("KH-12").code}),
    Row("premises-detail",       "GET",   "401 200 404 200 403 403 401", obj="premises"),
    Row("inspection-list",       "GET",   "401 200 200 200 403 403 401"),
    Row("inspection-list",       "POST",  "401 201 400 403 403 403 401", obj="premises", kwargs=lambda o: {},
        data=lambda premises: {"premises": str(premises.pk)}),
    Row("inspection-detail",     "GET",   "401 200 404 200 403 403 401", obj="inspection"),
    Row("inspection-detail",     "PATCH", "401 200 404 403 403 403 401", obj="inspection", data={"notes": "Matrix"}),
    Row("inspection-submit",     "POST",  "401 200 404 403 403 403 401", obj="inspection"),
    Row("encounter-list",        "GET",   "401 200 200 200 403 403 401"),
    Row("encounter-detail",      "GET",   "401 200 404 200 403 403 401", obj="encounter"),
    Row("encounter-detail",      "PATCH", "401 200 404 403 403 403 401", obj="encounter",
        data={"given_names": "VAN BINH"}),
    Row("encounter-detail",      "DELETE", "401 204 404 403 403 403 401", obj="encounter"),
    Row("encounter-search",      "POST",  "401 403 403 200 403 403 401",
        data={"document_number": "C0000001", "issuing_country": "VNM"}),
    Row("flag-list",             "GET",   "401 403 403 200 403 403 401"),
    Row("flag-detail",           "GET",   "401 403 403 200 403 403 401", obj="flag"),
    Row("flag-decisions",        "POST",  "401 403 403 201 403 403 401", obj="flag", data={"outcome": "start_review"}),
    Row("referral-list",         "GET",   "401 403 403 200 403 403 401"),
    # intake: administrators only (an empty array is refused as invalid: 400 means access granted)
    Row("intake",                "POST",  "401 403 403 403 403 400 401", kwargs=lambda o: {"kind": "entry-records"},
        obj="premises", data=[]),
    Row("intake-job",            "GET",   "401 403 403 403 403 200 401", obj="import_job"),
    Row("summary-inspections",   "GET",   "401 403 403 200 200 200 401"),
    Row("summary-encounters",    "GET",   "401 403 403 200 200 200 401"),
    Row("summary-flags",         "GET",   "401 403 403 200 200 200 401"),
    Row("summary-referrals",     "GET",   "401 403 403 200 200 200 401"),
    # The OpenAPI schema and its doc pages describe the API and hold no data: public.
    Row("api-schema",            "GET",   "200 200 200 200 200 200 200"),
    Row("api-docs",              "GET",   "200 200 200 200 200 200 200"),
    Row("api-redoc",             "GET",   "200 200 200 200 200 200 200"),
]


# --- objects inside the officer's unit (Daun Penh Station, Phnom Penh) ----------------------------

def _inspection(world):
    premises = PremisesFactory(district=district("KH-12"))
    return InspectionFactory(unit=world["station"], premises=premises, lead_officer=world["officer"])


def _encounter(world):
    return EncounterFactory(inspection=_inspection(world), recorded_by=world["officer"])


def _premises(world):
    return PremisesFactory(district=district("KH-12"))


def _flag(world):
    return FlagFactory(encounter=_encounter(world))


def _referral(world):
    flag = FlagFactory(encounter=_encounter(world), kind=FlagKind.TRAFFICKING_INDICATORS)
    return Referral.objects.create(encounter=flag.encounter, flag=flag, organisation="Chab Dai Coalition",
                                   referred_by=world["supervisor"])


def _import_job(world):
    return ImportJob.objects.create(kind=ImportKind.ENTRY_RECORDS, created_by=world["administrator"])


OBJECTS: dict[str, Callable] = {
    "import_job": _import_job,
    "referral": _referral,
    "flag": _flag,
    "premises": _premises,
    "inspection": _inspection,
    "encounter": _encounter,
}


# --- the users of each role -------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Seven users per test: hashing their passwords with the production hasher would dominate.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(station, other_station, officer, other_officer, supervisor, analyst):
    administrator = user_with_role(Role.ADMINISTRATOR, station, username="administrator", is_staff=True)
    deactivated = user_with_role(Role.OFFICER, station, username="deactivated")
    return {
        "station": station, "other_station": other_station,
        "anonymous": None, "officer": officer, "other_officer": other_officer, "supervisor": supervisor,
        "analyst": analyst, "administrator": administrator, "deactivated": deactivated,
    }


def _client_for(world, role) -> Client:
    client = Client(raise_request_exception=False)
    user = world[role]
    if user is not None:
        client.force_login(user)
    if role == "deactivated":
        user_deactivate(actor=world["administrator"], user=user)
    return client


def _url(row: Row, obj) -> str:
    if "/" in row.url:
        return "/" + row.url.lstrip("/")
    if obj is None:
        return reverse(row.url)
    kwargs = row.kwargs(obj) if row.kwargs else {"pk": obj.pk}
    return reverse(row.url, kwargs=kwargs)


@pytest.mark.parametrize(
    "row,role",
    [pytest.param(row, role, id=f"{row.url}-{row.method}-{role}") for row in MATRIX for role in ROLES],
)
@pytest.mark.django_db
def test_access_matrix(world, row, role):
    obj = OBJECTS[row.obj](world) if row.obj else None
    client = _client_for(world, role)
    data = row.data(obj) if callable(row.data) else row.data
    url = _url(row, obj)
    body = {}
    if data is not None:
        body = {"data": data, "content_type": "application/json"} if url.startswith("/api/") else {"data": data}
    response = getattr(client, row.method.lower())(url, **body)
    assert response.status_code == row.expected()[role], (
        f"{row.method} {row.url} as {role}: {response.status_code}, expected {row.expected()[role]}"
    )


# --- the meta-tests ----------------------------------------------------------------------------

def _walk(patterns, route="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield route + str(pattern.pattern), name


def _covered_patterns():
    """(key, route) of every URL pattern the matrix must cover: key is the name, else the route."""
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_ROUTE_PREFIXES):
            continue
        if name and (name in EXCLUDED_NAMES or name.split(":")[0] in EXCLUDED_NAMESPACES):
            continue
        yield (name or route), route


def test_every_url_pattern_has_a_row():
    keys_with_rows = {row.url for row in MATRIX}
    missing = sorted({f"{key}  ({route})" for key, route in _covered_patterns() if key not in keys_with_rows})
    assert not missing, "URL patterns without a row in tests/test_access_matrix.py MATRIX:\n" + "\n".join(missing)


def test_every_row_names_a_real_url():
    known = {key for key, _ in _covered_patterns()}
    stale = sorted({row.url for row in MATRIX} - known)
    assert not stale, f"rows for URLs that do not exist (or are excluded): {stale}"


def test_every_row_has_a_status_for_every_role_and_a_known_object():
    for row in MATRIX:
        row.expected()
        assert row.obj is None or row.obj in OBJECTS, f"{row.url}: unknown object maker {row.obj!r}"
        assert row.method in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")


@pytest.mark.django_db
def test_object_makers_place_objects_in_the_officers_unit(world, phnom_penh):
    inspection = OBJECTS["inspection"](world)
    assert inspection.unit == world["station"]
    assert inspection.premises.district.province == phnom_penh
    encounter = OBJECTS["encounter"](world)
    assert encounter.inspection.unit == world["station"]


def test_the_meta_test_notices_a_pattern_without_a_row(monkeypatch):
    # Drop a row: the meta-test must report its URL.
    monkeypatch.setattr(sys.modules[__name__], "MATRIX", [row for row in MATRIX if row.url != "api-me"])
    with pytest.raises(AssertionError, match="api-me"):
        test_every_url_pattern_has_a_row()
