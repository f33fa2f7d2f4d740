"""Summaries: counts per period and group, no personal data, validated parameters, one query."""

import datetime
import gzip
import json
import os
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import InspectionStatus, Referral, Verification, VerificationStatus
from inspections.summaries import SUMMARIES, summary_rows
from registry.models import PremisesType
from tests.inspections.factories import EncounterFactory, FlagFactory, InspectionFactory
from tests.registry.factories import PremisesFactory, district

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
PERSONAL = {"surname", "given_names", "native_name", "date_of_birth", "document_number", "id", "encounter",
            "foreigner", "inspection", "flag"}


def _at(day: datetime.date, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def counted(station, other_station, officer, supervisor):
    """Oct: 1 inspection in Phnom Penh; Nov: 2 in Phnom Penh (one a kiln), 1 in Siem Reap; 1 draft (not counted)."""
    pp_hotel = PremisesFactory(district=district("KH-12"))
    pp_kiln = PremisesFactory(district=district("KH-12"), premises_type=PremisesType.BRICK_KILN)
    sr_hotel = PremisesFactory(district=district("KH-17"))
    plan = [
        (pp_hotel, station, datetime.date(2026, 10, 5), ["VNM"], InspectionStatus.VERIFIED),
        (pp_hotel, station, datetime.date(2026, 11, 2), ["VNM", "CHN"], InspectionStatus.VERIFIED),
        (pp_kiln, station, datetime.date(2026, 11, 3), ["CHN"], InspectionStatus.SUBMITTED),
        (sr_hotel, other_station, datetime.date(2026, 11, 10), ["THA"], InspectionStatus.VERIFIED),
        (pp_hotel, station, datetime.date(2026, 11, 11), ["VNM"], InspectionStatus.DRAFT),
    ]
    for premises, unit, day, nationalities, status in plan:
        inspection = InspectionFactory(premises=premises, unit=unit, lead_officer=officer, started_at=_at(day),
                                       status=status, foreigners_present=len(nationalities) + 1)
        for nationality in nationalities:
            encounter = EncounterFactory(inspection=inspection, nationality=nationality, role="worker")
            if status == InspectionStatus.VERIFIED:
                Verification.objects.create(encounter=encounter, status=VerificationStatus.FLAGGED)
                flag = FlagFactory(encounter=encounter)
                Referral.objects.create(encounter=encounter, flag=flag, organisation="Chab Dai",
                                        referred_by=supervisor)


def test_monthly_inspections_by_province(api_client, analyst, counted):
    response = api_client(analyst).get(f"{V1}/summaries/inspections/",
                                       {"from": "2026-10-01", "to": "2026-11-30", "group_by": "province"})
    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["group_by"], body["from"], body["to"]) == (
        "month", ["province"], "2026-10-01", "2026-11-30")
    assert body["results"] == [
        {"period": "2026-10-01", "province": "KH-12", "inspections": 1, "foreigners_present": 2,
         "refused_access": 0},
        {"period": "2026-11-01", "province": "KH-12", "inspections": 2, "foreigners_present": 5,
         "refused_access": 0},
        {"period": "2026-11-01", "province": "KH-17", "inspections": 1, "foreigners_present": 2,
         "refused_access": 0},
    ]


def test_people_met_by_nationality_and_premises_type(api_client, analyst, counted):
    response = api_client(analyst).get(
        f"{V1}/summaries/encounters/",
        {"from": "2026-11-01", "to": "2026-11-30", "group_by": ["nationality", "premises_type"]})
    rows = {(r["nationality"], r["premises_type"]): (r["people"], r["flagged"], r["pending"])
            for r in response.json()["results"]}
    assert rows == {("CHN", "brick_kiln"): (1, 0, 1), ("CHN", "hotel"): (1, 1, 0), ("THA", "hotel"): (1, 1, 0),
                    ("VNM", "hotel"): (1, 1, 0)}


def test_weekly_and_daily_periods(api_client, supervisor, counted):
    client = api_client(supervisor)
    weeks = client.get(f"{V1}/summaries/inspections/", {"period": "week", "from": "2026-11-01", "to": "2026-11-30"})
    # 2 and 3 November 2026 are Monday and Tuesday of one week; 10 November is the next Tuesday.
    assert [(r["period"], r["inspections"]) for r in weeks.json()["results"]] == [
        ("2026-11-02", 2), ("2026-11-09", 1)]
    days = client.get(f"{V1}/summaries/inspections/", {"period": "day", "from": "2026-11-03", "to": "2026-11-10"})
    assert [r["period"] for r in days.json()["results"]] == ["2026-11-03", "2026-11-10"]


