"""Report blocks of the RFM chapter: segments, score ranges, value/frequency matrix, the two conventions.

Each ``*_section`` function returns the finished HTML of one part of the chapter (text,
table and figure), or a one-line notice when there is nothing to show, so the chapter
notebook stays a list of calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from toolkit.columns import frame_columns, only_columns
from toolkit.i18n import fmt_date, fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.rfm import rfm_score_ranges, rfm_segment_summary, value_frequency_matrix
from toolkit.segments import positions_in
from toolkit.views.core import Detail, bullets, figure_html, heading, paragraph, table_html

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Segments that bought often but not lately (named in the findings).
RISK_SEGMENTS = ("cant_lose", "at_risk")


def segment_label(run: RunResults, name: str) -> str:
    """A segment's label in the run's language: the params' own label, else the standard text."""
    for seg in run.params.rfm.segment_table():
        if seg.name == name and seg.label:
            return seg.label[run.lang]
    return t(f"rfm_segment.{name}", run.lang)


def segment_summary(run: RunResults) -> pd.DataFrame:
    """:func:`toolkit.rfm.rfm_segment_summary` of the run, in the order of the segment table."""
    c = only_columns(run.customers, ["rfm_segment", "revenue", "r_score", "recency_days", "frequency", "monetary"])
    return rfm_segment_summary(c, segments=[s.name for s in run.params.rfm.segment_table()])


def _buyers(run: RunResults) -> int:
    return int(run.customers["r_score"].notna().sum())


def notes_html(run: RunResults, prefix: str) -> str:
    """The run's notes whose code starts with ``prefix``, as a list (empty string when none)."""
    from toolkit.views.quality import note_text

    items = [note_text(n, run.lang) for n in run.notes if str(n.get("code", "")).startswith(prefix)]
    return bullets(items) if items else ""


def rfm_intro(run: RunResults) -> str:
    """What RFM measures here, with this run's reference date, scale and number of buyers."""
    n = _buyers(run)
    if n == 0:
        return paragraph(t("rfm.no_buyers", run.lang))
    return paragraph(t("rfm.intro", run.lang, ref=fmt_date(run.period.end, run.lang), k=run.params.rfm.scores,
                       n=fmt_int(n, run.lang))) + notes_html(run, "rfm_")


def _range(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}–{hi}"


def segment_table(run: RunResults, summary: pd.DataFrame) -> str:
    """Customers, revenue and typical recency, frequency and spend per segment, with its definition."""
    lang = run.lang
    table = {s.name: s for s in run.params.rfm.segment_table()}
    k = run.params.rfm.scores
    rows = []
    for _, r in summary.iterrows():
        seg = table.get(r["segment"])
        definition = ""
        if seg is not None:
            whole = (1, k)
            key = "rfm.definition" if (seg.m or whole) == whole else "rfm.definition_m"
            definition = t(key, lang, r=_range(*(seg.r or whole)), f=_range(*(seg.f or whole)),
                           m=_range(*(seg.m or whole)))
        rows.append([Detail(segment_label(run, r["segment"]), definition), fmt_int(r["customers"], lang),
                     fmt_pct(r["customer_share"], lang), fmt_money(r["revenue"], lang),
                     fmt_pct(r["revenue_share"], lang), fmt_number(r["recency_days"], lang, 0),
                     fmt_number(r["frequency"], lang, 1), fmt_money(r["monetary"], lang)])
    total = [t("layer.total", lang), fmt_int(summary["customers"].sum(), lang), fmt_pct(1.0, lang),
             fmt_money(summary["revenue"].sum(), lang), fmt_pct(1.0, lang), "", "", ""]
    header = [t("rfm.col.segment", lang), t("col.customers", lang), t("col.customer_share", lang),
              t("col.revenue", lang), t("col.revenue_share", lang), t("rfm.col.recency", lang),
              t("rfm.col.frequency", lang), t("rfm.col.monetary", lang)]
    return table_html(header, rows, caption=t("rfm.segments_caption", lang), total=total,
                      css_class="kp-table first-nowrap")


def findings(run: RunResults, summary: pd.DataFrame) -> str:
    """Three sentences: the best segment's weight, the revenue at risk, the one-order buyers."""
    lang = run.lang
    by = summary.set_index("segment")
    items = []
    best = summary[summary["customers"] > 0].head(1)
    if len(best):
        b = best.iloc[0]
        items.append(t("rfm.finding_top", lang, label=segment_label(run, b["segment"]), n=fmt_int(b["customers"], lang),
                       cshare=fmt_pct(b["customer_share"], lang), rshare=fmt_pct(b["revenue_share"], lang),
                       orders=fmt_number(b["frequency"], lang, 1)))
    risk = [s for s in RISK_SEGMENTS if s in by.index and by.loc[s, "customers"] > 0]
    if risk:
        items.append(t("rfm.finding_risk", lang, n=fmt_int(by.loc[risk, "customers"].sum(), lang),
                       labels=", ".join(segment_label(run, s) for s in risk),
                       revenue=fmt_money(by.loc[risk, "revenue"].sum(), lang)))
    c = only_columns(run.customers, ["r_score", "frequency"])
    scored = c[c["r_score"].notna()]
    if len(scored):
        once = (scored["frequency"].astype(float) == 1).mean()
        items.append(t("rfm.finding_once", lang, share=fmt_pct(once, lang)))
    return bullets(items, css_class="kp-list key-figures") if items else ""


