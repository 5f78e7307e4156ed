"""Report blocks of the churn-and-acquisition and cohort chapters.

Each ``*_section`` function returns the finished HTML of one part of a chapter (text,
figure, table), or one line saying what is missing, so the chapter notebooks stay a
list of calls. The numbers come from the ``lifecycle_*`` frames of
:mod:`toolkit.analyses.lifecycle`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.i18n import MONTHS_SHORT, fmt_int, fmt_money, fmt_pct, t
from toolkit.lifecycle import OTHER_CHANNEL, UNKNOWN_CHANNEL, channel_summary, group_channels, period_code
from toolkit.views.core import bullets, figure_html, heading, note_box, paragraph, table_html

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Channels shown by name in the acquisition chart and table; smaller ones are grouped.
MAX_CHANNELS = 7
#: New customers a channel needs (in complete periods) before its retention is compared.
MIN_CHANNEL_BASE = 30


def as_date(value: object) -> dt.date:
    """A date from a frame cell (date, Timestamp or datetime64)."""
    return pd.Timestamp(value).date()


def period_label(start: object, end: object, lang: str) -> str:
    """A period as a reader says it: ``2025``, ``K3 2025`` / ``Q3 2025``, ``jul 2025``, or ``jul 2024–jun 2025``.

    Examples
    --------
    >>> period_label(dt.date(2025, 7, 1), dt.date(2025, 9, 30), "nl"), period_label("2024-07-16", "2025-07-15", "en")
    ('K3 2025', 'Jul 2024–Jul 2025')
    """
    s, e = as_date(start), as_date(end)
    code = period_code(s, e)
    if len(code) == 4:
        return code
    if "-Q" in code:
        return t("lifecycle.quarter", lang, q=code[-1], year=code[:4])
    if len(code) == 7:
        return f"{MONTHS_SHORT[lang][s.month - 1]} {s.year}"
    return f"{MONTHS_SHORT[lang][s.month - 1]} {s.year}–{MONTHS_SHORT[lang][e.month - 1]} {e.year}"


def notes_html(run: RunResults, codes: tuple[str, ...]) -> str:
    """The run's notes with one of ``codes``, as highlighted boxes (empty string when none)."""
    from toolkit.views.quality import note_text

    return "".join(note_box(note_text(n, run.lang)) for n in run.notes if n.get("code") in codes)


def channel_label(channel: object, lang: str) -> str:
    """A channel name as in the data, or the text for grouped and unknown channels."""
    if channel == OTHER_CHANNEL:
        return t("lifecycle.channel_other", lang)
    if channel is None or channel == UNKNOWN_CHANNEL or (isinstance(channel, float) and np.isnan(channel)):
        return t("lifecycle.channel_unknown", lang)
    return str(channel)


def _granularity(run: RunResults, key: str = "period") -> str:
    return t(f"lifecycle.unit.{getattr(run.params.lifecycle, key)}", run.lang)


# ---------------------------------------------------------------------------------------------
# Churn and acquisition


def churn_intro(run: RunResults) -> str:
    """How lost, new and reactivated are defined in this run, or why there is no churn table."""
    lang, p = run.lang, run.params.lifecycle
    flow = run.frames.get("lifecycle_flow")
    has_created = run.params.customers is not None and run.params.customers.columns.created is not None
    text = t("lifecycle.intro", lang, gap=fmt_int(p.churn_gap_months, lang), unit=_granularity(run)) + " " + t(
        "lifecycle.new_rule_master" if has_created else "lifecycle.new_rule_data", lang,
        gap=fmt_int(p.churn_gap_months, lang))
    out = paragraph(text)
    if flow is None or flow.empty:
        out += notes_html(run, ("lifecycle_short_history",)) or note_box(t("lifecycle.no_periods", lang))
    return out


