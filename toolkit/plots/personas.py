"""The small chart of a persona card: a segment's shares against the whole base."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from toolkit.i18n import fmt_int, fmt_number
from toolkit.plots.core import PRIMARY, TEXT, new_axes

#: Bar colour of traits at or above the distinctive index (the rest is lighter).
DISTINCT = PRIMARY
PLAIN = "#9DC3E6"


def plot_persona_traits(traits: pd.DataFrame, *, lang: str = "nl", labels: list[str] | None = None,
                        distinctive_index: float = 120, title: str | None = None, ax: Axes | None = None,
                        width: float = 3.0) -> Axes:
    """Horizontal bars of a segment's share per trait value, with a tick for the whole base.

    Parameters
    ----------
    traits : DataFrame
        Rows of :func:`toolkit.personas.segment_traits` for one segment (``share``,
        ``base_share``, ``index``, ``value``), top to bottom.
    lang : {"nl", "en"}
    labels : list of str, optional
        Display labels (default the values).
    distinctive_index : float, default 120
        Bars from this index are drawn dark.
    title : str, optional
    ax : Axes, optional
    width : float, default 3.0
        Figure width in inches when ``ax`` is None.

    Returns
    -------
    Axes

    Examples
    --------
    >>> t = pd.DataFrame({"value": ["A", "B"], "share": [0.8, 0.3], "base_share": [0.5, 0.4], "index": [160.0, 75.0]})
    >>> ax = plot_persona_traits(t, lang="en")
    """
    n = len(traits)
    ax = new_axes(ax, (width, 0.2 * max(n, 1) + 0.45))
    y = np.arange(n)[::-1]
    share = traits["share"].to_numpy(dtype=float)
    base = traits["base_share"].to_numpy(dtype=float)
    index = traits["index"].to_numpy(dtype=float)
    colors = np.where(index >= distinctive_index, DISTINCT, PLAIN)
    ax.barh(y, share, color=colors, height=0.62)
    ax.scatter(base, y, marker="|", s=110, color=TEXT, linewidths=1.4, zorder=3)
    for yi, s, i in zip(y, share, index, strict=True):
        ax.text(max(s, 0) + 0.02, yi, f"{fmt_number(100 * s, lang, 0)}% · {fmt_int(i, lang)}", va="center",
                fontsize=6.5, color=TEXT)
    ax.set_yticks(y)
    ax.set_yticklabels(labels if labels is not None else traits["value"].astype(str).tolist(), fontsize=7)
    ax.set_xlim(0, 1.3)
    ax.set_xticks([])
    ax.tick_params(axis="y", length=0)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, fontsize=7.5, loc="left", color=TEXT, pad=3)
    return ax
