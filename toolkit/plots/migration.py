"""Charts of the migration chapter: where each layer's customers went, and the revenue bridge."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from toolkit.i18n import fmt_int, fmt_pct, t
from toolkit.migration import EARLIER_STATES, LATER_STATES
from toolkit.plots.core import LAYER_COLORS, MUTED, PAGE_WIDTH_IN, PRIMARY, TEXT, new_axes, pct_axis, text_color

#: Okabe-Ito bluish green and vermillion for gains and losses.
GAIN, LOSS = "#009E73", "#D55E00"


def state_label(state: str, lang: str) -> str:
    """The label of a migration state (a layer, or ``new``: not yet a customer)."""
    return t("migration.state.new", lang) if state == "new" else t(f"layer.{state}", lang)


def plot_migration_flows(matrix: pd.DataFrame, *, lang: str = "nl", later_label: str = "",
                         ax: Axes | None = None) -> Axes:
    """One 100 % bar per earlier state, split by the later state: where each layer's customers went.

    Parameters
    ----------
    matrix : DataFrame
        :func:`toolkit.migration.migration_matrix` output.
    later_label : str
        Name of the later period, for the legend title.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from toolkit.migration import migration_matrix
    >>> s = pd.DataFrame({"layer_earlier": ["top", "new"], "layer_later": ["top", "small"],
    ...                   "revenue_earlier": [10.0, 0.0], "revenue_later": [12.0, 3.0]})
    >>> ax = plot_migration_flows(migration_matrix(s), lang="en")
    """
    counts = (matrix.pivot(index="layer_earlier", columns="layer_later", values="customers")
              .reindex(index=list(EARLIER_STATES), columns=list(LATER_STATES)).fillna(0))
    counts = counts[counts.sum(axis=1) > 0]
    share = counts.div(counts.sum(axis=1), axis=0)
    ax = new_axes(ax, (PAGE_WIDTH_IN, 0.7 + 0.42 * len(share)))
    y = np.arange(len(share))[::-1]
    left = np.zeros(len(share))
    for state in LATER_STATES:
        w = share[state].to_numpy()
        color = LAYER_COLORS[state]
        ax.barh(y, w, left=left, color=color, edgecolor="white", linewidth=0.6, height=0.72)
        for yy, ll, ww in zip(y, left, w, strict=True):
            if ww >= 0.07:
                ax.text(ll + ww / 2, yy, fmt_pct(ww, lang, 0), ha="center", va="center", fontsize=7.5,
                        color=text_color(color))
        left += w
    for yy, n in zip(y, counts.sum(axis=1).to_numpy(), strict=True):
        ax.text(1.01, yy, t("pyramid.label_base", lang, n=fmt_int(n, lang)), va="center", fontsize=7.5,
                color=MUTED, transform=ax.get_yaxis_transform())
    ax.set_yticks(y)
    ax.set_yticklabels([state_label(s, lang) for s in share.index])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(pct_axis(lang))
    ax.set_xlabel(t("migration.axis_share", lang))
    handles = [Patch(facecolor=LAYER_COLORS[s], label=t(f"layer.{s}", lang)) for s in LATER_STATES]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.28 if len(share) > 4 else -0.4),
              ncol=len(LATER_STATES), fontsize=7.5, title=t("migration.legend_later", lang, later=later_label),
              title_fontsize=8, handlelength=1.2, columnspacing=1.0)
    for side in ("left",):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return ax


def plot_revenue_bridge(flows: pd.DataFrame, *, lang: str = "nl", ax: Axes | None = None) -> Axes:
    """Waterfall from the earlier period's revenue, through each flow's effect, to the later period's.

    Flows whose effect is below 0.5 % of the earlier revenue are left out of the steps
    (they still count in the end bar).

    Parameters
    ----------
    flows : DataFrame
        :func:`toolkit.migration.flow_summary` output.

    Returns
    -------
    Axes

    Examples
    --------
    >>> f = pd.DataFrame({"flow": ["up", "lost"], "customers": [3, 2], "revenue_earlier": [50.0, 40.0],
    ...                   "revenue_later": [80.0, 0.0], "effect": [30.0, -40.0]})
    >>> ax = plot_revenue_bridge(f, lang="en")
    """
    before = float(flows["revenue_earlier"].sum())
    after = float(flows["revenue_later"].sum())
    steps = flows[flows["effect"].abs() >= 0.005 * max(abs(before), 1.0)]
    labels = [t("migration.before", lang)] + [t(f"flow.{f}", lang) for f in steps["flow"]] + [
        t("migration.after", lang)]
    labels = ["\n".join(textwrap.wrap(label, 11, break_long_words=False)) for label in labels]
    ax = new_axes(ax, (PAGE_WIDTH_IN, 3.0))
    x = np.arange(len(labels))
    ax.bar(x[0], before / 1000, color=PRIMARY, width=0.65)
    level = before
    for i, effect in enumerate(steps["effect"].to_numpy(float), 1):
        color = GAIN if effect >= 0 else LOSS
        ax.bar(x[i], effect / 1000, bottom=level / 1000, color=color, width=0.65)
        ax.plot([x[i] - 1 + 0.33, x[i] - 0.33], [level / 1000] * 2, color=MUTED, lw=0.6)
        sign = "+" if effect >= 0 else "-"
        ax.text(x[i], (level + max(effect, 0)) / 1000, f"{sign}{fmt_int(abs(effect) / 1000, lang)}",
                ha="center", va="bottom", fontsize=7.5, color=TEXT)
        level += effect
    ax.plot([x[-1] - 1 + 0.33, x[-1] - 0.33], [level / 1000] * 2, color=MUTED, lw=0.6)
    ax.bar(x[-1], after / 1000, color=PRIMARY, width=0.65)
    for xi, v in ((x[0], before), (x[-1], after)):
        ax.text(xi, v / 1000, fmt_int(v / 1000, lang), ha="center", va="bottom", fontsize=7.5, color=TEXT)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=7.5)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v, lang)))
    ax.set_ylabel(t("migration.axis_revenue", lang))
    ax.grid(True, axis="y", color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)
    return ax
