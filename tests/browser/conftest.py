"""Browser tests: Debian's chromium driven by Playwright (no browser download), against
pytest-django's live server. Phone-sized viewport by default (officers use phones)."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures and
# by the live server's test setup are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
PHONE = {"width": 360, "height": 740}


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is needed for browser tests: apt-get install chromium fonts-khmeros")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """login(user) logs ``user`` in through the login form (password from the user factory)."""
    from tests.accounts.factories import PASSWORD

    def _login(user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
        return page

    return _login
