"""Two supervisors decide the same flag at the same moment: exactly one wins.

Each thread has its own database connection and decides with the version both saw. On
PostgreSQL the row lock (select_for_update) makes the second wait and then see the new version;
SQLite serialises the writers; the assertion is the same on both."""

import threading

import pytest
from django.db import OperationalError, connection

from accounts.models import Role
from inspections import services
from inspections.models import Decision, DecisionOutcome, Flag, FlagStatus
from tests.accounts.factories import user_with_role
from tests.inspections.dashboard_helpers import flag_for

pytestmark = pytest.mark.django_db(transaction=True)


def _decide_at_once(deciders, flag, version):
    barrier = threading.Barrier(len(deciders))
    outcomes = [None] * len(deciders)

    def run(index, actor, outcome, reason):
        try:
            barrier.wait(timeout=10)
            for _attempt in range(50):
                try:
                    services.flag_decide(actor=actor, flag=flag, outcome=outcome, reason=reason,
                                         expected_version=version)
                    outcomes[index] = "won"
                    break
                except OperationalError as exc:
                    # SQLite's shared in-memory test database reports the other writer's lock at
                    # once instead of waiting: try again, as a busy timeout would.
                    if "locked" not in str(exc):
                        raise
                    threading.Event().wait(0.02)
        except services.FlagConflict as conflict:
            outcomes[index] = conflict
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *decider)) for i, decider in enumerate(deciders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_simultaneous_decisions_have_exactly_one_winner(station):
    first = user_with_role(Role.SUPERVISOR, station, username="sup-one")
    second = user_with_role(Role.SUPERVISOR, station, username="sup-two")
    flag = flag_for()
    outcomes = _decide_at_once(
        [(first, DecisionOutcome.CONFIRM, ""), (second, DecisionOutcome.DISMISS, "entry record found")],
        flag, flag.version,
    )
    assert sorted(type(o).__name__ if not isinstance(o, str) else o for o in outcomes) == ["FlagConflict", "won"], \
        outcomes
    assert Decision.objects.filter(flag=flag).count() == 1
    decision = Decision.objects.get(flag=flag)
    flag = Flag.objects.get(pk=flag.pk)
    assert flag.version == 1
    assert flag.status == decision.status_after
    assert flag.status in (FlagStatus.CONFIRMED, FlagStatus.DISMISSED)
    loser = next(o for o in outcomes if isinstance(o, services.FlagConflict))
    assert "Another supervisor decided this flag first" in loser.messages[0]
