"""A supervisor works the dashboard in Chromium at desktop size: filters the queue, opens a
case, compares, dismisses one flag with a reason, refers a trafficking case, exports CSV."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from inspections.models import Flag, FlagKind, FlagStatus, Referral
from tests.accounts.factories import PASSWORD, user_with_role
from tests.inspections.dashboard_helpers import flag_for, inspection_at, matched_entry, premises_in
from tests.inspections.factories import EncounterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-GB", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def cases(station):
    premises = premises_in(name="Golden Dragon Casino")
    inspection = inspection_at(premises)
    entry = matched_entry(document_number="E1234567", given_names="VAN ANH")
    overstay = flag_for(encounter=EncounterFactory(inspection=inspection, document_number="E1234567",
                                                   given_names="VAN AN"),
                        entry=entry, kind=FlagKind.OVERSTAY)
    flag_for(inspection=inspection, kind=FlagKind.NO_WORK_PERMIT)
    victim = EncounterFactory(inspection=inspection, surname="SOPHEA", document_number="V7654321")
    trafficking = flag_for(encounter=victim, kind=FlagKind.TRAFFICKING_INDICATORS)
    flag_for(encounter=victim, kind=FlagKind.NO_ENTRY_RECORD, held_for_victim_screening=True)
    return {"overstay": overstay, "trafficking": trafficking}


def test_supervisor_reviews_decides_refers_and_exports(desk, station, cases):
    supervisor = user_with_role(Role.SUPERVISOR, station, username="desk-supervisor")
    blocked = []  # the pages must run under the strict CSP: no inline script or style
    desk.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    desk.goto("/accounts/login/?next=/dashboard/")
    desk.get_by_label("Username").fill(supervisor.get_username())
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    expect(desk.get_by_role("heading", name="Victim referral queue")).to_be_visible()
    expect(desk.locator(".result-count")).to_have_text("4 flags")

    # filter the queue (htmx swaps the results in place)
    desk.locator("#queue-filters").get_by_label("Overstay").check()
    expect(desk.locator(".result-count")).to_have_text("1 flag")
    assert "kind=OVERSTAY" in desk.url
    rows = desk.locator("tr.flag-row")
    expect(rows).to_have_count(1)
    expect(rows.first).not_to_contain_text("E1234567")  # no document numbers in the list

    # open the case: side-by-side comparison with the difference highlighted
    rows.first.get_by_role("link", name="Overstay").click()
    expect(desk.get_by_role("heading", name="Recorded by the officer and the matched entry record")).to_be_visible()
    diff = desk.locator("table.compare tr.diff")
    expect(diff).to_have_count(1)
    expect(diff).to_contain_text("Given names")
    expect(diff).to_contain_text("VAN ANH")

    # dismiss: a reason is required
    desk.get_by_role("button", name="Dismiss").click()
    expect(desk.get_by_text("Give a reason for this decision.")).to_be_visible()
    desk.get_by_label("Reason for dismissing").fill("Extension granted on paper, not yet imported")
    desk.get_by_role("button", name="Dismiss").click()
    expect(desk.get_by_text("Decision recorded: Dismiss.")).to_be_visible()
    expect(desk.locator("#flag-status")).to_have_text("Dismissed")
    assert Flag.objects.get(pk=cases["overstay"].pk).status == FlagStatus.DISMISSED

    # refer the trafficking case from the victim referral queue
    desk.goto("/dashboard/")
    desk.locator(".victims").get_by_role("link", name="SOPHEA").click()
    desk.get_by_label("Organisation", exact=True).fill("Chab Dai Coalition")
    desk.get_by_label("Note for the organisation").fill("Needs a Khmer-Vietnamese interpreter")
    desk.get_by_role("button", name="Refer to protection services").click()
    expect(desk.locator("#flag-status")).to_have_text("Referred to protection")
    referral = Referral.objects.get()
    assert referral.flag_id == cases["trafficking"].pk and referral.organisation == "Chab Dai Coalition"
    desk.goto("/dashboard/referrals/")
    expect(desk.get_by_role("cell", name="Chab Dai Coalition")).to_be_visible()

    # export the filtered queue as CSV
    desk.goto("/dashboard/?kind=NO_WORK_PERMIT")
    with desk.expect_download() as download_info:
        desk.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    content = open(download.path(), encoding="utf-8-sig").read()
    lines = content.strip().splitlines()
    assert lines[0].startswith("Flag,Kind,Severity,Status")
    assert len(lines) == 2 and "NO_WORK_PERMIT" in lines[1]
    assert "E1234567" not in content and "V7654321" not in content

    # the overview draws its charts and map without any script
    desk.goto("/dashboard/overview/")
    expect(desk.locator("#svg-map circle.point")).to_have_count(0)  # the factory premises have no position
    expect(desk.locator("svg.chart").first).to_be_visible()
    assert blocked == []
