"""The one CSV writer every download uses."""

import csv
import io
from decimal import Decimal

import pytest

from cpdhub.csvsafe import safe_cell, writer


@pytest.mark.parametrize(
    "value",
    ["=1+1", '=HYPERLINK("http://x","y")', "+44 20", "-12.50", "@SUM(A1)", "\tx", "\rx"],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Sam Whitfield", "", "1+1", "a=b", "12.50", " =1"])
def test_ordinary_cells_are_left_alone(value):
    assert safe_cell(value) == value


def test_numbers_and_none_are_written_as_text_by_the_same_rule():
    assert safe_cell(None) == ""
    assert safe_cell(3) == "3"
    assert safe_cell(Decimal("-12.50")) == "'-12.50"


def test_the_writer_neutralises_every_cell():
    out = io.StringIO()
    writer(out).writerows([["Name", "=cmd|' /C calc'!A0"], ["@x", "ok"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["Name", "'=cmd|' /C calc'!A0"],
        ["'@x", "ok"],
    ]
