"""Schools from the register: import_gias and its rules."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hubs.models import School, SchoolDomain
from hubs.onboarding.files import ImportFileError, open_csv_text
from hubs.onboarding.gias import REQUIRED, gias_import
from tests.factories import HubFactory, SchoolFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent.parent / "data" / "gias_sample.csv"


def gias_csv(*rows, header=REQUIRED, encoding="utf-8") -> io.BytesIO:
    lines = [",".join(header)] + [",".join(f'"{c}"' for c in row) for row in rows]
    return io.BytesIO("\r\n".join(lines).encode(encoding))


def row(urn="123456", name="Ashgrove Primary School", status="Open", pupils="210", fsm="22.1"):
    return [urn, name, "Community school", "Primary", "Hillingdon", "UB3 1AA", pupils, fsm, status]


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_gias", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_sample_extract_imports_in_windows_1252_and_skips_the_closed_school():
    hub = HubFactory(slug="west")
    assert "19 new school(s) were added" in run(str(SAMPLE), "--hub", "west")
    assert School.objects.count() == 19
    assert not School.objects.filter(urn=101942).exists()  # closed
    st_marys = School.objects.get(urn=102400)
    assert st_marys.name == "St Mary's C of E Primary School"
    assert st_marys.hub == hub
    assert st_marys.pupil_count == 420
    assert str(st_marys.fsm_percent) == "14.3"
    assert st_marys.establishment_type == School.EstablishmentType.VOLUNTARY_AIDED
    assert School.objects.get(urn=138201).name == "Ruislip Gardens \u2013 Academy"
    assert School.objects.get(urn=101936).name == "Zoë Adebayo Primary"
    assert School.objects.get(urn=101932).fsm_percent is None  # "SUPP": suppressed in the register


def test_a_dry_run_writes_nothing():
    assert "Dry run: 19 new school(s) would be added" in run(str(SAMPLE), "--dry-run")
    assert not School.objects.exists()


def test_a_refresh_updates_name_size_and_fsm_matching_on_urn_and_keeps_the_hub():
    hub = HubFactory()
    school = SchoolFactory(urn=123456, name="Old Name", pupil_count=100, fsm_percent=5, hub=hub)
    result = gias_import(raw=gias_csv(row(name="New Name", pupils="250", fsm="30")), dry_run=False)
    assert (result.new, result.updated) == (0, 1)
    school.refresh_from_db()
    assert (school.name, school.pupil_count, str(school.fsm_percent)) == ("New Name", 250, "30.0")
    assert school.hub == hub
    again = gias_import(raw=gias_csv(row(name="New Name", pupils="250", fsm="30")), dry_run=False)
    assert again.unchanged == 1


def test_utf8_with_a_byte_order_mark_is_read_too():
    raw = gias_csv(row(name="Zoë's School"), encoding="utf-8-sig")
    gias_import(raw=raw, dry_run=False)
    assert School.objects.get().name == "Zoë's School"


def test_a_missing_column_is_named_and_nothing_written():
    header = [h for h in REQUIRED if h != "PercentageFSM"]
    with pytest.raises(ImportFileError, match="“PercentageFSM”"):
        gias_import(raw=gias_csv(row()[:7] + row()[8:], header=header), dry_run=False)
    assert not School.objects.exists()


def test_one_bad_row_imports_nothing_and_says_which_line():
    raw = gias_csv(row(), row(urn="12AB", name="Bad"), row(urn="654321", fsm="140"))
    result = gias_import(raw=raw, dry_run=False)
    assert not result.ok
    assert any("Line 3" in e and "six-digit" in e for e in result.errors)
    assert any("Line 4" in e for e in result.errors)
    assert not School.objects.exists()


def test_a_urn_twice_in_the_file_is_an_error():
    result = gias_import(raw=gias_csv(row(), row()), dry_run=False)
    assert result.errors == ["Line 3: URN 123456 is in the file twice."]
    assert not School.objects.exists()


def test_blank_lines_are_ignored():
    raw = io.BytesIO(b",".join(f'"{h}"'.encode() for h in REQUIRED) + b"\r\n" + b"\r\n" * 100_000)
    raw.seek(0, io.SEEK_END)
    raw.write(",".join(row()).encode() + b"\r\n" + b",,,,,,,,\r\n" * 1000)
    result = gias_import(raw=raw, dry_run=False)
    assert result.new == 1


def test_a_file_over_the_size_limit_is_refused_with_a_message():
    with pytest.raises(ImportFileError, match="the limit is"):
        open_csv_text(gias_csv(row()), max_bytes=10)


def test_a_spreadsheet_or_empty_file_is_refused_clearly():
    with pytest.raises(ImportFileError, match="Excel workbook"):
        gias_import(raw=io.BytesIO(b"PK\x03\x04rest"), dry_run=False)
    with pytest.raises(ImportFileError, match="empty"):
        gias_import(raw=io.BytesIO(b""), dry_run=False)


def test_a_formula_in_a_name_is_kept_as_text_not_run():
    gias_import(raw=gias_csv(row(name="=HYPERLINK(x)")), dry_run=False)
    assert School.objects.get().name == "=HYPERLINK(x)"


def test_email_domains_come_from_an_optional_column():
    raw = gias_csv([*row(), "Ashgrove.Hillingdon.sch.uk"], header=[*REQUIRED, "EmailDomain"])
    gias_import(raw=raw, dry_run=False)
    assert SchoolDomain.objects.get().domain == "ashgrove.hillingdon.sch.uk"


def test_an_unknown_hub_or_unreadable_path_is_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="There is no hub “nowhere”"):
        run(str(SAMPLE), "--hub", "nowhere")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.csv"))


def test_a_bad_email_domain_is_an_error_and_nothing_is_written():
    raw = gias_csv([*row(), "not a domain"], header=[*REQUIRED, "EmailDomain"])
    result = gias_import(raw=raw, dry_run=False)
    assert "Enter a domain such as" in result.errors[0]
    assert not School.objects.exists()
