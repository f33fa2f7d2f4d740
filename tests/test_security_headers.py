"""Security headers and production settings: check --deploy passes, CSP, HSTS, nosniff,
Referrer-Policy, X-Frame-Options, Cache-Control: no-store."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "ri.example.org",
    }, **extra)
    return env


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_a_weak_secret_key():
    # The check is able to fail: a short key is reported.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(SECRET_KEY="short"), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


PROBE = """
import json, django
django.setup()
from django.test import Client
c = Client()
secure = c.get("/api/v1/me/", secure=True, HTTP_HOST="ri.example.org")
plain = c.get("/api/v1/me/", HTTP_HOST="ri.example.org")
print(json.dumps({"secure": dict(secure.headers), "secure_status": secure.status_code,
                  "plain_status": plain.status_code, "plain_location": plain.get("Location", "")}))
"""


def test_production_mode_sends_hsts_and_redirects_to_https():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=_production_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    headers = probe["secure"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert probe["secure_status"] == 401
    assert headers["Cache-Control"] == "no-store"
    assert probe["plain_status"] == 301 and probe["plain_location"] == "https://ri.example.org/api/v1/me/"


def _csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/me/", "/no-such-page/"])
@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = _csp(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_of_a_logged_in_user_are_never_cached(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_session_cookie_is_http_only_and_not_sent_cross_site(settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
