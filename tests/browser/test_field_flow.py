"""The officer field app in real headless Chromium at phone width (360 px).

Verification is another component: here submitting is patched to record the request only, and the
test writes Verification and Flag rows from its own thread as the worker would; the page must pick
them up by polling, without a reload.
"""

import re

import pytest
from playwright.sync_api import expect

from inspections.models import (
    Encounter,
    FlagKind,
    Inspection,
    InspectionStatus,
    Severity,
    Verification,
    VerificationStatus,
)
from registry.models import Premises
from tests.inspections.factories import FlagFactory, InspectionFactory
from tests.registry.factories import PremisesFactory, district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPECIMEN_MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


@pytest.fixture(autouse=True)
def verification_requests(monkeypatch):
    requests = []
    monkeypatch.setattr("inspections.services._enqueue_verification", requests.append)
    return requests


SMALL_TAP_TARGETS = """() => Array.from(document.querySelectorAll(
    'a, button, select, textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), label.choice'))
  .filter(e => e.offsetParent !== null)
  .map(e => [e.tagName, (e.textContent.trim() || e.name).slice(0, 40), Math.round(e.getBoundingClientRect().height),
             Math.round(e.getBoundingClientRect().width)])
  .filter(([tag, name, height, width]) => height < 44 || width < 44)"""


def no_horizontal_scroll(page):
    """Fits a 360 px phone: no horizontal scrolling, and every tap target at least 44 x 44 px."""
    page.wait_for_load_state("load")  # styles applied
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url
    assert page.evaluate(SMALL_TAP_TARGETS) == [], page.url


def add_person(page, *, surname, sex, nationality, role, submit="Save and add another"):
    page.get_by_label("Surname").fill(surname)
    page.get_by_label("Sex").select_option(sex)
    page.get_by_label("Nationality").fill(nationality)
    page.get_by_label("Role at the premises").select_option(role)
    page.get_by_role("button", name=submit).click()
    page.wait_for_load_state("networkidle")


