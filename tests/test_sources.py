"""Reading exports: sniffing, typing, exclusions with reasons, reconciliation to the cent."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TX_HEADER, params_dict, write
from toolkit.errors import DataError
from toolkit.params import CustomersSource, TransactionsSource, parse_params
from toolkit.pipeline import usable_lines
from toolkit.sources import (
    NUMBERED_LINES,
    detect_date_formats,
    detect_decimal,
    detect_delimiter,
    detect_encoding,
    load_customers,
    load_transactions,
    read_transactions_frame,
    text_expr,
    trimmed_expr,
)

TODAY = dt.date(2026, 6, 1)


def load(path: Path, src: TransactionsSource | None = None, reference_date=dt.date(2025, 12, 31)):
    src = src or parse_params(params_dict(tx=str(path))).transactions
    con = duckdb.connect()
    report, ref = load_transactions(con, src, path, reference_date=reference_date, work_dir=path.parent,
                                    today=TODAY)
    lines = con.execute(f"SELECT * FROM {NUMBERED_LINES} ORDER BY _row").df()
    lines["date"] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in lines["date"]]
    con.close()
    return report, ref, lines


def reasons(report) -> dict[str, tuple[int, str | None]]:
    return {e["reason"]: (e["rows"], e["amount"]) for e in report.exclusions}


def assert_reconciles(report):
    excluded = sum(Decimal(e["amount"] or 0) for e in report.exclusions)
    assert Decimal(report.amount_read) == Decimal(report.amount_usable) + excluded


# --- sniffing -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("a;b;c\n1;2,5;3\n", ";"),
    ("a,b,c\n1,\"2,5\",3\n", ","),
    ("a\tb\n1\t2\n", "\t"),
    ("a|b\n1|2\n", "|"),
    ("just one column\n1\n", None),
])
def test_detect_delimiter(text, expected):
    assert detect_delimiter(text) == expected


@pytest.mark.parametrize(("values", "delimiter", "expected"), [
    (["12,50", "1.234,00", "7"], ";", ","),
    (["12.50", "1,234.00", "7"], ",", "."),
    (["1.234", "2.345"], ";", ","),   # ambiguous: thousands or decimals; ';' files are European
    (["1,234", "2,345"], ",", "."),
    (["7", "12"], ";", ","),
    (["€ 1.234,56", "-3,10"], ",", ","),  # votes beat the delimiter default
])
def test_detect_decimal(values, delimiter, expected):
    assert detect_decimal(values, delimiter=delimiter)[0] == expected


def test_detect_encoding(tmp_path):
    assert detect_encoding(write(tmp_path / "u.csv", "naam\nJosé €\n")) == "utf-8"
    assert detect_encoding(write(tmp_path / "w.csv", "naam\nJosé €\n".encode("cp1252"))) == "cp1252"
    assert detect_encoding(write(tmp_path / "l.csv", b"naam\nJos\xe9 \x81\n")) == "latin-1"


def test_detect_encoding_across_chunks(tmp_path):
    # The file is read in chunks of 16 MiB and pure-ASCII chunks are not decoded: a character cut at a
    # chunk's end must still be checked against the next chunk, even when that one is all ASCII.
    chunk = 1 << 24
    cut = b"naam\n" + b"x" * (chunk - 6) + "é".encode() + b"\n"  # 'é' is split over the first two chunks
    assert detect_encoding(write(tmp_path / "cut.csv", cut)) == "utf-8"
    lone = b"naam\n" + b"x" * (chunk - 6) + b"\xc3" + b"y" * chunk + b"\xa9\n"  # lead byte, ASCII, continuation
    assert detect_encoding(write(tmp_path / "lone.csv", lone)) == "cp1252"
    late = b"naam\n" + b"x" * (2 * chunk) + "José".encode("cp1252") + b"\n"  # non-ASCII only in the last chunk
    assert detect_encoding(write(tmp_path / "late.csv", late)) == "cp1252"


# --- a clean file -------------------------------------------------------------------------------

def test_clean_semicolon_decimal_comma_bom(tmp_path):
    path = write(tmp_path / "tx.csv", "\ufeff" + TX_HEADER + "F1;1;01-02-2025;12,50;3,00\nF2;2;3-2-2025;1.234,56;100\n")
    report, _ref, lines = load(path)
    assert report.file_format["delimiter"] == ";"
    assert report.file_format["decimal"] == ","
    assert report.file_format["encoding"] == "utf-8 (BOM)"
    assert report.rows_read == 2 and report.rows_usable == 2 and not report.exclusions
    assert report.amount_read == report.amount_usable == "1247.06"
    assert lines["amount"].tolist() == [12.5, 1234.56]
    assert lines["date"].tolist() == [dt.date(2025, 2, 1), dt.date(2025, 2, 3)]
    assert lines["customer_id"].tolist() == ["1", "2"]


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_only_the_typed_lines_stay_in_duckdb(tmp_path, kind):
    # The raw copy (a CSV's text table) would otherwise hold memory for the whole run.
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01-02-2025;12,50;3,00\nF1;1;01-02-2025;12,50;3,00\n")
    if kind == "parquet":
        path = tmp_path / "tx.parquet"
        duckdb.sql("SELECT 'F1' AS factuur, '1' AS klant, DATE '2025-02-01' AS datum, 12.5 AS omzet, 3.0 AS marge "
                   "FROM range(2)").write_parquet(str(path))
    src = parse_params(params_dict(tx=str(path))).transactions
    con = duckdb.connect()
    report, _ref = load_transactions(con, src, path, reference_date=dt.date(2025, 12, 31), work_dir=tmp_path,
                                     today=TODAY)
    assert report.exclusions[0]["reason"] == "duplicate_line"  # the duplicate check still read the raw lines
    assert con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT internal").fetchall() == [("lines",)]
    assert con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall() == []


@pytest.mark.parametrize("per_pass", [2, 1_000])
def test_duplicate_lines_found_in_one_or_several_passes(tmp_path, monkeypatch, per_pass):
    # With 2 hashes per pass the 7 lines' hashes are sorted in 7 parts (split by remainder), two at a time.
    import toolkit.sources as sources

    monkeypatch.setattr(sources, "_HASHES_PER_PASS", per_pass)
    rows = [
        "F1;1;01-02-2025;10,00;1",   # line 2: first of three
        "F2;2;01-02-2025;20,00;1",   # line 3
        "F1;1;01-02-2025;10,00;1",   # line 4: duplicate of line 2
        "F1;1;01-02-2025;10,00;2",   # line 5: other margin, kept
        "F2;2;01-02-2025;20,00;1",   # line 6: duplicate of line 3
        "F1;1;01-02-2025;10,00;1",   # line 7: duplicate of line 2
        "F3;3;01-02-2025;30,00;1",   # line 8
    ]
    report, _, lines = load(write(tmp_path / "tx.csv", TX_HEADER + "\n".join(rows) + "\n"))
    assert reasons(report) == {"duplicate_line": (3, "40.00")}
    assert lines.loc[lines["reason"] == "duplicate_line", "_row"].tolist() == [3, 5, 6]  # data rows
    assert report.amount_usable == "70.00"


def test_only_the_roles_asked_for_are_typed(tmp_path):
    # The customers fast path types no product groups and takes no checksum; the mapping is still
    # checked and duplicates are still judged on every file column (lines 2 and 3 differ only in
    # their product group).
    header = "factuur;klant;datum;omzet;marge;groep\n"
    path = write(tmp_path / "tx.csv", header + "F1;1;15-02-2025;10,00;1;koffie\nF1;1;15-02-2025;10,00;1;thee\n"
                 "F1;1;15-02-2025;10,00;1;thee\nF2;2;20-03-2025;5,00;1;thee\n")
    params = params_dict(tx=str(path))
    params["transactions"]["columns"] |= {"product_group": "groep", "order_id": None}
    src = parse_params(params).transactions
    con = duckdb.connect()
    report, _ = load_transactions(con, src, path, reference_date=dt.date(2025, 12, 31), work_dir=tmp_path,
                                  today=TODAY, roles=("customer_id", "date", "amount"), checksum=False)
    assert reasons(report) == {"duplicate_line": (1, "10.00")}
    assert report.sha256 == "" and report.size_bytes == path.stat().st_size
    assert con.execute("SELECT count(product_group), count(margin), count(order_id) FROM lines"
                       ).fetchall() == [(0, 0, 0)]
    # Without order ids the day is the order (the duplicate line is not usable).
    assert sorted(usable_lines(con).order_key.to_pandas()) == ["2025-02-15", "2025-02-15", "2025-03-20"]
    assert not report.warnings  # no "margin missing" for a margin column that was not typed
    params["transactions"]["columns"]["product_group"] = "productgroep"
    with pytest.raises(DataError, match="productgroep"):
        load_transactions(duckdb.connect(), parse_params(params).transactions, path,
                          reference_date=dt.date(2025, 12, 31), work_dir=tmp_path, today=TODAY, roles=("amount",))


def test_cp1252_file_is_transcoded(tmp_path):
    path = write(tmp_path / "tx.csv", (TX_HEADER + "F1;Café;01-02-2025;€ 12,50;3\n").encode("cp1252"))
    report, _, lines = load(path)
    assert report.file_format["encoding"] == "cp1252"
    assert lines["customer_id"].tolist() == ["Café"]
    assert lines["amount"].tolist() == [Decimal("12.5")]


def _late_cp1252(tmp_path: Path, last: str) -> Path:
    """A cp1252 file whose first 64 KB are ASCII, with a column no role maps; ``last`` is its last line."""
    rows = "".join(f"F{i};{i % 97};01-02-2025;1,00;0,50;-\n" for i in range(4000))
    return write(tmp_path / "tx.csv", (TX_HEADER.strip() + ";notitie\n" + rows + last + "\n").encode("cp1252"))


@pytest.mark.parametrize("drop_duplicates, last, customer", [
    (True, "F9;Café;03-02-2025;12,50;3;-", "Café"),
    (False, "F9;9;03-02-2025;12,50;3;crème", "9"),  # the é only where the read does not look
], ids=["reads-every-column", "reads-mapped-columns"])
def test_cp1252_after_an_ascii_head_is_still_read_as_cp1252(tmp_path, monkeypatch, drop_duplicates, last, customer):
    # Where the one typed read reads every column, only the head's encoding is judged first: DuckDB's reader
    # refuses the line that is not UTF-8, and the file is read typed again, transcoded. Without the duplicate
    # hash the read leaves columns out (DuckDB checks none of those), so the whole file is judged first.
    import toolkit.sources as sources

    path = _late_cp1252(tmp_path, last)
    assert path.stat().st_size > 1 << 16 and sources._head_is_utf8(path)
    src = parse_params(params_dict(tx=str(path))).transactions.model_copy(
        update={"date_format": "%d-%m-%Y", "drop_duplicate_lines": drop_duplicates})
    openings: list = []
    (report, _, lines), (t_report, _, t_lines), _ = _load_both(path, src, monkeypatch, openings)
    assert [o.scan_only for o in openings] == ([True, True] if drop_duplicates else [True])
    assert report.file_format["encoding"] == t_report.file_format["encoding"] == "cp1252"
    assert lines["customer_id"].tolist()[-1] == customer
    assert lines["amount"].sum() == Decimal("4012.50")
    assert report.to_dict() == t_report.to_dict()
    # Equal lines, apart from the hash of the file columns (typed values there, text here).
    pd.testing.assert_frame_equal(lines.drop(columns="_hash", errors="ignore"),
                                  t_lines.drop(columns="_hash", errors="ignore"))


def test_utf8_file_read_once_is_not_read_for_its_encoding_first(tmp_path, monkeypatch):
    # The whole-file pass of detect_encoding (0.13-0.45 s per 10M lines) is left to the typed read, which
    # checks every line; a file in another encoding would fail that read (previous test).
    import toolkit.sources as sources

    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;Zoë;01-02-2025;12,50;3\nF2;9;02-02-2025;1,00;0\n")
    src = parse_params(params_dict(tx=str(path))).transactions.model_copy(update={"date_format": "%d-%m-%Y"})

    def no_pass(_path):
        raise AssertionError("the whole file was read for its encoding")

    monkeypatch.setattr(sources, "detect_encoding", no_pass)
    report, _, lines = load(path, src)
    assert report.file_format["encoding"] == "utf-8"
    assert lines["customer_id"].tolist() == ["Zoë", "9"]


# --- every exclusion reason, reconciled -----------------------------------------------------------

def test_exclusion_reasons_and_reconciliation(tmp_path):
    rows = [
        "F1;1;01-02-2025;10,00;1",      # line 2: usable
        "F1;1;01-02-2025;10,00;1",      # line 3: duplicate of line 2
        "F2;;01-02-2025;20,00;1",       # line 4: missing customer id
        "F3;2;;30,00;1",                # line 5: missing date
        "F4;2;31-02-2025;40,00;1",      # line 6: invalid date (no 31 February)
        "F5;2;01-03-2025;;1",           # line 7: missing amount
        "F6;2;01-03-2025;abc;1",        # line 8: invalid amount
        "F7;2;01-03-2025;1234.50;1",    # line 9: point-decimal in a comma file: invalid, never 123450
        "F8;2;01-03-1850;50,00;1",      # line 10: before 1900
        "F9;2;01-03-2027;60,00;1",      # line 11: after today (2026-06-01)
        "F10;2;01-03-2026;70,00;1",     # line 12: after the reference date
        "F11;3;01-03-2025;80,00;1;x",   # line 13: malformed (too many columns)
        "F12;3;15-06-2025;-5,00;-1",    # line 14: usable return
    ]
    path = write(tmp_path / "tx.csv", TX_HEADER + "\n".join(rows) + "\n")
    report, _, _ = load(path)
    assert reasons(report) == {
        "malformed_line": (1, None),
        "duplicate_line": (1, "10.00"),
        "missing_customer_id": (1, "20.00"),
        "missing_date": (1, "30.00"),
        "invalid_date": (1, "40.00"),
        "missing_amount": (1, None),
        "invalid_amount": (2, None),
        "date_before_1900": (1, "50.00"),
        "date_in_future": (1, "60.00"),
        "after_reference_date": (1, "70.00"),
    }
    assert report.rows_read == 13 and report.rows_usable == 2
    # read = 10 + 10 + 20 + 30 + 40 + 50 + 60 + 70 - 5 = 285; usable = 10 - 5 = 5
    assert report.amount_read == "285.00" and report.amount_usable == "5.00"
    assert_reconciles(report)
    examples = {(e["reason"], e["row"]): e for e in report.examples}
    assert examples[("duplicate_line", 3)]["column"] == "klant"
    assert examples[("invalid_date", 6)]["value"] == "31-02-2025"
    assert examples[("invalid_amount", 8)]["value"] == "abc"
    assert examples[("invalid_amount", 9)]["value"] == "1234.50"
    assert examples[("malformed_line", 13)]["value"].startswith("F11;3")
    assert examples[("after_reference_date", 12)]["value"] == "2026-03-01"


def test_line_numbers_after_a_malformed_line(tmp_path):
    rows = "F1;1;01-02-2025;1;1;extra\nF2;;01-02-2025;2;1\nF3;1;01-02-2025;2;1\n"
    path = write(tmp_path / "tx.csv", TX_HEADER + rows)
    report, _, _ = load(path)
    missing = next(e for e in report.examples if e["reason"] == "missing_customer_id")
    assert missing["row"] == 3


@pytest.mark.parametrize(("raw", "expected"), [
    ("€ 1.234,50", "1234.50"), ("1.234,50-", "-1234.50"), ("(7,25)", "-7.25"), ("EUR 3,1", "3.10"),
    ("1 234,50", "1234.50"), ("+4", "4.00"), ("12,3456", "12.35"),
])
def test_amount_notations(tmp_path, raw, expected):
    path = write(tmp_path / "tx.csv", TX_HEADER + f"F1;1;01-02-2025;{raw};1\nF2;1;02-02-2025;1,50;1\n")
    report, _, lines = load(path)
    assert not report.exclusions
    assert f"{lines['amount'].iloc[0]:.2f}" == expected


def test_point_decimal_file_with_thousands_commas(tmp_path):
    header = "factuur,klant,datum,omzet,marge\n"
    path = write(tmp_path / "tx.csv", header + 'F1,1,2025-02-01,"1,234.50",1\nF2,2,2025-02-02,7.5,1\n')
    report, _, lines = load(path)
    assert report.file_format["decimal"] == "."
    assert report.file_format["date_formats"]["date"] == "%Y-%m-%d"
    assert lines["amount"].tolist() == [1234.5, 7.5]


def test_mixed_date_formats_are_read_with_one_day_month_order(tmp_path):
    src = parse_params(params_dict()).transactions.model_copy(update={"date_format": None})
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;13-02-2025;1;1\nF2;1;2025-02-14;1;1\nF3;1;14/02/2025;1;1\n"
                 "F4;1;15-02-2025;1;1\nF5;1;juni 2025;1;1\n")
    report, _, lines = load(path, src)
    assert report.file_format["date_formats"]["date"] == "%d-%m-%Y"
    assert lines["date"].tolist()[:4] == [dt.date(2025, 2, 13), dt.date(2025, 2, 14), dt.date(2025, 2, 14),
                                         dt.date(2025, 2, 15)]
    assert reasons(report) == {"invalid_date": (1, "1.00")}
    note = next(w for w in report.warnings if w["code"] == "several_date_formats")
    assert note["formats"] == ["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"]


def test_mixed_formats_never_mix_day_and_month_order(tmp_path):
    # 02/13/2025 only parses month-first; the main format is day-first, so it stays unreadable.
    src = parse_params(params_dict()).transactions.model_copy(update={"date_format": None})
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;13-02-2025;1;1\nF2;1;14-02-2025;1;1\nF3;1;02/13/2025;1;1\n")
    report, _, _ = load(path, src)
    assert reasons(report) == {"invalid_date": (1, "1.00")}


def test_ambiguous_dates_read_day_first_with_a_note(tmp_path):
    src = parse_params(params_dict()).transactions.model_copy(update={"date_format": None})
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01/02/2025;1;1\nF2;1;03/04/2025;1;1\n")
    report, _, lines = load(path, src)
    assert lines["date"].tolist() == [dt.date(2025, 2, 1), dt.date(2025, 4, 3)]
    assert {"code": "ambiguous_dates", "column": "datum", "format": "%d/%m/%Y"} in report.warnings


def test_month_first_only_when_day_first_cannot_parse(tmp_path):
    src = parse_params(params_dict()).transactions.model_copy(update={"date_format": None})
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01/13/2025;1;1\nF2;1;02/28/2025;1;1\n")
    _, _, lines = load(path, src)
    assert lines["date"].tolist() == [dt.date(2025, 1, 13), dt.date(2025, 2, 28)]


def test_default_reference_date_is_last_usable_date(tmp_path):
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01-02-2025;1;1\nF2;1;20-03-2025;1;1\nF3;1;01-01-2099;1;1\n")
    report, ref, _ = load(path, reference_date=None)
    assert ref == dt.date(2025, 3, 20)
    assert reasons(report) == {"date_in_future": (1, "1.00")}


def test_numbers_and_notes_for_margin_orders_and_returns(tmp_path):
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01-02-2025;10;x\n;1;02-02-2025;-4;-1\n")
    report, _, _ = load(path)
    codes = {w["code"]: w for w in report.warnings}
    assert codes["margin_missing"]["rows"] == 1 and codes["margin_missing"]["examples"] == ["x"]
    assert codes["negative_lines"] == {"code": "negative_lines", "rows": 1, "amount": "-4.00"}
    assert codes["order_id_missing"]["rows"] == 1


# --- files with nothing usable: clear errors naming file and column -------------------------------------

@pytest.mark.parametrize(("content", "message"), [
    ("", "the file is empty"),
    ("\n\n", "only blank lines"),
    (TX_HEADER, "has a header but no data rows"),
    (TX_HEADER + "F1;1;gisteren;1;1\nF2;1;morgen;1;1\n", "no parsable date in column 'datum'"),
    (TX_HEADER + "F1;1;;1;1\n", "column 'datum' (transactions.columns.date) is empty in every row"),
    ("only one column\nx\n", "cannot find the column delimiter"),
    ("factuur;klant;datum;omzet;omzet\nF1;1;01-02-2025;1;1\n", "has column 'omzet' twice (columns 4 and 5)"),
])
def test_unusable_files(tmp_path, content, message):
    src = parse_params(params_dict()).transactions.model_copy(update={"date_format": None})
    path = write(tmp_path / "tx.csv", content)
    with pytest.raises(DataError) as err:
        load(path, src)
    assert message in str(err.value)
    assert "tx.csv" in str(err.value)


@pytest.mark.parametrize(("content", "message"), [
    (TX_HEADER, "has a header but no data rows"),
    (TX_HEADER + "F1;1;gisteren;1;1\n", "date_format '%d-%m-%Y' matches none of the values in column 'datum'"),
    (TX_HEADER + "F1;1;;1;1\nF2;2;;5;1\n", "column 'datum' (transactions.columns.date) is empty in every row"),
])
def test_unusable_files_read_once_by_the_reader_get_the_text_reads_message(tmp_path, content, message):
    # With a date_format the typed read goes straight into table lines; what it cannot use, the text read names.
    src = parse_params(params_dict()).transactions.model_copy(update={"date_format": "%d-%m-%Y"})
    with pytest.raises(DataError, match=re.escape(message)):
        load(write(tmp_path / "tx.csv", content), src)


@pytest.mark.parametrize("error", [duckdb.InterruptException, duckdb.OutOfMemoryException])
def test_an_interrupted_typed_read_stops_instead_of_reading_the_file_again(tmp_path, monkeypatch, error):
    # Only what the reader raises for a bad value or line sends the file to the text read; a second read
    # after an interrupt or a full memory would take as long again and fail the same way.
    import toolkit.sources as sources

    calls, real = [], sources._create_lines

    def stopped(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error("stopped")
        return real(*args, **kwargs)

    monkeypatch.setattr(sources, "_create_lines", stopped)
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01-02-2025;10,00;1\n")
    src = parse_params(params_dict()).transactions.model_copy(update={"date_format": "%d-%m-%Y"})
    with pytest.raises(error, match="stopped"):
        load(path, src)
    assert calls == [1]


def test_a_connection_that_does_not_keep_insertion_order_is_refused(tmp_path):
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01-02-2025;10,00;1\n")
    con = duckdb.connect(config={"preserve_insertion_order": False})
    with pytest.raises(ValueError, match="preserve_insertion_order = false"):
        load_transactions(con, parse_params(params_dict()).transactions, path, reference_date=None, work_dir=tmp_path)


@pytest.mark.parametrize(("kind", "date_format"), [("csv", "%d-%m-%Y"), ("csv", None), ("parquet", None)])
def test_lines_keep_file_order_in_a_parallel_read(tmp_path, kind, date_format):
    # lines stores no row number: rowid + 1 is the data row, which needs the rows stored in file order
    # also when DuckDB reads the file in parallel (a 35 MB CSV read by 4 threads in 8 MB parts; a
    # Parquet file of 12 row groups).
    n = 1_200_000
    body = "".join(f"F{i};{i % 997};{1 + i % 28:02d}-0{1 + i % 9}-2025;{i % 500},{i % 100:02d};1\n"
                   for i in range(1, n + 1))
    path = write(tmp_path / "tx.csv", TX_HEADER + body)
    assert path.stat().st_size > 32 * 10**6
    if kind == "parquet":
        csv_path, path = path, tmp_path / "tx.parquet"
        duckdb.execute(f"COPY (SELECT * FROM read_csv('{csv_path}', delim=';', all_varchar=true)) TO '{path}' "
                       "(FORMAT parquet, ROW_GROUP_SIZE 100000)")
    src = parse_params(params_dict(tx=path.name)).transactions.model_copy(update={"date_format": date_format})
    con = duckdb.connect(config={"threads": 4})
    load_transactions(con, src, path, reference_date=dt.date(2025, 12, 31), work_dir=tmp_path, today=TODAY)
    assert con.execute(f"SELECT count(*), count(*) FILTER (WHERE order_id <> 'F' || _row) "
                       f"FROM {NUMBERED_LINES}").fetchall() == [(n, 0)]


def test_unmapped_column_suggests_the_right_one(tmp_path):
    path = write(tmp_path / "tx.csv", "factuur;Klant;datum;omzet;marge\nF1;1;01-02-2025;1;1\n")
    with pytest.raises(DataError) as err:
        load(path)
    msg = str(err.value)
    assert "column 'klant' (mapped as transactions.columns.customer_id) is not in the file" in msg
    assert "Did you mean 'Klant'?" in msg


def test_every_line_after_reference_date(tmp_path):
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01-02-2026;1;1\n")
    with pytest.raises(DataError, match="after the reference date 2025-12-31"):
        load(path)


def test_given_date_format_that_matches_nothing(tmp_path):
    src = parse_params(params_dict()).transactions.model_copy(update={"date_format": "%Y/%m/%d"})
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01-02-2025;1;1\n")
    with pytest.raises(DataError, match="date_format '%Y/%m/%d' matches none of the values"):
        load(path, src)


# --- Excel and Parquet ------------------------------------------------------------------------------

def _xlsx(path: Path, rows: list[list], title: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Verkoop"
    if title:
        ws.append([title])
        ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_excel_with_title_rows_typed_cells_and_serial_dates(tmp_path):
    path = _xlsx(tmp_path / "tx.xlsx", [
        ["factuur", "klant", "datum", "omzet", "marge"],
        ["F1", 104233, dt.datetime(2025, 2, 1), 12.5, 3],
        ["F2", 104234, dt.datetime(2025, 3, 1), -2.25, None],
    ], title="Export verkoop 2025")
    src = parse_params(params_dict(tx="tx.xlsx")).transactions.model_copy(update={"date_format": None})
    report, _, lines = load(path, src)
    assert report.file_format["header_row"] == 3 and report.file_format["sheet"] == "Verkoop"
    assert lines["customer_id"].tolist() == ["104233", "104234"]
    assert lines["date"].tolist() == [dt.date(2025, 2, 1), dt.date(2025, 3, 1)]
    assert report.amount_usable == "10.25"
    # line numbers refer to the sheet's rows
    assert {w["code"] for w in report.warnings} >= {"margin_missing"}


def test_excel_missing_sheet(tmp_path):
    path = _xlsx(tmp_path / "tx.xlsx", [["factuur", "klant", "datum", "omzet", "marge"]])
    src = parse_params(params_dict(tx="tx.xlsx")).transactions.model_copy(update={"sheet": "Blad9"})
    with pytest.raises(DataError, match="there is no sheet 'Blad9'; the sheets are: Verkoop"):
        load(path, src)


def test_parquet_typed_columns(tmp_path):
    frame = pd.DataFrame({"factuur": ["F1", "F2"], "klant": [7, 8], "datum": pd.to_datetime(["2025-02-01", None]),
                          "omzet": [1.25, 2.0], "marge": [0.5, 0.5]})
    path = tmp_path / "tx.parquet"
    frame.to_parquet(path)
    src = parse_params(params_dict(tx="tx.parquet")).transactions.model_copy(update={"date_format": None})
    report, _, lines = load(path, src)
    assert reasons(report) == {"missing_date": (1, "2.00")}
    assert lines.loc[lines["reason"].isna(), "customer_id"].tolist() == ["7"]
    assert report.file_format["rows_are"] == "data rows"


# --- customer master ---------------------------------------------------------------------------------

def test_customer_master_duplicates_and_missing_ids(tmp_path):
    path = write(tmp_path / "klanten.csv", "nr;aangemaakt;naam\n1;01-01-2020;A\n;02-01-2020;B\n1;03-01-2020;C\n"
                                          "2;x;D\n")
    src = CustomersSource(path="klanten.csv", columns={"customer_id": "nr", "created": "aangemaakt", "name": "naam"})
    con = duckdb.connect()
    report = load_customers(con, src, path, work_dir=tmp_path)
    master = con.execute("SELECT customer_id, created FROM master ORDER BY customer_id").fetchall()
    assert master == [("1", dt.date(2020, 1, 1)), ("2", None)]
    assert reasons(report) == {"missing_customer_id": (1, None), "duplicate_customer_id": (1, None)}
    assert {"code": "customer_date_invalid", "column": "aangemaakt", "rows": 1} in report.warnings
    dup = next(e for e in report.examples if e["reason"] == "duplicate_customer_id")
    assert dup["row"] == 4


def test_read_transactions_frame(tmp_path):
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01-02-2025;12,50;3\nF1;1;01-02-2025;12,50;3\n")
    src = parse_params(params_dict(tx=str(path))).transactions
    frame, report = read_transactions_frame(path, src, reference_date=dt.date(2025, 12, 31))
    assert frame["amount"].tolist() == [12.5]
    assert reasons(report) == {"duplicate_line": (1, "12.50")}


# --- extra input tables ---------------------------------------------------------------------------

def test_load_table_types_and_excludes_with_reasons(tmp_path):
    from toolkit.params import TableSource
    from toolkit.sources import load_table

    path = write(tmp_path / "contacten.csv", "klant;datum;soort;minuten\n1;01-02-2025;klacht;12,5\n;02-02-2025;"
                                             "mail;3\n2;x;mail;4\n3;03-02-2025;telefoon;\n")
    src = TableSource(path="contacten.csv", columns={"customer_id": "klant", "date": "datum", "type": "soort",
                                                     "minutes": "minuten"})
    con = duckdb.connect()
    report = load_table(con, src, path, name="contacts", key="cost_to_serve.contacts",
                        required=["customer_id", "date"], dates=["date"], numbers=["minutes"], work_dir=tmp_path)
    rows = con.execute("SELECT customer_id, date, type, minutes FROM contacts ORDER BY _row").fetchall()
    assert rows == [("1", dt.date(2025, 2, 1), "klacht", 12.5), ("3", dt.date(2025, 2, 3), "telefoon", None)]
    assert reasons(report) == {"missing_customer_id": (1, None), "missing_date": (1, None)}
    assert report.rows_read == 4 and report.rows_usable == 2


def test_load_table_requires_its_roles(tmp_path):
    from toolkit.params import TableSource
    from toolkit.sources import load_table

    path = write(tmp_path / "o.csv", "naam;pc\nA;3511\n")
    with pytest.raises(DataError, match=r"outlets.columns must map postcode"):
        load_table(duckdb.connect(), TableSource(path="o.csv", columns={"name": "naam"}), path, name="outlets",
                   key="outlets", required=["postcode"], work_dir=tmp_path)


# --- MS Access ------------------------------------------------------------------------------------

ACCESS = Path(__file__).parent / "data" / "access" / "merchant_taylors.mdb"


def test_customer_master_from_an_access_database(tmp_path):
    # 20 records: ids (Long Integer) 1-7, 19, 20, 22-31, 25491; 'Freedom' (DateTime) holds one date Access can
    # show (1911-11-07), 18 it cannot ('(Invalid Date)') and one empty.
    src = CustomersSource(path=str(ACCESS), table="merchant_taylors",
                          columns={"customer_id": "Id No", "name": "Surname", "created": "Freedom"})
    con = duckdb.connect()
    report = load_customers(con, src, ACCESS, work_dir=tmp_path)
    assert report.file_format["kind"] == "access" and report.file_format["table"] == "merchant_taylors"
    assert report.rows_read == report.rows_usable == 20 and not report.exclusions
    ids = sorted(int(r[0]) for r in con.execute("SELECT customer_id FROM master").fetchall())
    assert ids == [*range(1, 8), 19, 20, *range(22, 32), 25491]
    assert {"code": "customer_date_invalid", "column": "Freedom", "rows": 18} in report.warnings
    assert con.execute("SELECT created FROM master WHERE created IS NOT NULL").fetchall() == [(dt.date(1911, 11, 7),)]


def test_access_dates_access_cannot_show_are_an_error_naming_the_column(tmp_path):
    src = CustomersSource(path=str(ACCESS), columns={"customer_id": "Id No", "created": "Date of order of Court"})
    with pytest.raises(DataError, match=r"merchant_taylors.mdb: no parsable date in column 'Date of order of Court' "
                                        r"\(e.g. '\(Invalid Date\)'"):
        load_customers(duckdb.connect(), src, ACCESS, work_dir=tmp_path)


def test_access_unknown_table(tmp_path):
    src = CustomersSource(path=str(ACCESS), table="klanten", columns={"customer_id": "Id No"})
    with pytest.raises(DataError, match="there is no table 'klanten'; the tables are: merchant_taylors"):
        load_customers(duckdb.connect(), src, ACCESS, work_dir=tmp_path)


# Space separators (Zs) that DuckDB's trim strips, characters it keeps (tab, newline, zero-width
# space), and ASCII and non-ASCII letters.
_TRIM_ALPHABET = [" ", "\u00a0", "\u2003", "\u3000", "\u202f", "\t", "\n", "\u200b", "a", "7", "é", "€", "-"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=_TRIM_ALPHABET, max_size=6)), min_size=1, max_size=30))
def test_trimmed_expr_is_duckdbs_trim(values):
    con = duckdb.connect()
    con.register("v", pd.DataFrame({"x": pd.Series(values, dtype="object")}))
    got = con.execute(f"SELECT {trimmed_expr('x')}, trim(x), {text_expr('x', 'VARCHAR')}, NULLIF(trim(x), '') "
                      "FROM v").fetchall()
    assert [(a, c) for a, _, c, _ in got] == [(b, d) for _, b, _, d in got]


@pytest.mark.parametrize(("ctype", "value", "text"), [
    ("BIGINT", "CAST(-42 AS BIGINT)", "-42"), ("DECIMAL(18,2)", "CAST(12.5 AS DECIMAL(18,2))", "12.50"),
    ("DATE", "DATE '2025-01-31'", "2025-01-31"),
    ("TIMESTAMP", "TIMESTAMP '2025-01-31 08:00:00'", "2025-01-31 08:00:00"),
    ("DOUBLE", "CAST(3.0 AS DOUBLE)", "3"), ("BOOLEAN", "true", "true"), ("BIGINT", "CAST(NULL AS BIGINT)", None)])
def test_text_expr_of_typed_columns(ctype, value, text):
    assert duckdb.sql(f"SELECT {text_expr('x', ctype)} FROM (SELECT {value} AS x)").fetchall() == [(text,)]


def test_date_formats_from_distinct_trimmed_values():
    # Padded and blank values: the sample is the distinct trimmed, non-empty texts (3 here), so
    # ' 13-02-2025' and '13-02-2025 ' count once; 13 > 12 decides day first, without ambiguity.
    con = duckdb.connect()
    con.execute("CREATE TABLE raw AS SELECT * FROM (VALUES (' 13-02-2025'), ('13-02-2025 '), ('   '), (NULL), "
                "('01-03-2025'), ('2025-03-04')) t(d)")
    formats, facts = detect_date_formats(con, "raw", "d", given=None, label="tx.csv", key="transactions.columns.date")
    assert formats == ["%d-%m-%Y", "%Y-%m-%d"]
    assert facts["formats_used"] == {"%d-%m-%Y": 2, "%Y-%m-%d": 1}
    assert facts["parsed_share"] == pytest.approx(2 / 3)
    assert not facts["ambiguous"]
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE NOT internal").fetchall() == [(1,)]


# --- CSV columns typed by DuckDB's reader -----------------------------------------------------------

def _load_both(path: Path, src: TransactionsSource, monkeypatch, openings: list | None = None
               ) -> tuple[tuple, tuple, list]:
    """Load ``path`` as the toolkit does, and again with every column read as text, recording typed reads.

    ``openings`` collects each :class:`OpenedSource` of the first load.
    """
    import toolkit.sources as sources

    typed_reads: list = []
    real, real_open = sources._read_csv_typed, sources.open_source

    def spy(*args, **kwargs):
        typed_reads.append(real(*args, **kwargs))
        return typed_reads[-1]

    def open_spy(*args, **kwargs):
        opened = real_open(*args, **kwargs)
        if openings is not None:
            openings.append(opened)
        return opened

    monkeypatch.setattr(sources, "_read_csv_typed", spy)
    monkeypatch.setattr(sources, "open_source", open_spy)
    got = load(path, src)
    monkeypatch.setattr(sources, "open_source", real_open)
    monkeypatch.setattr(sources, "_read_csv_typed", lambda *a, **k: None)
    text = load(path, src)
    return got, text, typed_reads


def test_reader_typed_csv_equals_the_text_read(tmp_path, monkeypatch):
    rows = [
        "F1;1;01-02-2025;12,5;3,00",       # line 2
        "F1;1;01-02-2025;12,50;3,00",      # line 3: the same values, other text: not a duplicate
        "F2;2;1-2-2025;-3,00;",            # line 4: no margin, one-digit day and month
        "F3;3; 05-03-2025 ;+4;1",          # line 5: padded date, plus sign
        "F4;4;;7,00;1",                    # line 6: no date
        "F1;1;01-02-2025;12,5;3,00",       # line 7: duplicate of line 2
        "F5;5;31-12-2025;,5;0,00005",      # line 8: margin rounds to 0.0001
    ]
    path = write(tmp_path / "tx.csv", TX_HEADER + "\n".join(rows) + "\n")
    src = parse_params(params_dict(tx=str(path))).transactions.model_copy(update={"date_format": "%d-%m-%Y"})
    openings: list = []
    (report, ref, lines), (t_report, t_ref, t_lines), typed_reads = _load_both(path, src, monkeypatch, openings)
    assert [o.scan_only for o in openings] == [True]  # every date and amount typed: the file is read once
    parsed, decimal = typed_reads[0]
    assert parsed == {"datum": "%d-%m-%Y", "omzet": "amount", "marge": "amount"}
    assert decimal == (",", {",": 6, ".": 0})  # 7 amounts, ',5' has no digit before the comma: no vote
    assert reasons(report) == {"missing_date": (1, "7.00"), "duplicate_line": (1, "12.50")}
    assert report.amount_usable == "26.50" and report.amount_read == "46.00"
    assert report.file_format["date_formats"] == {"date": "%d-%m-%Y"} and report.file_format["decimal"] == ","
    assert lines["margin"].tolist()[-1] == pytest.approx(0.0001)
    assert lines["date"].tolist()[:5] == [dt.date(2025, 2, 1)] * 3 + [dt.date(2025, 3, 5), None]
    assert report.to_dict() == t_report.to_dict() and ref == t_ref
    # Equal lines, apart from the hash of the file columns (typed values there, text here).
    pd.testing.assert_frame_equal(lines.drop(columns="_hash"), t_lines.drop(columns="_hash"))


@pytest.mark.parametrize(("row", "reason"), [
    ("F2;2;02-02-2025;1.234,50;1", None),             # thousands separator: only the text path reads it
    ("F2;2;02-02-2025;12,5x;1", "invalid_amount"),
    ("F2;2;2025-02-02;12,50;1", "invalid_date"),      # not the given format
    ("F2;2;02-02-2025;12,50;1;extra", None),          # malformed line
])
def test_a_value_the_reader_cannot_type_reads_the_file_as_text(tmp_path, monkeypatch, row, reason):
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;01-02-2025;10,00;1\n" + row + "\nF3;3;03-02-2025;5,00;1\n")
    src = parse_params(params_dict(tx=str(path))).transactions.model_copy(update={"date_format": "%d-%m-%Y"})
    openings: list = []
    (report, _, lines), (t_report, _, t_lines), typed_reads = _load_both(path, src, monkeypatch, openings)
    # The one typed read of the file failed, and the lines come from reading it again as text.
    assert len(typed_reads) == 1 and typed_reads[0] is not None
    assert [(o.scan_only, bool(o.parsed)) for o in openings] == [(True, True), (False, False)]
    assert report.to_dict() == t_report.to_dict()
    pd.testing.assert_frame_equal(lines, t_lines)
    if reason:
        assert report.examples[0]["reason"] == reason and report.examples[0]["row"] == 3
    elif "extra" in row:
        assert reasons(report) == {"malformed_line": (1, None)}
    else:
        assert lines["amount"].tolist() == [10.0, 1234.5, 5.0]


def test_an_empty_date_column_is_reported_by_the_text_path(tmp_path):
    path = write(tmp_path / "tx.csv", TX_HEADER + "F1;1;;10,00;1\nF2;2;;5,00;1\n")
    src = parse_params(params_dict(tx=str(path))).transactions.model_copy(update={"date_format": "%d-%m-%Y"})
    with pytest.raises(DataError, match=r"'datum' .* is empty in every row"):
        load(path, src)


def _typed_and_text(tmp_path: Path, values: list[str], sql_type: str, text_sql: str, **options) -> tuple[dict, dict]:
    """Each value as DuckDB's reader types it (the rejected ones left out) and as the text path reads it."""
    from toolkit.sources import CsvDialect, _csv_scan

    path = write(tmp_path / "v.csv", "id;a\n" + "".join(f"{i};{v}\n" for i, v in enumerate(values)))
    dialect = CsvDialect(delimiter=";", encoding="utf-8", header=["id", "a"], has_bom=False)
    con = duckdb.connect()
    typed = dict(con.execute(f"SELECT CAST(id AS INTEGER), a FROM "
                             f"{_csv_scan(path, dialect, types={'a': sql_type}, rejects='typed', **options)}"
                             ).fetchall())
    text = dict(con.execute(f"SELECT CAST(id AS INTEGER), {text_sql} FROM {_csv_scan(path, dialect, rejects='text')}"
                            ).fetchall())
    return typed, text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789,.-+ e€()", max_size=9), min_size=1, max_size=40),
       st.sampled_from([",", "."]))
