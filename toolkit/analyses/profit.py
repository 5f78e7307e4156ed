"""Cost to serve and customer profit (see :mod:`toolkit.profit`).

The aggregate step counts the cost drivers over the period's transaction lines (and
reads the optional contacts table); the enrich step adds ``cost_to_serve``, ``profit``
and ``profit_reason`` to every customer, so that ``pyramid_basis: profit`` can rank on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from toolkit.analysis import Analysis, AnalysisContext
from toolkit.profit import PROFIT_COLUMNS, customer_profit, window_costs
from toolkit.sources import load_table

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: The DuckDB table holding the contacts file once read (other analyses may use it).
CONTACTS_TABLE = "contacts"


def contacts_table(ctx: AnalysisContext) -> ibis.Table | None:
    """The run's contacts (``customer_id, date[, type]``) when a contacts file is mapped and read."""
    return ctx.input_table(CONTACTS_TABLE)


def _read_contacts(ctx: AnalysisContext) -> pd.DataFrame:
    """Read the contacts file into DuckDB; a one-row frame describing it; notes for excluded rows."""
    src = ctx.params.cost_to_serve.contacts
    path = src.resolved_path(ctx.params.base_dir)
    roles = ["customer_id", "date"]
    report = load_table(ctx.con, src, path, name=CONTACTS_TABLE, key="cost_to_serve.contacts", required=roles,
                        dates=["date"], work_dir=ctx.work_dir)
    if report.rows_excluded:
        ctx.note("contacts_excluded", rows=report.rows_excluded, file=Path(path).name)
    contacts = ctx.input_table(CONTACTS_TABLE)
    p = ctx.period
    in_period = contacts.filter(contacts.date > ibis.date(p.start), contacts.date <= ibis.date(p.end))
    known = ctx.lines.select("customer_id").distinct()
    if ctx.master is not None:
        known = known.union(ctx.master.select("customer_id").distinct())
    unknown = int(in_period.filter(~in_period.customer_id.isin(known.customer_id)).count().to_pyarrow().as_py())
    if unknown:
        ctx.note("contacts_unknown_customers", rows=unknown, file=Path(path).name)
    span = contacts.aggregate(first=contacts.date.min(), last=contacts.date.max(),
                              in_period=contacts.count(where=(contacts.date > ibis.date(p.start))
                                                       & (contacts.date <= ibis.date(p.end)))).to_pandas()
    return pd.DataFrame({"file": [Path(path).name], "rows_read": [report.rows_read],
                         "rows_usable": [report.rows_usable], "rows_excluded": [report.rows_excluded],
                         "rows_in_period": [int(span["in_period"].iloc[0])],
                         "first": pd.to_datetime(span["first"]), "last": pd.to_datetime(span["last"])})


def aggregate(ctx: AnalysisContext) -> dict[str, pd.DataFrame]:
    """Cost drivers and cost to serve per customer over the analysis period."""
    cfg = ctx.params.cost_to_serve
    frames: dict[str, pd.DataFrame] = {}
    if cfg is not None and cfg.contacts is not None:
        frames["contacts_source"] = _read_contacts(ctx)
    frames["cost_to_serve"] = window_costs(ctx.lines, contacts_table(ctx), start=ctx.period.start,
                                           end=ctx.period.end, costs=cfg, has_margin=ctx.has_margin)
    return frames


def enrich(results: RunResults) -> pd.DataFrame:
    """``customer_id``, ``cost_to_serve``, ``profit`` and ``profit_reason`` for every customer."""
    cfg = results.params.cost_to_serve
    factor = cfg.low_margin_factor if cfg is not None else 0.5
    return customer_profit(results.customers, results.frames["cost_to_serve"], low_margin_factor=factor)


ANALYSIS = Analysis(key="profit", order=25, aggregate=aggregate, enrich=enrich, columns=PROFIT_COLUMNS)
