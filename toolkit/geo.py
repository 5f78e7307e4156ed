"""Where the customers are: postcodes, regions, market penetration, white spots and catchment.

Pure functions on customer-level and region-level frames (no plotting):

- :func:`parse_postcodes` / :func:`normalize_postcodes`: Dutch postcodes in any common
  notation to 4-digit areas (PC4), with a status per value; foreign postcodes keep a
  normalised raw key;
- :func:`read_boundaries` (and :func:`fetch_url` for a file given by URL): region
  polygons from a GeoJSON, GeoPackage, shapefile or FlatGeobuf in any CRS;
- :func:`region_table`: boundaries and households as one region frame, geometry as WKB;
- :func:`penetration_by_region`, :func:`white_spots`, :func:`distance_band_summary`:
  the numbers of the geo chapter.

Units: distances in km, areas in km², penetration in buying customers per 1,000
households, money in euro.

Example
-------
>>> normalize_postcodes(["3511 AB", "3511ab", " 3511", "0511 AB", None]).tolist()
['3511', '3511', '3511', <NA>, <NA>]
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParamsError

if TYPE_CHECKING:
    import geopandas as gpd

#: Status of a customer's postcode, in report order.
POSTCODE_STATUSES: tuple[str, ...] = ("ok", "foreign", "invalid", "missing")

#: Country prefixes written in the old one-letter style, to their ISO code (``B-2000`` is ``BE-2000``).
COUNTRY_ALIASES = {"B": "BE", "D": "DE", "F": "FR", "L": "LU", "A": "AT", "I": "IT", "E": "ES", "UK": "GB",
                   "CH": "CH", "DK": "DK", "S": "SE", "N": "NO", "P": "PT", "PL": "PL"}

# A Dutch postcode: optional NL prefix, four digits not starting with 0, optional two letters.
_DUTCH = re.compile(r"^(?:NL\s*-?\s*)?([1-9][0-9]{3})(?:\s*-?\s*[A-Z]{2})?$")
# A foreign postcode with an explicit country prefix: "B-2000", "D 10115", "BE2000", "DE-10115".
_FOREIGN = re.compile(r"^([A-Z]{1,3})\s*-?\s*([0-9][0-9A-Z -]{2,9})$")

#: Geo file types readable by :func:`read_boundaries` (a ``.zip`` holds one of the others).
GEO_FILE_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".fgb")

#: Columns of :func:`region_table`.
REGION_COLUMNS = ("key", "name", "households", "area_km2", "x", "y", "lon", "lat", "distance_km", "outlet",
                  "geometry")


# ---------------------------------------------------------------------------------------------
# Postcodes


def _as_text(value: object) -> str | None:
    """A cell as text: integral numbers without '.0' (Excel stores 3511 as 3511.0), blanks as None."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split()).upper()
    return text or None