def _flow_sentences(run: RunResults, flow: pd.DataFrame) -> list[str]:
    lang = run.lang
    last = flow.iloc[-1]
    period = period_label(last["period_start"], last["period_end"], lang)
    items = [t("lifecycle.kf_lost", lang, period=period, lost=fmt_int(last["lost"], lang),
               churn=fmt_pct(last["churn_rate"], lang), start=fmt_int(last["customers_start"], lang),
               revenue=fmt_money(last["revenue_lost"], lang)),
             t("lifecycle.kf_won", lang, new=fmt_int(last["new"], lang), revenue=fmt_money(last["revenue_new"], lang),
               back=fmt_int(last["reactivated"], lang))]
    change = last["customers_end"] - last["customers_start"]
    key = "lifecycle.kf_grew" if change > 0 else "lifecycle.kf_shrank" if change < 0 else "lifecycle.kf_flat"
    items.append(t(key, lang, start=fmt_int(last["customers_start"], lang), end=fmt_int(last["customers_end"], lang),
                   change=fmt_pct(abs(change) / last["customers_start"], lang) if last["customers_start"] else "–"))
    if len(flow) >= 2 and pd.notna(flow["churn_rate"].iloc[0]):
        first = flow.iloc[0]
        key = "lifecycle.kf_trend_down" if last["churn_rate"] < first["churn_rate"] else "lifecycle.kf_trend_up"
        items.append(t(key, lang, first=fmt_pct(first["churn_rate"], lang),
                       first_period=period_label(first["period_start"], first["period_end"], lang),
                       last=fmt_pct(last["churn_rate"], lang)))
    return items


def flow_table(run: RunResults, flow: pd.DataFrame) -> str:
    """Customers at start, new, back, lost, at end, churn, and revenue won and lost per period."""
    lang = run.lang
    rows = [[period_label(r["period_start"], r["period_end"], lang), fmt_int(r["customers_start"], lang),
             fmt_int(r["new"], lang), fmt_int(r["reactivated"], lang), fmt_int(r["lost"], lang),
             fmt_int(r["customers_end"], lang), fmt_pct(r["churn_rate"], lang), fmt_money(r["revenue_new"], lang),
             fmt_money(r["revenue_lost"], lang)] for _, r in flow.iterrows()]
    header = [t(f"lifecycle.col.{c}", lang) for c in ("period", "start", "new", "reactivated", "lost", "end",
                                                      "churn", "revenue_new", "revenue_lost")]
    return table_html(header, rows, caption=t("lifecycle.flow_caption", lang), css_class="kp-table first-nowrap")


def churn_section(run: RunResults) -> str:
    """Key sentences, the flow chart and the flow table (empty when there are no periods)."""
    from toolkit.plots.lifecycle import plot_churn_flow

    flow = run.frames.get("lifecycle_flow")
    if flow is None or flow.empty:
        return ""
    lang = run.lang
    return (bullets(_flow_sentences(run, flow), css_class="kp-list key-figures")
            + figure_html(plot_churn_flow(flow, lang=lang), t("lifecycle.flow_figure", lang,
                                                                 gap=fmt_int(run.params.lifecycle.churn_gap_months,
                                                                             lang)))
            + flow_table(run, flow)
            + paragraph(t("lifecycle.flow_note", lang)))


def _complete_periods(run: RunResults, channels: pd.DataFrame, flag: str) -> str:
    periods = channels.loc[channels[flag].astype(bool), ["period_start", "period_end"]].drop_duplicates()
    return ", ".join(period_label(s, e, run.lang) for s, e in periods.itertuples(index=False)) or "–"


def _channel_findings(run: RunResults, summary: pd.DataFrame) -> list[str]:
    lang = run.lang
    named = summary[~summary["channel"].isin([OTHER_CHANNEL, UNKNOWN_CHANNEL])]
    comparable = named[(named["base_1y"] >= MIN_CHANNEL_BASE) & named["retention_1y"].notna()]
    items = []
    if len(comparable) >= 2:
        best = comparable.sort_values(["retention_1y", "new_customers"], ascending=[False, False]).iloc[0]
        worst = comparable.sort_values(["retention_1y", "new_customers"], ascending=[True, False]).iloc[0]
        items.append(t("lifecycle.best_channel", lang, channel=channel_label(best["channel"], lang),
                       retention=fmt_pct(best["retention_1y"], lang),
                       revenue=fmt_money(best["first_year_revenue_per_customer"], lang),
                       worst=channel_label(worst["channel"], lang),
                       worst_retention=fmt_pct(worst["retention_1y"], lang)))
    biggest = named.sort_values("new_customers", ascending=False)
    if len(biggest):
        b = biggest.iloc[0]
        items.append(t("lifecycle.biggest_channel", lang, channel=channel_label(b["channel"], lang),
                       share=fmt_pct(b["share"], lang), n=fmt_int(b["new_customers"], lang)))
    valued = named[named["first_year_revenue_per_customer"].notna() & (named["base_1y"] >= MIN_CHANNEL_BASE)]
    if len(valued) >= 2:
        top = valued.sort_values("first_year_revenue_per_customer", ascending=False).iloc[0]
        items.append(t("lifecycle.richest_channel", lang, channel=channel_label(top["channel"], lang),
                       revenue=fmt_money(top["first_year_revenue_per_customer"], lang)))
    return items


