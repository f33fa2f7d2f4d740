"""The API documentation pages render in Chromium, offline, with no CSP violation."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # Offline: no request may leave the server (no CDN, no web fonts).
    external = []
    page.on("request", lambda request: external.append(request.url)
            if not request.url.startswith(("http://localhost", "http://127.0.0.1", "data:", "blob:")) else None)
    return problems, external


def test_swagger_ui_renders_under_the_strict_csp(page):
    problems, external = _watch(page)
    page.goto("/api/docs/")
    page.locator(".opblock-summary-path", has_text="/api/v1/summaries/inspections/").first.wait_for()
    assert page.locator(".opblock").count() >= 25
    assert problems == []
    assert external == []


def test_redoc_renders(page):
    problems, external = _watch(page)
    page.set_viewport_size({"width": 1280, "height": 900})  # Redoc hides its menu on phones
    page.goto("/api/redoc/")
    page.locator("h2", has_text="Inspections per period").wait_for()
    # Redoc's "API docs by Redocly" footer always asks its CDN for a logo: img-src 'self' blocks it, so
    # nothing leaves the server and the page works offline. Nothing else may be blocked or external.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [p for p in problems if "Content Security Policy" in p and logo not in p] == []
    assert [url for url in external if url != logo] == []