def test_the_reader_types_amounts_as_the_text_path_or_not_at_all(tmp_path_factory, values, decimal):
    from toolkit.sources import amount_expr

    typed, text = _typed_and_text(tmp_path_factory.mktemp("a"), values, "DECIMAL(18,4)",
                                  amount_expr("a", "VARCHAR", decimal), decimal=decimal)
    assert {i: text[i] for i in typed} == typed


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789-/.: T", max_size=12), min_size=1, max_size=40),
       st.sampled_from(["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y", "%m/%d/%Y", "%d.%m.%Y %H:%M", "%Y%m%d"]))
def test_the_reader_types_dates_as_the_text_path_or_not_at_all(tmp_path_factory, values, date_format):
    from toolkit.sources import date_expr

    typed, text = _typed_and_text(tmp_path_factory.mktemp("d"), values, "DATE",
                                  date_expr("a", "VARCHAR", [date_format]), date_format=date_format)
    assert {i: text[i] for i in typed} == typed


def test_unmapped_roles_have_the_types_of_mapped_ones(tmp_path):
    # A chapter summing quantities must not meet a text column only because the export had none.
    path = write(tmp_path / "tx.csv", "factuur;klant;datum;omzet;marge;aantal;korting\n"
                 "F1;1;01-02-2025;12,50;3,00;2;10\n")
    types = []
    for mapped in (True, False):
        params = params_dict(tx=str(path))
        params["transactions"]["columns"] |= ({"quantity": "aantal", "discount": "korting"} if mapped else
                                              {"margin": None, "order_id": None})
        con = duckdb.connect()
        load_transactions(con, parse_params(params).transactions, path, reference_date=dt.date(2025, 12, 31),
                          work_dir=tmp_path, today=TODAY)
        types.append(dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                      "WHERE table_name = 'lines'").fetchall()))
    roles = ("margin", "order_id", "quantity", "discount")
    assert {r: types[0][r] for r in roles} == {r: types[1][r] for r in roles} == {
        "margin": "DECIMAL(18,4)", "order_id": "VARCHAR", "quantity": "DOUBLE", "discount": "DOUBLE"}


