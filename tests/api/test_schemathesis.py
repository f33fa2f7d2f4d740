"""Schemathesis against the running API (pytest-django's live server, the real test database), with a
token for each role: no server errors and no response that breaks the published schema.

Bounded: a few examples per operation and role, valid (positive) and invalid (negative) inputs.
Half of the generated cases are pointed at real objects of the user's jurisdiction (path ids and
the ids in bodies), so that the success paths are fuzzed too, not only the 404s.
"""

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.services import api_token_issue

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}
CHECKS = [not_a_server_error, response_schema_conformance]
OWN_OPERATIONS = {
    "officer": [("GET", "/api/v1/inspections/{id}/"), ("PATCH", "/api/v1/inspections/{id}/"),
                ("POST", "/api/v1/encounters/"), ("GET", "/api/v1/premises/")],
    "supervisor": [("GET", "/api/v1/flags/"), ("GET", "/api/v1/flags/{id}/"), ("POST", "/api/v1/encounters/search/")],
    "analyst": [("GET", f"/api/v1/summaries/{name}/") for name in ("inspections", "encounters", "flags", "referrals")],
}
RESOURCE_OF_PATH = {"premises": "premises", "inspections": "inspections", "encounters": "encounters",
                    "flags": "flags"}


def _point_at_real_objects(case, world, supervisor) -> None:
    resource = case.operation.path.split("/")[3]
    if "id" in (case.path_parameters or {}) and resource in RESOURCE_OF_PATH:
        case.path_parameters["id"] = str(world.mine(RESOURCE_OF_PATH[resource])[0].pk)
    if isinstance(case.body, dict):
        replacements = {"inspection": str(world.inspections[0].pk), "premises": str(world.premises[0].pk),
                        "district": world.premises[0].district.code, "assignee": supervisor.pk}
        for name, value in replacements.items():
            if name in case.body:
                case.body[name] = value


@pytest.mark.parametrize("role", ["officer", "supervisor", "analyst"])
def test_api_conforms_to_its_schema(role, live_server, world, officer, supervisor, analyst):
    user = {"officer": officer, "supervisor": supervisor, "analyst": analyst}[role]
    _, key = api_token_issue(actor=None, user=user, name=f"schemathesis-{role}")
    headers = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    answered = Counter()

    for operation in operations:
        raw = operation.definition.raw
        has_inputs = bool(raw.get("parameters") or raw.get("requestBody"))
        for mode, examples in EXAMPLES.items():
            if mode == GenerationMode.NEGATIVE and not has_inputs:
                continue  # nothing to make invalid (e.g. GET /districts/)

            @given(case=operation.as_strategy(generation_mode=mode), real=st.booleans())
            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def check(case, real):
                if real:
                    _point_at_real_objects(case, world, supervisor)
                response = case.call(base_url=live_server.url, headers=headers)
                answered[(case.operation.method.upper(), case.operation.path, response.status_code // 100)] += 1
                case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                check()
            except Exception as exc:
                exc.add_note(f"{role}: {operation.method.upper()} {operation.path} ({mode.value})")
                raise
    # The fuzzing reached the success paths of the role's own operations, not only the refusals.
    succeeded = {(method, path) for (method, path, klass), _ in answered.items() if klass == 2}
    print(role, sorted(succeeded))
    assert {(method, path) for method, path in OWN_OPERATIONS[role]} <= succeeded