def segments_section(run: RunResults) -> str:
    """Heading, segment table, figure and findings (empty without buyers)."""
    from toolkit.plots.rfm import plot_rfm_segments

    if _buyers(run) == 0:
        return ""
    summary = segment_summary(run)
    shown = summary[summary["customers"] > 0]
    ax = plot_rfm_segments(shown, lang=run.lang, labels={s: segment_label(run, s) for s in shown["segment"]})
    return (heading(t("rfm.segments", run.lang)) + segment_table(run, summary)
            + figure_html(ax, t("rfm.segments_figure", run.lang)) + findings(run, summary))


def score_table(run: RunResults) -> str:
    """Per score: the range of days, orders and revenue it stands for, and its customers."""
    lang = run.lang
    c = only_columns(run.customers, ["recency_days", "frequency", "monetary", "r_score", "f_score", "m_score"])
    ranges = rfm_score_ranges(c, scores=run.params.rfm.scores)

    def span(lo: float, hi: float, n: int, money: bool = False) -> str:
        if n == 0:
            return t("rfm.empty_score", lang)
        f = (lambda v: fmt_money(v, lang)) if money else (lambda v: fmt_int(v, lang))
        text = f(lo) if lo == hi else f"{f(lo)} – {f(hi)}"
        return Detail(text, f"{fmt_int(n, lang)} {t('rfm.col.n', lang)}")

    rows = [[str(int(r["score"])), span(r["r_min"], r["r_max"], r["r_customers"]),
             span(r["f_min"], r["f_max"], r["f_customers"]),
             span(r["m_min"], r["m_max"], r["m_customers"], money=True)] for _, r in ranges.iterrows()]
    header = [t("rfm.col.score", lang), t("rfm.col.r_range", lang), t("rfm.col.f_range", lang),
              t("rfm.col.m_range", lang)]
    return table_html(header, rows, caption=t("rfm.scores_caption", lang), align="lrrr")


def scores_section(run: RunResults) -> str:
    """Heading and the score-range table (empty without buyers)."""
    if _buyers(run) == 0:
        return ""
    return heading(t("rfm.scores", run.lang)) + score_table(run)


def value_frequency_section(run: RunResults) -> str:
    """Heading, explanation and heat map of the value/frequency matrix (empty without buyers)."""
    from toolkit.plots.rfm import plot_value_frequency

    if _buyers(run) == 0:
        return ""
    matrix = value_frequency_matrix(only_columns(run.customers, ["pyramid_layer", "orders", "revenue"]),
                                    frequency_classes=run.params.rfm.frequency_classes)
    ax = plot_value_frequency(matrix, lang=run.lang)
    return (heading(t("rfm.vf", run.lang)) + paragraph(t("rfm.vf_intro", run.lang))
            + figure_html(ax, t("rfm.vf_caption", run.lang)))


def conventions_section(run: RunResults) -> str:
    """The two meanings of R, F and M (segmentation here, the CLV models) side by side."""
    lang = run.lang
    rows = [[t(f"rfm.conv.{q}", lang), t(f"rfm.conv.{q}.ours", lang), t(f"rfm.conv.{q}.clv", lang)]
            for q in ("window", "frequency", "recency", "age", "monetary", "once")]
    header = [t("rfm.col.quantity", lang), t("rfm.col.ours", lang), t("rfm.col.clv", lang)]
    return (heading(t("rfm.conventions", lang)) + paragraph(t("rfm.conventions_intro", lang))
            + table_html(header, rows, caption=t("rfm.conventions_caption", lang), align="lll",
                         css_class="kp-table first-nowrap") + conventions_numbers(run))


def conventions_numbers(run: RunResults) -> str:
    """The same buyers' average R, F and M in both conventions, when the CLV analysis computed its summary."""
    lang = run.lang
    needed = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    clv = frame_columns(run.frames, "clv_customers", needed)  # not its 6 prediction columns
    if clv is None or not set(needed) <= set(clv.columns):
        return ""
    # Only the columns compared, matched by position: the whole table and a text reindex took seconds at 3.5M.
    c = run.customers
    buyers = c.loc[c["r_score"].notna().to_numpy(),
                   [col for col in ("customer_id", "frequency", "recency_days", "monetary") if col in c]]
    at = positions_in(buyers["customer_id"].astype(str), clv["customer_id"].astype(str))
    other = clv[["frequency", "recency", "T", "monetary_value"]].reset_index(drop=True).reindex(at)
    if buyers.empty or other["frequency"].isna().all():
        return ""
    # The CLV summary counts time in its own unit (weeks, as lifetimes does, unless its settings say otherwise).
    from toolkit.clv import DAYS_PER_UNIT

    settings = run.frames.get("clv_settings")
    unit = str(settings["time_unit"].iloc[0]) if settings is not None and "time_unit" in settings else "W"
    days = DAYS_PER_UNIT.get(unit, 7.0)
    rows = [[t("rfm.conv.frequency", lang), fmt_number(buyers["frequency"].astype(float).mean(), lang, 1),
             fmt_number(other["frequency"].mean(), lang, 1)],
            [t("rfm.conv.recency", lang), fmt_number(buyers["recency_days"].astype(float).mean(), lang, 0),
             fmt_number(other["recency"].mean() * days, lang, 0)],
            [t("rfm.conv.age", lang), "–", fmt_number(other["T"].mean() * days, lang, 0)],
            [t("rfm.conv.monetary", lang), fmt_money(buyers["monetary"].astype(float).mean(), lang),
             fmt_money(other["monetary_value"].mean(), lang)]]
    header = [t("rfm.col.quantity", lang), t("rfm.col.ours", lang), t("rfm.col.clv", lang)]
    return table_html(header, rows, caption=t("rfm.conventions_numbers", lang, n=fmt_int(len(buyers), lang)))
