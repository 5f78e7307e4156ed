"""Property tests on whole files: generated exports with injected problems, checked against an oracle.

For any table of lines (valid, duplicated, missing ids, broken dates, broken amounts,
lines after the reference date) written as a Dutch CSV, the reader must exclude exactly
the lines the oracle says, per reason, and the amounts must reconcile to the cent; the
pyramid must put every customer in exactly one layer with shares adding up to 100 %.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.engine import analysis_period
from toolkit.errors import DataError
from toolkit.params import TransactionsSource
from toolkit.segments import BUYING_LAYERS, LAYERS, customer_table, pyramid_summary
from toolkit.sources import load_transactions

REF = dt.date(2025, 12, 31)
TODAY = dt.date(2026, 6, 1)
SRC = TransactionsSource(path="tx.csv", date_format="%d-%m-%Y", decimal=",",
                         columns={"customer_id": "klant", "date": "datum", "amount": "omzet", "order_id": "factuur"})


def nl_amount(cents: int, style: int) -> str:
    """An amount in one of the notations Dutch exports use."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    plain = f"{euros},{rest:02d}"
    grouped = f"{euros:,}".replace(",", ".") + f",{rest:02d}"
    return [f"{sign}{plain}", f"{sign}{grouped}", f"€ {sign}{grouped}", f"{plain}{sign}" if sign else plain][style]


# Each generated field carries its text and its true value (None where it must not be read).
valid_date = st.dates(dt.date(2023, 1, 1), dt.date(2026, 3, 31)).map(lambda d: (d.strftime("%d-%m-%Y"), d))
valid_amount = st.tuples(st.integers(-50_000, 5_000_000), st.integers(0, 3)).map(
    lambda t: (nl_amount(*t), Decimal(t[0]) / 100))
line = st.fixed_dictionaries({
    "customer": st.sampled_from(["1", "2", "3", "10", "42", "", "  "]),
    "date": st.one_of(valid_date, st.sampled_from([("", None), ("31-02-2025", None), ("gisteren", None)])),
    "amount": st.one_of(valid_amount, st.sampled_from([("", None), ("abc", None), ("12.34.56", None),
                                                       ("1234.50", None)])),
    "order": st.sampled_from(["A", "B", "C"]),
})


def oracle(rows: list[dict]) -> tuple[dict[str, tuple[int, Decimal]], Decimal, Decimal]:
    """Expected exclusions per reason (rows, amount), amount read and amount usable, from the true values."""
    seen: set[tuple] = set()
    out: dict[str, list] = {}
    read = usable = Decimal(0)
    for r in rows:
        (date_text, date), (amount_text, amount) = r["date"], r["amount"]
        key = (r["order"], r["customer"], date_text, amount_text)
        if key in seen:
            reason = "duplicate_line"
        elif not r["customer"].strip():
            reason = "missing_customer_id"
        elif date is None:
            reason = "missing_date" if not date_text else "invalid_date"
        elif amount is None:
            reason = "missing_amount" if not amount_text else "invalid_amount"
        elif date > REF:
            reason = "after_reference_date"
        else:
            reason = None
        seen.add(key)
        read += amount or 0
        if reason is None:
            usable += amount
        else:
            out.setdefault(reason, [0, Decimal(0)])
            out[reason][0] += 1
            out[reason][1] += amount or 0
    return {k: (n, a) for k, (n, a) in out.items()}, read, usable


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=60))
def test_reader_matches_the_oracle_to_the_cent(rows):
    text = "factuur;klant;datum;omzet\n" + "".join(
        f"{r['order']};{r['customer']};{r['date'][0]};{r['amount'][0]}\n" for r in rows)
    expected, read, usable = oracle(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tx.csv"
        path.write_text(text, encoding="utf-8")
        con = duckdb.connect()
        try:
            report, _ = load_transactions(con, SRC, path, reference_date=REF, work_dir=Path(tmp), today=TODAY)
        except DataError:  # a clear error only when the oracle, too, finds nothing usable
            assert sum(n for n, _ in expected.values()) == len(rows)
            return
        got = {e["reason"]: (e["rows"], Decimal(e["amount"] or 0)) for e in report.exclusions}
        assert got == expected
        assert Decimal(report.amount_read) == read
        assert Decimal(report.amount_usable) == usable
        assert report.rows_read == len(rows) == report.rows_usable + report.rows_excluded
        from toolkit.engine import customer_summary_expr, tidy_summary
        from toolkit.pipeline import usable_lines

        summary = tidy_summary(customer_summary_expr(usable_lines(con), analysis_period(REF),
                                                     has_margin=False).to_pandas())
        con.close()
    customers = customer_table(summary, period=analysis_period(REF))
    assert customers["customer_id"].is_unique
    assert customers["pyramid_layer"].isin(LAYERS).all()
    layers = pyramid_summary(customers)
    assert layers["customers"].sum() == len(customers)
    buying = layers[layers["layer"].isin(BUYING_LAYERS)]
    if buying["customers"].sum():
        assert abs(buying["customer_share"].sum() - 1) < 1e-9
    if customers["revenue"].sum():
        assert abs(layers["revenue_share"].sum() - 1) < 1e-9
