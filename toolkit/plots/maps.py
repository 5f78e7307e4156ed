"""Maps and charts of the geo chapter: choropleths of penetration and revenue, catchment by distance.

Maps take a GeoDataFrame of regions with computed columns (see
:func:`toolkit.geo.penetration_by_region` and :func:`toolkit.geo.regions_geoframe`),
classify the values into a few classes with rounded limits (natural breaks), and draw
them in a sequential colour-blind-safe blue ramp with a legend that names the unit.
Regions without a value are hatched grey and say so in the legend. Region labels are
drawn only where they fit inside the region at print size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from toolkit.i18n import fmt_int, fmt_number, t
from toolkit.plots.core import PAGE_WIDTH_IN, PRIMARY, RC, TEXT, new_axes, pct_axis, text_color

#: Sequential blues (light to dark), readable for colour-blind readers and in greyscale.
RAMP = ("#DCE9F5", "#A9CBE6", "#6BA3D1", "#3373B5", "#0B3F7A")
NO_DATA = "#F2F2F2"
OUTLET_COLOR = "#D55E00"  # Okabe-Ito vermilion: stands out from the blues


def _nice(x: float) -> float:
    """``x`` rounded to two significant digits (class limits a reader can remember)."""
    if x == 0 or not math.isfinite(x):
        return x
    digits = 1 - math.floor(math.log10(abs(x)))
    return round(x, digits)


def class_breaks(values: Sequence[float] | np.ndarray, *, k: int = 5, sample: int = 300) -> np.ndarray:
    """Inner class limits for a choropleth: natural breaks (Fisher-Jenks), rounded to two significant digits.

    Fisher-Jenks is exact but quadratic, so with many regions it runs on ``sample``
    evenly spaced quantiles of the values (deterministic, and the same breaks to the
    rounding). Limits that coincide after rounding are merged, so fewer than ``k``
    classes can come back for values with few distinct levels.

    Parameters
    ----------
    values : array-like
        The mapped values; NaN ignored.
    k : int, default 5
        Number of classes wanted.
    sample : int, default 300

    Returns
    -------
    ndarray
        Increasing inner limits (``len <= k - 1``); class i holds values in
        ``[limit[i-1], limit[i])``, the last class everything from the last limit up.

    Examples
    --------
    >>> class_breaks([1, 2, 3, 10, 11, 12, 30, 31, 32], k=3).tolist()
    [6.5, 21.0]
    """
    import mapclassify

    v = np.asarray(values, dtype=float)
    v = np.sort(v[np.isfinite(v)])
    distinct = np.unique(v)
    if len(distinct) <= 1:
        return np.array([])
    k = min(k, len(distinct))
    if len(v) > sample:
        v = np.quantile(v, np.linspace(0, 1, sample))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns that numba is not installed
        uppers = mapclassify.FisherJenks(v, k=k).bins[:-1]
    # Jenks gives each class's largest value; the limit drawn is halfway to the next value up.
    nexts = [v[v > b].min() for b in uppers]
    limits = sorted({_nice((float(b) + float(n)) / 2) for b, n in zip(uppers, nexts, strict=True)})
    return np.array([x for x in limits if x > distinct[0]], dtype=float)


def _limit_text(x: float, lang: str) -> str:
    """A class limit with the decimals its two significant digits need (3,7 · 10 · 0,45)."""
    decimals = 0 if x == 0 or abs(x) >= 10 else min(2, 1 - math.floor(math.log10(abs(x))))
    return fmt_number(x, lang, decimals)


def class_labels(limits: Sequence[float], lang: str, *, money: bool = False) -> list[str]:
    """Legend labels for the classes of :func:`class_breaks`: ``< a``, ``a – b``, …, ``≥ z``.

    Examples
    --------
    >>> class_labels([3.7, 10, 30], "nl", money=True)
    ['< € 3,7', '€ 3,7 – 10', '€ 10 – 30', '≥ € 30']
    """
    euro = ("€ " if lang == "nl" else "€") if money else ""
    f = [_limit_text(float(x), lang) for x in limits]
    if not f:
        return []
    middle = [f"{euro}{f[i]} – {f[i + 1]}" for i in range(len(f) - 1)]
    return [f"< {euro}{f[0]}", *middle, f"≥ {euro}{f[-1]}"]


def _extent(ax: Axes, bounds: Sequence[float], pad: float = 0.03) -> None:
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * pad or 1000.0, (y1 - y0) * pad or 1000.0
    ax.set_xlim(x0 - dx, x1 + dx)
    ax.set_ylim(y0 - dy, y1 + dy)


def _box(ax: Axes, x: float, y: float, text: str, size: float, dx_pt: float = 0.0) -> tuple[float, ...]:
    """The display-space box a label of ``size`` points centred at (x, y) (shifted ``dx_pt``) takes."""
    px, py = ax.transData.transform((x, y))
    k = ax.figure.dpi / 72
    w, h = (0.62 * size * len(text) + 3) * k, 1.5 * size * k
    px += dx_pt * k
    return (px - w / 2, py - h / 2, px + w / 2, py + h / 2)


def _overlaps(box: Sequence[float], placed: list[tuple[float, ...]]) -> bool:
    return any(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in placed)


def _fits(ax: Axes, geom: object, text: str, size: float) -> bool:
    """Whether ``text`` at ``size`` points fits inside the bounding box of ``geom`` as printed."""
    x0, y0, x1, y1 = geom.bounds
    (px0, py0), (px1, py1) = ax.transData.transform([(x0, y0), (x1, y1)])
    k = 72 / ax.figure.dpi
    return abs(px1 - px0) * k >= 0.62 * size * len(text) + 2 and abs(py1 - py0) * k >= 1.6 * size


def _inside(ax: Axes, x: float, y: float) -> bool:
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return x0 <= x <= x1 and y0 <= y <= y1


def legend_handles(limits: Sequence[float], lang: str, *, money: bool = False, no_data: bool = False,
                   outlets: bool = False) -> list:
    """Legend entries of a choropleth: one patch per class, then 'no data' and the outlet marker where shown."""
    ramp = _ramp(len(limits) + 1)
    labels = class_labels(limits, lang, money=money) or [t("geo.map_one_class", lang)]
    handles = [Patch(facecolor=c, edgecolor="white", label=lab) for c, lab in zip(ramp, labels, strict=True)]
    if no_data:
        handles.append(Patch(facecolor=NO_DATA, edgecolor="#BDBDBD", hatch="////", label=t("geo.map_no_data", lang)))
    if outlets:
        handles.append(Line2D([], [], marker="*", linestyle="none", markersize=9, color=OUTLET_COLOR,
                              markeredgecolor="white", label=t("geo.map_outlet", lang)))
    return handles


def _map_figure(bounds: Sequence[float], *, legend_share: float = 0.27) -> tuple[Figure, Axes]:
    """A page-wide figure for one map (height from the map's shape) with room for the legend at the right."""
    import matplotlib.pyplot as plt

    x0, y0, x1, y1 = bounds
    map_w = PAGE_WIDTH_IN * (1 - legend_share)
    height = min(max(map_w * (y1 - y0) / max(x1 - x0, 1.0), 2.6), 5.0)
    with plt.rc_context(RC):
        fig = plt.figure(figsize=(PAGE_WIDTH_IN, height))
        ax = fig.add_axes((0.0, 0.0, 1 - legend_share, 1.0))
    return fig, ax


def plot_choropleth(regions: object, column: str, *, lang: str = "nl", legend_title: str,
                    limits: Sequence[float] | None = None, money: bool = False, ax: Axes | None = None,
                    bounds: Sequence[float] | None = None, outlets: pd.DataFrame | None = None,
                    label: str | None = "key", title: str | None = None, legend: bool = True) -> Axes:
    """A choropleth: regions coloured by class of ``column``, with legend, outlets and labels.

    Parameters
    ----------
    regions : GeoDataFrame
        Regions in a metric CRS with ``column`` (NaN = no data) and ``key`` / ``name``.
    column : str
        The value to map.
    lang : {"nl", "en"}
    legend_title : str
        Names the value and its unit, e.g. "Kopers per 1.000 huishoudens".
    limits : sequence of float, optional
        Inner class limits; default :func:`class_breaks` of the values.
    money : bool, default False
        Legend labels in euro.
    ax : Axes, optional
        Default a new page-wide figure shaped like the map, legend at the right.
    bounds : (xmin, ymin, xmax, ymax), optional
        The part of the map to show; default all regions.
    outlets : DataFrame, optional
        ``name``, ``x``, ``y`` (same CRS): drawn as stars.
    label : {"key", "name", None}, default "key"
        ``key``: each region's key where it fits inside the region (outlets unnamed:
        for panels titled by their outlet); ``name``: the outlets' names, then one label
        per distinct region name (e.g. town) at the middle of its regions, skipping
        labels that would overlap.
    title : str, optional
        A small title above the map (for panels).
    legend : bool, default True
        Draw the legend at the right of the map.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"key": ["1", "2"], "v": [1.0, 5.0]},
    ...                      geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)], crs=28992)
    >>> ax = plot_choropleth(g, "v", legend_title="Kopers per 1.000 huishoudens")
    """
    bounds = tuple(bounds) if bounds is not None else tuple(regions.total_bounds)
    if ax is None:
        _fig, ax = _map_figure(bounds)
    values = regions[column].astype(float).to_numpy()
    limits = class_breaks(values) if limits is None else np.asarray(limits, dtype=float)
    ramp = _ramp(len(limits) + 1)
    classes = np.clip(np.searchsorted(limits, values, side="right"), 0, len(ramp) - 1)
    known = np.isfinite(values)
    colors = np.where(known, np.array(ramp, dtype=object)[classes], NO_DATA)
    # Hundreds of polygons: rasterise the fill (printers and PDF viewers choke on the paths), keep text vector.
    many = len(regions) > 150
    regions.plot(ax=ax, color=list(colors), edgecolor="white", linewidth=0.25 if many else 0.4, rasterized=many)
    if (~known).any():
        regions[~known].plot(ax=ax, facecolor="none", edgecolor="#BDBDBD", hatch="////", linewidth=0)
    _extent(ax, bounds)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.apply_aspect()  # final axes box, so label sizes are measured as printed
    if title:
        ax.set_title(title, fontsize=8.5, color=TEXT, loc="left", pad=2, fontweight="bold")
    has_outlets = outlets is not None and len(outlets) > 0
    if has_outlets:
        ax.scatter(outlets["x"], outlets["y"], marker="*", s=80, color=OUTLET_COLOR, edgecolor="white",
                   linewidth=0.6, zorder=5)
    if label == "key":
        _label_regions(ax, regions, colors)
    elif label == "name":
        _label_names(ax, regions, outlets if has_outlets else None)
    if legend:
        ax.legend(handles=legend_handles(limits, lang, money=money, no_data=bool((~known).any()),
                                         outlets=has_outlets),
                  title=_wrap(legend_title), loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7.5,
                  title_fontsize=8, alignment="left", borderaxespad=0)
    return ax


def _wrap(title: str, width: int = 22) -> str:
    """A legend title on lines of at most ``width`` characters (the legend column is narrow)."""
    import textwrap

    return "\n".join(textwrap.wrap(title, width)) or title


def _ramp(n: int) -> tuple[str, ...]:
    """``n`` colours spread over :data:`RAMP` (light to dark)."""
    if n <= 1:
        return (RAMP[2],)
    idx = np.round(np.linspace(0, len(RAMP) - 1, n)).astype(int)
    return tuple(RAMP[i] for i in idx)


def _halo() -> list:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=2.2, foreground="white")]


