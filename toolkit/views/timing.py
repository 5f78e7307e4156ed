"""Report blocks of the purchase-timing chapter: seasonality, best moment per layer, intervals, overdue.

Each ``*_section`` function returns finished HTML (text, figure, table) from the
``timing_*`` frames of :mod:`toolkit.analyses.timing` and the customer table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.i18n import MONTHS, fmt_date, fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.segments import LAYERS
from toolkit.timing import interval_distribution, overdue_summary
from toolkit.views.core import bullets, figure_html, heading, paragraph, table_html
from toolkit.views.lifecycle import as_date, notes_html

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults


def month_name(month: int, lang: str) -> str:
    """The month's name (1 = January) in the report language."""
    return MONTHS[lang][int(month) - 1]


def weekday_name(weekday: int, lang: str) -> str:
    """The weekday's name (0 = Monday) in the report language."""
    return t(f"timing.weekday.{int(weekday)}", lang)


def _times(index: float, lang: str) -> str:
    return fmt_number(index, lang, 1) + "×"


def seasonality_section(run: RunResults) -> str:
    """Revenue and orders by month and by weekday, with the peaks and troughs in words."""
    from toolkit.plots.timing import plot_seasonality_month, plot_seasonality_weekday

    lang = run.lang
    month, weekday = run.frames.get("timing_month"), run.frames.get("timing_weekday")
    if month is None or weekday is None or month["revenue"].sum() == 0:
        return paragraph(t("timing.no_data", lang))
    years = int(month["years"].iloc[0])
    intro = (t("timing.season_intro", lang, years=fmt_int(years, lang), start=fmt_date(as_date(
        month["window_start"].iloc[0]), lang), end=fmt_date(run.period.end, lang)) if years else
             t("timing.season_intro_short", lang))
    ranked = month.sort_values(["revenue_index", "month"], ascending=[False, True])
    high, low = ranked.iloc[:2], ranked.iloc[-1]
    day = weekday.sort_values(["revenue_index", "weekday"], ascending=[False, True])
    items = [t("timing.kf_months", lang, first=month_name(high.iloc[0]["month"], lang),
               first_index=_times(high.iloc[0]["revenue_index"], lang), second=month_name(high.iloc[1]["month"], lang),
               low=month_name(low["month"], lang), low_index=_times(low["revenue_index"], lang),
               share=fmt_pct(month.nlargest(3, "revenue")["revenue_share"].sum(), lang)),
             t("timing.kf_weekday", lang, day=weekday_name(day.iloc[0]["weekday"], lang),
               index=_times(day.iloc[0]["revenue_index"], lang), low=weekday_name(day.iloc[-1]["weekday"], lang),
               low_index=_times(day.iloc[-1]["revenue_index"], lang))]
    return (heading(t("timing.season", lang)) + paragraph(intro) + notes_html(run, ("timing_short_history",))
            + bullets(items, css_class="kp-list key-figures")
            + figure_html(plot_seasonality_month(month, lang=lang), t("timing.month_figure", lang))
            + figure_html(plot_seasonality_weekday(weekday, lang=lang), t("timing.weekday_figure", lang)))


def best_moment_section(run: RunResults) -> str:
    """Per pyramid layer: the month and weekday in which its orders peak (the moment to contact it)."""
    lang = run.lang
    best = run.frames.get("timing_best_moment")
    if best is None or best.empty:
        return ""
    best = best[best["orders"] > 0]
    rows = [[t(f"layer.{r['segment']}", lang), fmt_int(r["customers"], lang), fmt_int(r["orders"], lang),
             f"{month_name(r['peak_month'], lang)} ({_times(r['peak_month_index'], lang)})",
             f"{weekday_name(r['peak_weekday'], lang)} ({_times(r['peak_weekday_index'], lang)})"]
            for _, r in best.iterrows() if r["segment"] in LAYERS]
    header = [t(f"timing.col.{c}", lang) for c in ("layer", "customers", "orders", "peak_month", "peak_weekday")]
    buying = best[best["segment"] != "inactive"]
    months, days = buying["peak_month"].unique(), buying["peak_weekday"].unique()
    if len(buying) and len(months) == 1 and len(days) == 1:
        sentence = t("timing.best_same", lang, month=month_name(months[0], lang), day=weekday_name(days[0], lang))
    else:
        sentence = t("timing.best_differ", lang)
    return (heading(t("timing.best", lang)) + paragraph(t("timing.best_intro", lang))
            + table_html(header, rows, caption=t("timing.best_caption", lang), css_class="kp-table first-nowrap")
            + paragraph(sentence))


