"""The vectorised workbook writer, read back by two independent readers (openpyxl and calamine)."""

import math
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from toolkit import xlsx
from toolkit.xlsx import Sheet, column_letter, write_workbook


def calamine_rows(path, index=0):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(index).to_python()


def fixture_frame():
    return pd.DataFrame({
        "klant": ["0012", "a&b<c>\"d'", " spaties ", "x\x01y", "_x0041_", None, "1 – hoog"],
        "omzet": [1.5, np.nan, np.inf, -0.0, 1e20, 2.0**53, 0.1 + 0.2],
        "aantal": pd.array([1, None, 3, 4, 5, -6, 7], dtype="Int64"),
        "vlag": pd.array([True, False, None, True, False, True, False], dtype="boolean"),
        "leeg": pd.array([None] * 7, dtype="string"),
    })


def test_values_styles_and_layout_read_back(tmp_path):
    path = write_workbook(tmp_path / "x.xlsx", [Sheet("Klanten", fixture_frame(), {"omzet": "#,##0.00",
                                                                                    "aantal": "0.0"})])
    rows = calamine_rows(path)
    assert rows[0] == ["klant", "omzet", "aantal", "vlag", "leeg"]
    # calamine decodes Excel's _xHHHH_ escapes, so both the control character and a literal
    # "_x0041_" come back as written; missing and non-finite values are empty cells
    assert [r[0] for r in rows[1:]] == ["0012", "a&b<c>\"d'", " spaties ", "x\x01y", "_x0041_", "", "1 – hoog"]
    assert [r[1] for r in rows[1:]] == [1.5, "", "", 0.0, 1e20, 2.0**53, 0.1 + 0.2]
    assert [r[2] for r in rows[1:]] == [1, "", 3, 4, 5, -6, 7]
    assert [r[3] for r in rows[1:]] == [True, False, "", True, False, True, False]
    assert all(r[4] == "" for r in rows[1:])
    ws = openpyxl.load_workbook(path)["Klanten"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:E8"
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("0B4F8A")
    assert ws["A1"].font.color.rgb.endswith("FFFFFF")
    assert ws["B2"].number_format == "#,##0.00" and ws["C2"].number_format == "0.0"
    assert ws["A2"].number_format == "General"
    assert ws["A2"].data_type == "s" and ws["B2"].data_type == "n" and ws["D2"].data_type == "b"
    assert ws.column_dimensions["A"].width == len("a&b<c>\"d'") + 3
    assert ws.column_dimensions["B"].width == len(str(0.1 + 0.2)) + 3  # the longest value's text


def test_empty_cells_keep_their_columns(tmp_path):
    # cells carry no r="A1" reference, so an empty cell before a filled one must hold its place
    f = pd.DataFrame({
        "t": pd.array([None, "a", "b", None, None, "f", None], dtype="str"),
        "x": [np.nan, np.nan, 2.5, 3.0, np.nan, np.inf, np.nan],
        "b": pd.array([True, None, None, False, None, None, None], dtype="boolean"),
        "o": pd.array([None, "o&<1>", None, None, None, None, None], dtype="object"),
        "n": pd.array([5, 6, None, None, None, None, None], dtype="Int64"),
    })
    expected = [["t", "x", "b", "o", "n"],
                [None, None, True, None, 5],  # empty first cells
                ["a", None, None, "o&<1>", 6],  # empty cells in the middle
                ["b", 2.5, None, None, None],  # empty cells at the end
                [None, 3.0, False, None, None],
                [None, None, None, None, None],  # an empty row
                ["f", None, None, None, None],  # only the first cell
                [None, None, None, None, None]]
    path = write_workbook(tmp_path / "e.xlsx", [Sheet("E", f, {"x": "0.00"})])
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert " r=" not in xml.replace('<row r="', "") and xml.count("<row ") == 8
    for read_only in (False, True):
        ws = openpyxl.load_workbook(path, read_only=read_only)["E"]
        rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=8, max_col=5, values_only=True)]
        assert rows == expected
    full = openpyxl.load_workbook(path)["E"]
    assert full["B4"].number_format == "0.00" and full["C5"].data_type == "b" and full["D3"].data_type == "s"
    assert [[c if c != "" else None for c in r] for r in calamine_rows(path)] == expected[:7]