def parse_postcodes(values: Iterable[object]) -> pd.DataFrame:
    """Classify postcodes and reduce Dutch ones to their 4-digit area (PC4).

    Rules, after trimming, upper-casing and collapsing white space:

    - ``ok``: a Dutch postcode ``NNNN`` or ``NNNN AA`` (space, hyphen or nothing between;
      an ``NL``/``NL-`` prefix allowed), first digit 1-9 (Dutch PC4 runs 1000-9999);
    - ``foreign``: a country prefix other than NL followed by a code starting with a
      digit (``B-2000``, ``D 10115``, ``BE2000``); its key is ``<ISO>-<code>`` (one-letter
      prefixes mapped by :data:`COUNTRY_ALIASES`, so ``B-2000`` is ``BE-2000``);
    - ``missing``: empty or blank;
    - ``invalid``: anything else (``0511 AB``, ``35111 AB``, ``ONBEKEND``).

    Computed once per distinct value, so millions of customers take about a second.

    Parameters
    ----------
    values : iterable
        Postcodes as text or numbers (Excel may store ``3511`` as a number).

    Returns
    -------
    DataFrame
        One row per value, same order and index 0..n-1: ``pc4`` (string, 4 characters,
        <NA> unless ``ok``), ``postcode_status`` (one of :data:`POSTCODE_STATUSES`),
        ``postcode_key`` (string: the PC4 for Dutch postcodes, the normalised foreign
        key, <NA> otherwise).

    Examples
    --------
    >>> parse_postcodes(["1234ab", "NL-1234 AB", "B-2000", "ONBEKEND", "", 3511.0]).values.tolist()
    [['1234', 'ok', '1234'], ['1234', 'ok', '1234'], [<NA>, 'foreign', 'BE-2000'], [<NA>, 'invalid', <NA>], \
[<NA>, 'missing', <NA>], ['3511', 'ok', '3511']]
    """
    series = pd.Series(list(values) if not isinstance(values, pd.Series) else values.to_numpy(), dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    pc4: list[str | None] = []
    status: list[str] = []
    key: list[str | None] = []
    for value in uniques:
        p, s, k = _parse_one(_as_text(value))
        pc4.append(p)
        status.append(s)
        key.append(k)
    # One extra slot for missing values (factorize marks them -1).
    pc4_u = pd.array([*pc4, None], dtype="string")
    status_u = np.array([*status, "missing"], dtype=object)
    key_u = pd.array([*key, None], dtype="string")
    return pd.DataFrame({"pc4": pc4_u[codes], "postcode_status": status_u[codes], "postcode_key": key_u[codes]})


def _parse_one(text: str | None) -> tuple[str | None, str, str | None]:
    if text is None:
        return None, "missing", None
    m = _DUTCH.match(text)
    if m:
        return m.group(1), "ok", m.group(1)
    m = _FOREIGN.match(text)
    if m and m.group(1) != "NL":
        country = COUNTRY_ALIASES.get(m.group(1), m.group(1))
        return None, "foreign", f"{country}-{m.group(2).replace(' ', '').replace('-', '')}"
    return None, "invalid", None


def normalize_postcodes(values: Iterable[object]) -> pd.Series:
    """Dutch postcodes in any common notation as 4-digit areas (PC4); <NA> where not a valid Dutch postcode.

    See :func:`parse_postcodes` for the rules.

    Parameters
    ----------
    values : iterable
        Postcodes as text or numbers.

    Returns
    -------
    Series
        ``pc4``: dtype string, 4 characters or <NA>, index 0..n-1.

    Examples
    --------
    >>> normalize_postcodes(["1234 AB", "1234ab", " 1234", "12345", "B-2000"]).tolist()
    ['1234', '1234', '1234', <NA>, <NA>]
    """
    return parse_postcodes(values)["pc4"]


def postcode_area(pc4: pd.Series, level: str = "pc4") -> pd.Series:
    """PC4 codes at a coarser level: ``pc4`` (as is), ``pc3`` (first 3 digits) or ``pc2`` (first 2).

    Examples
    --------
    >>> postcode_area(pd.Series(["3511", None], dtype="string"), "pc2").tolist()
    ['35', <NA>]
    """
    sizes = {"pc4": 4, "pc3": 3, "pc2": 2}
    if level not in sizes:
        raise ValueError(f"level must be one of {', '.join(sizes)}, got {level!r}")
    return pc4.astype("string").str[: sizes[level]]


def postcode_summary(postcodes: pd.Series, counts: pd.Series | None = None, *, examples: int = 5) -> pd.DataFrame:
    """How many customers have each postcode status, with the most frequent unusable values.

    Parameters
    ----------
    postcodes : Series
        Raw postcodes (one per customer, or distinct values with ``counts``).
    counts : Series, optional
        Customers per value (same index as ``postcodes``); default 1 each.
    examples : int, default 5
        Most frequent raw values to show for ``invalid`` and ``foreign``.

    Returns
    -------
    DataFrame
        One row per status in :data:`POSTCODE_STATUSES` order (all four): ``status``,
        ``customers`` (int), ``share`` (of all customers, 0-1), ``examples`` (text, values
        separated by " | "; empty for ok and missing).

    Examples
    --------
    >>> s = postcode_summary(pd.Series(["3511 AB", "x", "x", None]))
    >>> s[["status", "customers"]].values.tolist()
    [['ok', 1], ['foreign', 0], ['invalid', 2], ['missing', 1]]
    >>> s.loc[2, "examples"]
    'X'
    """
    raw = pd.Series(postcodes.to_numpy(dtype=object))
    n = pd.Series(np.ones(len(raw), dtype=np.int64) if counts is None else counts.to_numpy(dtype=np.int64))
    parsed = parse_postcodes(raw)
    text = raw.map(_as_text)
    rows = []
    total = int(n.sum())
    for status in POSTCODE_STATUSES:
        sel = (parsed["postcode_status"] == status).to_numpy()
        shown = ""
        if status in ("invalid", "foreign") and sel.any():
            top = (pd.DataFrame({"value": text[sel].to_numpy(), "n": n[sel].to_numpy()})
                   .groupby("value", sort=True)["n"].sum().sort_values(ascending=False, kind="stable"))
            shown = " | ".join(top.index[:examples])
        customers = int(n[sel].sum())
        rows.append({"status": status, "customers": customers, "share": customers / total if total else np.nan,
                     "examples": shown})
    return pd.DataFrame(rows)


def clean_keys(values: pd.Series) -> pd.Series:
    """Region keys as text: integral numbers without '.0', trimmed, upper case; blanks as <NA>.

    Examples
    --------
    >>> clean_keys(pd.Series([3511.0, " 3512 ", None])).tolist()
    ['3511', '3512', <NA>]
    """
    return pd.Series([_as_text(v) for v in values.to_numpy(dtype=object)], index=values.index, dtype="string")


def lookup_regions(lookup: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """A postcode-to-region table reduced to one region per key (PC4 or foreign postcode key).

    Keys are parsed like customer postcodes (a PC6 table becomes a PC4 table; other keys
    are kept as cleaned text). A key with several regions (a PC4 spanning two
    municipalities) gets the region most of its rows have, ties by region name.

    Parameters
    ----------
    lookup : DataFrame
        ``key`` and ``region``.

    Returns
    -------
    (DataFrame, int)
        ``key`` (string), ``region`` (string), sorted by key; and the number of keys that
        had more than one region.

    Examples
    --------
    >>> t, ambiguous = lookup_regions(pd.DataFrame({"key": ["3511 AB", "3511 AC", "3511 AD", "B-2000"],
    ...                                             "region": ["Utrecht", "Utrecht", "Zeist", "Antwerpen"]}))
    >>> t.values.tolist(), ambiguous
    ([['3511', 'Utrecht'], ['BE-2000', 'Antwerpen']], 1)
    """
    _require(lookup, ["key", "region"], "lookup_regions")
    parsed = parse_postcodes(lookup["key"])
    key = parsed["postcode_key"].fillna(clean_keys(lookup["key"].reset_index(drop=True)))
    frame = pd.DataFrame({"key": key, "region": lookup["region"].reset_index(drop=True).astype("string").str.strip()})
    frame = frame.dropna()
    counts = frame.groupby(["key", "region"], sort=True).size().rename("n").reset_index()
    ambiguous = int((counts.groupby("key").size() > 1).sum())
    best = counts.sort_values(["key", "n", "region"], ascending=[True, False, True], kind="stable")
    best = best.drop_duplicates("key")[["key", "region"]].reset_index(drop=True)
    return best.astype({"key": "string", "region": "string"}), ambiguous


def _require(frame: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{func}: column(s) {', '.join(missing)} not in the frame "
                        f"(it has {', '.join(map(str, frame.columns))}).")


# ---------------------------------------------------------------------------------------------
# Boundary files


def cache_folder(cache_dir: str | os.PathLike | None = None) -> Path:
    """The download cache: ``cache_dir``, else ``$XDG_CACHE_HOME/klantpiramide`` or ``~/.cache/klantpiramide``."""
    if cache_dir:
        return Path(os.path.expanduser(str(cache_dir)))
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "klantpiramide"


def _sniff_suffix(head: bytes) -> str | None:
    if head.startswith(b"PK"):
        return ".zip"
    if head.startswith(b"SQLite format 3"):
        return ".gpkg"
    if head.lstrip()[:1] in (b"{", b"["):
        return ".geojson"
    if head.startswith(b"fgb"):
        return ".fgb"
    return None


def fetch_url(url: str, *, cache_dir: str | os.PathLike | None = None, timeout: float = 120.0,
              key: str = "geo.boundaries.url") -> Path:
    """Download a file once into the cache and return its path; later calls reuse the cached copy.

    The cached file is named by a hash of the URL plus the URL's file name, so another
    URL never reuses it; delete the file to download again. The download goes to a
    temporary file first, so an interrupted download never leaves a broken cache entry.

    Parameters
    ----------
    url : str
        An http(s) address.
    cache_dir : path-like, optional
        Default :func:`cache_folder`.
    timeout : float, default 120
        Seconds to wait for the server.
    key : str
        The params key, for messages.

    Returns
    -------
    Path
        The cached file.

    Raises
    ------
    DataError
        When the download fails (naming the URL and the reason, and how to work around it).

    Examples
    --------
    >>> path = fetch_url("https://example.org/pc4.zip")  # doctest: +SKIP
    """
    folder = cache_folder(cache_dir)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(urllib.parse.urlparse(url).path).name) or "download"
    stem = f"{hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]}-{name}"
    for existing in sorted(folder.glob(stem + "*")) if folder.is_dir() else []:
        if existing.is_file() and not existing.name.endswith(".part"):
            return existing
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=stem, suffix=".part")
    hint = f"check {key}, or download the file yourself and give it as geo.boundaries.path"
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "klantpiramide"})
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as response:
            head = response.read(1 << 16)
            out.write(head)
            for chunk in iter(lambda: response.read(1 << 20), b""):
                out.write(chunk)
    except urllib.error.HTTPError as exc:
        os.unlink(tmp)
        raise DataError(f"{url}: download failed (HTTP {exc.code} {exc.reason}); {hint}.") from None
    except (urllib.error.URLError, OSError) as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        reason = getattr(exc, "reason", exc)
        raise DataError(f"{url}: download failed ({reason}); {hint}.") from None
    target = folder / stem
    if not name.lower().endswith((*GEO_FILE_SUFFIXES, ".zip")):
        suffix = _sniff_suffix(head)
        if suffix is None:
            os.unlink(tmp)
            raise DataError(f"{url}: the download is not a GeoJSON, GeoPackage, FlatGeobuf or zip file; {hint}.")
        target = folder / (stem + suffix)
    os.replace(tmp, target)
    return target


