"""The one way past the append-only audit trigger (migration accounts.0002): the retention purge.

Inside ``audit_purge_permitted()`` the current transaction may DELETE (and on PostgreSQL TRUNCATE)
audit rows; outside it the database refuses. UPDATE is refused always.
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

PURGE_SETTING = "residency.audit_purge"
SQLITE_PERMIT_TABLE = "accounts_audit_purge_permit"


@contextmanager
def audit_purge_permitted(*, using: str = DEFAULT_DB_ALIAS):
    """Allow deleting audit rows for the duration of the block, in one transaction."""
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
            else:
                cursor.execute(f"INSERT INTO {SQLITE_PERMIT_TABLE} (id) VALUES (1)")
        # On an exception the transaction rolls back, and the permit with it.
        yield
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_SETTING])
            else:
                cursor.execute(f"DELETE FROM {SQLITE_PERMIT_TABLE}")
