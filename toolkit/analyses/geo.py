"""Geo market penetration (see :mod:`toolkit.geo`): regions, outlets, postcodes per customer.

``aggregate`` reads the optional geo inputs once per run (boundary file or URL,
households, postcode lookup, outlets) and checks the customer master's postcodes;
``enrich`` gives every customer its PC4, postcode status, region and distance to the
nearest outlet. Frames (all optional):

- ``geo_postcodes``: :func:`toolkit.geo.postcode_summary` over the customer master;
- ``geo_regions``: :func:`toolkit.geo.region_table` (geometry as WKB in ``geo.crs``),
  with ``distance_km``/``outlet`` when outlets are given;
- ``geo_outlets``: :func:`toolkit.geo.locate_outlets`;
- ``geo_lookup``: :func:`toolkit.geo.lookup_regions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import pandas as pd

from toolkit.analysis import Analysis, AnalysisContext
from toolkit.errors import ParamsError
from toolkit.geo import (
    customer_regions,
    fetch_url,
    locate_outlets,
    lookup_regions,
    postcode_summary,
    read_boundaries,
    region_table,
    with_outlet_distance,
)
from toolkit.sources import load_table

if TYPE_CHECKING:
    from toolkit.params import TableSource
    from toolkit.pipeline import RunResults

#: Columns this analysis adds to the customer table (and customers.csv).
GEO_COLUMNS = ("pc4", "region", "postcode_status", "distance_km")

#: Roles each extra geo table may map, and the ones it must.
TABLE_ROLES = {
    "households": (("key", "households"), ("key", "households")),
    "lookup": (("key", "region"), ("key", "region")),
    "outlets": (("name", "postcode", "lat", "lon"), ("name",)),
}


def _read_table(ctx: AnalysisContext, role: str, src: TableSource) -> pd.DataFrame:
    """Read ``geo.<role>`` with :func:`toolkit.sources.load_table`; excluded rows become a note."""
    allowed, required = TABLE_ROLES[role]
    unknown = [r for r in src.columns if r not in allowed]
    if unknown:
        raise ParamsError(f"{ctx.params.source_file or 'params'}: geo.{role}.columns: unknown role "
                          f"'{unknown[0]}'; map {', '.join(allowed)} (e.g. {allowed[0]}: <column name>).")
    if role == "outlets" and "postcode" not in src.columns and not {"lat", "lon"} <= set(src.columns):
        raise ParamsError(f"{ctx.params.source_file or 'params'}: geo.outlets.columns must map postcode, or lat "
                          "and lon (WGS84 degrees), to place the outlets.")
    path = src.resolved_path(ctx.params.base_dir)
    numbers = {"households": ["households"], "outlets": ["lat", "lon"]}.get(role, [])
    report = load_table(ctx.con, src, path, name=f"geo_{role}", key=f"geo.{role}", required=required,
                        numbers=numbers, work_dir=ctx.work_dir)
    if report.rows_excluded:
        ctx.note("geo_rows_excluded", file=path.name, rows=report.rows_excluded)
    cols = ", ".join(src.columns)
    return ctx.con.execute(f"SELECT {cols} FROM geo_{role} ORDER BY _row").df()


def aggregate(ctx: AnalysisContext) -> dict[str, pd.DataFrame]:
    """Read the geo inputs and check the master's postcodes (nothing when no postcode is mapped)."""
    p = ctx.params
    cfg = p.geo
    if ctx.master is None or p.customers is None or p.customers.columns.postcode is None:
        return {}
    frames: dict[str, pd.DataFrame] = {}
    counts = ctx.master.group_by("postcode").aggregate(n=ibis._.count()).to_pandas()
    summary = postcode_summary(counts["postcode"], counts["n"])
    frames["geo_postcodes"] = summary
    for _, row in summary.iterrows():
        if row["status"] != "ok" and row["customers"]:
            ctx.note(f"geo_postcodes_{row['status']}", n=int(row["customers"]),
                     column=p.customers.columns.postcode)
    lookup = None
    if cfg.lookup is not None:
        lookup, ambiguous = lookup_regions(_read_table(ctx, "lookup", cfg.lookup))
        frames["geo_lookup"] = lookup
        if ambiguous:
            ctx.note("geo_lookup_ambiguous", n=ambiguous)
    households = _read_table(ctx, "households", cfg.households) if cfg.households is not None else None
    if cfg.boundaries is None and households is None:
        return frames
    boundaries = None
    if cfg.boundaries is not None:
        b = cfg.boundaries
        if b.url is not None:
            cache = b.cache_dir and str((p.base_dir / b.cache_dir).resolve())
            path = fetch_url(b.url, cache_dir=cache)
        else:
            path = b.resolved_path(p.base_dir)
        read = read_boundaries(path, key_column=b.key_column, name_column=b.name_column,
                               households_column=b.households_column, layer=b.layer, member=b.member, crs=b.crs,
                               to_crs=cfg.crs)
        boundaries = read.frame
        if read.missing_keys + read.empty_geometries:
            ctx.note("geo_regions_unusable", n=read.missing_keys + read.empty_geometries, file=path.name)
        if read.duplicate_keys:
            ctx.note("geo_duplicate_regions", n=read.duplicate_keys, file=path.name)
    regions = region_table(boundaries, households)
    if boundaries is not None and households is not None:
        unmatched = len(set(households["key"].astype(str)) - set(regions["key"].astype(str)))
        if unmatched:
            ctx.note("geo_households_unmatched", n=unmatched)
    no_households = int((~(regions["households"] > 0)).sum())
    if no_households:
        ctx.note("geo_regions_without_households", n=no_households)
    if cfg.outlets is not None:
        outlets = locate_outlets(_read_table(ctx, "outlets", cfg.outlets), regions, crs=cfg.crs, level=cfg.level,
                                 lookup=lookup, label=str(cfg.outlets.resolved_path(p.base_dir).name))
        frames["geo_outlets"] = outlets
        if "x" in regions:
            regions = with_outlet_distance(regions, outlets)
    frames["geo_regions"] = regions
    located = customer_regions(counts["postcode"], regions, level=cfg.level, lookup=lookup)
    outside = (located["postcode_status"] == "ok").to_numpy() & ~located["geo_key"].isin(regions["key"]).to_numpy()
    if outside.any():
        ctx.note("geo_outside_regions", n=int(counts.loc[outside, "n"].sum()))
    return frames


def enrich(results: RunResults) -> pd.DataFrame:
    """``customer_id`` plus :data:`GEO_COLUMNS` (all missing when no postcode is mapped)."""
    customers = results.customers
    cfg = results.params.geo
    if "postcode" not in customers:
        empty = pd.Series(pd.NA, index=customers.index, dtype="string")
        return pd.DataFrame({"customer_id": customers["customer_id"], "pc4": empty, "region": empty,
                             "postcode_status": empty, "distance_km": float("nan")})
    located = customer_regions(customers["postcode"].reset_index(drop=True), results.frames.get("geo_regions"),
                               level=cfg.level, lookup=results.frames.get("geo_lookup"))
    out = located[["pc4", "region", "postcode_status", "distance_km"]].copy()
    out.insert(0, "customer_id", customers["customer_id"].to_numpy())
    return out


ANALYSIS = Analysis(key="geo", order=60, aggregate=aggregate, enrich=enrich, columns=GEO_COLUMNS)
