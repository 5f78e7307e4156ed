"""Charts of the products chapter: the product-group mix per segment, the top-layer blueprint, white space."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from toolkit.i18n import fmt_int, fmt_money, fmt_number, t
from toolkit.plots.core import MUTED, PAGE_WIDTH_IN, PRIMARY, RC, TEXT, new_axes, pct_axis, text_color

#: Sequential blues for heat maps (light = low share, dark = high).
HEAT_CMAP = "Blues"


def segment_label(value: str, lang: str, names: Mapping[str, str] | None = None) -> str:
    """A segment as the reader knows it: a given name, a pyramid layer's name, or the value itself.

    Examples
    --------
    >>> segment_label("medium_large", "en"), segment_label("zakelijk", "nl")
    ('Medium-large', 'zakelijk')
    """
    if names and value in names:
        return names[value]
    key = f"layer.{value}"
    from toolkit.i18n import TEXTS

    return t(key, lang) if key in TEXTS else str(value)


def plot_mix_heatmap(mix: pd.DataFrame, *, value: str = "buyer_share", lang: str = "nl", ax: Axes | None = None,
                     title: str | None = None, names: Mapping[str, str] | None = None,
                     group_order: list[str] | None = None) -> Axes:
    """Heat map of a share (0-1) per product group (rows) and segment (columns), cells labelled in %.

    Parameters
    ----------
    mix : DataFrame
        :func:`toolkit.products.mix_by_segment` output.
    value : {"buyer_share", "revenue_share"}
    lang : {"nl", "en"}
    ax : Axes, optional
    title : str, optional
    names : mapping, optional
        Display names of segment values.
    group_order : list of str, optional
        Row order; default by the share over all segments, largest first.

    Returns
    -------
    Axes

    Examples
    --------
    >>> m = pd.DataFrame({"segment": ["top", "top", "small", "small"], "product_group": ["A", "B", "A", "B"],
    ...                   "buyer_share": [0.9, 0.5, 0.4, 0.1]})
    >>> ax = plot_mix_heatmap(m, lang="en")
    """
    segments = list(dict.fromkeys(mix["segment"].astype(str)))
    table = mix.pivot(index="product_group", columns="segment", values=value).reindex(columns=segments)
    if group_order is None:
        group_order = table.mean(axis=1).sort_values(ascending=False, kind="stable").index.tolist()
    table = table.reindex(group_order)
    ax = new_axes(ax, (PAGE_WIDTH_IN / 2, 0.3 * len(table) + 1.0))
    data = table.to_numpy(dtype=float)
    vmax = max(float(np.nanmax(data)) if np.isfinite(data).any() else 1.0, 0.05)
    ax.imshow(np.nan_to_num(data), cmap=HEAT_CMAP, vmin=0, vmax=vmax, aspect="auto")
    import matplotlib

    cmap = matplotlib.colormaps[HEAT_CMAP]
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            if not np.isfinite(v):
                continue
            rgba = cmap(v / vmax)
            color = text_color("#{:02x}{:02x}{:02x}".format(*(int(255 * c) for c in rgba[:3])))
            ax.text(j, i, fmt_number(100 * v, lang, 0), ha="center", va="center", fontsize=7, color=color)
    ax.set_xticks(range(len(segments)))
    ax.set_xticklabels([segment_label(s, lang, names) for s in segments], rotation=35, ha="right", fontsize=7.5)
    ax.set_yticks(range(len(group_order)))
    ax.set_yticklabels(group_order, fontsize=7.5)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title, fontsize=8.5, loc="left")
    return ax


def plot_product_mix(mix: pd.DataFrame, *, lang: str = "nl", names: Mapping[str, str] | None = None) -> Figure:
    """Two heat maps side by side: share of each segment's customers buying a group, and its revenue share.

    Examples
    --------
    >>> m = pd.DataFrame({"segment": ["top", "top"], "product_group": ["A", "B"], "buyer_share": [0.9, 0.5],
    ...                   "revenue_share": [0.7, 0.3]})
    >>> fig = plot_product_mix(m, lang="en")
    """
    import matplotlib.pyplot as plt

    groups = mix["product_group"].nunique()
    order = (mix.groupby("product_group")["buyer_share"].mean().sort_values(ascending=False, kind="stable")
             .index.tolist())
    with plt.rc_context(RC):
        fig, axes = plt.subplots(1, 2, figsize=(PAGE_WIDTH_IN, 0.27 * groups + 1.3), layout="constrained",
                                 sharey=True)
    plot_mix_heatmap(mix, value="buyer_share", lang=lang, ax=axes[0], names=names, group_order=order,
                     title=t("products.heat_buyers", lang))
    plot_mix_heatmap(mix, value="revenue_share", lang=lang, ax=axes[1], names=names, group_order=order,
                     title=t("products.heat_revenue", lang))
    axes[1].tick_params(labelleft=False)
    return fig


def plot_blueprint(blueprint: pd.DataFrame, *, lang: str = "nl", threshold: float = 0.8,
                   ax: Axes | None = None) -> Axes:
    """Share of top-layer customers buying each group (dots) against the other buyers (rings), with the threshold.

    Parameters
    ----------
    blueprint : DataFrame
        :func:`toolkit.products.blueprint` output.
    lang : {"nl", "en"}
    threshold : float, default 0.8
        Blueprint threshold (0-1), drawn as a dashed line.
    ax : Axes, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> b = pd.DataFrame({"product_group": ["A", "B"], "top_share": [0.9, 0.4], "others_share": [0.5, 0.3],
    ...                   "in_blueprint": [True, False]})
    >>> ax = plot_blueprint(b, lang="en")
    """
    bp = blueprint.iloc[::-1].reset_index(drop=True)
    ax = new_axes(ax, (PAGE_WIDTH_IN, 0.24 * len(bp) + 0.9))
    y = np.arange(len(bp))
    for i, r in bp.iterrows():
        ax.plot([r["others_share"], r["top_share"]], [i, i], color="#CBD2D9", lw=2, zorder=1)
    ax.scatter(bp["others_share"], y, s=28, facecolor="white", edgecolor=MUTED, lw=1.2, zorder=2)
    colors = np.where(bp["in_blueprint"].astype(bool), PRIMARY, "#78AED8")
    ax.scatter(bp["top_share"], y, s=34, color=colors, zorder=3)
    ax.axvline(threshold, color=TEXT, lw=0.8, ls="--")
    ax.text(threshold, len(bp) - 0.4, " " + t("products.blueprint_line", lang,
                                               threshold=fmt_number(100 * threshold, lang, 0)),
            fontsize=7.5, va="bottom", ha="left", color=TEXT)
    ax.set_yticks(y)
    ax.set_yticklabels(bp["product_group"], fontsize=7.5)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(-0.6, len(bp) + 0.2)
    ax.xaxis.set_major_formatter(pct_axis(lang))
    ax.set_xlabel(t("products.axis_share_buying", lang))
    ax.grid(True, axis="x", color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)
    ax.legend(handles=[Line2D([], [], marker="o", ls="none", color=PRIMARY, label=t("products.legend_top", lang)),
                       Line2D([], [], marker="o", ls="none", markerfacecolor="white", markeredgecolor=MUTED,
                              label=t("products.legend_others", lang))],
              loc="lower right", fontsize=7.5)
    return ax


def plot_white_space(summary: pd.DataFrame, *, lang: str = "nl", ax: Axes | None = None) -> Axes:
    """The white-space opportunity per product group (euro), largest first, with the number of candidates.

    Examples
    --------
    >>> s = pd.DataFrame({"product_group": ["A", "B"], "opportunity": [5000.0, 1200.0], "candidates": [40, 12]})
    >>> ax = plot_white_space(s, lang="en")
    """
    s = summary[summary["opportunity"] > 0].iloc[::-1].reset_index(drop=True)
    ax = new_axes(ax, (PAGE_WIDTH_IN, 0.24 * max(len(s), 1) + 0.8))
    y = np.arange(len(s))
    values = s["opportunity"].to_numpy(dtype=float)
    ax.barh(y, values / 1000, color=PRIMARY, height=0.6)
    for yi, v, n in zip(y, values, s["candidates"], strict=True):
        ax.text(v / 1000, yi, "  " + t("products.bar_label", lang, money=fmt_money(v, lang), n=fmt_int(n, lang)),
                va="center", fontsize=7, color=TEXT)
    ax.set_yticks(y)
    ax.set_yticklabels(s["product_group"], fontsize=7.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v, lang)))
    ax.set_xlabel(t("products.axis_opportunity", lang))
    if len(values):
        ax.set_xlim(0, values.max() / 1000 * 1.45)
    ax.grid(True, axis="x", color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)
    return ax
