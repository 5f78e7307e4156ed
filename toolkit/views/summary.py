"""Report blocks of the executive summary: findings with links, approach per layer, changes since then."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.i18n import esc, fmt_date, fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.segments import LAYERS, key_figures, pyramid_summary
from toolkit.summary import earlier_run, key_figure_changes, layer_changes, summary_findings
from toolkit.views.actions import strategy_text
from toolkit.views.core import heading, paragraph, run_cached, table_html
from toolkit.views.migration import matrix_table, window_label

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Key figures shown as money, as a share, or as a count in the comparison table.
MONEY_FIGURES = ("revenue", "revenue_per_customer", "margin")
SHARE_FIGURES = ("top20_revenue_share", "retention_rate")


#: Stands in for a chapter link while a sentence is formatted and escaped.
_LINK = "\x00chapter\x00"


def chapter_ref(run: RunResults, chapter: str) -> str:
    """The chapter's title as HTML: a link to it, or plain text when the chapter is switched off."""
    title = esc(t(f"chapter.{chapter}", run.lang))
    return f'<a href="#ch-{chapter}">{title}</a>' if run.params.chapters.get(chapter, True) else title


def linked(text: str, run: RunResults, chapter: str) -> str:
    """``text`` (holding the link placeholder) escaped, with the chapter reference put in."""
    return esc(text).replace(_LINK, chapter_ref(run, chapter))


def chapter_link(run: RunResults, chapter: str) -> str:
    """``see <chapter title>`` with the title linked (HTML)."""
    return linked(t("summary.see", run.lang, chapter=_LINK), run, chapter)


def finding_sentence(row: pd.Series, lang: str) -> str:
    """One finding as a sentence in ``lang`` (figures formatted, label escaped by the caller's paragraph)."""
    values = {"count": fmt_int(row["count"], lang) if pd.notna(row["count"]) else "",
              "amount": fmt_money(row["amount"], lang) if pd.notna(row["amount"]) else "",
              "share": fmt_pct(row["share"], lang) if pd.notna(row["share"]) else "",
              "label": row["label"] if isinstance(row["label"], str) else ""}
    if row["finding"] == "churn":
        first, last = (dt.date.fromisoformat(d) for d in row["label"].split(".."))
        values["label"] = window_label(first, last, lang)
    if row["finding"] == "upgrade":
        values["value"] = fmt_number(row["value"], lang, 0 if float(row["value"]).is_integer() else 1) + "%"
    elif pd.notna(row["value"]):
        values["value"] = fmt_pct(row["value"], lang)
    return t(f"summary.finding.{row['finding']}", lang, **values)


def _key_figures(run: RunResults) -> pd.DataFrame:
    """:func:`toolkit.segments.key_figures` of the run's customers, once per chapter (two seconds at 3.5M)."""
    return run_cached(run, "key_figures", key_figures, run.customers)


def _layers(run: RunResults) -> pd.DataFrame:
    """:func:`toolkit.segments.pyramid_summary` of the run's customers, once per chapter."""
    return run_cached(run, "pyramid_summary", pyramid_summary, run.customers)


def intro(run: RunResults) -> str:
    """Who, which period, how many buyers and how much revenue."""
    lang = run.lang
    figures = _key_figures(run).set_index("key")["value"]
    period = t("period.range", lang, start=fmt_date(run.period.first_day, lang), end=fmt_date(run.period.end, lang))
    return paragraph(t("summary.intro", lang, client=run.params.client, period=period,
                       buyers=fmt_int(figures["buying_customers"], lang), revenue=fmt_money(figures["revenue"], lang)),
                     "kp-lead")


def findings_section(run: RunResults) -> str:
    """The numbered findings, each with a link to its chapter."""
    lang = run.lang
    rows = summary_findings(run, figures=_key_figures(run), layers=_layers(run))
    if rows.empty:
        return ""
    items = "".join(f'<li>{esc(finding_sentence(r, lang))} <span class="kp-see">({chapter_link(run, r["chapter"])})'
                    "</span></li>" for _, r in rows.iterrows())
    return heading(t("summary.findings", lang)) + f'<ol class="kp-findings">{items}</ol>'


