"""Sessions: idle and absolute timeouts (frozen clock), and deactivation ending every session and
token at once, whether through the service or the Django admin."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken, AuditEvent, AuditKind, UserSession
from accounts.services import api_token_issue, user_deactivate
from tests.accounts.factories import PASSWORD, UserFactory

T0 = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC)
HOME = "/"


def _login(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _is_logged_in(client) -> bool:
    response = client.get(HOME)
    return response.status_code == 200


@pytest.mark.django_db
def test_idle_timeout_ends_the_session(client, officer):
    with time_machine.travel(T0, tick=False) as clock:
        _login(client, "officer")
        clock.shift(datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert _is_logged_in(client)  # activity refreshes the idle clock
        clock.shift(datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert _is_logged_in(client)
        clock.shift(datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT))
        response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.filter(kind=AuditKind.LOGOUT).get()
    assert (event.actor_id, event.action) == (officer.pk, "auth.session_end.idle_timeout")
    assert not UserSession.objects.filter(user=officer).exists()


@pytest.mark.django_db
def test_absolute_timeout_ends_an_active_session(client, officer):
    step = datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT // 2)
    with time_machine.travel(T0, tick=False) as clock:
        _login(client, "officer")
        elapsed = datetime.timedelta(0)
        while elapsed + step < datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT):
            clock.shift(step)
            elapsed += step
            assert _is_logged_in(client), f"logged out early after {elapsed}"
        clock.shift(datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT) - elapsed)
        response = client.get(HOME)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(kind=AuditKind.LOGOUT, action="auth.session_end.absolute_timeout").exists()


@pytest.mark.django_db
def test_login_time_is_set_at_login_not_on_a_later_request(client, officer):
    with time_machine.travel(T0, tick=False):
        _login(client, "officer")
        session = dict(client.session.items())  # loaded while the session is still unexpired
    assert session["login_at"] == int(T0.timestamp())
    assert session["last_activity"] == int(T0.timestamp())


@pytest.mark.django_db
def test_a_session_without_login_time_is_ended(client, officer):
    _login(client, "officer")
    session = client.session
    del session["login_at"]
    session.save()
    assert not _is_logged_in(client)
    assert AuditEvent.objects.filter(action="auth.session_end.no_login_time").exists()


@pytest.mark.django_db
def test_deactivation_ends_every_session_and_token_at_once(officer, supervisor):
    first, second, bystander = Client(), Client(), Client()
    _login(first, "officer")
    _login(second, "officer")
    _login(bystander, "supervisor")
    officer_keys = set(UserSession.objects.filter(user=officer).values_list("session_key", flat=True))
    assert officer_keys == {first.session.session_key, second.session.session_key}
    _, key = api_token_issue(actor=supervisor, user=officer, name="field-tablet")
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    with CaptureQueriesContext(connection) as queries:
        user_deactivate(actor=supervisor, user=officer)
    # read now: the next request through the test client clears the connection's query log
    session_sql = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]

    assert not first.get(HOME).status_code == 200
    assert not second.get(HOME).status_code == 200
    assert _is_logged_in(bystander)
    assert not Session.objects.filter(session_key__in=officer_keys).exists()
    assert not ApiToken.objects.filter(user=officer, revoked_at__isnull=True).exists()
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    # No scan over every session: each statement on the session table names a session key.
    assert session_sql and all("session_key" in sql.split("WHERE", 1)[1] for sql in session_sql)
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.actor_id == supervisor.pk and event.object_id == str(officer.pk)
    assert event.changes == {"before": {"is_active": True},
                             "after": {"is_active": False, "tokens_revoked": 1, "sessions_ended": 2}}


@pytest.mark.django_db
def test_deactivating_in_the_django_admin_goes_through_the_service(client, officer, supervisor):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    field = Client()
    _login(field, "officer")
    _, key = api_token_issue(actor=admin, user=officer, name="field-tablet")
    client.force_login(admin)
    form = client.get(f"/admin/auth/user/{officer.pk}/change/")
    assert form.status_code == 200
    data = {
        "username": officer.username, "first_name": "", "last_name": "", "email": officer.email,
        # is_active left out: the box is unticked
        "is_staff": "", "is_superuser": "",
        "last_login_0": "", "last_login_1": "",
        "date_joined_0": officer.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": officer.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": officer.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": officer.date_joined.strftime("%H:%M:%S"),
    }
    response = client.post(f"/admin/auth/user/{officer.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer.refresh_from_db()
    assert not officer.is_active
    assert field.get(HOME).status_code == 302
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.actor_id == admin.pk and event.changes["after"]["sessions_ended"] == 1


@pytest.mark.django_db
def test_admin_bulk_action_deactivates_through_the_service(client, officer, other_officer):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post("/admin/auth/user/", {
        "action": "deactivate_users", "_selected_action": [officer.pk, other_officer.pk],
    })
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.deactivate").count() == 2
    officer.refresh_from_db()
    other_officer.refresh_from_db()
    assert not officer.is_active and not other_officer.is_active


@pytest.mark.django_db
def test_password_change_needs_the_current_password_and_ends_other_sessions(officer):
    here, elsewhere = Client(), Client()
    _login(here, "officer")
    _login(elsewhere, "officer")
    wrong = here.post("/accounts/password/", {"old_password": "not-it", "new_password1": "mekong-lantern-47-quietly",
                                              "new_password2": "mekong-lantern-47-quietly"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["old_password"]
    weak = here.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "12345678",
                                             "new_password2": "12345678"})
    assert weak.status_code == 200 and weak.context["form"].errors["new_password2"]
    response = here.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "mekong-lantern-47-quietly",
                                                 "new_password2": "mekong-lantern-47-quietly"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    assert _is_logged_in(here)
    assert not _is_logged_in(elsewhere)
    event = AuditEvent.objects.get(action="user.password_change")
    assert event.actor_id == officer.pk and "mekong" not in repr(event.changes)


@pytest.mark.django_db
def test_admin_can_end_a_users_sessions_without_deactivating(client, officer):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    field = Client()
    _login(field, "officer")
    client.force_login(admin)
    response = client.post("/admin/auth/user/", {"action": "end_sessions", "_selected_action": [officer.pk]})
    assert response.status_code == 302
    assert not _is_logged_in(field)
    officer.refresh_from_db()
    assert officer.is_active
    assert AuditEvent.objects.get(action="user.sessions_end").changes == {"after": {"sessions_ended": 1}}


@pytest.mark.django_db
def test_every_logged_in_page_offers_logout(client, officer):
    client.force_login(officer)
    assert b'action="/accounts/logout/"' in client.get(HOME).content
