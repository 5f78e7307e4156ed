"""Report blocks of the personas chapter: profile tables, persona cards and traits per segment.

Persona cards are compact printable panels (HTML with their own ``kp-persona-`` CSS,
emitted once by :func:`intro`): name and size, the key figures with their index,
the distinctive traits in words, a small chart of the product groups the segment
buys against the whole base, and the consultant's narrative from the params.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.i18n import TEXTS, esc, fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.personas import (
    DIMENSIONS,
    distinctive_traits,
    missing_inputs,
    segment_metrics,
    segment_order,
    segment_traits,
)
from toolkit.views.core import Detail, Subtotal, figure_svg, heading, paragraph, table_html

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Values per dimension in the traits table (the most common first).
TRAIT_ROWS = {"region": 5, "channel": 7}
#: The traits tables: who the customers are; where they come from and how they buy.
TRAIT_TABLES = (("age_band", "gender", "customer_type"), ("channel", "region", "buying_channel"))
#: Product groups on a card's chart.
CARD_GROUPS = 6

CSS = """<style>
.kp-persona-card { border: 0.8pt solid #CBD2D9; border-top: 3pt solid #0B4F8A; padding: 2.5mm 3.5mm 2.5mm;
  margin: 0 0 5mm; break-inside: avoid; page-break-inside: avoid; }