def channel_section(run: RunResults) -> str:
    """New customers per period and channel (chart), and per channel their value and retention (table)."""
    from toolkit.plots.lifecycle import plot_new_by_channel

    lang = run.lang
    channels = run.frames.get("lifecycle_channels")
    out = heading(t("lifecycle.channels", lang))
    if channels is None or channels.empty:
        return out + paragraph(t("lifecycle.no_channel_periods", lang))
    source = channels["channel_source"].iloc[0]
    grouped = group_channels(channels, max_channels=MAX_CHANNELS)
    if source is None or (isinstance(source, float) and np.isnan(source)):
        return out + paragraph(t("lifecycle.map_channel", lang))
    out += paragraph(t(f"lifecycle.channels_intro_{source}", lang, unit=_granularity(run)))
    out += figure_html(plot_new_by_channel(grouped, lang=lang), t("lifecycle.channels_figure", lang))
    summary = channel_summary(grouped)
    rows = [[channel_label(r["channel"], lang), fmt_int(r["new_customers"], lang), fmt_pct(r["share"], lang),
             fmt_money(r["first_year_revenue_per_customer"], lang), fmt_pct(r["retention_1y"], lang),
             fmt_pct(r["retention_2y"], lang)] for _, r in summary.iterrows()]
    total = channel_summary(grouped.assign(channel="all"))
    tot = total.iloc[0]
    header = [t(f"lifecycle.col.{c}", lang) for c in ("channel", "new_customers", "share", "first_year",
                                                      "retention_1y", "retention_2y")]
    out += table_html(header, rows, caption=t("lifecycle.channels_caption", lang), css_class="kp-table first-nowrap",
                      total=[t("layer.total", lang), fmt_int(tot["new_customers"], lang), fmt_pct(1.0, lang),
                             fmt_money(tot["first_year_revenue_per_customer"], lang),
                             fmt_pct(tot["retention_1y"], lang), fmt_pct(tot["retention_2y"], lang)])
    out += paragraph(t("lifecycle.channels_note", lang,
                       first_year=_complete_periods(run, channels, "first_year_complete"),
                       year1=_complete_periods(run, channels, "retained_1y_complete"),
                       year2=_complete_periods(run, channels, "retained_2y_complete")),)
    findings = _channel_findings(run, summary)
    return out + (bullets(findings, css_class="kp-list key-figures") if findings else "")


# ---------------------------------------------------------------------------------------------
# Cohorts


def cohort_intro(run: RunResults) -> str:
    """How to read the cohort heat maps, or why there are none."""
    lang = run.lang
    cohorts = run.frames.get("lifecycle_cohorts")
    if cohorts is None or cohorts.empty:
        return paragraph(t("cohort.none", lang))
    n = cohorts[["cohort_start"]].drop_duplicates().shape[0]
    size = int(cohorts.loc[cohorts["age"] == 0, "cohort_size"].sum())
    return paragraph(t("cohort.intro", lang, n=fmt_int(n, lang), customers=fmt_int(size, lang),
                       unit=_granularity(run, "cohort_period")))


def _mean_retention(cohorts: pd.DataFrame, age: int, column: str) -> float:
    """Customer-weighted mean retention at ``age`` over the cohorts that reached it."""
    rows = cohorts[(cohorts["age"] == age) & (cohorts["cohort_size"] > 0)]
    if rows.empty:
        return float("nan")
    if column == "customer_retention":
        return float(rows["customers"].sum() / rows["cohort_size"].sum())
    first = cohorts[cohorts["age"] == 0].set_index("cohort_start")["revenue"]
    base = first.reindex(rows["cohort_start"]).sum()
    return float(rows["revenue"].sum() / base) if base > 0 else float("nan")


