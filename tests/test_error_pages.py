"""Error pages (DEBUG off, as in tests): translated templates, no request data, no stack traces;
logs carry no query strings or document numbers."""

import io
import logging

import pytest
from django.test import Client

from accounts.log_redaction import RedactPersonalDataFilter, redact

PERSONAL = [b"NGUYEN", b"C7654321", b"surname", b"Traceback", b"RuntimeError"]


def _assert_clean(response, *also):
    for needle in PERSONAL + list(also):
        assert needle not in response.content, needle
    assert response["Cache-Control"] == "no-store"


@pytest.mark.urls("tests.urls_errors")
@pytest.mark.django_db
@pytest.mark.parametrize("status,path,heading", [
    (400, "/test-errors/400/?surname=NGUYEN", b"Bad request"),
    (403, "/test-errors/403/?surname=NGUYEN", b"Not allowed"),
    (404, "/no-such-page/?surname=NGUYEN&document=C7654321", b"Not found"),
    (500, "/test-errors/500/?q=NGUYEN+C7654321", b"Something went wrong"),
])
def test_error_pages_show_no_request_data(officer, status, path, heading):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get(path)
    assert response.status_code == status
    assert heading in response.content
    _assert_clean(response, b"test-errors", b"no-such-page", officer.username.encode())


@pytest.mark.urls("tests.urls_errors")
@pytest.mark.django_db
def test_error_pages_are_translated():
    client = Client(raise_request_exception=False)
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="km")
    assert response.status_code == 404
    assert response["Content-Language"] == "km"
    assert b'<html lang="km">' in response.content


@pytest.mark.django_db
def test_disallowed_host_answers_the_400_page():
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"Bad request" in response.content and b"evil.example" not in response.content


def test_redaction_of_query_strings_and_document_numbers():
    line = '"GET /inspections/?surname=NGUYEN&doc=C7654321 HTTP/1.1" 200 512'
    assert redact(line) == '"GET /inspections/?[redacted] HTTP/1.1" 200 512'
    assert redact("document N1234567 and 123456789 seen") == "document [redacted] and [redacted] seen"
    # ids, times and small numbers stay readable
    kept = "inspection 3f2b1c4d-9e8a-4b7c-8d6e-5f4a3b2c1d0e at 2026-11-20 08:00:00.123456, 42 rows"
    assert redact(kept) == kept


def _console_handler():
    handlers = [h for h in logging.getLogger().handlers
                if any(isinstance(f, RedactPersonalDataFilter) for f in h.filters)]
    assert len(handlers) == 1, "settings.LOGGING: the console handler carries the redaction filter"
    return handlers[0]


def test_request_log_lines_are_redacted_by_the_configured_handler():
    handler = _console_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("django.server").info('"%s" %s %s', "GET /x/?surname=NGUYEN HTTP/1.1", 200, 10)
        try:
            raise RuntimeError("no entry for passport C7654321")
        except RuntimeError:
            logging.getLogger("django.request").exception("Internal Server Error: %s", "/x/")
    finally:
        handler.setStream(previous)
    output = stream.getvalue()
    assert "/x/?[redacted]" in output
    assert "NGUYEN" not in output and "C7654321" not in output
    assert "RuntimeError: no entry for passport [redacted]" in output


@pytest.mark.urls("tests.urls_errors")
@pytest.mark.django_db
def test_a_500_is_logged_without_query_string_or_document_number(officer):
    handler = _console_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        response = Client(raise_request_exception=False).get("/test-errors/500/?q=NGUYEN+C7654321")
    finally:
        handler.setStream(previous)
    assert response.status_code == 500
    output = stream.getvalue()
    assert "Internal Server Error: /test-errors/500/" in output
    assert "C7654321" not in output
