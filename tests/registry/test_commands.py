"""The import_* commands: a summary, or every bad row and a non-zero exit with nothing written."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from registry.models import EntryRecord, GuestRegistration, Premises, StayExtension, WorkPermit
from tests.registry.importfiles import ENTRY_HEADER, csv_bytes, entry_row, xlsx_file

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def test_the_documented_examples_import_in_order(capsys):
    call_command("import_premises", str(EXAMPLES / "premises.csv"))
    call_command("import_entries", str(EXAMPLES / "entry_records.csv"))
    call_command("import_stay_extensions", str(EXAMPLES / "stay_extensions.csv"))
    call_command("import_work_permits", str(EXAMPLES / "work_permits.csv"))
    call_command("import_guest_registrations", str(EXAMPLES / "guest_registrations.csv"))
    out = capsys.readouterr().out
    assert "Imported 3 premises: 3 created, 0 updated." in out
    assert "Imported 4 entry records: 4 created, 0 updated." in out
    assert (Premises.objects.count(), EntryRecord.objects.count(), StayExtension.objects.count(),
            WorkPermit.objects.count(), GuestRegistration.objects.count()) == (3, 4, 2, 2, 2)
    call_command("import_entries", str(EXAMPLES / "entry_records.csv"))
    assert "Imported 4 entry records: 0 created, 4 updated." in capsys.readouterr().out


def test_a_bad_file_prints_every_bad_row_and_raises(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([entry_row(), entry_row(source_id="BX-2", sex="Q"),
                                entry_row(source_id="BX-3", entry_date="yesterday")]))
    with pytest.raises(CommandError, match="2 errors in 3 rows; nothing was imported"):
        call_command("import_entries", str(path))
    err = capsys.readouterr().err
    assert "line 3, column sex: unknown sex 'Q' (expected M/F/X)" in err
    assert "line 4, column entry_date: not a date (YYYY-MM-DD)" in err
    assert not EntryRecord.objects.exists()


def test_xlsx_file(tmp_path, capsys):
    path = tmp_path / "entries.xlsx"
    path.write_bytes(xlsx_file([ENTRY_HEADER, [entry_row()[c] for c in ENTRY_HEADER]]).getvalue())
    call_command("import_entries", str(path))
    assert "1 created" in capsys.readouterr().out


def test_missing_file_and_unknown_user_are_errors(tmp_path):
    with pytest.raises(CommandError, match="cannot open"):
        call_command("import_entries", str(tmp_path / "nope.csv"))
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes([entry_row()]))
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("import_entries", str(path), user="ghost")


@pytest.mark.parametrize("command", ["import_entries", "import_stay_extensions", "import_work_permits",
                                     "import_guest_registrations", "import_premises"])
def test_commands_exit_non_zero_on_a_bad_file(command, tmp_path):
    """As a shell sees it: a separate process, a file with a bad header, exit status 1."""
    path = tmp_path / "bad.csv"
    path.write_text("no_such_column\nvalue\n")
    db = tmp_path / "db.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin"}
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    done = subprocess.run([sys.executable, "manage.py", command, str(path)], cwd=root, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "line 1, column no_such_column: unknown header column 'no_such_column'" in done.stderr
    assert "nothing was imported" in done.stderr