def test_flags_and_referrals_summaries(api_client, analyst, counted):
    client = api_client(analyst)
    flags = client.get(f"{V1}/summaries/flags/", {"from": "2026-10-01", "to": "2026-11-30"}).json()["results"]
    assert [(r["period"], r["kind"], r["severity"], r["status"], r["flags"]) for r in flags] == [
        ("2026-10-01", "OVERSTAY", "high", "open", 1), ("2026-11-01", "OVERSTAY", "high", "open", 3)]
    referrals = client.get(f"{V1}/summaries/referrals/",
                           {"period": "month", "group_by": "province,nationality"}).json()["results"]
    # Referrals are counted when they were made (today), by the person's province and nationality.
    assert sorted((r["province"], r["nationality"], r["outcome"], r["referrals"]) for r in referrals) == [
        ("KH-12", "CHN", "pending", 1), ("KH-12", "VNM", "pending", 2), ("KH-17", "THA", "pending", 1)]


@pytest.mark.parametrize("name", ["inspections", "encounters", "flags", "referrals"])
def test_no_personal_data_and_one_query(name, api_client, analyst, counted):
    client = api_client(analyst)
    client.get(f"{V1}/summaries/{name}/")  # warm the token's last_used_at
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{V1}/summaries/{name}/",
                              {"from": "2026-01-01", "to": "2026-12-31", "group_by": ["province", "district"]})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows
    assert not PERSONAL & {key for row in rows for key in row}
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1


