"""API tokens: issued with the key shown once, rotated, revoked (401 at once), all audited; the
admin and the management command go through the same services. GET /api/v1/me/."""

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import ApiToken, AuditEvent, Role
from accounts.services import api_token_check, api_token_issue, api_token_revoke, api_token_rotate
from tests.accounts.factories import MembershipFactory, UserFactory

ME = "/api/v1/me/"


def _me(key):
    return Client().get(ME, HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_me_returns_only_the_callers_username_roles_and_units(officer, station, other_station, supervisor):
    MembershipFactory(user=officer, unit=other_station, role=Role.SUPERVISOR)
    _, key = api_token_issue(actor=supervisor, user=officer, name="client")
    response = _me(key)
    assert response.status_code == 200
    assert response.json() == {
        "username": "officer",
        "roles": ["officer", "supervisor"],
        "units": [{"code": "pp-station", "name": "Daun Penh Station"},
                  {"code": "sr-station", "name": "Siem Reap Station"}],
    }


@pytest.mark.django_db
def test_me_needs_authentication(client):
    response = client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_revoked_token_answers_401_immediately(officer, supervisor):
    token, key = api_token_issue(actor=supervisor, user=officer, name="client")
    assert _me(key).status_code == 200
    api_token_revoke(actor=supervisor, token=token)
    assert _me(key).status_code == 401
    assert api_token_check(key) is None


@pytest.mark.django_db
def test_rotation_kills_the_old_key_and_the_new_one_works(officer, supervisor):
    token, old_key = api_token_issue(actor=supervisor, user=officer, name="client")
    new_token, new_key = api_token_rotate(actor=supervisor, token=token)
    assert _me(old_key).status_code == 401
    assert _me(new_key).status_code == 200
    assert new_token.name == "client" and new_token.user == officer
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_id"))
    assert actions == [("api_token.issue", supervisor.pk), ("api_token.revoke", supervisor.pk),
                       ("api_token.issue", supervisor.pk)]


@pytest.mark.django_db
def test_expired_and_forged_keys_answer_401(officer, supervisor):
    with time_machine.travel("2026-11-20 08:00Z", tick=False) as clock:
        _, key = api_token_issue(actor=supervisor, user=officer, name="client",
                                 expires_at=datetime.datetime(2026, 11, 21, tzinfo=datetime.UTC))
        assert _me(key).status_code == 200
        clock.shift(datetime.timedelta(days=1))
        assert _me(key).status_code == 401
    prefix = key.split(".")[0]
    assert _me(f"{prefix}.not-the-secret").status_code == 401
    assert _me("garbage").status_code == 401


@pytest.mark.django_db
def test_only_a_hash_of_the_secret_is_stored(officer, supervisor):
    token, key = api_token_issue(actor=supervisor, user=officer, name="client")
    secret = key.split(".", 1)[1]
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in repr(stored)
    assert secret not in repr(list(AuditEvent.objects.values()))


@pytest.mark.django_db
def test_admin_issue_shows_the_key_once_and_audits(client, admin_user, officer):
    client.force_login(admin_user)
    assert client.get("/admin/accounts/apitoken/add/").url == "/admin/accounts/apitoken/issue/"
    response = client.post("/admin/accounts/apitoken/issue/", {"user": officer.pk, "name": "border-system"})
    assert response.status_code == 200
    (token, key), = response.context["issued"]
    assert key.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    assert _me(key).status_code == 200
    event = AuditEvent.objects.get(action="api_token.issue")
    assert event.actor_id == admin_user.pk and event.object_id == str(token.pk)
    # never again: neither the list nor the token's page shows it
    assert key.encode() not in client.get("/admin/accounts/apitoken/").content
    assert key.encode() not in client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content


@pytest.mark.django_db
def test_admin_revoke_and_rotate_actions(client, admin_user, officer):
    first, first_key = api_token_issue(actor=admin_user, user=officer, name="one")
    second, second_key = api_token_issue(actor=admin_user, user=officer, name="two")
    client.force_login(admin_user)
    response = client.post("/admin/accounts/apitoken/", {"action": "revoke_tokens", "_selected_action": [first.pk]})
    assert response.status_code == 302
    assert _me(first_key).status_code == 401
    response = client.post("/admin/accounts/apitoken/", {"action": "rotate_tokens", "_selected_action": [second.pk]})
    assert response.status_code == 200
    (new_token, new_key), = response.context["issued"]
    assert _me(second_key).status_code == 401
    assert _me(new_key).status_code == 200
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=admin_user).count() == 2


@pytest.mark.django_db
def test_admin_cannot_delete_or_edit_tokens(client, admin_user, officer):
    token, _ = api_token_issue(actor=admin_user, user=officer, name="one")
    client.force_login(admin_user)
    assert client.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403
    client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"name": "renamed", "user": admin_user.pk})
    token.refresh_from_db()
    assert (token.name, token.user_id) == ("one", officer.pk)


@pytest.mark.django_db
def test_issue_api_token_command_prints_the_key_once(officer):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", "--user", "officer", "--name", "border-system", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert _me(key).status_code == 200
    assert key not in err.getvalue()
    event = AuditEvent.objects.get(action="api_token.issue")
    assert event.changes["after"]["name"] == "border-system"


@pytest.mark.django_db
def test_issue_api_token_command_refuses_unknown_or_inactive_users(officer):
    with pytest.raises(CommandError, match="user: no account"):
        call_command("issue_api_token", "--user", "nobody", "--name", "x", stdout=io.StringIO())
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="deactivated"):
        call_command("issue_api_token", "--user", "officer", "--name", "x", stdout=io.StringIO())
    assert not ApiToken.objects.exists()
