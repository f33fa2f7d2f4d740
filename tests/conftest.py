import importlib

import pytest
from django.apps import apps

from accounts.models import Role
from config.celery import app as celery_app
from tests.accounts.factories import UnitFactory, user_with_role
from tests.registry.factories import province


@pytest.fixture(autouse=True)
def _celery_in_process(settings):
    """Tests run Celery tasks in-process unless a test starts a real worker (tests marked worker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Provinces, districts and visa types, as the data migration loads them.

    Transactional tests (browser, worker) flush the database after each test; this puts the
    reference data back for the next one (one count query when it is already there)."""
    wants_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames)
    if not wants_db:
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from registry.models import Province

    if not Province.objects.exists():
        importlib.import_module("registry.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def phnom_penh(db):
    return province("KH-12")


@pytest.fixture
def siem_reap(db):
    return province("KH-17")


@pytest.fixture
def station(phnom_penh):
    """A Phnom Penh station."""
    return UnitFactory(code="pp-station", name="Daun Penh Station", provinces=[phnom_penh])


@pytest.fixture
def other_station(siem_reap):
    """A station in another jurisdiction (Siem Reap)."""
    return UnitFactory(code="sr-station", name="Siem Reap Station", provinces=[siem_reap])


@pytest.fixture
def officer(station):
    return user_with_role(Role.OFFICER, station, username="officer")


@pytest.fixture
def other_officer(other_station):
    return user_with_role(Role.OFFICER, other_station, username="other-officer")


@pytest.fixture
def supervisor(station):
    return user_with_role(Role.SUPERVISOR, station, username="supervisor")


@pytest.fixture
def analyst(station):
    return user_with_role(Role.ANALYST, station, username="analyst")


@pytest.fixture(scope="session", autouse=True)
def _flush_may_purge_audit():
    """The audit table is append-only in the database (accounts migration 0002). Test teardown of
    transactional tests empties every table with ``flush`` (TRUNCATE on PostgreSQL, DELETE on
    SQLite); let only that through, as the retention purge is let through."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from accounts.audit_lock import audit_purge_permitted

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with audit_purge_permitted(using=self.connection.alias):
            original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Tests create hundreds of users; PBKDF2 at production strength would dominate the run.
    (The production hasher and validators are tested where they matter: tests/accounts.)"""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
