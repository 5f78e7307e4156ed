"""The pyramid's customer table written straight from DuckDB: ``customers.csv`` at any size.

The ``customers`` fast path uses this instead of :func:`toolkit.segments.customer_table`
plus :func:`toolkit.report.export_customers`, so that no frame with every customer and
every column is ever held in pandas: the customer rows stay in DuckDB (which spills to
disk beyond its memory limit). A revenue pyramid is ranked there too: DuckDB sorts the
customers into the table's order, and the report's own rules turn places into layers and
ABC classes (:func:`~toolkit.segments.layer_bounds`, :func:`~toolkit.segments.ranked_abc_codes`).
Otherwise only the columns the ranking needs (id, revenue, basis, first purchase) come to
numpy, where the *same* functions as the report rank them
(:func:`~toolkit.segments.pyramid_layers`, :func:`~toolkit.segments.abc_classes`).
Either way the file is byte-identical to the ``customers.csv`` of a full run (tested).

Example
-------
>>> counts = write_customer_table(con, "summary", out, period=period)  # doctest: +SKIP
>>> counts["top"]  # doctest: +SKIP
35
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.csv_files import CSV_OPTIONS
from toolkit.engine import MEMORY_LIMIT_VARIABLE, Period
from toolkit.errors import DataError
from toolkit.params import DEFAULT_ABC_THRESHOLDS, PERSONAL_FIELDS
from toolkit.segments import (
    ABC_CLASSES,
    CUSTOMER_COLUMNS,
    LAYERS,
    id_order,
    layer_bounds,
    layers_and_classes,
    ranked_abc_codes,
)
from toolkit.sources import _lit, _q

#: Summary columns filled with 0 for customers without lines (as customer_table does).
_ZERO = ("revenue", "orders", "lines", "returns", "revenue_previous", "revenue_to_date")
_MARGINS = ("margin", "margin_previous", "margin_to_date")
#: DuckDB's memory limit while Python ranks the customers (when it holds more than that).
RANKING_DUCKDB_BYTES = 512 * 10**6
_EXTRA = ("basis_rank", "tenure_years", "is_new", "revenue_previous", "margin_previous", "returns", "lines",
          "revenue_to_date", "margin_to_date")


def _csv_value(name: str, sql_type: str, expr: str | None = None) -> str:
    """A column as ``export_customers`` prints it: amounts to the cent, timestamps as dates.

    DuckDB casts a double to a decimal as its ``round(x, 2)`` rounds (half away from zero, of
    ``x * 100``), so the cast alone gives the same cents (tested); ``round`` first cost 0.3 s
    of the 10M-line file's 2.4 s write.
    """
    e = expr or _q(name)
    t = sql_type.upper()
    if t in ("DOUBLE", "FLOAT", "REAL"):
        return f"CAST({e} AS DECIMAL(18, 2)) AS {_q(name)}"
    if t.startswith("TIMESTAMP"):
        return f"CAST({e} AS DATE) AS {_q(name)}"
    return f"{e} AS {_q(name)}"


def write_customer_table(con: duckdb.DuckDBPyConnection, summary: str, out: Path, *, period: Period,
                         master: str | None = None, basis: str = "revenue",
                         shares: Mapping[str, float] | None = None,
                         abc_thresholds: Sequence[float] = DEFAULT_ABC_THRESHOLDS,
                         personal: Sequence[str] = (), drop_inputs: bool = False) -> dict[str, int]:
    """Write the customer table of the pyramid as CSV from DuckDB tables.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    summary : str
        Table with :data:`toolkit.engine.SUMMARY_COLUMNS` (one row per customer with lines).
    out : Path
        The CSV file to write (UTF-8, comma-separated, header, ISO dates).
    period : Period
    master : str, optional
        Customer master table (``customer_id`` unique, canonical columns); its customers
        without lines become prospects. Personal fields are left out unless named in
        ``personal``; columns starting with ``_`` are internal and left out.
    basis : {"revenue", "margin"}
    shares, abc_thresholds
        As in :func:`toolkit.segments.pyramid_layers` and :func:`~toolkit.segments.abc_classes`.
    personal : sequence of str
        Personal master columns to append (only when the params opt in).
    drop_inputs : bool, default False
        Drop table ``summary`` as soon as it is no longer needed (for the largest inputs).

    Returns
    -------
    dict of str to int
        Customers per layer, every layer of :data:`toolkit.segments.LAYERS` present.

    Raises
    ------
    DataError
        When ``basis`` is ``margin`` and no margin values exist.
    """
    kept: list[tuple[str, str]] = []
    if master is not None:
        described = {c: t for c, t, *_ in con.execute(f"DESCRIBE {master}").fetchall()}
        kept = [(c, t) for c, t in described.items()
                if c != "customer_id" and not c.startswith("_") and c not in PERSONAL_FIELDS]
        kept += [(c, described[c]) for c in personal]  # last, as export_results_customers appends them
        joined = ("SELECT coalesce(s.customer_id, m.customer_id) AS customer_id, s.* EXCLUDE (customer_id), "
                  + "".join(f"m.{_q(c)}, " for c, _ in kept).rstrip(", ")
                  + f" FROM {summary} s FULL OUTER JOIN {master} m ON s.customer_id = m.customer_id")
    else:
        joined = f"SELECT * FROM {summary}"
    has_margin = con.execute(f"SELECT count(margin) > 0 FROM {summary}").fetchall()[0][0]
    if basis == "margin" and not has_margin:
        raise DataError("customer_table: pyramid basis 'margin' needs margin values; map a margin column "
                        "or use basis 'revenue'.")
    fills = ", ".join(f"coalesce({_q(c)}, 0) AS {_q(c)}" for c in (*_ZERO, *(_MARGINS if has_margin else ())))
    if master is not None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE customer_rows AS SELECT * FROM ({joined})")
        if drop_inputs:
            con.execute(f"DROP TABLE {summary}")  # customer_rows holds its rows now: free DuckDB's memory
        summary = "customer_rows"
    # A view: copying 3.5M summary rows into a table of their own took 0.2-0.3 s.
    con.execute(f"CREATE OR REPLACE TEMP VIEW customer_base AS SELECT rowid AS _r, * REPLACE ({fills}) "
                f"FROM {summary}")

    types = {c: t for c, t, *_ in con.execute("DESCRIBE customer_base").fetchall()}
    try:
        placed = _ranks_in_duckdb(con, shares=shares, abc_thresholds=abc_thresholds) if basis == "revenue" else None
        if placed is not None and drop_inputs:
            # Table customer_ranked holds every row now: free DuckDB's memory before the write.
            con.execute("DROP VIEW customer_base")
            con.execute(f"DROP TABLE {summary}")
        elif placed is None:
            placed = _ranks_from_numpy(con, basis=basis, shares=shares, abc_thresholds=abc_thresholds)
        source, ranked, counts = placed

        start, ref = _lit(period.start.isoformat()), _lit(period.end.isoformat())
        first = "b.first_purchase"
        if any(c == "created" for c, _ in kept):
            # The relationship starts at the earliest of creation and first purchase; a creation date
            # after the reference date is not known yet at that date (as in customer_table).
            first = f"least(b.first_purchase, CASE WHEN b.created <= DATE {ref} THEN b.created END)"
        computed = {
            **ranked,
            # numpy's round (half to even), as customer_table rounds, then to the cent as export_customers does.
            "tenure_years": f"round_even(date_diff('day', CAST({first} AS DATE), DATE {ref}) / 365.25, 2)",
            "is_new": f"coalesce(b.first_purchase > DATE {start}, false)",
        }
        names = [*CUSTOMER_COLUMNS, *_EXTRA, *(c for c, _ in kept)]
        select = [_csv_value(n, "DOUBLE" if n == "tenure_years" else types.get(n, ""),
                             computed.get(n, f"b.{_q(n)}")) for n in names]
        con.execute(f"COPY (SELECT {', '.join(select)} FROM {source}) TO {_lit(str(out))} {CSV_OPTIONS}")
    finally:
        with contextlib.suppress(KeyError):  # registered by the numpy route only
            con.unregister("customer_ranks")
        con.execute("DROP TABLE IF EXISTS customer_ranked")
        con.execute("DROP VIEW IF EXISTS customer_base")
        con.execute("DROP TABLE IF EXISTS customer_rows")
        if drop_inputs:
            con.execute(f"DROP TABLE IF EXISTS {summary}")
    return counts


def id_sort_keys(con: duckdb.DuckDBPyConnection, relation: str, column: str = "customer_id") -> str:
    """SQL ``ORDER BY`` keys that put the ids of ``relation`` in :func:`toolkit.segments.id_order`'s order.

    Numeric when every id is digits (at most 30), equal numbers by their text (``"009"``
    before ``"09"`` before ``"9"``), else by text (bytes, as Arrow sorts). One pass over
    the ids decides which; the property tests check the keys against ``id_order``.

    Examples
    --------
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('10'), ('9'), ('009')) v(customer_id)")
    >>> keys = id_sort_keys(con, "t")
    >>> [i for i, in con.execute(f"SELECT customer_id FROM t ORDER BY {keys}").fetchall()]
    ['009', '9', '10']
    """
    c = f"coalesce({_q(column)}, '')"  # id_order reads a missing id as ''
    digits, longest, zeros = con.execute(
        f"SELECT coalesce(bool_and(regexp_full_match({c}, '[0-9]+')), true), coalesce(max(strlen({c})), 0), "
        f"coalesce(bool_or(starts_with({c}, '0')), false) FROM {relation}").fetchall()[0]
    if not digits or longest > 30:
        return c
    if longest <= 18 and not zeros:
        return f"CAST({c} AS BIGINT)"  # the usual customer numbers: one integer key
    # Ordered as numbers by (digits without leading zeros, those digits); equal numbers by their text.
    return f"length(ltrim({c}, '0')), ltrim({c}, '0'), {c}"


def _ranks_in_duckdb(con: duckdb.DuckDBPyConnection, *, shares: Mapping[str, float] | None,
                     abc_thresholds: Sequence[float]) -> tuple[str, dict[str, str], dict[str, int]] | None:
    """Put ``customer_base`` in the table's order in DuckDB: table ``customer_ranked`` (revenue basis).

    Buyers by revenue descending, ties by id, then the inactive customers and the prospects,
    each by id, as :func:`toolkit.segments.pyramid_layers` ranks them and ``_table_order``
    puts them. A row's place then is its rank, so layer and ABC class follow from the
    boundaries (:func:`~toolkit.segments.layer_bounds`, :func:`~toolkit.segments.ranked_abc_codes`
    on the ranked revenues) and the file is written in table order, without a join or a
    sort. 10M lines (3.47M customers): 2.2 s for the sort and the write, against 3.1-3.4 s
    for the ranking in numpy and the ordered join.

    Returns
    -------
    (str, dict, dict) or None
        As :func:`_ranks_from_numpy`; ``None`` (nothing left behind) when places cannot be
        ranks: ``con`` does not keep insertion order, or the ABC classes are not in rank
        order (float rounding of the cumulative revenue could do that in theory).
    """
    if not con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]:
        return None  # a row's place in customer_ranked would not be its rank
    con.execute("CREATE OR REPLACE TEMP TABLE customer_ranked AS SELECT * EXCLUDE (_r) FROM customer_base ORDER BY "
                "revenue > 0 DESC, CASE WHEN revenue > 0 THEN revenue END DESC NULLS LAST, "
                f"first_purchase IS NULL, {id_sort_keys(con, 'customer_base')}")
    revenue = con.execute("SELECT revenue FROM customer_ranked WHERE revenue > 0").fetchnumpy()["revenue"]
    codes, _before = ranked_abc_codes(np.asarray(revenue, dtype=float), abc_thresholds)
    if np.any(codes[1:] < codes[:-1]):
        con.execute("DROP TABLE customer_ranked")
        return None
    n = len(codes)
    a, b = (int(np.searchsorted(codes, k, side="right")) for k in (0, 1))
    layer, counts, lo = "CASE", {}, 0
    for name, hi in layer_bounds(n, shares).items():
        layer += f" WHEN b.rowid < {hi} THEN '{name}'"
        counts[name], lo = max(hi - lo, 0), max(lo, hi)
    total, prospects = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE first_purchase IS NULL) FROM customer_ranked").fetchall()[0]
    counts |= {"inactive": total - n - prospects, "prospect": prospects}
    ranked = {
        "pyramid_layer": f"{layer} WHEN b.first_purchase IS NULL THEN 'prospect' ELSE 'inactive' END",
        "abc_class": f"CASE WHEN b.rowid < {a} THEN 'A' WHEN b.rowid < {b} THEN 'B' WHEN b.rowid < {n} THEN 'C' END",
        "basis_rank": f"CASE WHEN b.rowid < {n} THEN b.rowid + 1 END",
    }
    return "customer_ranked b", ranked, counts


def _ranks_from_numpy(con: duckdb.DuckDBPyConnection, *, basis: str, shares: Mapping[str, float] | None,
                      abc_thresholds: Sequence[float]) -> tuple[str, dict[str, str], dict[str, int]]:
    """Rank ``customer_base`` in numpy with the report's own functions (any basis).

    Registers the ranks as ``customer_ranks`` for a join. Returns the ``FROM`` clause (rows
    in the table's order), the SQL of the ranking's columns and the customers per layer.
    """
    # Only the ranking's columns travel to numpy; the ranking is the report's own code. Meanwhile a
    # DuckDB holding more than a small memory limit gets that limit, so it hands its cached pages back
    # (spilling them) rather than holding them next to the ranking's arrays (100M lines: peak 9.2 GB
    # without this). Below it the SET only cost time (10M lines: 0.15 s while DuckDB held 354 MB).
    held = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0] or 0
    lowered = held > RANKING_DUCKDB_BYTES
    if lowered:
        # The limit as the connection was given it (exact), else as DuckDB prints it (rounded, "4.7 GiB").
        limit = con.execute(f"SELECT coalesce(getvariable({_lit(MEMORY_LIMIT_VARIABLE)}), "
                            "current_setting('memory_limit'))").fetchall()[0][0]
        with contextlib.suppress(duckdb.Error):
            con.execute(f"SET memory_limit = '{RANKING_DUCKDB_BYTES}B'")
    numbers = ["revenue"] if basis == "revenue" else ["revenue", basis]
    keys = con.sql(f"SELECT _r, customer_id, {', '.join(_q(c) for c in numbers)}, first_purchase "
                   "FROM customer_base").to_arrow_table()
    frame = pd.DataFrame({"customer_id": pd.Series(pd.arrays.ArrowStringArray(keys["customer_id"])),
                          **{c: keys[c].to_numpy() for c in numbers},
                          # pyramid_layers only asks which customers have no purchase (prospects)
                          "first_purchase": np.where(keys["first_purchase"].is_null().to_numpy(zero_copy_only=False),
                                                     np.nan, 0.0)},
                         copy=False)  # no 2-D block of the number columns (a 0.1 s copy)
    rows = keys["_r"].to_numpy()
    del keys
    order = id_order(frame["customer_id"])
    layers, abc = layers_and_classes(frame, basis=basis, shares=shares, abc_thresholds=abc_thresholds, order=order)
    del frame
    codes = layers["pyramid_layer"].cat.codes.to_numpy()
    rank = layers["basis_rank"].fillna(0).to_numpy(dtype=np.int64)
    # The table's order as one sort key for DuckDB: buyers by rank, then the others by layer and id (as
    # _table_order puts them). Ordering and permuting the columns in numpy took 0.35-0.41 s at 3.5M customers
    # (random gathers); building this key and the table takes 0.06 s.
    key = np.where(rank > 0, rank, int((rank > 0).sum()) + 1 + order
                   + (codes == LAYERS.index("prospect")) * len(order))
    abc_codes = abc["abc_class"].cat.codes.to_numpy()
    del order, abc, layers
    ranks = pa.table({
        "_r": rows,
        "pyramid_layer": pa.DictionaryArray.from_arrays(codes.astype(np.int8), list(LAYERS)),
        "abc_class": pa.DictionaryArray.from_arrays(pa.array(abc_codes, mask=abc_codes < 0), list(ABC_CLASSES)),
        "basis_rank": pa.array(rank, mask=rank == 0),
        "_pos": key,
    })
    counts = {layer: int((codes == i).sum()) for i, layer in enumerate(LAYERS)}
    del codes, rank, key, rows
    if lowered:
        con.execute(f"SET memory_limit = {_lit(limit.replace(' ', ''))}")

    con.register("customer_ranks", ranks)
    ranked = {"pyramid_layer": "r.pyramid_layer", "abc_class": "r.abc_class", "basis_rank": "r.basis_rank"}
    return "customer_base b JOIN customer_ranks r ON b._r = r._r ORDER BY r._pos", ranked, counts