def _label_regions(ax: Axes, regions: object, colors: np.ndarray, size: float = 5.0) -> None:
    """Each region's key at a point inside it, where the key fits at print size."""
    for key, geom, color in zip(regions["key"], regions.geometry, colors, strict=True):
        if geom is None or geom.is_empty or not _fits(ax, geom, str(key), size):
            continue
        p = geom.representative_point()
        if _inside(ax, p.x, p.y):
            ax.text(p.x, p.y, str(key), ha="center", va="center", fontsize=size, color=text_color(color), zorder=4)


def _label_names(ax: Axes, regions: object, outlets: pd.DataFrame | None, size: float = 7.0) -> None:
    """Outlet names first, then one label per distinct region name; a label that would overlap is skipped."""
    placed: list[tuple[float, ...]] = []
    if outlets is not None:
        for _, o in outlets.iterrows():
            text = str(o["name"])
            box = _box(ax, o["x"], o["y"], text, size, dx_pt=0.31 * size * len(text) + 6)
            if _inside(ax, o["x"], o["y"]) and not _overlaps(box, placed):
                placed.append(box)
                ax.annotate(text, (o["x"], o["y"]), xytext=(6, 0), textcoords="offset points", va="center",
                            fontsize=size, fontweight="bold", color=OUTLET_COLOR, zorder=6, path_effects=_halo())
    if "name" not in regions:
        return
    named = regions[regions["name"].notna()]
    if named.empty:
        return
    groups = named[["name", "geometry"]].dissolve(by="name", sort=True)
    groups = groups.assign(_area=groups.area).sort_values("_area", ascending=False, kind="stable")
    for name, row in groups.iterrows():
        p = row.geometry.representative_point()
        box = _box(ax, p.x, p.y, str(name), size)
        if not _inside(ax, p.x, p.y) or _overlaps(box, placed):
            continue
        placed.append(box)
        ax.text(p.x, p.y, str(name), ha="center", va="center", fontsize=size, color=TEXT, zorder=4,
                path_effects=_halo())


