"""Make accounts_auditevent append-only in the database itself.

PostgreSQL: a trigger refuses UPDATE always, and DELETE / TRUNCATE unless the transaction has set
``residency.audit_purge = 'on'`` (SET LOCAL, see accounts.audit_lock.audit_purge_permitted,
used only by the retention purge).
SQLite: triggers refuse UPDATE always, and DELETE unless the permit table
accounts_audit_purge_permit holds a row (inserted and removed inside the purge's transaction;
SQLite triggers cannot read session variables). SQLite has no TRUNCATE.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND coalesce(current_setting('residency.audit_purge', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'accounts_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER accounts_auditevent_append_only_row
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();
CREATE TRIGGER accounts_auditevent_append_only_truncate
    BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_auditevent_append_only();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only_truncate ON accounts_auditevent;
DROP TRIGGER IF EXISTS accounts_auditevent_append_only_row ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_append_only();
"""

SQLITE_FORWARD = [
    "CREATE TABLE accounts_audit_purge_permit (id integer NOT NULL PRIMARY KEY)",
    """CREATE TRIGGER accounts_auditevent_no_update BEFORE UPDATE ON accounts_auditevent
       BEGIN SELECT RAISE(ABORT, 'accounts_auditevent is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER accounts_auditevent_no_delete BEFORE DELETE ON accounts_auditevent
       WHEN NOT EXISTS (SELECT 1 FROM accounts_audit_purge_permit)
       BEGIN SELECT RAISE(ABORT, 'accounts_auditevent is append-only: DELETE refused'); END""",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_update",
    "DROP TABLE IF EXISTS accounts_audit_purge_permit",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        statements = statements_by_vendor.get(connection.vendor)
        if statements is None:
            raise RuntimeError(f"No append-only audit trigger for database vendor {connection.vendor!r}")
        for statement in statements:
            schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [PG_FORWARD], "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": [PG_BACKWARD], "sqlite": SQLITE_BACKWARD}),
        ),
    ]
