"""Charts of the RFM chapter: segments by customers and revenue, the value/frequency matrix."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap

from toolkit.i18n import fmt_int, fmt_pct, t
from toolkit.plots.core import LAYER_COLORS, MUTED, PAGE_WIDTH_IN, PRIMARY, new_axes, pct_axis, text_color
from toolkit.segments import BUYING_LAYERS

#: Light-to-dark blue ramp of the heat maps (ordered, readable in greyscale).
HEAT = LinearSegmentedColormap.from_list("kp_heat", ["#F4F8FC", LAYER_COLORS["small"], LAYER_COLORS["medium_large"],
                                                     LAYER_COLORS["top"]])


def plot_rfm_segments(summary: pd.DataFrame, *, lang: str = "nl", labels: Mapping[str, str] | None = None,
                      ax: Axes | None = None) -> Axes:
    """Horizontal bars: each RFM segment's share of buying customers and of revenue.

    Parameters
    ----------
    summary : DataFrame
        :func:`toolkit.rfm.rfm_segment_summary` output.
    labels : mapping, optional
        Segment name to label; default the texts ``rfm_segment.<name>``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> s = pd.DataFrame({"segment": ["champions", "lost"], "customer_share": [0.2, 0.8],
    ...                   "revenue_share": [0.7, 0.3]})
    >>> ax = plot_rfm_segments(s, lang="en")
    """
    names = summary["segment"].astype(str).tolist()
    labels = dict(labels or {})
    ticks = [labels.get(n) or t(f"rfm_segment.{n}", lang) for n in names]
    ax = new_axes(ax, (PAGE_WIDTH_IN, 0.5 + 0.36 * len(names)))
    y = np.arange(len(names))[::-1]
    h = 0.38
    cust = summary["customer_share"].astype(float).fillna(0).to_numpy()
    rev = summary["revenue_share"].astype(float).fillna(0).to_numpy()
    ax.barh(y + h / 2, cust, height=h, color=LAYER_COLORS["small"], label=t("rfm.legend_customers", lang))
    ax.barh(y - h / 2, rev, height=h, color=PRIMARY, label=t("rfm.legend_revenue", lang))
    top = max(cust.max(initial=0), rev.max(initial=0), 0.01)
    for yy, c, r in zip(y, cust, rev, strict=True):
        ax.text(c + top * 0.01, yy + h / 2, fmt_pct(c, lang, 0), va="center", fontsize=7.5, color=MUTED)
        ax.text(r + top * 0.01, yy - h / 2, fmt_pct(r, lang, 0), va="center", fontsize=7.5)
    ax.set_yticks(y)
    ax.set_yticklabels(ticks)
    ax.set_xlim(0, top * 1.15)
    ax.xaxis.set_major_formatter(pct_axis(lang))
    ax.set_xlabel(t("rfm.axis_share", lang))
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(True, axis="x", color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)
    return ax


def plot_value_frequency(matrix: pd.DataFrame, *, lang: str = "nl", ax: Axes | None = None) -> Axes:
    """Heat map of the value/frequency matrix: colour = share of revenue, text = customers and share.

    Parameters
    ----------
    matrix : DataFrame
        :func:`toolkit.rfm.value_frequency_matrix` output.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from toolkit.rfm import value_frequency_matrix
    >>> c = pd.DataFrame({"pyramid_layer": ["top", "small"], "orders": [9, 1], "revenue": [90.0, 10.0]})
    >>> ax = plot_value_frequency(value_frequency_matrix(c), lang="en")
    """
    classes = list(dict.fromkeys(matrix["frequency_class"].astype(str)))
    grid = (matrix.pivot(index="layer", columns="frequency_class", values="revenue_share")
            .reindex(index=list(BUYING_LAYERS), columns=classes).fillna(0.0))
    counts = (matrix.pivot(index="layer", columns="frequency_class", values="customers")
              .reindex(index=list(BUYING_LAYERS), columns=classes).fillna(0).astype(int))
    ax = new_axes(ax, (PAGE_WIDTH_IN, 2.1))  # five rows of two lines; leaves room for the tables after it
    values = grid.to_numpy()
    vmax = max(values.max(), 1e-9)
    ax.imshow(values, cmap=HEAT, vmin=0, vmax=vmax, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            n = counts.iat[i, j]
            if n == 0:
                ax.text(j, i, "–", ha="center", va="center", fontsize=8, color=MUTED)
                continue
            rgba = HEAT(values[i, j] / vmax)
            color = text_color("#{:02X}{:02X}{:02X}".format(*(int(255 * c) for c in rgba[:3])))
            ax.text(j, i, f"{t('rfm.vf_cell', lang, n=fmt_int(n, lang))}\n{fmt_pct(values[i, j], lang)}",
                    ha="center", va="center", fontsize=7.5, color=color, linespacing=1.2)
    ax.set_xticks(range(len(classes)))
    ax.set_xticklabels(classes)
    ax.set_yticks(range(len(BUYING_LAYERS)))
    ax.set_yticklabels([t(f"layer.{x}", lang) for x in BUYING_LAYERS])
    ax.set_xlabel(t("rfm.vf_orders", lang))
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return ax