def _zip_member(path: Path, member: str | None, key: str) -> str:
    """The path GDAL reads for the geo file inside a zip (``/vsizip/...``)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.lower().endswith(GEO_FILE_SUFFIXES)
                     and not n.startswith("__MACOSX")]
    except zipfile.BadZipFile:
        raise DataError(f"{path}: not a readable zip file; download it again or unpack it and give the "
                        "boundary file itself as geo.boundaries.path.") from None
    if member is not None:
        if member not in names:
            held = ", ".join(names) or "no geo file"
            raise DataError(f"{path}: holds no '{member}' ({key}.member); it holds: {held}.")
        return f"/vsizip/{path}/{member}"
    if len(names) != 1:
        listed = ", ".join(names) if names else "no GeoJSON, GeoPackage, shapefile or FlatGeobuf"
        raise DataError(f"{path}: holds {listed}; name the one to use as {key}.member.")
    return f"/vsizip/{path}/{names[0]}"


class Boundaries(NamedTuple):
    """What :func:`read_boundaries` read: the regions and what was odd about the file."""

    frame: gpd.GeoDataFrame
    rows_read: int
    missing_keys: int
    empty_geometries: int
    duplicate_keys: int
    households_missing: int


def _polygons_only(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Repair invalid geometries and keep their polygon parts (a repair may add stray lines)."""
    import shapely

    arr = geoms.to_numpy()
    bad = ~shapely.is_valid(arr)
    if bad.any():
        arr = arr.copy()
        arr[bad] = shapely.make_valid(arr[bad])
    out = []
    for g in arr:
        if g is None or g.is_empty or g.geom_type in ("Polygon", "MultiPolygon"):
            out.append(g)
            continue
        parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
        out.append(shapely.union_all(parts) if parts else None)
    return geoms.__class__(out, index=geoms.index, crs=geoms.crs)


