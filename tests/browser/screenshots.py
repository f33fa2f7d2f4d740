"""Screenshots of the officer field app at phone width (360x740), for docs/field-app.md.

Not part of the test suite (the file name does not match test_*.py); run it explicitly:

    python -m pytest tests/browser/screenshots.py -p no:cacheprovider

It uses the browser tests' fixtures (Debian's chromium through Playwright, pytest-django's live
server, a throw-away database) and writes PNG files to docs/screenshots/.
"""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from inspections.models import (
    Encounter,
    EncounterRole,
    FlagKind,
    Inspection,
    InspectionStatus,
    Severity,
    Verification,
    VerificationStatus,
)
from tests.accounts.factories import user_with_role
from tests.inspections.factories import EncounterFactory, FlagFactory, InspectionFactory
from tests.registry.factories import PremisesFactory, district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SPECIMEN_MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch):
    monkeypatch.setattr("inspections.services._enqueue_verification", lambda inspection_id: None)


def shot(page, name, at=None):
    """One phone screen (360x740); ``at`` scrolls that part of the page to the top first."""
    OUT.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    if at is not None:
        page.locator(at).first.evaluate("el => el.scrollIntoView({block: 'start'})")
    else:
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(OUT / f"{name}.png"))


def test_screenshots(page, login, officer, station):
    colleague = user_with_role(Role.OFFICER, station, username="sokha")
    user_with_role(Role.OFFICER, station, username="dara")
    pp = district("KH-12")
    lotus = PremisesFactory(name="Golden Lotus Guesthouse", registration_number="HTL-0042", district=pp,
                            address="Street 51, Boeng Keng Kang")
    PremisesFactory(name="Lotus Garden Apartments", registration_number="RES-1187", district=pp,
                    premises_type="residential", address="Street 294")
    tower = PremisesFactory(name="Mekong Riverside Tower (site B)", premises_type="construction", district=pp)
    done = InspectionFactory(premises=tower, unit=station, lead_officer=colleague,
                             status=InspectionStatus.SUBMITTED, submitted_at=timezone.now())
    for surname, status in (("CHEN", VerificationStatus.CLEAR), ("PHAM", VerificationStatus.FLAGGED)):
        encounter = EncounterFactory(inspection=done, surname=surname, role=EncounterRole.WORKER)
        Verification.objects.create(encounter=encounter, status=status)
    login(officer)
    page.goto("/accounts/login/")

    page.goto("/registry/premises/?q=lotus")
    shot(page, "02-find-premises")
    page.goto("/registry/premises/new/")
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save premises").click()
    shot(page, "03-new-premises-errors")

    page.goto("/registry/premises/?q=golden")
    page.get_by_role("button", name="Start inspection here").first.click()
    inspection = Inspection.objects.get(premises=lotus)
    page.get_by_label("Foreigners present").fill("4")
    page.get_by_label("Notes").fill("Back gate locked; manager called the owner.")
    page.get_by_label("Notes").blur()
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    shot(page, "04-inspection-draft", at="h1")
    shot(page, "04b-inspection-draft-saved", at="#id_notes")

    page.get_by_role("link", name="Add person").click()
    page.get_by_label("Role at the premises").select_option("worker")
    page.get_by_label("Passport machine-readable zone (MRZ)").fill(SPECIMEN_MRZ)
    page.get_by_role("button", name="Read MRZ").click()
    expect(page.get_by_label("Surname")).to_have_value("ERIKSSON")
    shot(page, "05-add-person-mrz", at="h1")
    page.locator("[data-screening] input[name=document_withheld][value=yes]").check()
    shot(page, "05b-screening", at="[data-screening]")
    page.get_by_role("button", name="Save and add another").click()
    page.get_by_label("Passport machine-readable zone (MRZ)").fill(SPECIMEN_MRZ.replace("7408122", "7408129"))
    page.get_by_role("button", name="Read MRZ").click()
    expect(page.locator("#id_mrz_error")).to_be_visible()
    page.get_by_label("Nationality").fill("V-N")
    page.get_by_role("button", name="Save person").click()
    shot(page, "06-add-person-errors", at="h1")
    shot(page, "06b-add-person-errors-fields", at="#id_surname_error")
    page.goto(f"/inspections/{inspection.pk}/people/new/")
    page.get_by_label("Surname").fill("Nguyen")
    page.get_by_label("Given names").fill("Van An")
    page.get_by_label("Sex").select_option("M")
    page.get_by_label("Nationality").fill("VNM")
    page.get_by_label("Role at the premises").select_option("guest")
    page.get_by_role("button", name="Save person").click()
    page.goto(f"/inspections/{inspection.pk}/people/new/")
    page.get_by_label("Surname").fill("Smith")
    page.get_by_label("Sex").select_option("F")
    page.get_by_label("Nationality").fill("GBR")
    page.get_by_label("Role at the premises").select_option("resident")
    page.get_by_label("Document type").select_option("D")
    page.get_by_role("button", name="Save person").click()

    page.get_by_role("link", name="Submit inspection…").click()
    shot(page, "07-submit-confirm")
    page.get_by_role("button", name="Submit now").click()
    shot(page, "08-results-checking")
    eriksson, nguyen, smith = (Encounter.objects.get(surname=s) for s in ("ERIKSSON", "NGUYEN", "SMITH"))
    FlagFactory(encounter=eriksson, kind=FlagKind.TRAFFICKING_INDICATORS, severity=Severity.HIGH, details={})
    FlagFactory(encounter=eriksson, kind=FlagKind.OVERSTAY, details={"days": 12}, held_for_victim_screening=True)
    FlagFactory(encounter=eriksson, kind=FlagKind.NO_WORK_PERMIT, severity=Severity.MEDIUM, details={},
                held_for_victim_screening=True)
    Verification.objects.filter(encounter=eriksson).update(status=VerificationStatus.FLAGGED)
    Verification.objects.filter(encounter=nguyen).update(status=VerificationStatus.CLEAR)
    Verification.objects.filter(encounter=smith).update(status=VerificationStatus.EXEMPT)
    expect(page.locator(f"#person-{smith.pk}")).to_contain_text("Exempt")
    shot(page, "09-results", at="#people-h")

    InspectionFactory(premises=PremisesFactory(name="Sunrise Karaoke", premises_type="entertainment",
                                               district=pp), unit=station, lead_officer=officer)
    page.goto("/")
    shot(page, "01-home")

    with page.expect_navigation():
        page.get_by_label("Language").select_option("km")
    shot(page, "10-home-khmer")
    page.goto(f"/inspections/{inspection.pk}/")
    shot(page, "11-results-khmer", at="#people-h")
    draft = Inspection.objects.filter(status=InspectionStatus.DRAFT, lead_officer=officer).first()
    page.goto(f"/inspections/{draft.pk}/people/new/")
    page.get_by_label("តួនាទីនៅទីតាំង").select_option("worker")
    shot(page, "12-add-person-khmer", at="h1")
    shot(page, "12b-screening-khmer", at="[data-screening]")
