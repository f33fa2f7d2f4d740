"""The published schema: valid without warnings, every operation documented with an example and
the one error format; the documentation pages work offline under the strict CSP."""

import re

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def test_spectacular_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/summaries/inspections/" in (tmp_path / "schema.yaml").read_text()


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_has_a_summary_and_an_example(schema):
    missing = []
    for name, operation in _operations(schema):
        bodies = [operation.get("requestBody", {})] + list(operation["responses"].values())
        has_example = any("examples" in media for body in bodies for media in body.get("content", {}).values())
        no_content = set(operation["responses"]) & {"204"}
        if not operation.get("summary") or not (has_example or no_content):
            missing.append(name)
    assert missing == []


def test_every_operation_documents_the_error_format(schema):
    for name, operation in _operations(schema):
        for code in ("400", "401", "403", "404"):
            media = operation["responses"][code]["content"]["application/json"]
            assert media["schema"] == {"$ref": "#/components/schemas/Error"}, name
    decisions = schema["paths"]["/api/v1/flags/{id}/decisions/"]["post"]["responses"]["409"]
    assert decisions["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ConflictError"


def test_summaries_carry_no_personal_fields(schema):
    components = schema["components"]["schemas"]
    personal = {"surname", "given_names", "native_name", "date_of_birth", "document_number", "encounter", "id"}
    for name in ("InspectionSummaryRow", "EncounterSummaryRow", "FlagSummaryRow", "ReferralSummaryRow"):
        assert not personal & set(components[name]["properties"]), name


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_local_assets_only(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no CDN, no web fonts
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"<script>(?!</script>)", html)  # no inline script
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_swagger_init_script_is_served_separately(client):
    html = client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*\?script=[^"]*)"', html).group(1).replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


@pytest.mark.parametrize(("path", "component"), [
    ("/api/v1/inspections/{id}/", "InspectionDetail"),
    ("/api/v1/flags/{id}/", "FlagDetail"),
    ("/api/v1/encounters/{id}/", "Encounter"),
])
def test_details_document_what_they_return(schema, path, component):
    media = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    assert media["schema"] == {"$ref": f"#/components/schemas/{component}"}
