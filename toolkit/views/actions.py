"""Report blocks of the actions chapter: strategy per layer, actions, price hints, the contact plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.actions import ACTIONS, CHURN_COLUMNS, LAYER_STRATEGY, cheapest, first_present
from toolkit.columns import as_categories, frame_columns
from toolkit.i18n import fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.segments import LAYERS
from toolkit.views.core import Detail, bullets, heading, paragraph, table_html
from toolkit.views.rfm import segment_label

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Rows of the contact plan shown in the report (the files hold all).
PLAN_ROWS_SHOWN = 12
#: C customers with better conditions than A customers listed in the report.
BETTER_SHOWN = 10


def _pct_value(x: float, lang: str) -> str:
    """A percentage given in % (not a share): 12.5 -> "12,5%"."""
    return fmt_number(x, lang, 0 if float(x).is_integer() else 1) + "%"


def actions_intro(run: RunResults) -> str:
    """What the chapter turns the analysis into."""
    return paragraph(t("actions.intro", run.lang))


def strategy_text(run: RunResults, layer: str) -> str:
    """The strategy of a layer: the params' own text, else the standard one."""
    own = run.params.actions.policy(layer).strategy
    return own[run.lang] if own else t(f"strategy.{LAYER_STRATEGY[layer]}", run.lang)


def strategy_section(run: RunResults) -> str:
    """Heading and the table of strategy, contacts per year and channel per layer."""
    lang = run.lang
    counts = run.customers["pyramid_layer"].astype(str).value_counts()
    rows = []
    for layer in LAYERS:
        policy = run.params.actions.policy(layer)
        contacts = fmt_number(policy.contacts_per_year, lang, 0 if float(policy.contacts_per_year).is_integer() else 1)
        rows.append([t(f"layer.{layer}", lang), fmt_int(counts.get(layer, 0), lang), contacts,
                     t(f"channel.{policy.channel}", lang), strategy_text(run, layer)])
    header = [t("col.layer", lang), t("col.customers", lang), t("actions.col.contacts", lang),
              t("actions.col.channel", lang), t("actions.col.strategy", lang)]
    # Channel right-aligned: right-aligned cells never wrap, so "Accountmanager" stays one word.
    return heading(t("actions.strategy", lang)) + table_html(header, rows, caption=t("actions.strategy_caption", lang),
                                                             align="lrrrl", css_class="kp-table first-nowrap")


def actions_section(run: RunResults) -> str:
    """Heading, the rules, the table per action (customers, priority, contacts, revenue) and the workload."""
    lang = run.lang
    c = run.customers
    frame = pd.DataFrame({"action": as_categories(c["action"], ACTIONS),
                          "contacts": c["contacts_per_year"].astype(float), "revenue": c["revenue"].astype(float),
                          "priority": c["priority"].astype(float)})
    g = frame.groupby("action", observed=False)
    table = pd.DataFrame({"customers": g.size(), "contacts": g["contacts"].sum(), "revenue": g["revenue"].sum(),
                          "priority": g["priority"].min()})
    rows = [[t(f"action.{a}", lang), fmt_int(r["customers"], lang),
             t(f"priority.{int(r['priority'])}", lang) if r["customers"] else "–", fmt_int(r["contacts"], lang),
             fmt_money(r["revenue"], lang)] for a, r in table.iterrows()]
    total = [t("layer.total", lang), fmt_int(table["customers"].sum(), lang), "",
             fmt_int(table["contacts"].sum(), lang), fmt_money(table["revenue"].sum(), lang)]
    header = [t("actions.col.action", lang), t("col.customers", lang), t("actions.col.priority", lang),
              t("actions.col.workload", lang), t("col.revenue", lang)]
    cfg = run.params.actions
    churn = first_present(c, CHURN_COLUMNS)
    rules = t("actions.rules", lang, segments=", ".join(segment_label(run, s) for s in cfg.at_risk_segments),
              churn=t("actions.rules_churn", lang, p=fmt_pct(cfg.churn_risk_high, lang, 0)) if churn else "")
    personal = c["contact_channel"].astype(str).isin(["account_manager", "phone"])
    workload = t("actions.workload", lang, contacts=fmt_int(c["contacts_per_year"].sum(), lang),
                 personal=fmt_int(c.loc[personal, "contacts_per_year"].sum(), lang))
    return (heading(t("actions.actions", lang)) + paragraph(rules)
            + table_html(header, rows, total=total, caption=t("actions.actions_caption", lang))
            + paragraph(workload))


def _band_label(run: RunResults, i: int) -> str:
    bands = run.params.price_hints.bands
    lang = run.lang
    if bands[i].below is not None:
        return t("actions.band_below", lang, x=fmt_number(bands[i].below, lang, 2) + "×")
    return t("actions.band_from", lang, x=fmt_number(bands[i - 1].below, lang, 2) + "×" if i else "0×")


def band_table(run: RunResults, hints: pd.DataFrame) -> str:
    """C customers per band: relative revenue, adjustment, maximum step, customers, revenue, at once / in steps."""
    lang = run.lang
    bands = run.params.price_hints.bands
    bounds = np.array([b.below for b in bands[:-1]], dtype=float)
    idx = np.searchsorted(bounds, hints["relative_revenue"].to_numpy(float), side="right")
    rows = []
    for i, band in enumerate(bands):
        in_band = hints[idx == i]
        once = int((in_band["price_hint_steps"].astype(float) == 1).sum())
        rows.append([_band_label(run, i), f"{_pct_value(band.min_pct, lang)} – {_pct_value(band.max_pct, lang)}",
                     _pct_value(band.step_pct, lang), fmt_int(len(in_band), lang),
                     fmt_money(in_band["revenue"].sum(), lang), fmt_int(once, lang),
                     fmt_int(len(in_band) - once, lang)])
    total = [t("layer.total", lang), "", "", fmt_int(len(hints), lang), fmt_money(hints["revenue"].sum(), lang),
             fmt_int(int((hints["price_hint_steps"].astype(float) == 1).sum()), lang),
             fmt_int(int((hints["price_hint_steps"].astype(float) > 1).sum()), lang)]
    header = [t("actions.col.band", lang), t("actions.col.adjustment", lang), t("actions.col.step", lang),
              t("col.customers", lang), t("col.revenue", lang), t("actions.col.at_once", lang),
              t("actions.col.in_steps", lang)]
    return table_html(header, rows, total=total, caption=t("actions.price_caption", lang),
                      css_class="kp-table first-nowrap")