def cohort_findings(run: RunResults) -> str:
    """Average retention one period and one year after the first purchase, and the best and worst cohort."""
    lang = run.lang
    cohorts = run.frames.get("lifecycle_cohorts")
    if cohorts is None or cohorts.empty:
        return ""
    per_year = {"year": 1, "quarter": 4, "month": 12}[run.params.lifecycle.cohort_period]
    items = []
    next_period = _mean_retention(cohorts, 1, "customer_retention")
    if not np.isnan(next_period):
        items.append(t("cohort.kf_next", lang, share=fmt_pct(next_period, lang), unit=_granularity(run,
                                                                                                  "cohort_period")))
    year = _mean_retention(cohorts, per_year, "customer_retention")
    year_rev = _mean_retention(cohorts, per_year, "revenue_retention")
    if not np.isnan(year):
        items.append(t("cohort.kf_year", lang, share=fmt_pct(year, lang), revenue=fmt_pct(year_rev, lang)))
        at_year = cohorts[(cohorts["age"] == per_year) & (cohorts["cohort_size"] >= MIN_CHANNEL_BASE)]
        if len(at_year) >= 2:
            best = at_year.sort_values("customer_retention", ascending=False).iloc[0]
            worst = at_year.sort_values("customer_retention").iloc[0]
            items.append(t("cohort.kf_best", lang, best=period_label(best["cohort_start"], best["cohort_end"], lang),
                           best_share=fmt_pct(best["customer_retention"], lang),
                           worst=period_label(worst["cohort_start"], worst["cohort_end"], lang),
                           worst_share=fmt_pct(worst["customer_retention"], lang)))
    return bullets(items, css_class="kp-list key-figures") if items else ""


def cohort_heatmaps(run: RunResults) -> str:
    """The customer-retention and revenue-retention heat maps of the acquisition cohorts."""
    from toolkit.plots.lifecycle import plot_cohort_heatmap

    lang = run.lang
    cohorts = run.frames.get("lifecycle_cohorts")
    if cohorts is None or cohorts.empty:
        return ""
    unit = run.params.lifecycle.cohort_period
    return (heading(t("cohort.customers_heading", lang))
            + figure_html(plot_cohort_heatmap(cohorts, lang=lang, value="customer_retention", unit=unit),
                          t("cohort.customers_figure", lang))
            + heading(t("cohort.revenue_heading", lang))
            + paragraph(t("cohort.revenue_text", lang))
            + figure_html(plot_cohort_heatmap(cohorts, lang=lang, value="revenue_retention", unit=unit),
                          t("cohort.revenue_figure", lang)))


def cohort_table(run: RunResults) -> str:
    """Per cohort: size, first-period revenue per customer and retention after one and two years."""
    lang = run.lang
    cohorts = run.frames.get("lifecycle_cohorts")
    if cohorts is None or cohorts.empty:
        return ""
    per_year = {"year": 1, "quarter": 4, "month": 12}[run.params.lifecycle.cohort_period]
    rows = []
    for (start, end), part in cohorts.groupby(["cohort_start", "cohort_end"], sort=True):
        by_age = part.set_index("age")
        size = int(by_age.loc[0, "cohort_size"])
        first = by_age.loc[0, "revenue"] / size if size else np.nan

        def at(age: int, col: str, by_age: pd.DataFrame = by_age) -> str:
            return fmt_pct(by_age.loc[age, col], lang) if age in by_age.index else "–"

        rows.append([period_label(start, end, lang), fmt_int(size, lang), fmt_money(first, lang),
                     at(per_year, "customer_retention"), at(2 * per_year, "customer_retention"),
                     at(per_year, "revenue_retention"), at(2 * per_year, "revenue_retention")])
    header = [t(f"cohort.col.{c}", lang) for c in ("cohort", "size", "first_revenue", "customers_1y",
                                                   "customers_2y", "revenue_1y", "revenue_2y")]
    return table_html(header, rows, caption=t("cohort.table_caption", lang),
                      css_class="kp-table first-nowrap small")