def plot_catchment_maps(regions: object, column: str, *, lang: str = "nl", legend_title: str,
                        outlets: pd.DataFrame, radius_km: float = 12.0, money: bool = False,
                        max_panels: int = 4) -> Figure:
    """Detail maps around each outlet (up to ``max_panels``), sharing one set of classes and one legend.

    Two panels per row; the legend takes the free cell of an odd number of panels, or a
    strip below them.

    Parameters
    ----------
    regions : GeoDataFrame
        As for :func:`plot_choropleth`.
    column, legend_title, money
        As for :func:`plot_choropleth`.
    lang : {"nl", "en"}
    outlets : DataFrame
        ``name``, ``x``, ``y``: one panel per outlet, in order.
    radius_km : float, default 12
        Half the width of each panel.
    max_panels : int, default 4

    Returns
    -------
    Figure

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"key": ["1", "2"], "v": [1.0, 5.0]},
    ...                      geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)], crs=28992)
    >>> fig = plot_catchment_maps(g, "v", legend_title="x", outlets=pd.DataFrame({"name": ["A"], "x": [500.0],
    ...                           "y": [500.0]}), radius_km=2)
    """
    import matplotlib.pyplot as plt

    shown = outlets.head(max_panels)
    n = max(len(shown), 1)
    limits = class_breaks(regions[column].astype(float).to_numpy())
    handles = legend_handles(limits, lang, money=money, no_data=bool(regions[column].isna().any()),
                             outlets=len(outlets) > 0)
    r = radius_km * 1000
    if n == 1:
        o = shown.iloc[0]
        bounds = (o["x"] - r, o["y"] - r, o["x"] + r, o["y"] + r)
        _fig, ax = _map_figure(bounds, legend_share=0.33)
        plot_choropleth(regions, column, lang=lang, legend_title=legend_title, limits=limits, money=money, ax=ax,
                        bounds=bounds, outlets=outlets, label="key", title=str(o["name"]))
        return ax.figure
    rows = math.ceil(n / 2)
    strip = 0.0 if n % 2 else 0.75  # inches for a legend below the panels
    cell = PAGE_WIDTH_IN / 2
    title_h = 0.22
    height = rows * (cell + title_h) + strip
    with plt.rc_context(RC):
        fig = plt.figure(figsize=(PAGE_WIDTH_IN, height))
    for i in range(rows * 2):
        row, col = divmod(i, 2)
        left = col * 0.5 + 0.01
        bottom = (height - (row + 1) * (cell + title_h)) / height
        ax = fig.add_axes((left, bottom, 0.48, cell / height))
        if i >= n:
            ax.set_axis_off()
            ax.legend(handles=handles, title=_wrap(legend_title), loc="center left", fontsize=7.5, title_fontsize=8,
                      alignment="left")
            continue
        o = shown.iloc[i]
        plot_choropleth(regions, column, lang=lang, legend_title=legend_title, limits=limits, money=money, ax=ax,
                        bounds=(o["x"] - r, o["y"] - r, o["x"] + r, o["y"] + r), outlets=outlets, label="key",
                        title=str(o["name"]), legend=False)
    if strip:
        fig.legend(handles=handles, title=legend_title, loc="lower center", ncol=min(len(handles), 4), fontsize=7.5,
                   title_fontsize=8, frameon=False)
    return fig


