"""The queue and case pages run a fixed number of queries, whatever the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import services
from inspections.models import DecisionOutcome, FlagKind
from registry.models import PremisesType
from tests.inspections.dashboard_helpers import flag_for, inspection_at, matched_entry, premises_in
from tests.inspections.factories import EncounterFactory
from tests.registry.factories import GuestRegistrationFactory, StayExtensionFactory, WorkPermitFactory

pytestmark = pytest.mark.django_db

QUEUE_MAX_QUERIES = 19
CASE_MAX_QUERIES = 19


def _flags(n, supervisor):
    """``n`` flags over several premises, kinds and assignees, a few of them trafficking cases."""
    kinds = list(FlagKind)
    inspections = [inspection_at(premises_in(premises_type=t)) for t in (PremisesType.HOTEL, PremisesType.CASINO)]
    for i in range(n):
        encounter = EncounterFactory(inspection=inspections[i % 2], document_number=f"P{i:07d}")
        flag_for(encounter=encounter, kind=kinds[i % len(kinds)], assignee=supervisor if i % 3 == 0 else None,
                 inspected_on=datetime.date(2026, 11, 1) + datetime.timedelta(days=i % 20))
        if i % 7 == 0:
            flag_for(encounter=encounter, kind=FlagKind.OVERSTAY if kinds[i % len(kinds)] != FlagKind.OVERSTAY
                     else FlagKind.NO_WORK_PERMIT, held_for_victim_screening=True)


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"kind": ["OVERSTAY"], "province": "__pp__", "assignee": "__me__"}])
def test_queue_queries_do_not_grow_with_rows(client, supervisor, phnom_penh, params,
                                             django_assert_max_num_queries):
    client.force_login(supervisor)
    params = {k: {"__pp__": phnom_penh.code, "__me__": supervisor.pk}.get(v, v) if isinstance(v, str) else v
              for k, v in params.items()}
    _flags(5, supervisor)
    few = _count(client, reverse("dashboard-queue"), **params)
    _flags(55, supervisor)
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        many = _count(client, reverse("dashboard-queue"), **params)
    assert many == few
    # the htmx partial too
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        client.get(reverse("dashboard-queue"), params, headers={"HX-Request": "true"})


def _case_with_history(n, supervisor, station):
    premises = premises_in()
    entry = matched_entry(document_number="Q1234567")
    encounter = EncounterFactory(inspection=inspection_at(premises), document_number="Q1234567")
    flag = flag_for(encounter=encounter, entry=entry, kind=FlagKind.TRAFFICKING_INDICATORS)
    for i in range(n):
        StayExtensionFactory(entry=entry)
        WorkPermitFactory(document_number="Q1234567")
        GuestRegistrationFactory(premises=premises, document_number="Q1234567")
        earlier = EncounterFactory(inspection=inspection_at(premises_in(), day=datetime.date(2025, 1, 1)
                                                            + datetime.timedelta(days=i)),
                                   document_number="Q1234567")
        flag_for(encounter=earlier, kind=FlagKind.OVERSTAY)
        flag = services.flag_decide(actor=supervisor, flag=flag, outcome=DecisionOutcome.ASSIGN,
                                    assignee=supervisor, expected_version=flag.version)
    return flag


def test_case_page_queries_do_not_grow_with_history(client, supervisor, station, django_assert_max_num_queries):
    client.force_login(supervisor)
    small = _case_with_history(2, supervisor, station)
    few = _count(client, reverse("dashboard-case", args=[small.pk]))
    large = _case_with_history(15, supervisor, station)
    with django_assert_max_num_queries(CASE_MAX_QUERIES):
        many = _count(client, reverse("dashboard-case", args=[large.pk]))
    assert many == few
