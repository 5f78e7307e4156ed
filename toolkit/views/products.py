"""Report blocks of the products chapter: groups, mix per layer, the top-layer blueprint, white space.

:func:`chapter_data` computes the chapter's frames once from the run (the
``products_*`` frames of :mod:`toolkit.analyses.products` and the customer table);
each block returns its HTML, or an empty string when its inputs are missing (the
intro then says what to map).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from toolkit.i18n import fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.products import blueprint, group_summary, mix_by_segment, mix_codes, text_in
from toolkit.segments import BUYING_LAYERS
from toolkit.views.core import Detail, figure_html, heading, paragraph, table_html

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Candidates shown for the group with the largest opportunity.
TOP_CANDIDATES = 10


@dataclass
class ProductsChapter:
    """The computed frames of the products chapter (None without a product group)."""

    groups: pd.DataFrame | None
    mix: pd.DataFrame | None
    blueprint: pd.DataFrame | None
    summary: pd.DataFrame | None
    lists: pd.DataFrame | None
    top_customers: int


def chapter_data(run: RunResults) -> ProductsChapter:
    """Compute the chapter's frames from the run.

    Examples
    --------
    >>> data = chapter_data(run)  # doctest: +SKIP
    """
    mix = run.frames.get("products_mix")
    if mix is None:
        return ProductsChapter(None, None, None, None, None, 0)
    cfg = run.params.products
    c = run.customers
    layers = [s for s in BUYING_LAYERS if (c["pyramid_layer"] == s).any()]
    # On the layer's categories: astype(str) of 3.5M categorical values took 0.4 s.
    top = int((text_in(c["pyramid_layer"], cfg.blueprint_layers) & (c["revenue"] > 0).to_numpy()).sum())
    codes = mix_codes(mix, c)  # the id matching and group coding, once for the three frames
    return ProductsChapter(groups=group_summary(mix, c, codes=codes),
                           mix=mix_by_segment(mix, c, segments=layers, codes=codes),
                           blueprint=blueprint(mix, c, layers=cfg.blueprint_layers,
                                               threshold=cfg.blueprint_threshold / 100, codes=codes),
                           summary=run.frames.get("products_whitespace_summary"),
                           lists=run.frames.get("products_whitespace"), top_customers=top)


def intro(run: RunResults, data: ProductsChapter) -> str:
    """What the chapter shows, or the one line saying what to map to get it."""
    return paragraph(t("products.intro" if data.groups is not None else "products.unavailable", run.lang))


def groups_section(run: RunResults, data: ProductsChapter) -> str:
    """Revenue, margin and buyers per product group."""
    lang = run.lang
    if data.groups is None:
        return ""
    g = data.groups
    has_margin = g["margin"].notna().any()
    rows = []
    for _, r in g.iterrows():
        row = [r["product_group"], fmt_money(r["revenue"], lang), fmt_pct(r["revenue_share"], lang)]
        if has_margin:
            row.append(fmt_pct(r["margin_rate"], lang))
        rows.append([*row, fmt_int(r["buyers"], lang), fmt_pct(r["buyer_share"], lang),
                     fmt_money(r["revenue_per_buyer"], lang)])
    header = [t("products.col.group", lang), t("products.col.revenue", lang), t("products.col.revenue_share", lang)]
    if has_margin:
        header.append(t("products.col.margin_rate", lang))
    header += [t("products.col.buyers", lang), t("products.col.buyer_share", lang), t("products.col.per_buyer", lang)]
    total = [t("layer.total", lang), fmt_money(g["revenue"].sum(), lang), fmt_pct(1.0, lang)]
    if has_margin:
        total.append(fmt_pct(g["margin"].sum() / g["revenue"].sum() if g["revenue"].sum() else float("nan"), lang))
    total += ["", "", ""]
    return heading(t("products.groups", lang)) + table_html(header, rows, caption=t("products.groups_caption", lang),
                                                            total=total)


def mix_section(run: RunResults, data: ProductsChapter) -> str:
    """The product mix per pyramid layer as two heat maps, with the largest top-versus-bottom difference."""
    from toolkit.plots.products import plot_product_mix

    lang = run.lang
    if data.mix is None or data.mix.empty:
        return ""
    m = data.mix
    segments = list(dict.fromkeys(m["segment"]))
    out = heading(t("products.mix", lang))
    if len(segments) >= 2:
        wide = m.pivot(index="product_group", columns="segment", values="buyer_share")
        gap = (wide[segments[0]] - wide[segments[-1]]).sort_values(ascending=False, kind="stable")
        g = gap.index[0]
        out += paragraph(t("products.mix_text", lang, group=g, top=fmt_pct(wide.loc[g, segments[0]], lang, 0),
                           bottom=fmt_pct(wide.loc[g, segments[-1]], lang, 0)))
    return out + figure_html(plot_product_mix(m, lang=lang), t("products.mix_caption", lang))


def _layer_names(layers: list[str], lang: str) -> str:
    return ", ".join(t(f"layer.{x}", lang).lower() if lang == "nl" else t(f"layer.{x}", lang) for x in layers)


def blueprint_section(run: RunResults, data: ProductsChapter) -> str:
    """Which groups (nearly) all top customers buy, in words and as a chart."""
    from toolkit.plots.products import plot_blueprint

    lang = run.lang
    if data.blueprint is None or data.top_customers == 0:
        return ""
    cfg = run.params.products
    bp = data.blueprint
    threshold = fmt_pct(cfg.blueprint_threshold / 100, lang, 0)
    layers = _layer_names(cfg.blueprint_layers, lang)
    inside = bp[bp["in_blueprint"]]

    def listed(frame: pd.DataFrame) -> str:
        return _join([f"{r['product_group']} ({fmt_pct(r['top_share'], lang, 0)})" for _, r in frame.iterrows()],
                     lang)

    if len(inside):
        text = t("products.blueprint_text", lang, layers=layers, n=fmt_int(data.top_customers, lang),
                 threshold=threshold, groups=listed(inside))
    else:
        text = t("products.blueprint_none", lang, layers=layers, n=fmt_int(data.top_customers, lang),
                 threshold=threshold, groups=listed(bp.head(2)))
    ax = plot_blueprint(bp, lang=lang, threshold=cfg.blueprint_threshold / 100)
    return heading(t("products.blueprint", lang)) + paragraph(text) + figure_html(
        ax, t("products.blueprint_caption", lang))


def _join(items: list[str], lang: str) -> str:
    """'a, b and c' / 'a, b en c'."""
    if len(items) <= 1:
        return "".join(items)
    word = " en " if lang == "nl" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def white_space_section(run: RunResults, data: ProductsChapter) -> str:
    """White space per group: the rule, the table, the opportunity chart and the best candidates of the largest."""
    from toolkit.plots.products import plot_white_space, segment_label

    lang = run.lang
    if data.summary is None:
        return ""
    cfg = run.params.products
    s = data.summary
    out = heading(t("products.white_space", lang))
    out += paragraph(t("products.white_space_text", lang, max_related=fmt_int(cfg.max_related, lang),
                       lift=fmt_number(cfg.min_lift, lang, 2)))
    with_candidates = s[s["candidates"] > 0]
    if with_candidates.empty:
        return out + paragraph(t("products.no_white_space", lang))
    best = with_candidates.iloc[0]
    out += paragraph(t("products.white_space_total", lang, money=fmt_money(s["opportunity"].sum(), lang),
                       group=best["product_group"], n=fmt_int(best["candidates"], lang)))
    rows = [[Detail(r["product_group"], t("products.via", lang, groups=r["related_groups"]) if r["related_groups"]
                    else t("products.no_related", lang)),
             fmt_int(r["buyers"], lang), fmt_int(r["candidates"], lang), fmt_money(r["avg_revenue"], lang),
             fmt_money(r["opportunity"], lang), fmt_int(r["mean_index"], lang) if pd.notna(r["mean_index"]) else "–"]
            for _, r in s.iterrows()]
    header = [t("products.col.group", lang), t("products.col.buyers", lang), t("products.col.candidates", lang),
              t("products.col.avg_revenue", lang), t("products.col.opportunity", lang), t("products.col.index", lang)]
    out += table_html(header, rows, caption=t("products.white_space_caption", lang),
                      total=[t("layer.total", lang), "", "", "", fmt_money(s["opportunity"].sum(), lang), ""])
    out += figure_html(plot_white_space(s, lang=lang), t("products.white_space_figure", lang))
    if data.lists is not None and len(data.lists):
        top = data.lists[data.lists["product_group"] == best["product_group"]].head(TOP_CANDIDATES)
        rows = [[r["customer_id"], segment_label(r["segment"], lang),
                 r["region"] if isinstance(r["region"], str) else "–", fmt_money(r["revenue"], lang),
                 r["related_bought"], fmt_int(r["index"], lang), fmt_money(r["expected_revenue"], lang)]
                for _, r in top.iterrows()]
        header = [t("products.col.customer", lang), t("products.col.segment", lang), t("products.col.region", lang),
                  t("products.col.revenue", lang), t("products.col.buys", lang), t("products.col.index", lang),
                  t("products.col.expected", lang)]
        out += table_html(header, rows, align="lllrlrr",
                          caption=t("products.top_candidates_caption", lang, n=len(rows), group=best["product_group"]))
        size = cfg.whitespace_list_size
        out += paragraph(t("products.lists_note", lang, n=fmt_int(size, lang) if size else "–"))
    return out
