"""Report blocks of the geo chapter: postcodes, penetration maps, white spots, catchment.

:func:`chapter_data` computes the chapter's frames once from the run (customer
table plus the ``geo_*`` frames of :mod:`toolkit.analyses.geo`); every block then
returns its HTML, or an empty string (or one line saying what to map) when its
inputs are not there, so the chapter notebook is a plain list of calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.geo import (
    POSTCODE_STATUSES,
    customers_by_area,
    default_target,
    distance_band_summary,
    overall_penetration,
    penetration_by_region,
    regions_geoframe,
    white_spots,
)
from toolkit.i18n import fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.views.core import Indent, bullets, figure_html, heading, paragraph, table_html
from toolkit.views.quality import note_text

if TYPE_CHECKING:
    import geopandas as gpd

    from toolkit.pipeline import RunResults

#: How many rows the region tables show.
TOP_REGIONS = 15
TOP_WHITE_SPOTS = 10


@dataclass
class GeoChapter:
    """The computed frames of the geo chapter (None where the inputs are missing)."""

    postcodes: pd.DataFrame | None
    by_region: pd.DataFrame | None
    shapes: gpd.GeoDataFrame | None
    outlets: pd.DataFrame | None
    spots: pd.DataFrame | None
    bands: pd.DataFrame | None
    target: float
    overall: float
    has_households: bool


def chapter_data(run: RunResults) -> GeoChapter:
    """Compute the chapter's frames from the run (penetration, white spots, distance bands).

    Examples
    --------
    >>> geo = chapter_data(run)  # doctest: +SKIP
    """
    cfg = run.params.geo
    frames = run.frames
    regions = frames.get("geo_regions")
    outlets = frames.get("geo_outlets")
    by_region = shapes = spots = bands = None
    target = overall = float("nan")
    has_households = False
    if regions is not None and "pc4" in run.customers:
        by_region = penetration_by_region(run.customers, regions, level=cfg.level, top_layers=cfg.top_layers)
        has_households = bool((by_region["households"] > 0).any())
        if has_households:
            overall = overall_penetration(by_region)
            target = cfg.target_penetration or default_target(by_region)
            spots = white_spots(by_region, target=target, top=None)
        if "distance_km" in by_region:
            bands = distance_band_summary(by_region, cfg.distance_bands_km)
        if "geometry" in regions:
            shapes = regions_geoframe(regions[["key", "geometry"]], crs=cfg.crs).merge(
                by_region, on="key", how="left")
    return GeoChapter(postcodes=frames.get("geo_postcodes"), by_region=by_region, shapes=shapes, outlets=outlets,
                      spots=spots, bands=bands, target=target, overall=overall, has_households=has_households)


def _available(run: RunResults) -> bool:
    p = run.params
    return p.customers is not None and p.customers.columns.postcode is not None


def region_label(key: str, name: object) -> str:
    """A region as a reader knows it: ``3511 Utrecht`` (key and name), or the key alone.

    Examples
    --------
    >>> region_label("3511", "Utrecht"), region_label("3511", None)
    ('3511 Utrecht', '3511')
    """
    return f"{key} {name}" if isinstance(name, str) and name and name != key else str(key)


def intro(run: RunResults, geo: GeoChapter) -> str:
    """What the chapter shows, or the one line saying what to map to get it."""
    lang = run.lang
    if not _available(run):
        return paragraph(t("geo.unavailable", lang))
    return paragraph(t("geo.intro", lang, level=t(f"geo.level.{run.params.geo.level}", lang)))


def postcode_section(run: RunResults, geo: GeoChapter) -> str:
    """Postcode statuses of the customer master with counts and the most frequent unusable values."""
    lang = run.lang
    if not _available(run) or geo.postcodes is None:
        return ""
    pc = geo.postcodes.set_index("status")
    total = int(pc["customers"].sum())
    ok = int(pc.loc["ok", "customers"])
    rows = []
    for status in POSTCODE_STATUSES:
        r = pc.loc[status]
        rows.append([t(f"geo.status.{status}", lang), fmt_int(r["customers"], lang), fmt_pct(r["share"], lang),
                     str(r["examples"] or "")])
        outside = _outside(run)
        if status == "ok" and outside:
            rows.append([Indent(t("geo.status.outside", lang)), fmt_int(outside, lang),
                         fmt_pct(outside / total if total else np.nan, lang), ""])
    header = [t("geo.col.status", lang), t("geo.col.customers", lang), t("geo.col.share", lang),
              t("geo.col.examples", lang)]
    # The postcode counts are in the table; the other findings (regions, households, lookup) follow it.
    notes = [note_text(n, lang) for n in run.notes
             if n["code"].startswith("geo_") and not n["code"].startswith("geo_postcodes_")]
    return (heading(t("geo.postcodes", lang))
            + paragraph(t("geo.postcodes_text", lang, n=fmt_int(total, lang), ok=fmt_int(ok, lang),
                          share=fmt_pct(ok / total if total else np.nan, lang)))
            + table_html(header, rows, align="lrrl", caption=t("geo.postcodes_caption", lang),
                         total=[t("layer.total", lang), fmt_int(total, lang), fmt_pct(1.0, lang), ""])
            + (bullets(notes) if notes else ""))


def _outside(run: RunResults) -> int:
    return int(sum(n.get("n", 0) for n in run.notes if n["code"] == "geo_outside_regions"))


def penetration_section(run: RunResults, geo: GeoChapter) -> str:
    """Penetration in words, the overview map and the table of the largest regions."""
    lang = run.lang
    if not _available(run):
        return ""
    if geo.by_region is None:
        return heading(t("geo.penetration", lang)) + paragraph(t("geo.no_regions", lang)) + _areas_table(run)
    out = heading(t("geo.penetration", lang))
    br = geo.by_region
    if geo.has_households:
        pen = br.loc[br["households"] > 0, "penetration"]
        best = br.loc[br["penetration"].idxmax()]
        out += paragraph(t("geo.penetration_text", lang, regions=fmt_int(len(pen), lang),
                           overall=fmt_number(geo.overall, lang, 1), low=fmt_number(pen.quantile(0.1), lang, 1),
                           high=fmt_number(pen.quantile(0.9), lang, 1), best=region_label(best["key"], best["name"]),
                           best_value=fmt_number(best["penetration"], lang, 1),
                           best_index=fmt_int(best["penetration_index"], lang)))
    else:
        out += paragraph(t("geo.no_households", lang))
    if geo.shapes is not None:
        out += _overview_map(run, geo)
    return out + _regions_table(run, geo)


def _overview_map(run: RunResults, geo: GeoChapter) -> str:
    from toolkit.plots.maps import plot_choropleth

    lang = run.lang
    column, legend, caption = (("penetration", "geo.legend_penetration", "geo.map_penetration_caption")
                               if geo.has_households else
                               ("buying_customers", "geo.legend_customers", "geo.map_customers_caption"))
    ax = plot_choropleth(geo.shapes, column, lang=lang, legend_title=t(legend, lang), outlets=geo.outlets,
                         label="name")
    return figure_html(ax, t(caption, lang))


def detail_maps(run: RunResults, geo: GeoChapter) -> str:
    """Penetration and revenue per household around each outlet (or the whole map without outlets)."""
    from toolkit.plots.maps import plot_catchment_maps, plot_choropleth

    lang = run.lang
    if not _available(run) or geo.shapes is None or not geo.has_households:
        return ""
    radius = run.params.geo.map_radius_km
    radius_text = fmt_number(radius, lang, 0 if float(radius).is_integer() else 1)
    if geo.outlets is None or geo.outlets.empty:
        ax = plot_choropleth(geo.shapes, "revenue_per_household", lang=lang, money=True, label="name",
                             legend_title=t("geo.legend_revenue", lang))
        return figure_html(ax, t("geo.map_revenue_all_caption", lang))
    out = figure_html(plot_catchment_maps(geo.shapes, "penetration", lang=lang, outlets=geo.outlets,
                                          radius_km=radius, legend_title=t("geo.legend_penetration", lang)),
                      t("geo.map_detail_caption", lang, radius=radius_text))
    out += figure_html(plot_catchment_maps(geo.shapes, "revenue_per_household", lang=lang, outlets=geo.outlets,
                                           radius_km=radius, money=True, legend_title=t("geo.legend_revenue", lang)),
                       t("geo.map_revenue_caption", lang, radius=radius_text))
    return out


def _regions_table(run: RunResults, geo: GeoChapter) -> str:
    lang = run.lang
    br = geo.by_region.sort_values(["buying_customers", "key"], ascending=[False, True], kind="stable")
    br = br[br["buying_customers"] > 0].head(TOP_REGIONS)
    rows = []
    for _, r in br.iterrows():
        rows.append([region_label(r["key"], r["name"]), fmt_int(r["households"], lang),
                     fmt_int(r["buying_customers"], lang), fmt_money(r["revenue"], lang),
                     fmt_number(r["penetration"], lang, 1), fmt_int(r["penetration_index"], lang),
                     fmt_money(r["revenue_per_household"], lang), fmt_pct(r["top_share"], lang, 0)])
    header = [t("geo.col.region", lang), t("geo.col.households", lang), t("geo.col.buyers", lang),
              t("geo.col.revenue", lang), t("geo.col.penetration", lang), t("geo.col.index", lang),
              t("geo.col.revenue_hh", lang), t("geo.col.top_share", lang)]
    return table_html(header, rows, caption=t("geo.regions_caption", lang, n=len(rows)),
                      css_class="kp-table first-nowrap")


def _areas_table(run: RunResults) -> str:
    lang = run.lang
    if "pc4" not in run.customers:
        return ""
    areas = customers_by_area(run.customers).head(TOP_REGIONS)
    rows = [[r["area"], fmt_int(r["customers"], lang), fmt_int(r["buying_customers"], lang),
             fmt_money(r["revenue"], lang), fmt_pct(r["buyer_share"], lang)] for _, r in areas.iterrows()]
    header = [t("geo.col.area", lang), t("geo.col.customers", lang), t("geo.col.buyers", lang),
              t("geo.col.revenue", lang), t("geo.col.customer_share", lang)]
    return table_html(header, rows, caption=t("geo.areas_caption", lang, n=len(rows))) if rows else ""


def white_spot_section(run: RunResults, geo: GeoChapter) -> str:
    """The white spots: regions with many households and low penetration, with their potential."""
    lang = run.lang
    if not _available(run) or geo.spots is None:
        return ""
    out = heading(t("geo.white_spots", lang))
    spots = geo.spots.head(TOP_WHITE_SPOTS)
    if spots.empty:
        return out + paragraph(t("geo.no_white_spots", lang))
    br = geo.by_region[geo.by_region["households"] > 0]
    avg = br["revenue"].sum() / br["buying_customers"].sum() if br["buying_customers"].sum() else 0.0
    source = t("geo.target_given" if run.params.geo.target_penetration else "geo.target_default", lang)
    out += paragraph(t("geo.white_spots_text", lang, target=fmt_number(geo.target, lang, 1), source=source,
                       avg=fmt_money(avg, lang), n=fmt_int(len(spots), lang),
                       customers=fmt_int(spots["potential_customers"].sum(), lang),
                       revenue=fmt_money(spots["potential_revenue"].sum(), lang)))
    has_km = "distance_km" in spots
    rows = []
    for _, r in spots.iterrows():
        row = [region_label(r["key"], r["name"]), fmt_int(r["households"], lang), fmt_int(r["buying_customers"], lang),
               fmt_number(r["penetration"], lang, 1)]
        if has_km:
            row.append(t("geo.km", lang, km=fmt_number(r["distance_km"], lang, 1)))
        rows.append([*row, fmt_int(r["potential_customers"], lang), fmt_money(r["potential_revenue"], lang)])
    header = [t("geo.col.region", lang), t("geo.col.households", lang), t("geo.col.buyers", lang),
              t("geo.col.penetration", lang)]
    if has_km:
        header.append(t("geo.col.distance", lang))
    header += [t("geo.col.potential", lang), t("geo.col.potential_revenue", lang)]
    return out + table_html(header, rows, caption=t("geo.white_spots_caption", lang, n=len(rows)),
                            css_class="kp-table wide first-nowrap")


def catchment_section(run: RunResults, geo: GeoChapter) -> str:
    """Customers, revenue and penetration by distance to the nearest outlet, as a table and a chart."""
    from toolkit.plots.maps import band_labels, plot_distance_bands

    lang = run.lang
    if not _available(run) or geo.by_region is None:
        return ""
    out = heading(t("geo.catchment", lang))
    if geo.bands is None:
        return out + paragraph(t("geo.no_outlets", lang))
    b = geo.bands
    labels = band_labels(b, lang)
    # The band where at least half of the buying customers are reached, for the sentence.
    near_i = int(np.argmax(b["cumulative_share"].fillna(0).to_numpy() >= 0.5))
    with_hh = b[b["penetration"].notna()]
    if not with_hh.empty:
        out += paragraph(t("geo.catchment_text", lang, share=fmt_pct(b["cumulative_share"].iloc[near_i], lang, 0),
                           near=fmt_number(b["to_km"].iloc[near_i], lang, 0),
                           first=fmt_number(with_hh["penetration"].iloc[0], lang, 1),
                           last=fmt_number(with_hh["penetration"].iloc[-1], lang, 1)))
    rows = [[labels[i], fmt_int(r["regions"], lang), fmt_int(r["households"], lang),
             fmt_int(r["buying_customers"], lang), fmt_money(r["revenue"], lang), fmt_number(r["penetration"], lang, 1),
             fmt_money(r["revenue_per_household"], lang), fmt_pct(r["customer_share"], lang),
             fmt_pct(r["cumulative_share"], lang)] for i, (_, r) in enumerate(b.iterrows())]
    total_hh = b["households"].sum()
    # Totals over the bands with households, weighted by households (as the bands themselves).
    hh_pen = (b["penetration"] * b["households"]).sum() / total_hh if total_hh else np.nan
    hh_rev = (b["revenue_per_household"] * b["households"]).sum() / total_hh if total_hh else np.nan
    total = [t("layer.total", lang), fmt_int(b["regions"].sum(), lang), fmt_int(total_hh, lang),
             fmt_int(b["buying_customers"].sum(), lang), fmt_money(b["revenue"].sum(), lang),
             fmt_number(hh_pen, lang, 1), fmt_money(hh_rev, lang), fmt_pct(1.0, lang), ""]
    header = [t("geo.col.band", lang), t("geo.col.regions", lang), t("geo.col.households", lang),
              t("geo.col.buyers", lang), t("geo.col.revenue", lang), t("geo.col.penetration", lang),
              t("geo.col.revenue_hh", lang), t("geo.col.customer_share", lang), t("geo.col.cumulative", lang)]
    out += table_html(header, rows, caption=t("geo.bands_caption", lang), total=total,
                      css_class="kp-table wide first-nowrap")
    ax = plot_distance_bands(b, lang=lang)
    return out + figure_html(ax, t("geo.bands_figure_caption", lang))