def test_a_file_changed_between_the_typed_and_the_text_read_is_an_error(tmp_path, monkeypatch):
    # Duplicates after a typed read are compared on a second, text read of the file; if that read has
    # other lines, the comparison would pair the wrong lines.
    import toolkit.sources as sources

    rows = "F1;1;01-02-2025;10,00;1\nF1;1;01-02-2025;10,00;1\n"
    path = write(tmp_path / "tx.csv", TX_HEADER + rows)
    changed = write(tmp_path / "later.csv", TX_HEADER + rows + "F2;2;02-02-2025;5,00;1\n")
    real = sources._csv_scan
    monkeypatch.setattr(sources, "_csv_scan", lambda p, dialect, **kw: real(changed if not kw else p, dialect, **kw))
    with pytest.raises(DataError, match=r"tx\.csv: the file changed while it was read"):
        load(path)


def test_a_mostly_empty_amount_column_is_sampled_by_the_text_path(tmp_path, monkeypatch):
    # The reader's decimal sample looks at ten times the sample size of lines; with fewer amounts there the
    # text path, which samples every line, decides (here 2 amounts wanted, none in the first 20 lines).
    import toolkit.sources as sources

    monkeypatch.setattr(sources, "_SAMPLE", 2)
    rows = "".join(f"F{i};{i};01-02-2025;;1\n" for i in range(20))
    rows += "F20;20;01-02-2025;5,00;1\nF21;21;01-02-2025;7,50;1\n"
    path = write(tmp_path / "tx.csv", TX_HEADER + rows)
    src = parse_params(params_dict(tx=str(path))).transactions
    (report, _, lines), (t_report, _, t_lines), typed_reads = _load_both(path, src, monkeypatch)
    assert typed_reads == [None]
    pd.testing.assert_frame_equal(lines, t_lines)
    assert reasons(report) == {"missing_amount": (20, None)} and report.amount_usable == "12.50"
    assert report.to_dict() == t_report.to_dict()
