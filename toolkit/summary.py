"""The executive summary: the run's most important findings, and the change since an earlier run.

:func:`summary_findings` picks the figures a client asks about first from what the run
computed (pyramid concentration, whale curve, churn, best acquisition channel, customers
at risk, biggest white spot, cross-sell, upgrade potential) and returns them as a tidy
frame; the sentences are in :mod:`toolkit.texts.summary`, the blocks in
:mod:`toolkit.views.summary`. A finding whose inputs were not mapped is simply absent.

:func:`earlier_run` reads an earlier output folder (``compare_with``);
:func:`key_figure_changes` and :func:`layer_changes` compare it with this run.

Example
-------
>>> from toolkit.summary import summary_findings
>>> summary_findings(results)[["finding", "chapter"]]  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.columns import as_categories, only_columns
from toolkit.errors import DataError
from toolkit.geo import default_target, penetration_by_region, white_spots
from toolkit.lifecycle import channel_summary
from toolkit.migration import migration_matrix, upgrade_scenario
from toolkit.profit import whale_summary
from toolkit.segments import key_figures, pyramid_summary

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Findings in the order the summary lists them, with the chapter each links to.
FINDINGS: dict[str, str] = {
    "concentration": "pyramid",
    "top_layers": "pyramid",
    "whale": "profit",
    "churn": "churn",
    "best_channel": "churn",
    "at_risk": "clv",
    "white_spot": "geo",
    "cross_sell": "products",
    "upgrade": "migration",
}
FINDING_COLUMNS = ("finding", "chapter", "value", "share", "amount", "count", "label")
#: A channel's retention counts only over at least this many new customers.
MIN_CHANNEL_BASE = 30
#: Layers whose customers at high churn risk the summary counts.
VALUABLE_LAYERS = ("top", "large", "medium_large")


def _row(finding: str, *, value: float = math.nan, share: float = math.nan, amount: float = math.nan,
         count: float = math.nan, label: str | None = None) -> dict:
    return {"finding": finding, "chapter": FINDINGS[finding], "value": value, "share": share, "amount": amount,
            "count": count, "label": label}


def _has(customers: pd.DataFrame, column: str) -> bool:
    return column in customers and customers[column].notna().any()


def concentration_findings(customers: pd.DataFrame, *, figures: pd.DataFrame | None = None,
                           layers: pd.DataFrame | None = None) -> list[dict]:
    """The top 20 %'s share of revenue and the top + large layers' share (Pareto and pyramid).

    ``figures`` and ``layers``, when given, are the :func:`toolkit.segments.key_figures` and
    :func:`toolkit.segments.pyramid_summary` of ``customers`` (computed once for several uses).
    """
    figures = (key_figures(customers) if figures is None else figures).set_index("key")["value"]
    layers = (pyramid_summary(customers) if layers is None else layers).set_index("layer")
    out = []
    if figures["buying_customers"] > 0 and np.isfinite(figures["top20_revenue_share"]):
        out.append(_row("concentration", share=figures["top20_revenue_share"], count=figures["top20_customers"],
                        amount=figures["revenue"]))
        top = layers.loc[["top", "large"]]
        out.append(_row("top_layers", count=top["customers"].sum(), share=top["revenue"].sum() / figures["revenue"],
                        amount=top["revenue"].sum()))
    return out


def whale_finding(customers: pd.DataFrame) -> list[dict]:
    """Peak of the whale curve as a share of total profit, and what the customers beyond it destroy."""
    if not _has(customers, "profit"):
        return []
    # Only the columns it reads: selecting the served rows of the whole table copied all its columns.
    s = whale_summary(only_columns(customers, ("profit", "revenue")))
    if s["customers"] == 0 or s["beyond_peak"] == 0:
        return []
    return [_row("whale", share=s["peak_share"], amount=s["destroyed"], count=s["beyond_peak"],
                 value=s["beyond_share"])]


def churn_finding(flow: pd.DataFrame | None) -> list[dict]:
    """Customers lost in the last reported period and the revenue they brought the period before."""
    if flow is None or flow.empty:
        return []
    last = flow.iloc[-1]
    start, end = (pd.Timestamp(last[k]).date() for k in ("period_start", "period_end"))
    return [_row("churn", count=last["lost"], amount=last["revenue_lost"], share=last["churn_rate"],
                 label=f"{start.isoformat()}..{end.isoformat()}")]


def best_channel_finding(channels: pd.DataFrame | None) -> list[dict]:
    """The acquisition channel whose new customers stayed best after one year (enough of them to tell)."""
    if channels is None or channels.empty:
        return []
    summary = channel_summary(channels)
    known = summary[(summary["base_1y"] >= MIN_CHANNEL_BASE) & summary["retention_1y"].notna()]
    if len(known) < 2:
        return []
    overall = known["retention_1y"].mul(known["base_1y"]).sum() / known["base_1y"].sum()
    best = known.sort_values(["retention_1y", "new_customers"], ascending=[False, False], kind="stable").iloc[0]
    return [_row("best_channel", label=str(best["channel"]), share=best["retention_1y"], value=overall,
                 count=best["new_customers"], amount=best["first_year_revenue_per_customer"])]


def at_risk_finding(customers: pd.DataFrame) -> list[dict]:
    """Valuable customers (top to medium-large) at high churn risk, and their revenue."""
    if not _has(customers, "churn_risk"):
        return []
    valuable = _text_in(customers["pyramid_layer"], VALUABLE_LAYERS)
    risky = valuable & _text_in(customers["churn_risk"], ("high",))
    if not risky.any():
        return []
    return [_row("at_risk", count=int(risky.sum()), amount=float(customers.loc[risky, "revenue"].sum()),
                 share=risky.sum() / valuable.sum())]


def _text_in(values: pd.Series, texts: Sequence[str]) -> pd.Series:
    """``values.astype(str).isin(texts)``; for a categorical column from its codes (no text per row).

    Examples
    --------
    >>> s = pd.Series(pd.Categorical(["top", None, "small", "top"], categories=["top", "small"]))
    >>> _text_in(s, ["top"]).tolist()
    [True, False, False, True]
    """
    return pd.Series(as_categories(values, list(dict.fromkeys(texts))).codes >= 0, index=values.index)


def white_spot_finding(customers: pd.DataFrame, regions: pd.DataFrame | None, *, level: str = "pc4",
                       target: float | None = None) -> list[dict]:
    """The region with the largest market potential (households x the penetration gap)."""
    if regions is None or "households" not in regions or "pc4" not in customers:
        return []
    by_region = penetration_by_region(customers, regions, level=level)
    if not (by_region["households"] > 0).any():
        return []
    spots = white_spots(by_region, target=target or default_target(by_region), top=None)
    if spots.empty:
        return []
    best = spots.iloc[0]
    name = best["name"] if isinstance(best["name"], str) and best["name"] else None
    label = f"{best['key']} {name}" if name and name != best["key"] else str(best["key"])
    return [_row("white_spot", label=label, count=best["potential_customers"], amount=best["potential_revenue"],
                 value=best["households"], share=spots["potential_revenue"].sum())]


def cross_sell_finding(whitespace: pd.DataFrame | None) -> list[dict]:
    """The product group with the largest cross-sell opportunity (candidates x expected revenue)."""
    if whitespace is None or whitespace.empty:
        return []
    best = whitespace.sort_values("opportunity", ascending=False, kind="stable").iloc[0]
    if not best["opportunity"] > 0:
        return []
    return [_row("cross_sell", label=str(best["product_group"]), count=best["candidates"],
                 amount=best["opportunity"])]


def upgrade_finding(customers: pd.DataFrame, *, percent: float = 2.0, include_inactive: bool = True,
                    layers: pd.DataFrame | None = None) -> list[dict]:
    """What moving ``percent`` % of each layer one layer up would add to revenue (``layers``: as above)."""
    layers = pyramid_summary(customers) if layers is None else layers
    table = upgrade_scenario(layers, percent=percent, include_inactive=include_inactive)
    gain, revenue = float(np.nansum(table["gain"])), float(layers["revenue"].sum())
    if not gain > 0 or not revenue > 0:
        return []
    return [_row("upgrade", value=percent, amount=gain, share=gain / revenue, count=int(table["movers"].sum()))]


def summary_findings(results: RunResults, *, figures: pd.DataFrame | None = None,
                     layers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The executive summary's findings, most important first.

    Parameters
    ----------
    results : RunResults
    figures, layers : DataFrame, optional
        :func:`toolkit.segments.key_figures` and :func:`toolkit.segments.pyramid_summary`
        of ``results.customers`` when the caller has them already (each takes a second or
        more at millions of customers); computed here otherwise.

    Returns
    -------
    DataFrame
        One row per finding the run can support, in :data:`FINDINGS` order:
        ``finding`` (key), ``chapter`` (the chapter it links to), and the figures its
        sentence uses: ``value``, ``share`` (0-1), ``amount`` (euro), ``count``,
        ``label`` (a channel, region or product group). Figures a finding does not use
        are NaN/None.

        ===============  ============================================================
        concentration    share: revenue of the top 20 %; count: those customers
        top_layers       count: top + large customers; share/amount: their revenue
        whale            share: peak / total profit; count: customers beyond the peak;
                         value: their share of customers; amount: profit they destroy
        churn            count: lost in the last period (label: ``first..last`` day);
                         amount: their revenue before; share: churn rate
        best_channel     label: channel; share: its 1-year retention; value: overall
        at_risk          count/amount: top to medium-large customers at high churn risk
        white_spot       label: region; count: potential customers; amount: revenue
        cross_sell       label: product group; count: candidates; amount: opportunity
        upgrade          value: percent; amount: revenue gain; share: of revenue
        ===============  ============================================================
    """
    c = results.customers
    frames = results.frames
    p = results.params
    layers = pyramid_summary(c) if layers is None else layers
    rows = concentration_findings(c, figures=figures, layers=layers)
    rows += whale_finding(c)
    rows += churn_finding(frames.get("lifecycle_flow"))
    rows += best_channel_finding(frames.get("lifecycle_channels"))
    rows += at_risk_finding(c)
    rows += white_spot_finding(c, frames.get("geo_regions"), level=p.geo.level, target=p.geo.target_penetration)
    rows += cross_sell_finding(frames.get("products_whitespace_summary"))
    m = p.migration
    rows += upgrade_finding(c, percent=m.upgrade_percent, include_inactive=m.upgrade_include_inactive, layers=layers)
    order = {k: i for i, k in enumerate(FINDINGS)}
    out = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    return out.sort_values("finding", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Comparison with an earlier run


@dataclass(frozen=True)
class EarlierRun:
    """What the summary needs of an earlier run's output folder."""

    folder: Path
    reference_date: str
    key_figures: dict[str, float | None]
    layers: pd.DataFrame  # customer_id, pyramid_layer, revenue


def earlier_run(folder: str | Path) -> EarlierRun:
    """Read an earlier run's ``manifest.json`` and ``customers.csv``.

    Raises
    ------
    DataError
        When the folder holds no manifest or customer table of a Klantpiramide run.
    """
    folder = Path(folder)
    manifest, table = folder / "manifest.json", folder / "customers.csv"
    if not manifest.is_file() or not table.is_file():
        raise DataError(f"compare_with: {folder} holds no manifest.json and customers.csv of an earlier run. "
                        "Fix: point compare_with at the output folder of an earlier `klantpiramide run`.")
    m = json.loads(manifest.read_text(encoding="utf-8"))
    layers = pd.read_csv(table, usecols=["customer_id", "pyramid_layer", "revenue"], dtype={"customer_id": str})
    return EarlierRun(folder=folder, reference_date=str(m.get("reference_date")),
                      key_figures=m.get("key_figures", {}), layers=layers)


#: Key figures compared with an earlier run, in the order shown.
COMPARED_FIGURES = ("buying_customers", "revenue", "revenue_per_customer", "top20_revenue_share", "new_customers",
                    "lost_customers", "retention_rate", "margin")


def key_figure_changes(now: pd.DataFrame, earlier: dict[str, float | None]) -> pd.DataFrame:
    """Each key figure now, in the earlier run, and the change.

    Parameters
    ----------
    now : DataFrame
        :func:`toolkit.segments.key_figures` output of this run.
    earlier : dict
        The earlier run's ``key_figures`` (from its manifest).

    Returns
    -------
    DataFrame
        ``key``, ``earlier``, ``now``, ``change`` (now - earlier) and ``change_pct``
        (relative change, NaN for shares and when the earlier value is 0 or missing),
        for :data:`COMPARED_FIGURES` present in both.

    Examples
    --------
    >>> now = pd.DataFrame({"key": ["revenue", "retention_rate"], "value": [110.0, 0.5]})
    >>> changes = key_figure_changes(now, {"revenue": 100.0, "retention_rate": 0.6})
    >>> changes[["change", "change_pct"]].round(2).values.tolist()
    [[10.0, 0.1], [-0.1, nan]]
    """
    values = now.set_index("key")["value"]
    rows = []
    for key in COMPARED_FIGURES:
        before = earlier.get(key)
        if key not in values or before is None or pd.isna(values[key]) or pd.isna(before):
            continue
        after, before = float(values[key]), float(before)
        relative = not (key.endswith("_share") or key.endswith("_rate"))
        pct = (after - before) / abs(before) if relative and before else math.nan
        rows.append({"key": key, "earlier": before, "now": after, "change": after - before, "change_pct": pct})
    return pd.DataFrame(rows, columns=["key", "earlier", "now", "change", "change_pct"])


def layer_changes(earlier: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    """Customers moving between pyramid layers since an earlier run (the migration matrix).

    Customers only in the earlier run count as ``inactive`` now when they are not in this
    run's table; customers only in this run come from ``new``.

    Parameters
    ----------
    earlier, now : DataFrame
        ``customer_id``, ``pyramid_layer``, ``revenue`` of both runs.

    Returns
    -------
    DataFrame
        :func:`toolkit.migration.migration_matrix` output.

    Examples
    --------
    >>> a = pd.DataFrame({"customer_id": ["1", "2"], "pyramid_layer": ["top", "small"], "revenue": [9.0, 1.0]})
    >>> b = pd.DataFrame({"customer_id": ["2", "3"], "pyramid_layer": ["top", "small"], "revenue": [8.0, 2.0]})
    >>> m = layer_changes(a, b)
    >>> m[m["customers"] > 0][["layer_earlier", "layer_later", "customers"]].values.tolist()
    [['top', 'inactive', 1], ['small', 'top', 1], ['new', 'small', 1]]
    """
    cols = ["customer_id", "pyramid_layer", "revenue"]
    both = earlier[cols].merge(now[cols], on="customer_id", how="outer", suffixes=("_earlier", "_later"))
    # Never bought before (absent, or a prospect then) and buying now: new; absent now: inactive.
    earlier_layer = both["pyramid_layer_earlier"].astype(object)
    earlier_layer = earlier_layer.where(earlier_layer.notna() & (earlier_layer != "prospect"), "new")
    later_layer = both["pyramid_layer_later"].astype(object).where(both["pyramid_layer_later"].notna(), "inactive")
    later_layer = later_layer.where(later_layer != "prospect", "inactive")
    states = pd.DataFrame({"layer_earlier": earlier_layer, "layer_later": later_layer,
                           "revenue_earlier": both["revenue_earlier"].fillna(0.0).astype(float),
                           "revenue_later": both["revenue_later"].fillna(0.0).astype(float)})
    # Only customers who bought in either run move; prospects on both sides are left out.
    moved = ~((states["layer_earlier"] == "new") & (states["layer_later"] == "inactive"))
    return migration_matrix(states[moved])


__all__ = ["COMPARED_FIGURES", "FINDINGS", "EarlierRun", "earlier_run", "key_figure_changes", "layer_changes",
           "summary_findings"]