@pytest.mark.parametrize(("params", "field"), [
    ({"period": "year"}, "period"),
    ({"group_by": "surname"}, "group_by"),
    ({"from": "2026-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),
    ({"period": "day", "from": "2024-01-01", "to": "2026-01-01"}, "from"),
    ({"to": "9999-12-31"}, "to"),
])
def test_parameters_are_validated(params, field, api_client, analyst):
    response = api_client(analyst).get(f"{V1}/summaries/encounters/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_nationality_is_not_a_group_of_inspections(api_client, analyst):
    response = api_client(analyst).get(f"{V1}/summaries/inspections/", {"group_by": "nationality"})
    assert response.status_code == 400
    assert "group_by" in response.json()["error"]["fields"]


def test_analyst_counts_are_national(api_client, analyst, counted):
    """The analyst's unit is the Phnom Penh station; summaries still count Siem Reap."""
    rows = api_client(analyst).get(f"{V1}/summaries/inspections/",
                                   {"from": "2026-11-01", "to": "2026-11-30", "group_by": "province"}).json()
    assert {r["province"] for r in rows["results"]} == {"KH-12", "KH-17"}


def test_summary_answer_is_cached_per_parameter_set(api_client, analyst, counted, settings):
    settings.SUMMARY_CACHE_SECONDS = 60
    client = api_client(analyst)
    params = {"from": "2026-10-01", "to": "2026-11-30", "group_by": "province"}
    first = client.get(f"{V1}/summaries/inspections/", params).json()
    with CaptureQueriesContext(connection) as cached:
        again = client.get(f"{V1}/summaries/inspections/", params).json()
    assert again == first
    assert not [q for q in cached.captured_queries if "inspections_inspection" in q["sql"]]
    with CaptureQueriesContext(connection) as other:
        by_type = client.get(f"{V1}/summaries/inspections/", {**params, "group_by": "premises_type"}).json()
    assert [q for q in other.captured_queries if "inspections_inspection" in q["sql"]]
    assert by_type["group_by"] == ["premises_type"]


def test_summary_cache_off_counts_every_request(api_client, analyst, counted, settings, officer, station):
    settings.SUMMARY_CACHE_SECONDS = 0
    client = api_client(analyst)
    params = {"from": "2026-10-01", "to": "2026-11-30"}
    before = client.get(f"{V1}/summaries/inspections/", params).json()["results"]
    InspectionFactory(premises=PremisesFactory(district=district("KH-12")), unit=station, lead_officer=officer,
                      started_at=_at(datetime.date(2026, 11, 20)), status=InspectionStatus.SUBMITTED)
    after = client.get(f"{V1}/summaries/inspections/", params).json()["results"]
    assert sum(r["inspections"] for r in after) == sum(r["inspections"] for r in before) + 1


@pytest.mark.parametrize("name", ["inspections", "encounters", "flags", "referrals"])
def test_rendered_rows_are_what_the_serializer_documents(name, api_client, analyst, counted):
    """The answer is rendered from the rows directly (it is cached as bytes); it must stay exactly
    what the response serializer in the schema would produce."""
    from inspections.api import views

    view = {"inspections": views.InspectionSummaryView, "encounters": views.EncounterSummaryView,
            "flags": views.FlagSummaryView, "referrals": views.ReferralSummaryView}[name]
    group_by = list(SUMMARIES[name].available_groups())[:2]
    params = {"from": "2026-10-01", "to": "2026-11-30", "group_by": ",".join(group_by)}
    answer = api_client(analyst).get(f"{V1}/summaries/{name}/", params).json()
    rows = summary_rows(name=name, period="month", group_by=group_by, date_from=datetime.date(2026, 10, 1),
                        date_to=datetime.date(2026, 11, 30))
    documented = view.serializer_class({"period": "month", "group_by": group_by,
                                        "from": datetime.date(2026, 10, 1), "to": datetime.date(2026, 11, 30),
                                        "results": rows}).data
    assert answer["results"]
    assert answer == json.loads(json.dumps(documented))


def test_unchanged_summary_answers_304_and_gzip_on_request(api_client, analyst, counted, settings):
    settings.SUMMARY_CACHE_SECONDS = 60
    client = api_client(analyst)
    url, params = f"{V1}/summaries/flags/", {"from": "2026-10-01", "to": "2026-11-30"}
    first = client.get(url, params)
    assert first.status_code == 200 and first["ETag"]
    assert "Accept-Encoding" in first["Vary"]
    again = client.get(url, params, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, params, headers={"If-None-Match": '"stale"'}).status_code == 200
    zipped = client.get(url, params, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.content)) == first.json()


def test_summaries_are_shared_through_redis(api_client, analyst, counted, settings):
    """With CACHE_URL on Redis (production), every web worker serves the answer one of them counted."""

    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": prefix}}
    settings.SUMMARY_CACHE_SECONDS = 60
    try:
        client = api_client(analyst)
        params = {"from": "2026-10-01", "to": "2026-11-30", "group_by": "province"}
        first = client.get(f"{V1}/summaries/inspections/", params).json()
        assert redis.Redis.from_url(url).keys(f"{prefix}:*summary:inspections*")  # it is in Redis
        with CaptureQueriesContext(connection) as cached:
            assert client.get(f"{V1}/summaries/inspections/", params).json() == first
        assert not [q for q in cached.captured_queries if "inspections_inspection" in q["sql"]]
    finally:
        keys = redis.Redis.from_url(url).keys(f"{prefix}:*")
        if keys:
            redis.Redis.from_url(url).delete(*keys)


def test_expired_answer_is_counted_again_by_one_request_while_others_get_the_previous(
        api_client, analyst, counted, settings, officer, station):
    from django.core.cache import cache

    settings.SUMMARY_CACHE_SECONDS = 60
    client = api_client(analyst)
    url, params = f"{V1}/summaries/inspections/", {"from": "2026-10-01", "to": "2026-11-30"}
    before = sum(r["inspections"] for r in client.get(url, params).json()["results"])
    InspectionFactory(premises=PremisesFactory(district=district("KH-12")), unit=station, lead_officer=officer,
                      started_at=_at(datetime.date(2026, 11, 20)), status=InspectionStatus.SUBMITTED)
    raw_key = "summary:inspections:month::2026-10-01:2026-11-30"  # the view's key for these parameters
    _, etag, compressed = cache.get(raw_key)
    cache.set(raw_key, (0, etag, compressed), 600)  # expired
    cache.add(f"{raw_key}:counting", 1, 120)  # another worker is counting it
    assert sum(r["inspections"] for r in client.get(url, params).json()["results"]) == before
    cache.delete(f"{raw_key}:counting")
    assert sum(r["inspections"] for r in client.get(url, params).json()["results"]) == before + 1
    # the fresh answer is kept: the next request does not count again
    with CaptureQueriesContext(connection) as cached:
        client.get(url, params)
    assert not [q for q in cached.captured_queries if "inspections_inspection" in q["sql"]]


def test_while_one_request_counts_a_new_summary_the_others_wait_for_its_answer(
        api_client, analyst, counted, settings):
    import threading

    from django.core.cache import cache

    settings.SUMMARY_CACHE_SECONDS = 60
    raw_key = "summary:inspections:month::2026-10-01:2026-11-30"
    answer = (9e18, '"counted-elsewhere"', gzip.compress(b'{"results": "from the other worker"}'))
    assert cache.add(f"{raw_key}:counting", 1, 60)  # another worker is counting it
    finish = threading.Timer(0.3, lambda: (cache.set(raw_key, answer, 60), cache.delete(f"{raw_key}:counting")))
    finish.start()
    try:
        with CaptureQueriesContext(connection) as queries:
            response = api_client(analyst).get(f"{V1}/summaries/inspections/",
                                               {"from": "2026-10-01", "to": "2026-11-30"})
    finally:
        finish.join()
    assert response.json() == {"results": "from the other worker"}
    assert response["ETag"] == '"counted-elsewhere"'
    assert not [q for q in queries.captured_queries if "inspections_inspection" in q["sql"]]


def test_a_failed_count_lets_the_next_request_count(api_client, analyst, counted, settings, monkeypatch):
    from django.core.cache import cache

    from inspections.api import views

    settings.SUMMARY_CACHE_SECONDS = 60
    raw_key = "summary:inspections:month::2026-10-01:2026-11-30"

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(views, "summary_rows", broken)
    with pytest.raises(RuntimeError):
        api_client(analyst).get(f"{V1}/summaries/inspections/", {"from": "2026-10-01", "to": "2026-11-30"})
    assert cache.get(f"{raw_key}:counting") is None  # nobody waits for a count that is not happening
    monkeypatch.undo()
    response = api_client(analyst).get(f"{V1}/summaries/inspections/", {"from": "2026-10-01", "to": "2026-11-30"})
    assert response.status_code == 200 and response.json()["results"]
