import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_on_a_phone(page, login, officer):
    login(officer)
    assert page.url.endswith("/")
    assert page.get_by_text("officer").first.is_visible()
    # no horizontal scrolling at 360 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_wrong_password_shows_an_error(page, login, officer):
    login(officer, password="not-the-password")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").is_visible()
