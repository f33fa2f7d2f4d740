"""Generic permission tests (NetBox style): one table names every API operation, the role that may
call it and one that may not, and the checks run over the whole table:

- anonymous -> 401 (with WWW-Authenticate), in the one error format;
- a wrong role -> 403;
- the right role on its own objects succeeds, and on another unit's object -> 404;
- a list returns exactly the permitted rows (3 seeded, 2 permitted);
- and every operation in the OpenAPI schema is in the table (a new endpoint cannot skip these tests).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from drf_spectacular.generators import SchemaGenerator

from accounts.models import AuditEvent, Role

pytestmark = pytest.mark.django_db

OFFICER, SUPERVISOR, ANALYST = Role.OFFICER.value, Role.SUPERVISOR.value, Role.ANALYST.value
ADMINISTRATOR = Role.ADMINISTRATOR.value


def _encounter_body(world):
    return {"inspection": str(world.inspections[0].pk), "surname": "Tran", "given_names": "Van Binh", "sex": "M",
            "nationality": "VNM", "document_type": "P", "document_number": "B7654321",
            "document_issuing_country": "VNM", "role": "worker", "date_of_birth": "1994-03-07"}


def _entry_row(**overrides):
    row = {"source_id": "BX-API-1", "document_type": "P", "document_number": "C7654321", "issuing_country": "VNM",
           "nationality": "VNM", "surname": "TRAN", "given_names": "VAN BINH", "date_of_birth": "1994-03-07",
           "sex": "M", "entry_date": "2026-10-01", "port_of_entry": "Bavet", "visa_type": "T",
           "permitted_until": "2026-10-31", "exit_date": ""}
    row.update(overrides)
    return row


@dataclass(frozen=True)
class Op:
    method: str
    path: str                      # "{id}" is replaced by an object of `objects`
    role: str                      # a role that may call it
    wrong_role: str | None         # a role that may not (None: every role may)
    objects: str | None = None     # World attribute the {id} / the list's rows come from
    body: Callable | None = None
    is_list: bool = False
    ok: int = 200
    query: dict = field(default_factory=dict)

    def url(self, world, *, other=False) -> str:
        if "{kind}" in self.path:
            return self.path.replace("{kind}", "entry-records")
        if "{id}" not in self.path:
            return self.path
        obj = world.other(self.objects) if other else world.mine(self.objects)[0]
        return self.path.replace("{id}", str(obj.pk))

    def __str__(self):
        return f"{self.method} {self.path}"


V1 = "/api/v1"
OPERATIONS = [
    Op("GET", f"{V1}/me/", OFFICER, None),
    Op("POST", f"{V1}/intake/{{kind}}/", ADMINISTRATOR, SUPERVISOR, body=lambda w: [_entry_row()]),
    Op("GET", f"{V1}/intake/jobs/{{id}}/", ADMINISTRATOR, OFFICER, objects="import_jobs"),
    Op("GET", f"{V1}/districts/", OFFICER, None),
    Op("GET", f"{V1}/premises/", OFFICER, ANALYST, objects="premises", is_list=True),
    Op("POST", f"{V1}/premises/", OFFICER, ANALYST, ok=201,
       body=lambda w: {"premises_type": "construction", "name": "Mekong Tower site",
                       "district": w.premises[0].district.code}),
    Op("GET", f"{V1}/premises/{{id}}/", OFFICER, ANALYST, objects="premises"),
    Op("GET", f"{V1}/inspections/", OFFICER, ANALYST, objects="inspections", is_list=True),
    Op("POST", f"{V1}/inspections/", OFFICER, SUPERVISOR, ok=201, body=lambda w: {"premises": str(w.premises[0].pk)}),
    Op("GET", f"{V1}/inspections/{{id}}/", OFFICER, ANALYST, objects="inspections"),
    Op("PUT", f"{V1}/inspections/{{id}}/", OFFICER, SUPERVISOR, objects="inspections",
       body=lambda w: {"started_at": "2026-11-20T09:30:00+07:00", "notes": "Night visit"}),
    Op("PATCH", f"{V1}/inspections/{{id}}/", OFFICER, SUPERVISOR, objects="inspections",
       body=lambda w: {"foreigners_present": 3}),
    Op("POST", f"{V1}/inspections/{{id}}/submit/", OFFICER, SUPERVISOR, objects="inspections"),
    Op("GET", f"{V1}/encounters/", OFFICER, ANALYST, objects="encounters", is_list=True),
    Op("POST", f"{V1}/encounters/", OFFICER, SUPERVISOR, ok=201, body=_encounter_body),
    Op("GET", f"{V1}/encounters/{{id}}/", OFFICER, ANALYST, objects="encounters"),
    Op("PUT", f"{V1}/encounters/{{id}}/", OFFICER, SUPERVISOR, objects="encounters",
       body=lambda w: {k: v for k, v in _encounter_body(w).items() if k != "inspection"}),
    Op("PATCH", f"{V1}/encounters/{{id}}/", OFFICER, SUPERVISOR, objects="encounters",
       body=lambda w: {"role": "resident"}),
    Op("DELETE", f"{V1}/encounters/{{id}}/", OFFICER, SUPERVISOR, objects="encounters", ok=204),
    Op("POST", f"{V1}/encounters/search/", SUPERVISOR, OFFICER,
       body=lambda w: {"document_number": "C0000000", "issuing_country": "VNM"}),
    Op("GET", f"{V1}/flags/", SUPERVISOR, OFFICER, objects="flags", is_list=True),
    Op("GET", f"{V1}/flags/{{id}}/", SUPERVISOR, OFFICER, objects="flags"),
    Op("POST", f"{V1}/flags/{{id}}/decisions/", SUPERVISOR, OFFICER, objects="flags", ok=201,
       body=lambda w: {"outcome": "start_review", "expected_version": 0}),
    Op("GET", f"{V1}/referrals/", SUPERVISOR, OFFICER, objects="referrals", is_list=True),
    Op("GET", f"{V1}/summaries/inspections/", ANALYST, OFFICER),
    Op("GET", f"{V1}/summaries/encounters/", ANALYST, OFFICER),
    Op("GET", f"{V1}/summaries/flags/", ANALYST, OFFICER),
    Op("GET", f"{V1}/summaries/referrals/", ANALYST, OFFICER),
]


@pytest.fixture
def users(officer, supervisor, analyst, administrator):
    return {OFFICER: officer, SUPERVISOR: supervisor, ANALYST: analyst, ADMINISTRATOR: administrator}


def call(client, op: Op, world, *, other=False):
    body = op.body(world) if op.body else None
    return client.generic(op.method, op.url(world, other=other), **_json(body)) if body is not None else \
        getattr(client, op.method.lower())(op.url(world, other=other))


def _json(body):
    import json

    return {"data": json.dumps(body), "content_type": "application/json"}


def test_every_schema_operation_is_in_the_table():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items() if path.startswith(V1)
        for method in item if method in {"get", "post", "put", "patch", "delete"}
    }
    assert in_schema == {str(op) for op in OPERATIONS}


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_anonymous_is_refused_with_401(op, world, api_client):
    response = call(api_client(None), op, world)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"error": {"status": 401, "code": "not_authenticated",
                                         "detail": "Authentication credentials were not provided."}}


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.wrong_role], ids=str)
def test_wrong_role_is_refused_with_403(op, world, api_client, users):
    response = call(api_client(users[op.wrong_role]), op, world)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_permitted_role_succeeds(op, world, api_client, users):
    response = call(api_client(users[op.role]), op, world)
    assert response.status_code == op.ok, response.content


@pytest.mark.parametrize("op", [op for op in OPERATIONS if "{id}" in op.path], ids=str)
def test_other_units_object_answers_404(op, world, api_client, users):
    client = api_client(users[op.role])
    before = AuditEvent.objects.count()
    response = call(client, op, world, other=True)
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "code": "not_found", "detail": "Not found."}}
    assert AuditEvent.objects.count() == before  # nothing was read or written


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.is_list], ids=str)
def test_list_returns_exactly_the_permitted_rows(op, world, api_client, users):
    response = call(api_client(users[op.role]), op, world)
    assert response.status_code == 200
    returned = {row["id"] for row in response.json()["results"]}
    assert returned == {str(obj.pk) for obj in world.mine(op.objects)}


@pytest.mark.parametrize("path", [f"{V1}/inspections/", f"{V1}/encounters/"])
def test_supervisor_lists_its_jurisdiction(path, world, api_client, supervisor):
    response = api_client(supervisor).get(path)
    name = path.rstrip("/").rsplit("/", 1)[1]
    assert {row["id"] for row in response.json()["results"]} == {str(o.pk) for o in world.mine(name)}