def read_boundaries(path: str | os.PathLike, *, key_column: str, name_column: str | None = None,
                    households_column: str | None = None, layer: str | None = None, member: str | None = None,
                    crs: str | None = None, to_crs: str = "EPSG:28992", simplify_m: float = 10.0,
                    key: str = "geo.boundaries") -> Boundaries:
    """Read region polygons from a GeoJSON, GeoPackage, shapefile or FlatGeobuf (or a zip holding one).

    Keys are cleaned with :func:`clean_keys`; rows without a key or without a geometry
    are left out and counted; rows sharing a key are merged (geometries unioned,
    households added) and counted; invalid geometries are repaired. Households that
    are not a number or negative (statistics offices write -99997 for "secret") become
    missing and are counted. The result is projected to ``to_crs`` and simplified to
    ``simplify_m`` metres (invisible in print, much smaller files).

    Parameters
    ----------
    path : path-like
    key_column : str
        Column with the region key.
    name_column, households_column : str, optional
        Columns with a readable name and with households (or population).
    layer : str, optional
        Layer of a multi-layer file; default the first.
    member : str, optional
        File inside a zip that holds several.
    crs : str, optional
        The CRS of the coordinates: needed when the file declares none, overrides it otherwise.
    to_crs : str, default "EPSG:28992"
        Metric CRS of the result.
    simplify_m : float, default 10
        Simplification tolerance in metres (0 keeps every vertex).
    key : str
        The params key, for messages.

    Returns
    -------
    Boundaries
        ``frame``: GeoDataFrame with ``key`` (string), ``name`` (string or <NA>),
        ``households`` (float, NaN when unknown), ``geometry`` in ``to_crs``, sorted by
        key; plus the counts ``rows_read``, ``missing_keys``, ``empty_geometries``,
        ``duplicate_keys`` (rows merged into another), ``households_missing``.

    Raises
    ------
    DataError
        For an unreadable file, a column that is not in it (with the file's columns),
        no CRS, coordinates that do not fit the CRS, or no usable region at all.

    Examples
    --------
    >>> b = read_boundaries("data/demo/regions.geojson", key_column="pc4", name_column="plaats",
    ...                     households_column="huishoudens")  # doctest: +SKIP
    >>> b.frame.columns.tolist()  # doctest: +SKIP
    ['key', 'name', 'households', 'geometry']
    """
    import geopandas as gpd
    import pyogrio
    from pyproj import CRS

    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"{key}.path: {path} not found; paths are relative to the params file's folder.")
    source = _zip_member(path, member, key) if path.suffix.lower() == ".zip" else str(path)
    try:
        info = pyogrio.read_info(source, layer=layer)
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise DataError(f"{path}: cannot read as a boundary file ({str(exc).splitlines()[0]}); use a GeoJSON, "
                        "GeoPackage, shapefile or FlatGeobuf.") from None
    fields = [str(f) for f in info["fields"]]
    for role, col in (("key_column", key_column), ("name_column", name_column),
                      ("households_column", households_column)):
        if col is not None and col not in fields:
            close = difflib.get_close_matches(col, fields, n=1, cutoff=0.6)
            ci = [f for f in fields if f.lower() == col.lower()]
            hint = f" Did you mean '{(ci or close)[0]}'?" if (ci or close) else ""
            raise DataError(f"{path}: column '{col}' ({key}.{role}) is not in the boundary file.{hint} "
                            f"The file's columns are: {', '.join(fields)}.")
    columns = list(dict.fromkeys(c for c in (key_column, name_column, households_column) if c))
    frame = pyogrio.read_dataframe(source, layer=layer, columns=columns)
    rows_read = len(frame)
    if crs is not None:
        frame = frame.set_crs(crs, allow_override=True)
    elif frame.crs is None:
        raise DataError(f"{path}: the file declares no coordinate reference system; set {key}.crs, e.g. "
                        "EPSG:28992 (Dutch RD coordinates in metres) or EPSG:4326 (longitude/latitude).")
    keys = clean_keys(frame[key_column])
    geoms = _polygons_only(frame.geometry)
    empty = geoms.isna() | geoms.is_empty
    missing_key = keys.isna()
    households = (pd.to_numeric(frame[households_column], errors="coerce") if households_column
                  else pd.Series(np.nan, index=frame.index))
    households = households.where(households >= 0)
    out = gpd.GeoDataFrame({
        "key": keys,
        "name": (frame[name_column].astype("string").str.strip() if name_column
                 else pd.Series(pd.NA, index=frame.index, dtype="string")),
        "households": households.astype(float),
    }, geometry=geoms, crs=frame.crs)
    out = out[~(missing_key | empty)]
    if out.empty:
        raise DataError(f"{path}: no region with both a key ({key_column}) and a polygon; check {key}.key_column "
                        "and that the file holds polygons.")
    try:
        out = out.to_crs(to_crs)
    except Exception as exc:  # pyproj raises on transformations it cannot do
        raise DataError(f"{path}: cannot convert from {out.crs} to {to_crs} ({exc}).") from None
    bounds = out.total_bounds
    if not np.isfinite(bounds).all():
        raise DataError(f"{path}: the coordinates do not fit the CRS {CRS(out.crs).to_string() if crs is None else crs}"
                        f"; set {key}.crs to the CRS the coordinates are in (e.g. EPSG:28992 or EPSG:4326).")
    duplicates = int(out["key"].duplicated().sum())
    if duplicates:
        out = out.dissolve(by="key", aggfunc={"name": "first", "households": lambda s: s.sum(min_count=1)},
                           sort=True).reset_index()
    if simplify_m and CRS(to_crs).axis_info[0].unit_name in ("metre", "meter"):
        out["geometry"] = out.geometry.simplify(simplify_m, preserve_topology=True)
    out = out.sort_values("key", kind="stable").reset_index(drop=True)[["key", "name", "households", "geometry"]]
    out["key"] = out["key"].astype("string")
    out["name"] = out["name"].astype("string")
    return Boundaries(frame=out, rows_read=rows_read, missing_keys=int(missing_key.sum()),
                      empty_geometries=int((empty & ~missing_key).sum()), duplicate_keys=duplicates,
                      households_missing=int(out["households"].isna().sum()) if households_column else 0)


# ---------------------------------------------------------------------------------------------
# Regions, outlets and distances


def region_table(boundaries: gpd.GeoDataFrame | None = None, households: pd.DataFrame | None = None,
                 ) -> pd.DataFrame:
    """Regions as one Parquet-friendly frame: keys, names, households, position and WKB geometry.

    Parameters
    ----------
    boundaries : GeoDataFrame, optional
        :func:`read_boundaries` ``frame`` (metric CRS).
    households : DataFrame, optional
        ``key`` and ``households``; replaces the boundary file's households. Without
        boundaries, the regions are the keys of this table (no geometry).

    Returns
    -------
    DataFrame
        One row per region, sorted by key: ``key`` (string), ``name`` (string),
        ``households`` (float, NaN when unknown), ``area_km2``, ``x``, ``y`` (centroid in
        the metric CRS, metres), ``lon``, ``lat`` (centroid, WGS84 degrees) and
        ``geometry`` (WKB bytes); the last five are missing without boundaries.

    Raises
    ------
    DataError
        When neither boundaries nor households are given.

    Examples
    --------
    >>> region_table(households=pd.DataFrame({"key": ["3512", "3511"], "households": [900, 1200]}))[
    ...     ["key", "households"]].values.tolist()
    [['3511', 1200.0], ['3512', 900.0]]
    """
    if boundaries is None and households is None:
        raise DataError("region_table: give boundaries, households or both.")
    if boundaries is not None:
        geo = boundaries
        cent = geo.geometry.centroid
        wgs = cent.to_crs(4326)
        frame = pd.DataFrame({"key": geo["key"].astype("string").to_numpy(),
                              "name": geo["name"].astype("string").to_numpy(),
                              "households": geo["households"].astype(float).to_numpy(),
                              "area_km2": (geo.geometry.area / 1e6).to_numpy(),
                              "x": cent.x.to_numpy(), "y": cent.y.to_numpy(),
                              "lon": wgs.x.to_numpy(), "lat": wgs.y.to_numpy()})
        frame["geometry"] = geo.geometry.to_wkb().to_numpy()
    else:
        frame = pd.DataFrame({"key": pd.Series([], dtype="string"), "name": pd.Series([], dtype="string")})
    if households is not None:
        _require(households, ["key", "households"], "region_table (households)")
        hh = pd.DataFrame({"key": clean_keys(households["key"]),
                           "households": pd.to_numeric(households["households"], errors="coerce")})
        hh["households"] = hh["households"].where(hh["households"] >= 0)
        hh = hh.dropna(subset=["key"]).groupby("key", sort=True)["households"].sum(min_count=1)
        if boundaries is None:
            frame = pd.DataFrame({"key": hh.index.astype("string"), "name": pd.array([pd.NA] * len(hh), "string"),
                                  "households": hh.to_numpy(dtype=float)})
        else:
            frame["households"] = frame["key"].map(hh).astype(float).to_numpy()
    frame = frame.sort_values("key", kind="stable").reset_index(drop=True)
    frame["key"] = frame["key"].astype("string")
    return frame[[c for c in REGION_COLUMNS if c in frame.columns]]