def better_table(run: RunResults, hints: pd.DataFrame) -> str:
    """The C customers whose discount exceeds the A customers' most, by customer id."""
    lang = run.lang
    better = hints[hints["price_hint_reason"].astype(str).str.contains("better_than_a", regex=False)]
    if better.empty:
        return ""
    better = better.assign(gap=better["discount"] - better["a_discount"]).sort_values(
        ["gap", "customer_id"], ascending=[False, True], kind="stable").head(BETTER_SHOWN)
    rows = [[str(r["customer_id"]), fmt_money(r["revenue"], lang), _pct_value(round(r["discount"], 1), lang),
             t("actions.pp", lang, x=fmt_number(r["gap"], lang, 1)), str(r["price_hint"]).replace("-", " – "),
             fmt_int(r["price_hint_steps"], lang)] for _, r in better.iterrows()]
    header = [t("profit.col.customer", lang), t("col.revenue", lang), t("actions.col.discount", lang),
              t("actions.col.gap", lang), t("actions.col.hint", lang), t("actions.col.steps", lang)]
    return table_html(header, rows, caption=t("actions.better_caption", lang))


def price_section(run: RunResults) -> str:
    """Heading, the method's rules, the band table, and what discount and channel add (or what to map)."""
    lang = run.lang
    p = run.params
    hints = run.frames.get("price_hints", pd.DataFrame())
    head = heading(t("actions.price", lang))
    if hints.empty:
        return head + paragraph(t("actions.price_none", lang))
    buying = run.customers["revenue"] > 0
    avg = run.customers.loc[buying, "revenue"].mean()
    items = [t("actions.price_irregular", lang, n=fmt_int(int((hints["price_hint_steps"].astype(float) == 1).sum()),
                                                            lang),
               total=fmt_int(len(hints), lang), orders=p.price_hints.irregular_max_orders)]
    q = fmt_pct(p.price_hints.a_discount_quantile, lang, 0)
    if p.transactions.columns.discount is None or hints["a_discount"].isna().all():
        items.append(t("actions.price_no_discount", lang))
    else:
        n_better = int(hints["price_hint_reason"].astype(str).str.contains("better_than_a", regex=False).sum())
        a_ref = _pct_value(round(float(hints["a_discount"].iloc[0]), 1), lang)
        key = "actions.price_better" if n_better else "actions.price_better_none"
        items.append(t(key, lang, n=fmt_int(n_better, lang), q=q, a_discount=a_ref))
    costs = p.cost_to_serve.per_order_by_channel if p.cost_to_serve else None
    channel = cheapest(costs, p.price_hints.cheapest_channel) if p.transactions.columns.sales_channel else None
    if channel:
        n_cheaper = int(hints["cheaper_channel"].notna().sum())
        items.append(t("actions.price_channel", lang, n=fmt_int(n_cheaper, lang), channel=channel,
                       below=fmt_number(p.price_hints.cheaper_channel_below, lang, 2) + "×"))
    else:
        items.append(t("actions.price_no_channel", lang))
    return (head + paragraph(t("actions.price_intro", lang, avg=fmt_money(avg, lang))) + band_table(run, hints)
            + bullets(items, css_class="kp-list key-figures") + better_table(run, hints))


def plan_section(run: RunResults) -> str:
    """Heading, what the contact plan files hold, and the plan's first rows."""
    lang = run.lang
    # The 8 columns shown, not the plan's 16: at 3.5M customers 0.19-0.43 s to read instead of 0.44-1.31 s.
    plan = frame_columns(run.frames, "contact_plan", ["customer_id", "layer", "abc_class", "rfm_segment", "action",
                                                      "channel", "contacts_per_year", "priority"])
    head = heading(t("actions.plan", lang)) + paragraph(t("actions.plan_intro", lang))
    if plan is None or plan.empty:
        return head
    # One example per action (its customer highest in the plan) shows the plan's range better than its top rows.
    shown = plan.drop_duplicates("action").head(PLAN_ROWS_SHOWN)
    rows = [[Detail(str(r["customer_id"]), t(f"layer.{r['layer']}", lang)),
             "" if pd.isna(r["abc_class"]) else str(r["abc_class"]),
             "" if pd.isna(r["rfm_segment"]) else segment_label(run, str(r["rfm_segment"])),
             Detail(t(f"action.{r['action']}", lang),
                    t("actions.contact_detail", lang, channel=t(f"channel.{r['channel']}", lang),
                      n=fmt_number(r["contacts_per_year"], lang, 0))),
             t(f"priority.{int(r['priority'])}", lang)]
            for _, r in shown.iterrows()]
    header = [t("plan.col.customer_id", lang), t("plan.col.abc_class", lang), t("plan.col.rfm_segment", lang),
              t("plan.col.action", lang), t("plan.col.priority", lang)]
    return head + table_html(header, rows, caption=t("actions.plan_caption", lang), align="lllll",
                             css_class="kp-table first-nowrap")
