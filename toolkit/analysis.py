"""How an analysis plugs into a run: transaction aggregates once, customer columns after.

Each concern (RFM, churn, CLV, geo, …) registers itself with a small module in
:mod:`toolkit.analyses` that defines ``ANALYSIS = Analysis(...)``. A run then, in
``order``:

1. calls every ``aggregate(ctx)`` while the transaction lines are open (an Ibis table
   on the run's engine), and keeps the returned frames in ``RunResults.frames``, so the
   report chapters never read transaction lines again;
2. calls every ``enrich(results)`` on the customer table, and merges the returned
   customer-level columns into ``customers`` (and so into ``customers.csv``).

Example
-------
>>> from toolkit.analysis import Analysis
>>> ANALYSIS = Analysis(key="example", order=50, columns=("example_flag",),
...                     enrich=lambda results: results.customers[["customer_id"]].assign(example_flag=True))
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import numpy as np
import pandas as pd

from toolkit.columns import held
from toolkit.errors import DataError
from toolkit.segments import unique_positions_in

if TYPE_CHECKING:
    import duckdb

    from toolkit.engine import Period
    from toolkit.params import RunParams
    from toolkit.pipeline import RunResults


@dataclass
class AnalysisContext:
    """What an aggregate step may use while the run's data is open.

    Attributes
    ----------
    params : RunParams
    period : Period
    lines : ibis.Table
        Usable transaction lines, canonical columns (see :mod:`toolkit.engine`).
    con : duckdb.DuckDBPyConnection
        The run's DuckDB connection, e.g. to read an extra input with :mod:`toolkit.sources`.
    has_margin : bool
    work_dir : Path
        Scratch folder of the run.
    master : ibis.Table or None
        The customer master (canonical columns) when one is mapped.
    notes : list of dict
        Findings for the report (``code`` plus values; a ``warn.<code>`` text must exist).
    local : bool
        True when ``lines`` live in ``con`` (the file backend); False when they stay in
        the client's engine (PostgreSQL, Spark, a DuckDB database file).
    data_first : date or None
        The first date of the lines, when the run already knows it; see :meth:`first_date`.
    """

    params: RunParams
    period: Period
    lines: ibis.Table
    con: duckdb.DuckDBPyConnection
    has_margin: bool
    work_dir: Path
    master: ibis.Table | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)
    local: bool = True
    data_first: dt.date | None = None

    def first_date(self) -> dt.date:
        """The first date of the lines: the run's own figure, so analyses do not each scan the lines for it."""
        if self.data_first is None:
            from toolkit.lifecycle import data_first_date

            self.data_first = data_first_date(self.lines)
        return self.data_first

    def input_table(self, name: str) -> ibis.Table | None:
        """An extra input read into ``con`` (e.g. the contacts file) as a table that joins with ``lines``.

        On a remote engine the (small) table travels there as an in-memory table. None
        when ``con`` has no such table.
        """
        if name not in {r[0] for r in self.con.execute("SHOW TABLES").fetchall()}:
            return None
        if self.local:
            return ibis.duckdb.from_connection(self.con).table(name)
        frame = self.con.table(name).df()
        # Only the canonical columns: bookkeeping columns (``_row``, ``_date_raw``) may be all-null,
        # which some engines cannot type.
        return ibis.memtable(frame[[c for c in frame.columns if not c.startswith("_")]])

    def note(self, code: str, **values: Any) -> None:
        """Record a finding to show in the report (text key ``warn.<code>``)."""
        self.notes.append({"code": code, **values})


@dataclass(frozen=True)
class Analysis:
    """One concern's contribution to a run.

    Attributes
    ----------
    key : str
        Short name, e.g. ``"rfm"``.
    order : int
        Run order (lower first); an analysis may use the columns of lower ones.
    aggregate : callable, optional
        ``aggregate(ctx) -> dict[str, DataFrame]``: frames computed from the
        transaction lines; names must be unique across analyses.
    enrich : callable, optional
        ``enrich(results) -> DataFrame``: ``customer_id`` plus new customer columns.
    columns : tuple of str
        The columns ``enrich`` adds, in order (they extend ``customers.csv``).
    """

    key: str
    order: int = 100
    aggregate: Callable[[AnalysisContext], dict[str, pd.DataFrame]] | None = None
    enrich: Callable[[RunResults], pd.DataFrame] | None = None
    columns: tuple[str, ...] = ()


def registered() -> list[Analysis]:
    """Every ``ANALYSIS`` defined in a module of :mod:`toolkit.analyses`, in run order."""
    import toolkit.analyses

    found = []
    for info in pkgutil.iter_modules(toolkit.analyses.__path__):
        module = importlib.import_module(f"toolkit.analyses.{info.name}")
        if isinstance(getattr(module, "ANALYSIS", None), Analysis):
            found.append(module.ANALYSIS)
    keys = [a.key for a in found]
    if len(set(keys)) != len(keys):
        raise RuntimeError(f"two analyses share a key: {sorted(keys)}")
    return sorted(found, key=lambda a: (a.order, a.key))


def merge_columns(customers: pd.DataFrame, extra: pd.DataFrame, analysis: Analysis) -> pd.DataFrame:
    """Add an analysis's customer columns to the customer table, keeping its rows and order.

    Raises
    ------
    DataError
        When the analysis returns other columns than it declares, repeats a customer,
        or would overwrite an existing column (a programming error, reported clearly).
    """
    if "customer_id" not in extra.columns:
        raise DataError(f"analysis '{analysis.key}': enrich() must return a customer_id column")
    new = [c for c in extra.columns if c != "customer_id"]
    if tuple(new) != analysis.columns:
        raise DataError(f"analysis '{analysis.key}': enrich() returned columns {new}, declared {analysis.columns}")
    clash = [c for c in new if c in customers.columns]
    if clash:
        raise DataError(f"analysis '{analysis.key}': column(s) {clash} already exist in the customer table")
    ids = extra["customer_id"].astype("string")
    # Copy-on-write: the new table shares the existing columns instead of copying every one.
    out = customers.copy(deep=False)
    if ids.array.equals(customers["customer_id"].astype("string").array):
        # Most analyses answer in the table's own order (one customer per row, as the table is).
        for col in new:
            out[col] = held(extra[col])
        return out
    rows = unique_positions_in(customers["customer_id"], ids)
    if rows is None:
        raise DataError(f"analysis '{analysis.key}': enrich() returned a customer more than once")
    # Positions found once for all columns; take() with -1 as missing follows reindex's missing-value rules
    # (ints and booleans widen only where a customer is missing), without its index (0.3 s per column).
    for col in new:
        out[col] = held(_taken(extra[col], rows))
    return out


def _taken(column: pd.Series, rows: np.ndarray) -> pd.Series:
    """``column`` at positions ``rows`` (-1: missing), as ``reindex`` by position gives it."""
    values = column.array if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) else column.to_numpy()
    return pd.Series(pd.api.extensions.take(values, rows, allow_fill=True))