p.kp-persona-name { font-size: 12pt; font-weight: bold; color: #0B4F8A; margin: 0; }
p.kp-persona-size { font-size: 8.5pt; color: #616E7C; margin: 0.5mm 0 2mm; }
table.kp-persona-layout { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 0; }
td.kp-persona-left { width: 54%; vertical-align: top; padding: 0 3mm 0 0; }
td.kp-persona-right { vertical-align: top; padding: 0; }
td.kp-persona-right svg { display: block; width: 100%; height: auto; }
table.kp-persona-figures { width: 100%; border-collapse: collapse; font-size: 8.5pt; margin: 0; }
table.kp-persona-figures td { padding: 0.5mm 1mm; border-bottom: 0.4pt solid #E4E7EB; }
td.kp-persona-num { text-align: right; white-space: nowrap; }
span.kp-persona-idx { display: inline-block; min-width: 7mm; text-align: center; font-size: 7.5pt;
  padding: 0 1mm; background: #EEF1F4; color: #1F2933; }
span.kp-persona-up { background: #D7EEE6; color: #00583F; }
span.kp-persona-down { background: #FBE4D6; color: #8A3A00; }
p.kp-persona-sub { font-size: 8.5pt; font-weight: bold; color: #0B4F8A; margin: 2mm 0 0.8mm; }
ul.kp-persona-traits { font-size: 8.5pt; padding-left: 4mm; margin: 0; }
ul.kp-persona-traits li { margin: 0 0 0.6mm; }
p.kp-persona-narrative { font-size: 8.5pt; font-style: italic; margin: 2mm 0 0; padding: 1.2mm 2mm;
  background: #F5F7FA; border-left: 2pt solid #0B4F8A; }
p.kp-persona-note { font-size: 8.5pt; color: #616E7C; }
</style>"""

#: Card figures: metric, text key suffix, how to format.
CARD_FIGURES = (("revenue_per_buyer", "money"), ("aov", "money"), ("orders_per_year", "1"),
                ("tenure_years", "1"), ("online_share", "pct"), ("age_mean", "0"))


@dataclass
class SegmentProfile:
    """One segment column's profile: metrics, traits and the distinctive traits per value."""

    column: str
    metrics: pd.DataFrame
    traits: pd.DataFrame
    distinctive: pd.DataFrame


@dataclass
class PersonasChapter:
    """The computed frames of the personas chapter."""

    profiles: list[SegmentProfile] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def chapter_data(run: RunResults) -> PersonasChapter:
    """Profiles for every segment column named in ``personas.segments``.

    Raises
    ------
    DataError
        When a named segment column is not in the customer table (naming the params key
        and the columns there are).

    Examples
    --------
    >>> data = chapter_data(run)  # doctest: +SKIP
    """
    p = run.params
    cfg = p.personas
    c = run.customers
    unknown = [s for s in cfg.segments if s not in c.columns]
    if unknown:
        raise DataError(f"personas.segments: column '{unknown[0]}' is not in the customer table; use one of "
                        f"{', '.join(map(str, c.columns))}.")
    mix = run.frames.get("products_mix")
    channels = run.frames.get("personas_channels")
    out = PersonasChapter()
    for column in cfg.segments:
        metrics = segment_metrics(c, segment=column, period_months=p.period_months, channels=channels,
                                  reference_date=run.period.end, min_known=cfg.min_customers)
        traits = segment_traits(c, segment=column, dimensions=[d for d in DIMENSIONS if d != column], mix=mix,
                                min_known=cfg.min_customers)
        distinctive = distinctive_traits(traits, min_index=cfg.distinctive_index, min_share=cfg.min_share / 100)
        out.profiles.append(SegmentProfile(column, metrics, traits, distinctive))
    columns = p.customers.columns.model_dump() if p.customers else {}
    out.missing = missing_inputs(columns, has_product_group=p.transactions.columns.product_group is not None,
                                 has_sales_channel=p.transactions.columns.sales_channel is not None)
    return out


def _names(run: RunResults) -> dict[str, str]:
    """Card titles given in the params, in the run's language."""
    return {k: (v if isinstance(v, str) else v.get(run.lang)) for k, v in run.params.personas.names.items()}


def segment_name(value: str, run: RunResults) -> str:
    """A segment value as a title: the params' name, a pyramid layer's name, or the value itself."""
    names = _names(run)
    if value in names:
        return names[value]
    key = f"layer.{value}"
    return t(key, run.lang) if key in TEXTS else str(value)


def _segment_label(column: str, lang: str) -> str:
    key = f"persona.segment.{column}"
    return t(key, lang) if key in TEXTS else column


def value_label(dimension: str, value: str, lang: str) -> str:
    """A trait value as a reader knows it (``vrouw``, ``alleen online``, ``45-54 jaar``, or as written).

    Examples
    --------
    >>> value_label("gender", "female", "nl"), value_label("age_band", "45-54", "en")
    ('vrouw', '45-54 years')
    """
    if dimension == "gender" and f"persona.gender.{value}" in TEXTS:
        return t(f"persona.gender.{value}", lang)
    if dimension == "buying_channel":
        return t(f"persona.buying.{value}", lang)
    if dimension == "age_band":
        return t("persona.age_value", lang, band=value)
    return str(value)


def intro(run: RunResults, data: PersonasChapter) -> str:
    """The chapter's CSS, what the chapter shows, and which mappings would add traits."""
    lang = run.lang
    cfg = run.params.personas
    out = CSS + paragraph(t("persona.intro", lang, index=fmt_int(cfg.distinctive_index, lang),
                                share=fmt_pct(cfg.min_share / 100, lang, 0)))
    if data.missing:
        out += paragraph(t("persona.missing", lang, keys=", ".join(data.missing)), "kp-persona-note")
    return out


def _idx(value: float, lang: str, distinctive: float) -> str:
    """An index as a small badge: green from the distinctive index, orange at or below its mirror."""
    if value is None or not np.isfinite(value):
        return ""
    low = 100 * 100 / distinctive
    cls = " kp-persona-up" if value >= distinctive else " kp-persona-down" if value <= low else ""
    return f'<span class="kp-persona-idx{cls}">{esc(fmt_int(value, lang))}</span>'


def _fmt(value: float, how: str, lang: str) -> str:
    if how == "money":
        return fmt_money(value, lang)
    if how == "pct":
        return fmt_pct(value, lang, 0)
    return fmt_number(value, lang, int(how))


def profiles(run: RunResults, data: PersonasChapter) -> str:
    """One profile table per segment column: size, revenue and behaviour with their index."""
    lang = run.lang
    out = heading(t("persona.profiles", lang))
    for prof in data.profiles:
        m = prof.metrics
        has_online = m["online_share"].notna().any()
        rows = []
        for _, r in m.iterrows():
            label = t("persona.col.all", lang) if r["total"] else segment_name(r["segment"], run)
            cells = [label, fmt_int(r["customers"], lang), fmt_pct(r["customer_share"], lang),
                     fmt_pct(r["revenue_share"], lang)]
            for metric, how in (("revenue_per_buyer", "money"), ("aov", "money"), ("orders_per_year", "1"),
                                ("tenure_years", "1"), *((("online_share", "pct"),) if has_online else ())):
                value = _fmt(r[metric], how, lang)
                index = r[f"{metric}_index"]
                cells.append(Detail(value, fmt_int(index, lang))
                             if pd.notna(index) and not r["total"] and pd.notna(r[metric]) else value)
            rows.append(Subtotal(cells) if r["total"] else cells)
        header = [t("persona.col.segment", lang), t("persona.col.customers", lang),
                  t("persona.col.customer_share", lang), t("persona.col.revenue_share", lang),
                  t("persona.col.revenue_per_buyer", lang), t("persona.col.aov", lang),
                  t("persona.col.orders_per_year", lang), t("persona.col.tenure", lang)]
        if has_online:
            header.append(t("persona.col.online", lang))
        out += table_html(header, rows, caption=t("persona.profile_caption", lang,
                                                  segment=_segment_label(prof.column, lang)),
                          css_class="kp-table first-nowrap")
    return out


def _trait_sentence(row: pd.Series, lang: str) -> str:
    return t("persona.trait", lang, dimension=t(f"persona.dim.{row['dimension']}", lang),
             value=value_label(row["dimension"], row["value"], lang), share=fmt_pct(row["share"], lang, 0),
             index=fmt_int(row["index"], lang))


def card(run: RunResults, prof: SegmentProfile, value: str) -> str:
    """The persona card of one segment value (HTML)."""
    from toolkit.plots.personas import plot_persona_traits

    lang = run.lang
    cfg = run.params.personas
    m = prof.metrics.set_index(prof.metrics["segment"].fillna("__all__"))
    r = m.loc[value]
    size = t("persona.size", lang, n=fmt_int(r["customers"], lang), cshare=fmt_pct(r["customer_share"], lang),
             rshare=fmt_pct(r["revenue_share"], lang))
    figures = []
    for metric, how in CARD_FIGURES:
        if pd.isna(r[metric]):
            continue
        figures.append(f'<tr><td>{esc(t(f"persona.fig.{metric}", lang))}</td>'
                       f'<td class="kp-persona-num">{esc(_fmt(r[metric], how, lang))}</td>'
                       f'<td class="kp-persona-num">{_idx(r[f"{metric}_index"], lang, cfg.distinctive_index)}</td>'
                       "</tr>")
    traits = prof.distinctive[prof.distinctive["segment"] == value]
    items = [_trait_sentence(row, lang) for _, row in traits.iterrows()]
    trait_html = ("<ul class=\"kp-persona-traits\">" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"
                  if items else f'<p class="kp-persona-note">{esc(t("persona.no_traits", lang))}</p>')
    seg_traits = prof.traits[prof.traits["segment"] == value]
    chart = ""
    groups = seg_traits[seg_traits["dimension"] == "product_group"].head(CARD_GROUPS)
    title = t("persona.chart_title", lang)
    if groups.empty:
        groups = seg_traits[seg_traits["dimension"] == "age_band"].sort_values("value", kind="stable")
        title = t("persona.chart_age", lang)
    if not groups.empty:
        labels = [value_label(d, v, lang) if d != "age_band" else str(v)
                  for d, v in zip(groups["dimension"], groups["value"], strict=True)]
        ax = plot_persona_traits(groups, lang=lang, labels=labels, distinctive_index=cfg.distinctive_index,
                                 title=title)
        chart = figure_svg(ax)
    narrative = cfg.narratives.get(value)
    narrative_html = ""
    if narrative is not None:
        text = narrative if isinstance(narrative, str) else narrative.get(lang)
        narrative_html = f'<p class="kp-persona-narrative">{esc(text)}</p>'
    return (f'<div class="kp-persona-card"><p class="kp-persona-name">{esc(segment_name(value, run))}</p>'
            f'<p class="kp-persona-size">{esc(size)}</p>'
            '<table class="kp-persona-layout"><tr><td class="kp-persona-left">'
            f'<table class="kp-persona-figures">{"".join(figures)}</table>'
            f'<p class="kp-persona-sub">{esc(t("persona.traits_title", lang))}</p>{trait_html}</td>'
            f'<td class="kp-persona-right">{chart}</td></tr></table>{narrative_html}</div>')


def cards(run: RunResults, data: PersonasChapter) -> str:
    """A persona card for every segment value with enough customers, per segment column."""
    lang = run.lang
    cfg = run.params.personas
    out = heading(t("persona.cards", lang)) + paragraph(t("persona.cards_intro", lang))
    for prof in data.profiles:
        m = prof.metrics[~prof.metrics["total"]]
        small = []
        for _, r in m.iterrows():
            if r["customers"] < cfg.min_customers:
                small.append(segment_name(r["segment"], run))
                continue
            out += card(run, prof, r["segment"])
        if small:
            out += paragraph(t("persona.too_small", lang, names=", ".join(small), n=fmt_int(cfg.min_customers, lang)),
                             "kp-persona-note")
    return out


def traits_table(run: RunResults, data: PersonasChapter) -> str:
    """The traits of the first segment column in two tables (who; where from and how they buy).

    Each cell is the % of the segment with a known value, with the index below it;
    product groups per segment are in the products chapter, and regions and acquisition
    channels show their most common values.
    """
    lang = run.lang
    if not data.profiles:
        return ""
    prof = data.profiles[0]
    segments = segment_order(prof.metrics.loc[~prof.metrics["total"], "segment"])
    out = ""
    for dims in TRAIT_TABLES:
        present = [d for d in dims if (prof.traits["dimension"] == d).any()]
        if not present:
            continue
        rows = []
        for dim in present:
            part = prof.traits[prof.traits["dimension"] == dim]
            base = (part.drop_duplicates("value").set_index("value")["base_share"]
                    .sort_values(ascending=False, kind="stable"))
            values = base.index.tolist()[: TRAIT_ROWS.get(dim, len(base))]
            if dim == "age_band":
                values = sorted(values, key=_age_key)
            rows.append(Subtotal([t(f"persona.dim.{dim}", lang), *[""] * (len(segments) + 1)]))
            cells = part.set_index(["segment", "value"])
            for v in values:
                row = [value_label(dim, v, lang)]
                for seg in segments:
                    if (seg, v) in cells.index:
                        c = cells.loc[(seg, v)]
                        row.append(Detail(fmt_pct(c["share"], lang, 0), fmt_int(c["index"], lang)))
                    else:
                        row.append("–")
                rows.append([*row, fmt_pct(base[v], lang, 0)])
        names = [t(f"persona.dim.{d}", lang) for d in present]
        dims_text = (", ".join(names[:-1]) + (" en " if lang == "nl" else " and ") + names[-1]).lower() \
            if len(names) > 1 else names[0].lower()
        header = [t("persona.col.trait", lang), *[segment_name(x, run) for x in segments],
                  t("persona.col.all", lang)]
        out += table_html(header, rows, caption=t("persona.traits_caption", lang, dimensions=dims_text,
                                                  segment=_segment_label(prof.column, lang)),
                          css_class="kp-table first-nowrap")
    return heading(t("persona.traits", lang)) + out if out else ""


def _age_key(label: str) -> int:
    digits = "".join(ch if ch.isdigit() else " " for ch in label).split()
    first = int(digits[0]) if digits else 0
    return -1 if label.startswith("<") else first
