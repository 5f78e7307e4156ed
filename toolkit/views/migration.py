"""Report blocks of the migration chapter: flows, migration matrix, revenue bridge, upgrade scenario."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.i18n import fmt_date, fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.migration import EARLIER_STATES, LATER_STATES, flow_summary, migration_matrix, upgrade_scenario
from toolkit.segments import pyramid_summary
from toolkit.views.core import Detail, bullets, figure_html, heading, paragraph, run_cached, table_html
from toolkit.views.rfm import notes_html

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults


def window_label(first: dt.date, last: dt.date, lang: str) -> str:
    """A period's name: the year for a calendar year, else its first and last day.

    Examples
    --------
    >>> window_label(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "en")
    '2024'
    >>> window_label(dt.date(2024, 7, 1), dt.date(2025, 6, 30), "nl")
    '1 juli 2024 t/m 30 juni 2025'
    """
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return str(first.year)
    return t("period.range", lang, start=fmt_date(first, lang), end=fmt_date(last, lang))


def window_labels(run: RunResults) -> tuple[str, str]:
    """The names of the earlier and the later migration period."""
    w = run.frames["migration_windows"].set_index("window")
    return tuple(window_label(pd.Timestamp(w.loc[k, "first_day"]).date(), pd.Timestamp(w.loc[k, "last_day"]).date(),
                              run.lang) for k in ("earlier", "later"))


def _state(state: str, lang: str) -> str:
    return t("migration.state.new", lang) if state == "new" else t(f"layer.{state}", lang)


def migration_intro(run: RunResults) -> str:
    """Which periods are compared, on which basis, and what new, lost and reactivated mean."""
    earlier, later = window_labels(run)
    return paragraph(t("migration.intro", run.lang, earlier=earlier, later=later,
                       basis=t(f"basis.{run.params.pyramid_basis}", run.lang))) + notes_html(run, "migration_")


def findings(run: RunResults, flows: pd.DataFrame, matrix: pd.DataFrame) -> str:
    """Two sentences: movements up and down, new, reactivated and lost; how many top customers stayed top."""
    lang = run.lang
    earlier, _ = window_labels(run)
    f = flows.set_index("flow")
    items = [t("migration.findings", lang, up=fmt_int(f.loc["up", "customers"], lang),
               down=fmt_int(f.loc["down", "customers"], lang), new=fmt_int(f.loc["new", "customers"], lang),
               rev_new=fmt_money(f.loc["new", "revenue_later"], lang),
               reactivated=fmt_int(f.loc["reactivated", "customers"], lang),
               rev_react=fmt_money(f.loc["reactivated", "revenue_later"], lang),
               lost=fmt_int(f.loc["lost", "customers"], lang), earlier=earlier,
               rev_lost=fmt_money(f.loc["lost", "revenue_earlier"], lang))]
    top = matrix[matrix["layer_earlier"] == "top"]
    n = int(top["customers"].sum())
    if n:
        kept = int(top.loc[top["layer_later"] == "top", "customers"].sum())
        items.append(t("migration.top_kept", lang, n=fmt_int(n, lang), earlier=earlier, share=fmt_pct(kept / n, lang)))
    return bullets(items, css_class="kp-list key-figures")


def matrix_table(run: RunResults, matrix: pd.DataFrame, labels: tuple[str, str] | None = None) -> str:
    """The migration matrix: customers by earlier state (rows) and later state (columns), with totals.

    ``labels`` names the two periods (default: the run's migration periods).
    """
    lang = run.lang
    earlier, later = labels or window_labels(run)
    grid = (matrix.pivot(index="layer_earlier", columns="layer_later", values="customers")
            .reindex(index=list(EARLIER_STATES), columns=list(LATER_STATES)).fillna(0).astype(int))
    rows = [[_state(s, lang)] + [fmt_int(v, lang) for v in grid.loc[s]] + [fmt_int(grid.loc[s].sum(), lang)]
            for s in EARLIER_STATES]
    total = [t("migration.col.total", lang)] + [fmt_int(v, lang) for v in grid.sum()] + [fmt_int(grid.to_numpy().sum(),
                                                                                                lang)]
    header = [t("migration.col.from", lang)] + [t(f"layer.{s}", lang) for s in LATER_STATES] + [
        t("migration.col.total", lang)]
    return table_html(header, rows, total=total, caption=t("migration.matrix_caption", lang, earlier=earlier,
                                                           later=later), css_class="kp-table first-nowrap")


def _states(run: RunResults) -> tuple[pd.DataFrame, str, str] | None:
    """The run's customer states and the names of both periods; None when nobody bought."""
    states = run.frames["migration"]
    return None if states.empty else (states, *window_labels(run))


def flows_section(run: RunResults) -> str:
    """Heading, the flow chart, the findings and the migration matrix (empty when nobody bought)."""
    found = _states(run)
    return "" if found is None else _flows(run, *found)


def bridge_section(run: RunResults) -> str:
    """Heading, the revenue bridge (waterfall) and the table of customers and revenue per flow."""
    found = _states(run)
    return "" if found is None else _bridge(run, *found)


def _flows(run: RunResults, states: pd.DataFrame, earlier: str, later: str) -> str:
    from toolkit.plots.migration import plot_migration_flows

    lang = run.lang
    matrix = migration_matrix(states)
    ax = plot_migration_flows(matrix, lang=lang, later_label=later)
    return (heading(t("migration.flows", lang))
            + figure_html(ax, t("migration.flows_caption", lang, earlier=earlier, later=later))
            + findings(run, run_cached(run, "flow_summary", flow_summary, states), matrix) + matrix_table(run, matrix))


def _bridge(run: RunResults, states: pd.DataFrame, earlier: str, later: str) -> str:
    from toolkit.plots.migration import plot_revenue_bridge

    lang = run.lang
    flows = run_cached(run, "flow_summary", flow_summary, states)
    before, after = flows["revenue_earlier"].sum(), flows["revenue_later"].sum()
    rows = [[t(f"flow.{r['flow']}", lang), fmt_int(r["customers"], lang), fmt_money(r["revenue_earlier"], lang),
             fmt_money(r["revenue_later"], lang), fmt_money(r["effect"], lang)] for _, r in flows.iterrows()]
    total = [t("migration.col.total", lang), fmt_int(flows["customers"].sum(), lang), fmt_money(before, lang),
             fmt_money(after, lang), fmt_money(after - before, lang)]
    header = [t("migration.col.flow", lang), t("col.customers", lang), t("migration.col.revenue_earlier", lang),
              t("migration.col.revenue_later", lang), t("migration.col.effect", lang)]
    ax = plot_revenue_bridge(flows, lang=lang)
    return (heading(t("migration.bridge", lang))
            + paragraph(t("migration.bridge_intro", lang, earlier=earlier, later=later,
                          before=fmt_money(before, lang), after=fmt_money(after, lang)))
            + figure_html(ax, t("migration.bridge_caption", lang))
            + table_html(header, rows, total=total, caption=t("migration.flow_caption", lang)))


def upgrade_section(run: RunResults) -> str:
    """Heading, the upgrade scenario table (x % of each layer one layer up) and its one-sentence result."""
    lang = run.lang
    cfg = run.params.migration
    layers = pyramid_summary(run.customers)
    table = upgrade_scenario(layers, percent=cfg.upgrade_percent, include_inactive=cfg.upgrade_include_inactive)
    pct = fmt_number(cfg.upgrade_percent, lang, 0 if float(cfg.upgrade_percent).is_integer() else 1) + "%"
    has_margin = table["margin_gain"].notna().any()
    rows = []
    for _, r in table.iterrows():
        row = [Detail(t(f"layer.{r['layer_from']}", lang), "→ " + t(f"layer.{r['layer_to']}", lang)),
               fmt_int(r["customers"], lang), fmt_int(r["movers"], lang), fmt_money(r["revenue_from"], lang),
               fmt_money(r["revenue_to"], lang), fmt_money(r["gain"], lang)]
        rows.append(row + ([fmt_money(r["margin_gain"], lang)] if has_margin else []))
    gain, movers = float(np.nansum(table["gain"])), int(table["movers"].sum())
    total = [t("layer.total", lang), fmt_int(table["customers"].sum(), lang), fmt_int(movers, lang), "", "",
             fmt_money(gain, lang)] + ([fmt_money(float(np.nansum(table["margin_gain"])), lang)] if has_margin else [])
    header = [t("migration.col.move", lang), t("col.customers", lang), t("migration.col.movers", lang),
              t("migration.col.per_from", lang), t("migration.col.per_to", lang), t("migration.col.gain", lang)]
    header += [t("migration.col.margin_gain", lang)] if has_margin else []
    revenue = float(layers["revenue"].sum())
    sentence = t("migration.upgrade_sentence", lang, pct=pct, movers=fmt_int(movers, lang), gain=fmt_money(gain, lang),
                 gain_share=fmt_pct(gain / revenue if revenue > 0 else np.nan, lang))
    if has_margin:
        sentence += t("migration.upgrade_margin", lang, gain=fmt_money(float(np.nansum(table["margin_gain"])), lang))
    return (heading(t("migration.upgrade", lang)) + paragraph(t("migration.upgrade_intro", lang, pct=pct))
            + table_html(header, rows, total=total, caption=t("migration.upgrade_caption", lang, pct=pct),
                         css_class="kp-table wide first-nowrap")
            + paragraph(sentence, "kp-lead"))
