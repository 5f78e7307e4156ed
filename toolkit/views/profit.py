"""Report blocks of the profitability chapter: cost to serve, whale curve, profit per layer, causes.

Each ``*_section`` returns finished HTML, or nothing when the run has no margin (the
intro then says what to map), so the chapter notebook stays a list of calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.columns import as_categories, only_columns
from toolkit.i18n import fmt_int, fmt_money, fmt_pct, t
from toolkit.profit import cost_components, profit_by_layer, reason_summary, whale_curve, whale_summary
from toolkit.segments import BUYING_LAYERS, pyramid_layers
from toolkit.views.core import (
    Detail,
    Subtotal,
    bullets,
    figure_html,
    heading,
    note_box,
    paragraph,
    table_html,
)
from toolkit.views.rfm import notes_html

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Unprofitable customers listed by name (id) in the chapter.
WORST_SHOWN = 15


def has_profit(run: RunResults) -> bool:
    """Whether the run knows profit (a margin column is mapped)."""
    return "profit" in run.customers and run.customers["profit"].notna().any()


#: The customer columns this chapter reads.
PROFIT_VIEW_COLUMNS = ("customer_id", "pyramid_layer", "revenue", "margin", "cost_to_serve", "profit", "profit_reason")


def _profit_customers(run: RunResults, columns: Sequence[str] = PROFIT_VIEW_COLUMNS) -> pd.DataFrame:
    """Customers with a known profit: only ``columns`` (selecting rows of all ~60 columns took seconds)."""
    c = only_columns(run.customers, columns)
    return c[c["profit"].notna()]


def profit_intro(run: RunResults) -> str:
    """What customer profit means here; without a margin column, what to map instead."""
    if not has_profit(run):
        return paragraph(t("profit.no_margin", run.lang))
    return paragraph(t("profit.intro", run.lang)) + notes_html(run, "contacts_")


def _unit_detail(run: RunResults, component: str) -> str:
    """The unit cost(s) of a component as configured, e.g. per channel or per contact type."""
    lang, cfg = run.lang, run.params.cost_to_serve
    if component == "order_cost" and cfg.per_order_by_channel:
        costs = "; ".join(f"{k} {fmt_money(v, lang, 2)}" for k, v in cfg.per_order_by_channel.items())
        return t("profit.by_channel", lang, costs=costs)
    if component == "contact_cost" and cfg.per_contact_type:
        costs = "; ".join(f"{k} {fmt_money(v, lang, 2)}" for k, v in cfg.per_contact_type.items())
        return t("profit.by_type", lang, costs=costs, other=fmt_money(cfg.per_contact, lang, 2))
    return ""


def costs_section(run: RunResults) -> str:
    """Heading, the cost-to-serve table (units, cost per unit, total, share of margin) and the totals."""
    if not has_profit(run):
        return ""
    lang = run.lang
    customers = _profit_customers(run, ("margin", "cost_to_serve", "profit"))
    margin, cost = float(customers["margin"].sum()), float(customers["cost_to_serve"].sum())
    summary = paragraph(t("profit.summary", lang, margin=fmt_money(margin, lang), cost=fmt_money(cost, lang),
                          cost_share=fmt_pct(cost / margin if margin > 0 else np.nan, lang),
                          profit=fmt_money(margin - cost, lang)))
    if run.params.cost_to_serve is None:
        return heading(t("profit.costs", lang)) + note_box(t("profit.no_costs", lang))
    parts = cost_components(run.frames["cost_to_serve"], run.customers)
    contacts_mapped = run.params.cost_to_serve.contacts is not None
    rows = []
    for _, r in parts.iterrows():
        if r["component"] == "contact_cost" and not contacts_mapped:
            rows.append([t("profit.cost.contact_cost", lang), t("profit.not_mapped", lang), "", "", ""])
            continue
        detail = _unit_detail(run, r["component"])
        label = Detail(t(f"profit.cost.{r['component']}", lang), detail) if detail else \
            t(f"profit.cost.{r['component']}", lang)
        rows.append([label, fmt_int(r["units"], lang), fmt_money(r["unit_cost"], lang, 2), fmt_money(r["cost"], lang),
                     fmt_pct(r["cost"] / margin if margin > 0 else np.nan, lang)])
    total = [t("layer.total", lang), "", "", fmt_money(parts["cost"].sum(), lang),
             fmt_pct(parts["cost"].sum() / margin if margin > 0 else np.nan, lang)]
    header = [t("profit.col.item", lang), t("profit.col.units", lang), t("profit.col.unit_cost", lang),
              t("profit.col.cost", lang), t("profit.col.share_margin", lang)]
    source = ""
    if "contacts_source" in run.frames:
        s = run.frames["contacts_source"].iloc[0]
        source = paragraph(t("profit.contacts_file", lang, file=s["file"], usable=fmt_int(s["rows_usable"], lang),
                             in_period=fmt_int(s["rows_in_period"], lang)))
    return (heading(t("profit.costs", lang)) + summary
            + table_html(header, rows, caption=t("profit.costs_caption", lang), total=total) + source)


def whale_section(run: RunResults) -> str:
    """Heading, explanation, the whale curve and its key figures."""
    from toolkit.plots.profit import plot_whale_curve

    if not has_profit(run):
        return ""
    lang = run.lang
    customers = _profit_customers(run, ("customer_id", "revenue", "profit"))
    s = whale_summary(customers)
    if s["customers"] == 0:
        return ""
    share = s["profitable"] / s["customers"]
    if s["total_profit"] > 0:
        peak = t("profit.whale_peak", lang, peak=fmt_money(s["peak_profit"], lang),
                 peak_share=fmt_pct(s["peak_share"], lang, 0), n=fmt_int(s["profitable"], lang),
                 share=fmt_pct(share, lang))
    else:
        peak = t("profit.whale_peak_nonpositive", lang, peak=fmt_money(s["peak_profit"], lang),
                 n=fmt_int(s["profitable"], lang), share=fmt_pct(share, lang),
                 total=fmt_money(s["total_profit"], lang))
    items = [peak]
    if s["beyond_peak"]:
        items.append(t("profit.whale_beyond", lang, n=fmt_int(s["beyond_peak"], lang),
                       share=fmt_pct(s["beyond_share"], lang), destroyed=fmt_money(s["destroyed"], lang),
                       destroyed_share=fmt_pct(s["destroyed_share"], lang)))
    ax = plot_whale_curve(whale_curve(customers), s, lang=lang)
    return (heading(t("profit.whale", lang)) + paragraph(t("profit.whale_intro", lang))
            + figure_html(ax, t("profit.whale_caption", lang)) + bullets(items, css_class="kp-list key-figures"))


def layers_section(run: RunResults) -> str:
    """Heading and the table of revenue, margin, cost to serve and profit per layer."""
    if not has_profit(run):
        return ""
    lang = run.lang
    layers = [*BUYING_LAYERS, "inactive"]
    table = profit_by_layer(_profit_customers(run, ("pyramid_layer", "revenue", "margin", "cost_to_serve", "profit")),
                            layers=layers)

    def row(label: str, r: pd.Series) -> list[str]:
        return [label, fmt_int(r["customers"], lang), fmt_money(r["revenue"], lang), fmt_money(r["margin"], lang),
                fmt_money(r["cost_to_serve"], lang), fmt_money(r["profit"], lang),
                fmt_money(r["profit"] / r["customers"] if r["customers"] else np.nan, lang),
                fmt_int(r["unprofitable"], lang)]

    by = table.set_index("layer")
    rows = [row(t(f"layer.{name}", lang), by.loc[name]) for name in BUYING_LAYERS]
    rows.append(Subtotal(row(t("layer.buyers", lang), by.loc[list(BUYING_LAYERS)].sum())))
    rows.append(row(t("layer.inactive", lang), by.loc["inactive"]))
    total = row(t("layer.total", lang), table.drop(columns="layer").sum())
    header = [t("col.layer", lang), t("col.customers", lang), t("col.revenue", lang), t("col.margin", lang),
              t("profit.col.cost_to_serve", lang), t("profit.col.profit", lang),
              t("profit.col.profit_per_customer", lang), t("profit.col.unprofitable", lang)]
    return heading(t("profit.by_layer", lang)) + table_html(header, rows, caption=t("profit.by_layer_caption", lang),
                                                            total=total, css_class="kp-table wide first-nowrap")


def reason_text(codes: object, lang: str) -> str:
    """Reason codes joined by ``+`` as words, main reason first."""
    if codes is None or codes is pd.NA or (isinstance(codes, float) and np.isnan(codes)) or not str(codes):
        return ""
    return ", ".join(t(f"profit_reason.{c}", lang) for c in str(codes).split("+"))


def reasons_section(run: RunResults) -> str:
    """Heading, how causes are found, customers per cause and the largest losses by customer id."""
    if not has_profit(run):
        return ""
    lang = run.lang
    customers = _profit_customers(run)
    losing = customers[customers["profit"] < 0]
    head = heading(t("profit.reasons", lang))
    if losing.empty:
        return head + paragraph(t("profit.none_unprofitable", lang))
    factor = run.params.cost_to_serve.low_margin_factor if run.params.cost_to_serve else 0.5
    summary = reason_summary(customers)
    rows = [[t(f"profit_reason.{r['reason']}", lang), fmt_int(r["customers"], lang), fmt_int(r["main"], lang),
             fmt_money(r["loss"], lang)] for _, r in summary.iterrows()]
    total = [t("layer.total", lang), fmt_int(len(losing), lang), fmt_int(len(losing), lang),
             fmt_money(losing["profit"].sum(), lang)]
    header = [t("profit.col.reason", lang), t("col.customers", lang), t("profit.col.main", lang),
              t("profit.col.loss", lang)]
    worst = losing.sort_values(["profit", "customer_id"], kind="stable").head(WORST_SHOWN)
    wrows = [[Detail(str(r["customer_id"]), t(f"layer.{r['pyramid_layer']}", lang)), fmt_money(r["revenue"], lang),
              fmt_money(r["margin"], lang), fmt_money(r["cost_to_serve"], lang), fmt_money(r["profit"], lang),
              reason_text(r["profit_reason"], lang)] for _, r in worst.iterrows()]
    wheader = [t("profit.col.customer", lang), t("col.revenue", lang), t("col.margin", lang),
               t("profit.col.cost_to_serve", lang), t("profit.col.profit", lang), t("profit.col.reasons", lang)]
    return (head + paragraph(t("profit.reasons_intro", lang, factor=fmt_pct(factor, lang, 0)))
            + table_html(header, rows, caption=t("profit.reasons_caption", lang), total=total)
            + table_html(wheader, wrows, caption=t("profit.worst_caption", lang, n=len(wrows)), align="lrrrrl",
                         css_class="kp-table first-nowrap"))


def pyramid_section(run: RunResults) -> str:
    """The pyramid by profit: a note when the report uses it, else how layers would shift."""
    if not has_profit(run):
        return ""
    lang = run.lang
    head = heading(t("profit.pyramid", lang))
    if run.params.pyramid_basis == "profit":
        return head + paragraph(t("profit.pyramid_is_profit", lang))
    basis = t(f"basis.{run.params.pyramid_basis}", lang)
    c = only_columns(run.customers, ["customer_id", "revenue", "first_purchase", "profit", "pyramid_layer"])
    buyers = c[c["revenue"] > 0]
    by_profit = pyramid_layers(buyers, basis="profit", shares=run.params.pyramid_shares)["pyramid_layer"]
    cross = pd.crosstab(as_categories(buyers["pyramid_layer"], BUYING_LAYERS),
                        as_categories(by_profit, BUYING_LAYERS), dropna=False)
    cross = cross.reindex(index=list(BUYING_LAYERS), columns=list(BUYING_LAYERS), fill_value=0)
    top = cross.loc["top"].sum()
    stay = cross.loc["top", "top"] / top if top else np.nan
    rows = [[t(f"layer.{a}", lang)] + [fmt_int(cross.loc[a, b], lang) for b in BUYING_LAYERS]
            + [fmt_int(cross.loc[a].sum(), lang)] for a in BUYING_LAYERS]
    header = [t("profit.col.by_revenue", lang) if run.params.pyramid_basis == "revenue" else t("col.layer", lang)]
    header += [t(f"layer.{b}", lang) for b in BUYING_LAYERS] + [t("layer.total", lang)]
    return (head + paragraph(t("profit.pyramid_compare", lang, basis=basis, stay=fmt_pct(stay, lang, 0)))
            + table_html(header, rows, caption=t("profit.pyramid_caption", lang, basis=basis),
                         css_class="kp-table first-nowrap"))