def test_officer_logs_a_visit_and_sees_each_result(page, login, officer, verification_requests):
    csp_violations = []
    page.on("console", lambda message: csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    login(officer)
    no_horizontal_scroll(page)
    page.get_by_role("link", name="Start inspection").click()

    # the premises are new: record them on the spot
    page.get_by_role("link", name="Record new premises").click()
    no_horizontal_scroll(page)
    page.get_by_label("Type").select_option("construction")
    page.get_by_label("Name", exact=True).fill("Riverside Tower Site")
    page.get_by_label("Registration number").fill("co-4471")
    page.get_by_label("Address").fill("Sisowath Quay")
    page.get_by_label("District").select_option(index=1)
    page.get_by_role("button", name="Save premises").click()
    expect(page.get_by_text("Riverside Tower Site").first).to_be_visible()
    premises = Premises.objects.get(name="Riverside Tower Site")
    assert premises.created_by == officer

    # the search finds it as you type (htmx), then the inspection starts there
    page.get_by_label("Name, registration number or district").fill("riverside")
    expect(page.locator("#premises-results")).to_contain_text("Riverside Tower Site")
    page.get_by_role("button", name=re.compile("Start inspection here")).first.click()
    expect(page.get_by_role("heading", name="Riverside Tower Site")).to_be_visible()
    no_horizontal_scroll(page)
    inspection = Inspection.objects.get(premises=premises)

    # details are autosaved as the officer goes
    page.get_by_label("Foreigners present").fill("3")
    page.get_by_label("Foreigners present").blur()
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    inspection.refresh_from_db()
    assert inspection.foreigners_present == 3

    # person 1: by pasting the passport's MRZ; a worker, so the screening is asked
    page.get_by_role("link", name="Add person").click()
    no_horizontal_scroll(page)
    page.get_by_label("Role at the premises").select_option("worker")
    page.get_by_label("Passport machine-readable zone (MRZ)").fill(SPECIMEN_MRZ)
    page.get_by_role("button", name="Read MRZ").click()
    expect(page.get_by_label("Surname")).to_have_value("ERIKSSON")
    expect(page.get_by_label("Given names")).to_have_value("ANNA MARIA")
    expect(page.get_by_label("Date of birth")).to_have_value("1974-08-12")
    expect(page.get_by_label("Role at the premises")).to_have_value("worker")  # kept what was chosen
    screening = page.locator("[data-screening]")
    expect(screening).to_be_visible()
    screening.locator("fieldset", has_text="Does someone else keep your passport").get_by_label("Yes").check()
    screening.locator("fieldset", has_text="Do you live where you work").get_by_label("Yes").check()
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Save and add another").click()
    page.wait_for_load_state("networkidle")

    # person 2: typed; a guest, so the screening is not shown
    page.get_by_label("Role at the premises").select_option("guest")
    expect(page.locator("[data-screening]")).to_be_hidden()
    add_person(page, surname="Nguyen", sex="M", nationality="VNM", role="guest")
    # person 3: a diplomat's resident driver
    add_person(page, surname="Smith", sex="F", nationality="GBR", role="resident", submit="Save person")
    expect(page.locator(".person")).to_have_count(3)
    eriksson = Encounter.objects.get(surname="ERIKSSON")
    assert eriksson.document_number == "L898902C3" and eriksson.document_withheld == "yes"
    assert eriksson.lives_at_workplace == "yes" and eriksson.debt_owed == "unknown"

    # submit, with a confirmation step
    page.get_by_role("link", name="Submit inspection…").click()
    page.get_by_role("button", name="Submit now").click()
    expect(page.locator(".person .badge", has_text="Checking…")).to_have_count(3)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    assert verification_requests == [str(inspection.pk)]
    page.evaluate("window.__sameDocument = true")

    # the worker's results arrive one by one; the page picks each up without reload
    nguyen = Encounter.objects.get(surname="NGUYEN")
    smith = Encounter.objects.get(surname="SMITH")
    Verification.objects.filter(encounter=nguyen).update(status=VerificationStatus.CLEAR)
    expect(page.locator(f"#person-{nguyen.pk}")).to_contain_text("Clear")
    expect(page.locator(".person .badge", has_text="Checking…")).to_have_count(2)

    FlagFactory(encounter=eriksson, kind=FlagKind.TRAFFICKING_INDICATORS, severity=Severity.HIGH, details={})
    FlagFactory(encounter=eriksson, kind=FlagKind.OVERSTAY, details={"days": 12}, held_for_victim_screening=True)
    Verification.objects.filter(encounter=eriksson).update(status=VerificationStatus.FLAGGED)
    person = page.locator(f"#person-{eriksson.pk}")
    expect(person).to_contain_text("Trafficking indicators")
    expect(person).to_contain_text("Overstay — 12 days over the permitted stay")
    expect(person).to_contain_text("held for victim screening")

    Verification.objects.filter(encounter=smith).update(status=VerificationStatus.EXEMPT)
    expect(page.locator(f"#person-{smith.pk}")).to_contain_text("Exempt (diplomatic)")
    expect(page.locator("#results")).not_to_have_attribute("hx-trigger", re.compile(".*"))  # polling stopped
    assert page.evaluate("window.__sameDocument") is True
    no_horizontal_scroll(page)
    assert csp_violations == []


def test_bad_input_shows_errors_next_to_the_field_and_keeps_it(page, login, officer, station):
    inspection = InspectionFactory(premises=PremisesFactory(district=district("KH-12")), unit=station,
                                   lead_officer=officer)
    login(officer)
    page.goto(f"/inspections/{inspection.pk}/people/new/")
    page.get_by_label("Given names").fill("Van An")
    page.get_by_label("Nationality").fill("V-N")
    page.get_by_label("Date of birth").fill("2030-02-01")
    page.get_by_label("Document number").fill("C1234567")
    page.get_by_role("button", name="Save person").click()
    page.wait_for_load_state("networkidle")
    surname = page.get_by_label("Surname")
    expect(surname).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_surname_error")).to_be_visible()
    expect(page.locator("#id_nationality_error")).to_contain_text("three-letter country code")
    expect(page.locator("#id_document_type_error")).to_be_visible()
    expect(page.get_by_label("Given names")).to_have_value("Van An")
    expect(page.get_by_label("Nationality")).to_have_value("V-N")
    expect(page.get_by_label("Document number")).to_have_value("C1234567")
    assert "C1234567" not in page.url
    no_horizontal_scroll(page)

    # a mistyped MRZ names the check digit that failed and keeps the typing
    page.get_by_label("Passport machine-readable zone (MRZ)").fill(SPECIMEN_MRZ.replace("7408122", "7408129"))
    page.get_by_role("button", name="Read MRZ").click()
    expect(page.locator("#id_mrz_error")).to_contain_text("The date of birth check digit is wrong.")
    expect(page.get_by_label("Given names")).to_have_value("Van An")
    assert not Encounter.objects.exists()


def test_unsent_input_survives_a_lost_connection(page, login, officer, station):
    inspection = InspectionFactory(premises=PremisesFactory(district=district("KH-12")), unit=station,
                                   lead_officer=officer)
    login(officer)
    page.goto(f"/inspections/{inspection.pk}/people/new/")
    page.get_by_label("Surname").fill("Tran")
    page.get_by_label("Nationality").fill("VNM")
    page.context.set_offline(True)
    page.get_by_role("button", name="Save person").click()
    expect(page.locator("#offline-notice")).to_be_visible()
    expect(page.locator("#offline-notice")).to_contain_text("not sent yet")
    assert not Encounter.objects.exists()
    page.context.set_offline(False)
    page.goto(f"/inspections/{inspection.pk}/people/new/")
    expect(page.get_by_label("Surname")).to_have_value("Tran")  # restored from the phone
    expect(page.get_by_label("Nationality")).to_have_value("VNM")
    expect(page.locator(".restored")).to_be_visible()
    page.get_by_label("Sex").select_option("M")
    page.get_by_label("Role at the premises").select_option("guest")
    page.get_by_role("button", name="Save person").click()
    page.wait_for_load_state("networkidle")
    assert Encounter.objects.get().surname == "TRAN"
    # once sent, the copy on the phone is gone: a new form starts empty
    page.goto(f"/inspections/{inspection.pk}/people/new/")
    expect(page.get_by_label("Surname")).to_have_value("")


def test_khmer_version_renders(page, login, officer):
    login(officer)
    page.get_by_label("Language").select_option("km")
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.get_by_role("link", name="ចាប់ផ្ដើមការត្រួតពិនិត្យ")).to_be_visible()
    expect(page.get_by_role("heading", name="ការត្រួតពិនិត្យ", exact=True)).to_be_visible()
    page.get_by_role("link", name="ចាប់ផ្ដើមការត្រួតពិនិត្យ").click()
    expect(page.get_by_role("heading", name="ស្វែងរកទីតាំង", exact=True)).to_be_visible()
    no_horizontal_scroll(page)


def test_autosave_resumes_when_the_connection_comes_back(page, login, officer, station):
    inspection = InspectionFactory(premises=PremisesFactory(district=district("KH-12")), unit=station,
                                   lead_officer=officer)
    login(officer)
    page.goto(f"/inspections/{inspection.pk}/")
    page.context.set_offline(True)
    page.get_by_label("Refused access").fill("2")
    page.get_by_label("Refused access").blur()
    expect(page.locator("#offline-notice")).to_be_visible()
    inspection.refresh_from_db()
    assert inspection.refused_access == 0
    key = f"ri-draft:inspection:{inspection.pk}:details"
    assert page.evaluate(f"localStorage.getItem('{key}') !== null")
    page.context.set_offline(False)
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    expect(page.locator("#offline-notice")).to_be_hidden()
    inspection.refresh_from_db()
    assert inspection.refused_access == 2
    assert page.evaluate(f"localStorage.getItem('{key}') === null")
