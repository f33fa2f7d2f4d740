"""Login: lockout per username + IP (django-axes), not fooled by X-Forwarded-For, every success and
failure in the audit log without the password, strong password validators."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, AuditKind
from tests.accounts.factories import PASSWORD

LOGIN = "/accounts/login/"
WRONG = "wrong-password-Tr0ub4dor"


def _attempt(client, username, password, ip="10.1.1.1", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def _fail_until_locked(client, username, ip="10.1.1.1", **headers):
    responses = [_attempt(client, username, WRONG, ip, **headers) for _ in range(settings.AXES_FAILURE_LIMIT)]
    return responses


@pytest.mark.django_db
def test_lockout_after_the_failure_limit(client, officer):
    responses = _fail_until_locked(client, "officer")
    # Every failure before the limit shows the form again; the one reaching the limit locks.
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    # Locked: even the right password is refused, and no session is opened.
    response = _attempt(client, "officer", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_page_is_a_translated_page_that_does_not_echo_the_username(client, officer):
    _fail_until_locked(client, "officer")
    response = _attempt(client, "officer", PASSWORD)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert b"Login blocked" in response.content
    assert b"officer" not in response.content
    assert response["Cache-Control"] == "no-store"
    km = client.post(LOGIN, {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1",
                     HTTP_ACCEPT_LANGUAGE="km")
    assert km.status_code == 429 and km["Content-Language"] == "km"


@pytest.mark.django_db
def test_forged_x_forwarded_for_does_not_avoid_the_lockout(client, officer):
    # Each attempt claims another client address; the socket address is what counts.
    for n in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "officer", WRONG, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = _attempt(client, "officer", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429
    attempt = AccessAttempt.objects.get(username="officer")
    assert attempt.ip_address == "10.1.1.1"
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


@pytest.mark.django_db
def test_another_user_from_the_same_address_is_not_locked(client, officer, supervisor):
    _fail_until_locked(client, "officer")
    response = _attempt(client, "supervisor", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


@pytest.mark.django_db
def test_the_same_user_from_another_address_is_not_locked(client, officer):
    # Lockout is keyed on the pair (username, IP): an attacker cannot lock an officer out everywhere.
    _fail_until_locked(client, "officer", ip="10.1.1.1")
    assert _attempt(client, "officer", PASSWORD, ip="10.2.2.2").status_code == 302


@pytest.mark.django_db
def test_success_resets_the_failure_count(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(client, "officer", WRONG)
    assert _attempt(client, "officer", PASSWORD).status_code == 302
    client.logout()
    assert _attempt(client, "officer", WRONG).status_code == 200


@pytest.mark.django_db
def test_every_login_success_and_failure_is_audited_without_the_password(client, officer):
    _attempt(client, "officer", WRONG, ip="10.9.9.9")
    _attempt(client, "nobody", WRONG, ip="10.9.9.9")
    _attempt(client, "officer", PASSWORD, ip="10.9.9.9")
    failed = AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED).order_by("id")
    assert [(e.object_id, e.ip_address) for e in failed] == [("officer", "10.9.9.9"), ("nobody", "10.9.9.9")]
    success = AuditEvent.objects.get(kind=AuditKind.LOGIN)
    assert (success.actor_id, success.actor_username, success.ip_address) == (officer.pk, "officer", "10.9.9.9")
    for event in AuditEvent.objects.all():
        dumped = repr([getattr(event, f.attname) for f in AuditEvent._meta.fields])
        assert WRONG not in dumped and PASSWORD not in dumped


@pytest.mark.django_db
def test_a_locked_out_attempt_is_audited_as_a_failure(client, officer):
    _fail_until_locked(client, "officer")
    _attempt(client, "officer", PASSWORD)
    assert AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED, object_id="officer").count() == (
        settings.AXES_FAILURE_LIMIT + 1
    )
    assert not AuditEvent.objects.filter(kind=AuditKind.LOGIN).exists()


@pytest.mark.django_db
def test_logout_is_audited(client, officer):
    _attempt(client, "officer", PASSWORD)
    client.post("/accounts/logout/")
    event = AuditEvent.objects.get(kind=AuditKind.LOGOUT)
    assert (event.actor_id, event.action) == (officer.pk, "auth.logout")


@pytest.mark.parametrize("password", ["short1!", "password1234", "123456789012345", "officer2026!"])
@pytest.mark.django_db
def test_weak_passwords_are_rejected(officer, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=officer)


@pytest.mark.django_db
def test_a_strong_password_is_accepted(officer):
    assert validate_password("mekong-lantern-47-quietly", user=officer) is None