def plot_distance_bands(bands: pd.DataFrame, *, lang: str = "nl", ax: Axes | None = None) -> Axes:
    """Penetration per distance band (bars) and the cumulative share of buying customers (line).

    Parameters
    ----------
    bands : DataFrame
        :func:`toolkit.geo.distance_band_summary` output.
    lang : {"nl", "en"}
    ax : Axes, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> b = pd.DataFrame({"from_km": [0.0, 5.0], "to_km": [5.0, np.inf], "penetration": [8.0, 2.0],
    ...                   "cumulative_share": [0.8, 1.0]})
    >>> ax = plot_distance_bands(b)
    """
    ax = new_axes(ax, (PAGE_WIDTH_IN, 2.6))
    labels = band_labels(bands, lang)
    x = np.arange(len(bands))
    pen = bands["penetration"].astype(float).to_numpy()
    ax.bar(x, np.nan_to_num(pen), color=PRIMARY, width=0.6)
    for xi, v in zip(x, pen, strict=True):
        if np.isfinite(v):
            ax.text(xi, v, fmt_number(v, lang, 1), ha="center", va="bottom", fontsize=7.5, color=TEXT)
    ax.set_xticks(x)
    ax.set_xticklabels(labels)
    ax.set_ylabel(t("geo.axis_penetration", lang))
    ax.set_xlabel(t("geo.axis_distance", lang))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v, lang)))
    ax.grid(True, axis="y", color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)
    if np.isfinite(pen).any():
        ax.set_ylim(0, np.nanmax(pen) * 1.18)
    twin = ax.twinx()
    twin.plot(x, bands["cumulative_share"].astype(float), color=OUTLET_COLOR, marker="o", ms=3.5, lw=1.4)
    twin.set_ylim(0, 1.05)
    twin.yaxis.set_major_formatter(pct_axis(lang))
    twin.set_ylabel(t("geo.axis_cumulative", lang), color=OUTLET_COLOR)
    twin.spines["right"].set_visible(True)
    twin.spines["top"].set_visible(False)
    twin.tick_params(axis="y", colors=OUTLET_COLOR)
    ax.legend(handles=[Patch(color=PRIMARY, label=t("geo.axis_penetration", lang)),
                       Line2D([], [], color=OUTLET_COLOR, marker="o", ms=3.5, label=t("geo.axis_cumulative", lang))],
              loc="center right", bbox_to_anchor=(0.97, 0.55), fontsize=7.5)
    return ax


def band_labels(bands: pd.DataFrame, lang: str) -> list[str]:
    """Readable distance band labels: ``0–5 km``, …, ``> 40 km``.

    Examples
    --------
    >>> band_labels(pd.DataFrame({"from_km": [0.0, 5.0], "to_km": [5.0, float("inf")]}), "en")
    ['0–5 km', '> 5 km']
    """
    out = []
    for a, b in zip(bands["from_km"], bands["to_km"], strict=True):
        fa, fb = fmt_number(a, lang, 0 if float(a).is_integer() else 1), fmt_number(b, lang, 0 if
                                                                                      float(b).is_integer() else 1)
        out.append(f"> {fa} km" if not np.isfinite(b) else f"{fa}–{fb} km")
    return out