def test_sheet_titles_are_made_valid_and_distinct(tmp_path):
    f = pd.DataFrame({"a": [1]})
    titles = ["Omzet/klant [2025]", "x" * 40, "x" * 40, "TOP", "top", "'quoted'"]
    path = write_workbook(tmp_path / "t.xlsx", [Sheet(t, f) for t in titles])
    names = openpyxl.load_workbook(path).sheetnames
    assert names[0] == "Omzet_klant _2025_" and names[3] == "TOP" and names[5] == "quoted"
    assert all(len(n) <= 31 for n in names) and len({n.casefold() for n in names}) == len(names)
    assert names[1] == "x" * 31 and names[2] == "x" * 27 + " (2)" and names[4] == "top (2)"


def test_same_frames_same_bytes_and_fixed_time_stamps(tmp_path):
    a = write_workbook(tmp_path / "a.xlsx", [Sheet("S", fixture_frame())])
    b = write_workbook(tmp_path / "b.xlsx", [Sheet("S", fixture_frame())])
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert z.testzip() is None


def test_empty_sheet_and_many_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "_BATCH", 7)  # several batches per sheet and per string table
    big = pd.DataFrame({"id": [f"k{i}" for i in range(50)], "v": np.arange(50) / 4})
    path = write_workbook(tmp_path / "b.xlsx", [Sheet("Leeg", big.iloc[:0]), Sheet("Vol", big)])
    assert calamine_rows(path, 0) == [["id", "v"]]
    rows = calamine_rows(path, 1)
    assert [r[0] for r in rows[1:]] == big["id"].tolist() and [r[1] for r in rows[1:]] == big["v"].tolist()
    assert openpyxl.load_workbook(path)["Vol"].max_row == 51


def test_too_many_rows_and_no_sheets_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    with pytest.raises(ValueError, match="'Top' has 3 rows; a sheet holds 2"):
        write_workbook(tmp_path / "x.xlsx", [Sheet("Top", pd.DataFrame({"a": [1, 2, 3]}))])
    with pytest.raises(ValueError, match="at least one sheet"):
        write_workbook(tmp_path / "x.xlsx", [])


def test_column_letters_round_trip():
    from openpyxl.utils import column_index_from_string

    assert all(column_index_from_string(column_letter(i)) == i for i in range(1, 16385))


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
floats = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), texts), floats, st.one_of(st.none(), st.integers(-2**53, 2**53))),
                max_size=30))
def test_any_table_reads_back_the_same(tmp_path_factory, rows):
    f = pd.DataFrame({"t": pd.array([r[0] for r in rows], dtype="object"),
                      "f": pd.array([r[1] for r in rows], dtype="float64"),
                      "i": pd.array([r[2] for r in rows], dtype="Int64")})
    path = write_workbook(tmp_path_factory.mktemp("h") / "h.xlsx", [Sheet("H", f, {"f": "0.00"})])
    # openpyxl places a cell by its position in the row: empty cells must hold their place
    # (it leaves Excel's _xHHHH_ escapes in the text, so only whether there is a text is compared)
    ws = openpyxl.load_workbook(path, read_only=True)["H"]
    assert [[t is None, x, i] for t, x, i in ws.iter_rows(min_row=2, max_row=len(f) + 1, max_col=3,
                                                           values_only=True)] == [
        [t is None, x if math.isfinite(x) else None, i] for t, x, i in rows]
    back = calamine_rows(path)[1:]
    # a reader does not report empty rows at the end of a sheet (Excel shows nothing there either)
    assert len(back) <= len(f)
    back += [["", "", ""]] * (len(f) - len(back))
    for (t, x, i), got in zip(rows, back, strict=True):
        # calamine reads an empty cell as ""; the writer leaves missing and non-finite values empty
        assert got[0] == ("" if t is None else t)
        assert got[1] == ("" if not math.isfinite(x) else x)
        assert got[2] == ("" if i is None else i)
