"""The audit log is append-only in the database: UPDATE, DELETE (and TRUNCATE on PostgreSQL) are
refused by a trigger, except DELETE inside the retention purge (accounts.audit_lock)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.audit_lock import audit_purge_permitted
from accounts.models import AuditEvent, AuditKind
from accounts.services import audit_purge, audit_record, audit_write


def _row(**kwargs):
    return audit_record(actor=None, kind=AuditKind.WRITE, action="test.row", object_id="1", **kwargs)


def _refused(statement):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            statement()


@pytest.mark.django_db
def test_triggers_are_installed_for_this_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'accounts_auditevent'::regclass "
                           "AND NOT tgisinternal ORDER BY tgname")
            names = [r[0] for r in cursor.fetchall()]
            assert names == ["accounts_auditevent_append_only_row", "accounts_auditevent_append_only_truncate"]
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name = 'accounts_auditevent' ORDER BY name")
            names = [r[0] for r in cursor.fetchall()]
            assert names == ["accounts_auditevent_no_delete", "accounts_auditevent_no_update"]


@pytest.mark.django_db
def test_update_of_an_audit_row_is_refused():
    row = _row()
    _refused(lambda: AuditEvent.objects.filter(pk=row.pk).update(action="tampered"))
    row.action = "tampered"
    _refused(lambda: row.save())
    assert AuditEvent.objects.get(pk=row.pk).action == "test.row"


@pytest.mark.django_db
def test_delete_of_an_audit_row_is_refused():
    row = _row()
    _refused(lambda: AuditEvent.objects.filter(pk=row.pk).delete())
    _refused(lambda: AuditEvent.objects.get(pk=row.pk).delete())
    assert AuditEvent.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_raw_sql_delete_or_truncate_is_refused():
    _row()

    def raw():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("TRUNCATE accounts_auditevent")
            else:
                cursor.execute("DELETE FROM accounts_auditevent")

    _refused(raw)
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_update_is_refused_even_inside_the_purge():
    row = _row()
    with pytest.raises(DatabaseError, match="append-only"):
        with audit_purge_permitted():
            AuditEvent.objects.filter(pk=row.pk).update(action="tampered")
    assert AuditEvent.objects.get(pk=row.pk).action == "test.row"


@pytest.mark.django_db
def test_the_permit_ends_with_the_purge_block():
    first, second = _row(), _row()
    with transaction.atomic():
        with audit_purge_permitted():
            AuditEvent.objects.filter(pk=first.pk).delete()
        # same transaction, after the block: refused again
        _refused(lambda: AuditEvent.objects.filter(pk=second.pk).delete())
    assert not AuditEvent.objects.filter(pk=first.pk).exists()
    assert AuditEvent.objects.filter(pk=second.pk).exists()


@pytest.mark.django_db
def test_audit_purge_deletes_only_rows_older_than_the_cutoff_and_logs_a_count():
    with time_machine.travel("2020-01-01 00:00Z", tick=False):
        old = [_row(), _row(), _row()]
    with time_machine.travel("2026-01-01 00:00Z", tick=False):
        recent = audit_write(actor=None, action="test.recent", object_id="2")
        deleted = audit_purge(before=timezone.now() - timedelta(days=365))
    assert deleted == 3
    assert not AuditEvent.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    erase = AuditEvent.objects.get(kind=AuditKind.ERASE, action="audit.purge")
    assert erase.changes["count"] == 3
    # only the count and the cutoff: nothing of what was erased
    assert set(erase.changes) == {"count", "before"}


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_still_flush_the_audit_table(officer):
    # A committed audit row: this test's teardown (flush) would fail without the test-only permit.
    _row()
    assert AuditEvent.objects.count() >= 1