def with_outlet_distance(regions: pd.DataFrame, outlets: pd.DataFrame) -> pd.DataFrame:
    """The region frame with ``distance_km`` (centroid to the nearest outlet, km) and ``outlet`` (its name).

    Parameters
    ----------
    regions : DataFrame
        :func:`region_table` output with ``x``, ``y``.
    outlets : DataFrame
        :func:`locate_outlets` output (``name, x, y`` in the same metric CRS).

    Returns
    -------
    DataFrame
        A copy of ``regions`` with the two columns (placed before ``geometry``).

    Examples
    --------
    >>> r = pd.DataFrame({"key": ["1"], "x": [0.0], "y": [0.0]})
    >>> with_outlet_distance(r, pd.DataFrame({"name": ["A"], "x": [0.0], "y": [2500.0]}))["distance_km"].tolist()
    [2.5]
    """
    _require(regions, ["x", "y"], "with_outlet_distance")
    km, nearest = nearest_outlet(regions[["x", "y"]], outlets)
    out = regions.assign(distance_km=km, outlet=pd.array(nearest, dtype="string"))
    return out[[c for c in REGION_COLUMNS if c in out.columns]]


def nearest_outlet(points: pd.DataFrame, outlets: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Straight-line distance (km) from each point to the nearest outlet, and that outlet's name.

    Parameters
    ----------
    points : DataFrame
        ``x``, ``y`` in metres (a metric CRS).
    outlets : DataFrame
        ``name``, ``x``, ``y`` in the same CRS.

    Returns
    -------
    (ndarray of float, ndarray of object)
        Distance in km (NaN where the point is missing) and the outlet name (first
        outlet on ties).

    Examples
    --------
    >>> km, name = nearest_outlet(pd.DataFrame({"x": [0.0, 9000.0], "y": [0.0, 0.0]}),
    ...                           pd.DataFrame({"name": ["A", "B"], "x": [3000.0, 10000.0], "y": [4000.0, 0.0]}))
    >>> km.tolist(), name.tolist()
    ([5.0, 1.0], ['A', 'B'])
    """
    from scipy.spatial import cKDTree

    xy = points[["x", "y"]].to_numpy(dtype=float)
    oxy = outlets[["x", "y"]].to_numpy(dtype=float)
    km = np.full(len(xy), np.nan)
    names = np.full(len(xy), None, dtype=object)
    ok = np.isfinite(xy).all(axis=1)
    if ok.any() and len(oxy):
        dist, idx = cKDTree(oxy).query(xy[ok], k=1)
        km[ok] = dist / 1000.0
        names[ok] = outlets["name"].to_numpy(dtype=object)[idx]
    return km, names


def locate_outlets(outlets: pd.DataFrame, regions: pd.DataFrame | None, *, crs: str = "EPSG:28992",
                   level: str = "pc4", lookup: pd.DataFrame | None = None,
                   label: str = "geo.outlets") -> pd.DataFrame:
    """Outlet positions in the metric CRS: from ``lat``/``lon`` (WGS84) or else from the postcode's region.

    Parameters
    ----------
    outlets : DataFrame
        ``name`` and ``lat`` + ``lon`` (degrees) and/or ``postcode``.
    regions : DataFrame, optional
        :func:`region_table` output with ``x``, ``y``: where a postcode-only outlet is placed
        (its region's centroid).
    crs : str, default "EPSG:28992"
    level : str, default "pc4"
        Level of the region keys (``pc4``, ``pc3``, ``pc2``, ``region``).
    lookup : DataFrame, optional
        :func:`lookup_regions` output, for ``level="region"``.
    label : str
        The params key or file, for messages.

    Returns
    -------
    DataFrame
        ``name`` (string), ``key`` (region key of its postcode, <NA> without one), ``x``,
        ``y`` (metres), ``lon``, ``lat``; in input order.

    Raises
    ------
    DataError
        When an outlet has neither coordinates nor a postcode whose region is known.

    Examples
    --------
    >>> o = locate_outlets(pd.DataFrame({"name": ["Utrecht"], "lat": [52.0907], "lon": [5.1214]}), None)
    >>> o[["x", "y"]].round(-2).values.tolist()
    [[136800.0, 455900.0]]
    """
    import geopandas as gpd

    _require(outlets, ["name"], "locate_outlets")
    n = len(outlets)
    names = outlets["name"].astype("string").reset_index(drop=True)
    lat = pd.to_numeric(outlets["lat"], errors="coerce").reset_index(drop=True) if "lat" in outlets \
        else pd.Series(np.nan, index=range(n))
    lon = pd.to_numeric(outlets["lon"], errors="coerce").reset_index(drop=True) if "lon" in outlets \
        else pd.Series(np.nan, index=range(n))
    key = pd.Series(pd.NA, index=range(n), dtype="string")
    if "postcode" in outlets:
        parsed = parse_postcodes(outlets["postcode"])
        key = _keys_at_level(parsed, level, lookup)
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(crs)
    x, y = pts.x.to_numpy().copy(), pts.y.to_numpy().copy()
    has_xy = lat.notna().to_numpy() & lon.notna().to_numpy()
    if (~has_xy).any():
        pos = (regions.set_index("key")[["x", "y"]] if regions is not None and "x" in regions
               else pd.DataFrame(columns=["x", "y"], dtype=float))
        for i in np.flatnonzero(~has_xy):
            k = key.iloc[i]
            if pd.isna(k) or k not in pos.index:
                raise DataError(f"{label}: outlet '{names.iloc[i]}' has no lat/lon and its postcode "
                                f"({outlets['postcode'].iloc[i] if 'postcode' in outlets else 'none'}) is not a "
                                "region in the boundary file; map lat and lon, or correct the postcode.")
            x[i], y[i] = pos.loc[k, "x"], pos.loc[k, "y"]
    back = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=crs).to_crs(4326)
    return pd.DataFrame({"name": names, "key": key, "x": x, "y": y, "lon": back.x.to_numpy(),
                         "lat": back.y.to_numpy()})


def _keys_at_level(parsed: pd.DataFrame, level: str, lookup: pd.DataFrame | None) -> pd.Series:
    """The region key per parsed postcode at ``level`` (the lookup's region for ``region``)."""
    if level == "region":
        if lookup is None:
            return pd.Series(pd.NA, index=parsed.index, dtype="string")
        return parsed["postcode_key"].map(lookup.set_index("key")["region"]).astype("string")
    return postcode_area(parsed["pc4"], level)


def customer_regions(postcodes: pd.Series, regions: pd.DataFrame | None = None, *, level: str = "pc4",
                     lookup: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per customer: PC4, status, region name and distance to the nearest outlet.

    Parameters
    ----------
    postcodes : Series
        Raw postcodes, one per customer.
    regions : DataFrame, optional
        :func:`region_table` output (``key``, ``name``, optional ``distance_km``).
    level : {"pc4", "pc3", "pc2", "region"}
        Level of the region keys.
    lookup : DataFrame, optional
        :func:`lookup_regions` output: gives ``region``; without it, ``region`` is the
        boundary file's name of the customer's region.

    Returns
    -------
    DataFrame
        Same length and order as ``postcodes`` (index 0..n-1): ``pc4`` (string),
        ``region`` (string), ``postcode_status`` (text), ``distance_km`` (float, km,
        rounded to 0.1), ``geo_key`` (the region key at ``level``, <NA> when unknown).

    Examples
    --------
    >>> r = pd.DataFrame({"key": ["3511"], "name": ["Utrecht"], "distance_km": [2.345]})
    >>> customer_regions(pd.Series(["3511 AB", "9999", None]), r).values.tolist()
    [['3511', 'Utrecht', 'ok', 2.3, '3511'], ['9999', <NA>, 'ok', nan, '9999'], [<NA>, <NA>, 'missing', nan, <NA>]]
    """
    parsed = parse_postcodes(postcodes)
    geo_key = _keys_at_level(parsed, level, lookup)
    if lookup is not None:
        region = parsed["postcode_key"].map(lookup.set_index("key")["region"]).astype("string")
    elif regions is not None and "name" in regions:
        region = geo_key.map(regions.set_index("key")["name"]).astype("string")
    else:
        region = pd.Series(pd.NA, index=parsed.index, dtype="string")
    if regions is not None and "distance_km" in regions:
        km = geo_key.map(regions.set_index("key")["distance_km"]).astype(float).round(1)
    else:
        km = pd.Series(np.nan, index=parsed.index)
    return pd.DataFrame({"pc4": parsed["pc4"], "region": region, "postcode_status": parsed["postcode_status"],
                         "distance_km": km.to_numpy(dtype=float), "geo_key": geo_key})


# ---------------------------------------------------------------------------------------------
# Penetration, white spots, distance bands


def penetration_by_region(customers: pd.DataFrame, regions: pd.DataFrame, *, level: str = "pc4",
                          top_layers: Sequence[str] = ("top", "large"),
                          buying_layers: Sequence[str] = ("top", "large", "medium_large", "medium_small", "small"),
                          ) -> pd.DataFrame:
    """Customers, revenue and market penetration per region.

    A customer belongs to the region of its postcode at ``level`` (``pc4``, ``pc3``,
    ``pc2`` from the ``pc4`` column, or ``region`` from the ``region`` column).

    Parameters
    ----------
    customers : DataFrame
        ``pyramid_layer``, ``revenue`` (period, euro) and ``pc4`` (or ``region`` for
        ``level="region"``).
    regions : DataFrame
        :func:`region_table` output: ``key``, ``name``, ``households`` and optionally
        ``distance_km``, ``outlet``.
    level : str, default "pc4"
    top_layers : sequence of str
        Layers counted as top customers.
    buying_layers : sequence of str
        Layers of buying customers.

    Returns
    -------
    DataFrame
        One row per region (every region of ``regions``, in its order): ``key``,
        ``name``, ``households``, ``customers`` (everyone who bought up to the reference
        date: all layers but prospects), ``buying_customers`` (buying layers),
        ``prospects``, ``revenue`` (euro, period), ``penetration`` (buying customers per
        1,000 households; NaN without households), ``revenue_per_household`` (euro),
        ``penetration_index`` (100 = the penetration of all regions with households
        together), ``top_customers``, ``top_share`` (of buying customers, 0-1), then
        ``distance_km`` and ``outlet`` when ``regions`` has them.

    Examples
    --------
    >>> regions = pd.DataFrame({"key": ["1111", "2222"], "name": ["A", "B"], "households": [1000.0, 2000.0]})
    >>> customers = pd.DataFrame({"pc4": ["1111", "1111", "2222", None],
    ...     "pyramid_layer": ["top", "small", "small", "small"], "revenue": [500.0, 50.0, 30.0, 20.0]})
    >>> p = penetration_by_region(customers, regions)
    >>> p[["key", "buying_customers", "penetration", "penetration_index"]].values.tolist()
    [['1111', 2, 2.0, 200.0], ['2222', 1, 0.5, 50.0]]
    """
    key_col = "region" if level == "region" else "pc4"
    _require(customers, ["pyramid_layer", "revenue", key_col], "penetration_by_region")
    _require(regions, ["key", "households"], "penetration_by_region (regions)")
    keys = (customers["region"].astype("string") if level == "region"
            else postcode_area(customers["pc4"], level))
    layer = customers["pyramid_layer"].astype("string")
    frame = pd.DataFrame({
        "key": keys.to_numpy(),
        "customers": (layer != "prospect").fillna(False).to_numpy(dtype=np.int64),
        "buying_customers": layer.isin(list(buying_layers)).fillna(False).to_numpy(dtype=np.int64),
        "prospects": (layer == "prospect").fillna(False).to_numpy(dtype=np.int64),
        "revenue": customers["revenue"].astype(float).fillna(0.0).to_numpy(),
        "top_customers": layer.isin(list(top_layers)).fillna(False).to_numpy(dtype=np.int64),
    })
    sums = frame.dropna(subset=["key"]).groupby("key", sort=False).sum()
    out = regions[["key", "name", "households"]].copy()
    out["key"] = out["key"].astype("string")
    for col in ("customers", "buying_customers", "prospects", "top_customers"):
        out[col] = out["key"].map(sums[col]).fillna(0).astype("int64").to_numpy()
    out["revenue"] = out["key"].map(sums["revenue"]).fillna(0.0).astype(float).to_numpy()
    hh = out["households"].astype(float)
    has_hh = hh > 0
    out["penetration"] = np.where(has_hh, out["buying_customers"] / hh.where(has_hh) * 1000, np.nan)
    out["revenue_per_household"] = np.where(has_hh, out["revenue"] / hh.where(has_hh), np.nan)
    total_hh = hh[has_hh].sum()
    overall = out.loc[has_hh, "buying_customers"].sum() / total_hh * 1000 if total_hh else np.nan
    out["penetration_index"] = out["penetration"] / overall * 100 if overall else np.nan
    out["top_share"] = out["top_customers"] / out["buying_customers"].where(out["buying_customers"] > 0)
    for col in ("distance_km", "outlet"):
        if col in regions:
            out[col] = regions[col].to_numpy()
    cols = ["key", "name", "households", "customers", "buying_customers", "prospects", "revenue", "penetration",
            "revenue_per_household", "penetration_index", "top_customers", "top_share"]
    return out[cols + [c for c in ("distance_km", "outlet") if c in out]].reset_index(drop=True)


def overall_penetration(by_region: pd.DataFrame) -> float:
    """Buying customers per 1,000 households over all regions with households.

    Examples
    --------
    >>> overall_penetration(pd.DataFrame({"households": [1000.0, 4000.0, np.nan], "buying_customers": [2, 1, 5]}))
    0.6
    """
    has = by_region["households"] > 0
    total = by_region.loc[has, "households"].sum()
    return float(by_region.loc[has, "buying_customers"].sum() / total * 1000) if total else float("nan")


def default_target(by_region: pd.DataFrame, *, quantile: float = 0.75) -> float:
    """The default target penetration: the ``quantile`` of the regions' penetration (regions with households).

    Examples
    --------
    >>> default_target(pd.DataFrame({"penetration": [1.0, 2.0, 3.0, 4.0, 5.0], "households": [1.0] * 5}))
    4.0
    """
    values = by_region.loc[by_region["households"] > 0, "penetration"].dropna()
    return float(np.quantile(values, quantile)) if len(values) else float("nan")


def white_spots(by_region: pd.DataFrame, *, target: float | None = None, revenue_per_customer: float | None = None,
                top: int | None = 15) -> pd.DataFrame:
    """Regions with room to grow: market potential = households × (target penetration − actual).

    Parameters
    ----------
    by_region : DataFrame
        :func:`penetration_by_region` output.
    target : float, optional
        Target penetration (buying customers per 1,000 households); default
        :func:`default_target` (75th percentile of the regions).
    revenue_per_customer : float, optional
        Euro per extra buying customer; default the revenue per buying customer over all
        regions with households.
    top : int or None, default 15
        Regions to return (largest potential first); None for all with a potential.

    Returns
    -------
    DataFrame
        The :func:`penetration_by_region` columns plus ``target`` (per 1,000 households),
        ``potential_customers`` (households × (target − penetration) / 1,000, >= 0) and
        ``potential_revenue`` (euro), only regions with households and a positive potential,
        sorted by potential customers (then key).

    Examples
    --------
    >>> by_region = pd.DataFrame({"key": ["1", "2", "3"], "households": [1000.0, 4000.0, 2000.0],
    ...     "buying_customers": [8, 4, 10], "revenue": [800.0, 400.0, 1000.0]})
    >>> by_region["penetration"] = by_region["buying_customers"] / by_region["households"] * 1000
    >>> w = white_spots(by_region, target=5.0)
    >>> w[["key", "potential_customers", "potential_revenue"]].values.tolist()
    [['2', 16.0, 1600.0]]
    """
    _require(by_region, ["key", "households", "penetration", "buying_customers", "revenue"], "white_spots")
    target = default_target(by_region) if target is None else float(target)
    has = by_region["households"] > 0
    if revenue_per_customer is None:
        buyers = by_region.loc[has, "buying_customers"].sum()
        revenue_per_customer = by_region.loc[has, "revenue"].sum() / buyers if buyers else 0.0
    out = by_region[has].copy()
    out["target"] = target
    out["potential_customers"] = (out["households"] * (target - out["penetration"]) / 1000).clip(lower=0)
    out["potential_revenue"] = out["potential_customers"] * revenue_per_customer
    out = out[out["potential_customers"] > 0]
    out = out.sort_values(["potential_customers", "key"], ascending=[False, True], kind="stable")
    return (out.head(top) if top is not None else out).reset_index(drop=True)


def distance_band_summary(by_region: pd.DataFrame, bands_km: Sequence[float]) -> pd.DataFrame:
    """Customers, revenue and penetration by distance to the nearest outlet (the catchment).

    Parameters
    ----------
    by_region : DataFrame
        :func:`penetration_by_region` output with ``distance_km``.
    bands_km : sequence of float
        Upper bounds of the bands, increasing; a last open band follows.

    Returns
    -------
    DataFrame
        One row per band (empty bands included): ``band`` (0-based), ``from_km``,
        ``to_km`` (inf for the last), ``regions``, ``households``, ``buying_customers``,
        ``revenue``, ``penetration`` (per 1,000 households), ``revenue_per_household``,
        ``customer_share`` (share of the buying customers in regions with a distance, 0-1),
        ``cumulative_share``. A region at exactly a bound belongs to the nearer band.

    Examples
    --------
    >>> by_region = pd.DataFrame({"distance_km": [2.0, 5.0, 12.0], "households": [1000.0, 1000.0, 2000.0],
    ...                           "buying_customers": [10, 6, 4], "revenue": [100.0, 60.0, 40.0]})
    >>> d = distance_band_summary(by_region, [5, 10])
    >>> d[["to_km", "buying_customers", "penetration", "cumulative_share"]].values.tolist()
    [[5.0, 16.0, 8.0, 0.8], [10.0, 0.0, nan, 0.8], [inf, 4.0, 2.0, 1.0]]
    """
    _require(by_region, ["distance_km", "households", "buying_customers", "revenue"], "distance_band_summary")
    edges = np.array([0.0, *[float(b) for b in bands_km], np.inf])
    known = by_region[by_region["distance_km"].notna()]
    band = np.searchsorted(edges[1:-1], known["distance_km"].to_numpy(dtype=float), side="left")
    hh = known["households"].astype(float).where(known["households"] > 0)
    frame = pd.DataFrame({"band": band, "regions": 1, "households": hh.fillna(0.0).to_numpy(),
                          "hh_buyers": np.where(hh.notna(), known["buying_customers"], 0),
                          "hh_revenue": np.where(hh.notna(), known["revenue"], 0.0),
                          "buying_customers": known["buying_customers"].to_numpy(),
                          "revenue": known["revenue"].astype(float).to_numpy()})
    g = frame.groupby("band").sum().reindex(range(len(edges) - 1), fill_value=0)
    total = g["buying_customers"].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        penetration = np.where(g["households"] > 0, g["hh_buyers"] / g["households"] * 1000, np.nan)
        per_hh = np.where(g["households"] > 0, g["hh_revenue"] / g["households"], np.nan)
    out = pd.DataFrame({"band": np.arange(len(edges) - 1), "from_km": edges[:-1], "to_km": edges[1:],
                        "regions": g["regions"].astype("int64").to_numpy(), "households": g["households"].to_numpy(),
                        "buying_customers": g["buying_customers"].astype("int64").to_numpy(),
                        "revenue": g["revenue"].astype(float).to_numpy(), "penetration": penetration,
                        "revenue_per_household": per_hh})
    out["customer_share"] = out["buying_customers"] / total if total else np.nan
    out["cumulative_share"] = out["customer_share"].cumsum()
    return out


def regions_geoframe(regions: pd.DataFrame, *, crs: str = "EPSG:28992") -> gpd.GeoDataFrame:
    """A region frame with WKB ``geometry`` (as saved in the run's work folder) as a GeoDataFrame.

    Examples
    --------
    >>> import shapely
    >>> g = regions_geoframe(pd.DataFrame({"key": ["1"], "geometry": [shapely.box(0, 0, 1, 1).wkb]}))
    >>> float(g.area.iloc[0])
    1.0
    """
    import geopandas as gpd
    import shapely

    _require(regions, ["geometry"], "regions_geoframe")
    geoms = shapely.from_wkb(regions["geometry"].to_numpy())
    return gpd.GeoDataFrame(regions.drop(columns=["geometry"]), geometry=geoms, crs=crs)


def customers_by_area(customers: pd.DataFrame, *, level: str = "pc2",
                      buying_layers: Sequence[str] = ("top", "large", "medium_large", "medium_small", "small"),
                      ) -> pd.DataFrame:
    """Customers and revenue per postcode area, for when there are no region boundaries.

    Parameters
    ----------
    customers : DataFrame
        ``pc4``, ``pyramid_layer``, ``revenue``.
    level : {"pc4", "pc3", "pc2"}, default "pc2"
    buying_layers : sequence of str

    Returns
    -------
    DataFrame
        One row per area with customers, sorted by buying customers (then area):
        ``area``, ``customers`` (all but prospects), ``buying_customers``, ``revenue``
        (euro), ``buyer_share`` (share of all buying customers with an area, 0-1).

    Examples
    --------
    >>> c = pd.DataFrame({"pc4": ["3511", "3512", "1011", None], "pyramid_layer": ["top", "small", "small", "top"],
    ...                   "revenue": [10.0, 5.0, 4.0, 9.0]})
    >>> customers_by_area(c)[["area", "buying_customers", "buyer_share"]].values.tolist()
    [['35', 2, 0.6666666666666666], ['10', 1, 0.3333333333333333]]
    """
    _require(customers, ["pc4", "pyramid_layer", "revenue"], "customers_by_area")
    layer = customers["pyramid_layer"].astype("string")
    frame = pd.DataFrame({"area": postcode_area(customers["pc4"], level).to_numpy(),
                          "customers": (layer != "prospect").fillna(False).to_numpy(dtype=np.int64),
                          "buying_customers": layer.isin(list(buying_layers)).fillna(False).to_numpy(dtype=np.int64),
                          "revenue": customers["revenue"].astype(float).fillna(0.0).to_numpy()})
    out = frame.dropna(subset=["area"]).groupby("area", sort=True).sum().reset_index()
    out = out[out["customers"] > 0]
    total = out["buying_customers"].sum()
    out["buyer_share"] = out["buying_customers"] / total if total else np.nan
    out = out.sort_values(["buying_customers", "area"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)