def _interval_label(start: float, end: float, lang: str) -> str:
    def days(d: float) -> str:
        months = {14: None, 30: 1, 61: 2, 91: 3, 122: 4, 183: 6, 274: 9, 365: 12, 548: 18, 730: 24}
        m = months.get(int(d))
        if m is None:
            return t("timing.weeks", lang, n=fmt_int(d / 7, lang))
        return t("timing.months", lang, n=fmt_int(m, lang))

    if start == 0:
        return t("timing.under", lang, x=days(end))
    if np.isinf(end):
        return t("timing.over", lang, x=days(start))
    return f"{days(start)}–{days(end)}"


def interval_labels(distribution: pd.DataFrame, lang: str) -> list[str]:
    """Readable labels of the interval bins: ``< 2 weken``, ``1–2 mnd``, ``> 24 mnd``."""
    return [_interval_label(s, e, lang) for s, e in zip(distribution["bin_start"], distribution["bin_end"],
                                                          strict=True)]


def interval_section(run: RunResults) -> str:
    """How long customers usually wait between purchases: distribution and median."""
    from toolkit.plots.timing import plot_interval_distribution

    lang = run.lang
    c = run.customers
    if "usual_interval_days" not in c or c["usual_interval_days"].notna().sum() == 0:
        return heading(t("timing.intervals", lang)) + paragraph(t("timing.no_intervals", lang))
    dist = interval_distribution(c)
    values = c["usual_interval_days"].dropna()
    within_quarter = float((values < 91).mean())
    single = int(c["first_purchase"].notna().sum() - len(values))
    return (heading(t("timing.intervals", lang))
            + paragraph(t("timing.intervals_intro", lang, n=fmt_int(len(values), lang),
                          median=fmt_int(values.median(), lang), quarter=fmt_pct(within_quarter, lang),
                          single=fmt_int(max(single, 0), lang)))
            + figure_html(plot_interval_distribution(dist, labels=interval_labels(dist, lang), lang=lang),
                          t("timing.intervals_figure", lang)))


def overdue_section(run: RunResults) -> str:
    """Customers whose next purchase is overdue, per pyramid layer, and how many of them are still active."""
    lang = run.lang
    c = run.customers
    if "overdue" not in c:
        return ""
    p = run.params.timing
    summary = overdue_summary(c)
    summary = summary[summary["judged"] > 0]
    rows = [[t(f"layer.{r['segment']}", lang), fmt_int(r["judged"], lang), fmt_int(r["overdue"], lang),
             fmt_pct(r["overdue_share"], lang), fmt_int(r["overdue_active"], lang),
             fmt_money(r["overdue_active_revenue"], lang)] for _, r in summary.iterrows()]
    judged, overdue = int(summary["judged"].sum()), int(summary["overdue"].sum())
    active, revenue = int(summary["overdue_active"].sum()), float(summary["overdue_active_revenue"].sum())
    header = [t(f"timing.col.{c}", lang) for c in ("layer", "judged", "overdue", "overdue_share", "overdue_active",
                                                   "overdue_revenue")]
    total = [t("layer.total", lang), fmt_int(judged, lang), fmt_int(overdue, lang),
             fmt_pct(overdue / judged if judged else np.nan, lang), fmt_int(active, lang), fmt_money(revenue, lang)]
    return (heading(t("timing.overdue", lang))
            + paragraph(t("timing.overdue_intro", lang, factor=fmt_number(p.overdue_factor, lang, 1),
                          n=fmt_int(p.overdue_min_purchases, lang),
                          gap=fmt_int(run.params.lifecycle.churn_gap_months, lang)))
            + table_html(header, rows, caption=t("timing.overdue_caption", lang), total=total,
                         css_class="kp-table first-nowrap")
            + paragraph(t("timing.kf_overdue", lang, active=fmt_int(active, lang), revenue=fmt_money(revenue, lang))))