def actions_section(run: RunResults) -> str:
    """The recommended approach per layer: customers, share of revenue, strategy."""
    lang = run.lang
    layers = _layers(run).set_index("layer")
    total = layers.loc[list(LAYERS), "revenue"].sum()
    rows = [[t(f"layer.{layer}", lang), fmt_int(layers.loc[layer, "customers"], lang),
             fmt_pct(layers.loc[layer, "revenue"] / total if total else np.nan, lang), strategy_text(run, layer)]
            for layer in LAYERS]
    header = [t("col.layer", lang), t("col.customers", lang), t("col.revenue_share", lang), t("col.strategy", lang)]
    return (heading(t("summary.actions", lang))
            + table_html(header, rows, caption=t("summary.actions_caption", lang), align="lrrl",
                         css_class="kp-table first-nowrap")
            + f"<p>{linked(t('summary.actions_more', lang, chapter=_LINK), run, 'actions')}</p>")


def _figure(key: str, value: float, lang: str, *, change: bool = False) -> str:
    sign = "+" if change and value > 0 else ""
    if key in MONEY_FIGURES:
        return sign + fmt_money(value, lang)
    if key in SHARE_FIGURES:
        if change:
            return sign + t("unit.points", lang, n=fmt_number(value * 100, lang, 1))
        return fmt_pct(value, lang)
    return sign + fmt_int(value, lang)


def compare_section(run: RunResults) -> str:
    """Changes since an earlier run (``compare_with``), or against the previous period by default."""
    lang = run.lang
    if run.params.compare_path is None:
        return _previous_period(run)
    earlier = earlier_run(run.params.compare_path)
    changes = key_figure_changes(_key_figures(run), earlier.key_figures)
    rows = [[t(f"figure.{r['key']}", lang), _figure(r["key"], r["earlier"], lang), _figure(r["key"], r["now"], lang),
             _figure(r["key"], r["change"], lang, change=True)
             + (f" ({'+' if r['change_pct'] > 0 else ''}{fmt_pct(r['change_pct'], lang)})"
                if pd.notna(r["change_pct"]) else "")]
            for _, r in changes.iterrows()]
    header = [t("col.key_figure", lang), t("col.then", lang), t("col.now", lang), t("col.change", lang)]
    then = fmt_date(pd.Timestamp(earlier.reference_date).date(), lang) if earlier.reference_date else "?"
    matrix = layer_changes(earlier.layers, run.customers)
    return (heading(t("summary.compare", lang))
            + paragraph(t("summary.compare_intro", lang, date=then, folder=earlier.folder.name))
            + table_html(header, rows, caption=t("summary.compare_caption", lang), align="lrrr")
            + paragraph(_moves_sentence(matrix, lang))
            + matrix_table(run, matrix, labels=(then, fmt_date(run.period.end, lang))))


def _moves_sentence(matrix: pd.DataFrame, lang: str) -> str:
    order = {layer: i for i, layer in enumerate(LAYERS)}
    buying = matrix[matrix["layer_earlier"].isin(order) & matrix["layer_later"].isin(order)]
    rank_from = buying["layer_earlier"].map(order)
    rank_to = buying["layer_later"].map(order)
    up = int(buying.loc[rank_to < rank_from, "customers"].sum())
    down = int(buying.loc[(rank_to > rank_from) & (buying["layer_later"] != "inactive"), "customers"].sum())
    new = int(matrix.loc[matrix["layer_earlier"] == "new", "customers"].sum())
    lost = int(matrix.loc[(matrix["layer_later"] == "inactive") & (matrix["layer_earlier"] != "inactive"),
                          "customers"].sum())
    return t("summary.moves_sentence", lang, up=fmt_int(up, lang), down=fmt_int(down, lang), new=fmt_int(new, lang),
             lost=fmt_int(lost, lang))


def _previous_period(run: RunResults) -> str:
    """Without an earlier run: the change against the previous period of the same length."""
    lang = run.lang
    f = _key_figures(run).set_index("key")["value"]
    if not f["previous_buying_customers"]:
        return ""
    c = run.customers
    before = float(c["revenue_previous"].astype(float).sum())
    change = f["revenue"] - before
    buyers = f["buying_customers"] - f["previous_buying_customers"]
    period = t("period.range", lang, start=fmt_date(run.period.previous_start + dt.timedelta(days=1), lang),
               end=fmt_date(run.period.start, lang))
    revenue_change = (("+" if change > 0 else "") + fmt_money(change, lang)
                      + (f" ({'+' if change > 0 else ''}{fmt_pct(change / before, lang)})" if before else ""))
    text = t("summary.previous_period", lang, period=period, buyers_change=("+" if buyers > 0 else "") + fmt_int(buyers,
                                                                                                                lang),
             revenue_change=revenue_change, retention=fmt_pct(f["retention_rate"], lang), chapter=_LINK)
    return heading(t("summary.compare_previous", lang)) + f"<p>{linked(text, run, 'migration')}</p>"
