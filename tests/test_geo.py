"""Geo market penetration: postcodes, boundary files, penetration, white spots, catchment, maps, download cache."""

from __future__ import annotations

import functools
import http.server
import io
import re
import threading
import zipfile
from typing import ClassVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import demo_params, params_dict, write, write_params
from toolkit.errors import DataError, ParamsError
from toolkit.geo import (
    customer_regions,
    customers_by_area,
    default_target,
    distance_band_summary,
    fetch_url,
    locate_outlets,
    lookup_regions,
    nearest_outlet,
    normalize_postcodes,
    overall_penetration,
    parse_postcodes,
    penetration_by_region,
    postcode_area,
    postcode_summary,
    read_boundaries,
    region_table,
    regions_geoframe,
    white_spots,
)
from toolkit.params import parse_params

NA = pd.NA


# --- postcodes ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "pc4", "status", "key"), [
    ("1234 AB", "1234", "ok", "1234"),
    ("1234ab", "1234", "ok", "1234"),
    (" 1234", "1234", "ok", "1234"),
    ("1234AB", "1234", "ok", "1234"),
    (" 1234  ab ", "1234", "ok", "1234"),
    ("1234-AB", "1234", "ok", "1234"),
    ("NL-1234 AB", "1234", "ok", "1234"),
    ("nl 1234ab", "1234", "ok", "1234"),
    ("1000", "1000", "ok", "1000"),          # the lowest Dutch PC4
    ("9999 ZZ", "9999", "ok", "9999"),
    (3511, "3511", "ok", "3511"),           # Excel stores a bare PC4 as a number
    (3511.0, "3511", "ok", "3511"),
    ("0123 AB", NA, "invalid", NA),         # Dutch postcodes never start with 0
    ("0999", NA, "invalid", NA),
    ("12345", NA, "invalid", NA),
    ("35111 AB", NA, "invalid", NA),
    ("123", NA, "invalid", NA),
    ("1234 A", NA, "invalid", NA),
    ("1234 ABC", NA, "invalid", NA),
    ("ONBEKEND", NA, "invalid", NA),
    ("", NA, "missing", NA),
    ("   ", NA, "missing", NA),
    (None, NA, "missing", NA),
    (float("nan"), NA, "missing", NA),
    ("B-2000", NA, "foreign", "BE-2000"),    # one-letter country prefixes map to ISO codes
    ("BE 2000", NA, "foreign", "BE-2000"),
    ("D-10115", NA, "foreign", "DE-10115"),
    ("de10115", NA, "foreign", "DE-10115"),
])
def test_parse_postcodes_cases(raw, pc4, status, key):
    got = parse_postcodes([raw]).iloc[0]
    assert got["postcode_status"] == status
    assert (got["pc4"] is NA and pc4 is NA) or got["pc4"] == pc4
    assert (got["postcode_key"] is NA and key is NA) or got["postcode_key"] == key


def test_normalize_postcodes_series_contract():
    values = pd.Series(["3511 AB", None, "x"], index=[10, 20, 30])
    before = values.copy()
    out = normalize_postcodes(values)
    assert out.dtype == "string" and out.tolist() == ["3511", NA, NA]
    assert out.index.tolist() == [0, 1, 2]
    pd.testing.assert_series_equal(values, before)


letters = st.sampled_from(list("ABCEGHJKLMNPRSTVWXZ"))


@settings(max_examples=200, deadline=None)
@given(number=st.integers(1000, 9999), a=letters, b=letters, sep=st.sampled_from(["", " ", "  ", "-", " - "]),
       lower=st.booleans(), pad=st.sampled_from(["", " ", "\t"]), with_letters=st.booleans())
def test_every_dutch_notation_gives_its_pc4(number, a, b, sep, lower, pad, with_letters):
    text = f"{number}{sep}{a}{b}" if with_letters else str(number)
    text = pad + (text.lower() if lower else text) + pad
    assert normalize_postcodes([text]).tolist() == [str(number)]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=10), st.integers(-99999, 99999)), max_size=30))
def test_parse_postcodes_is_total_and_consistent(values):
    out = parse_postcodes(values)
    assert len(out) == len(values)
    assert set(out["postcode_status"]) <= {"ok", "foreign", "invalid", "missing"}
    ok = out["postcode_status"] == "ok"
    assert out.loc[ok, "pc4"].str.fullmatch(r"[1-9]\d{3}").all()
    assert out.loc[~ok, "pc4"].isna().all()
    pd.testing.assert_frame_equal(out, parse_postcodes(values))


def test_postcode_area_levels():
    pc4 = pd.Series(["3511", "1011", None], dtype="string")
    assert postcode_area(pc4, "pc3").tolist() == ["351", "101", NA]
    assert postcode_area(pc4, "pc2").tolist() == ["35", "10", NA]
    with pytest.raises(ValueError, match="level"):
        postcode_area(pc4, "pc5")


def test_postcode_summary_counts_and_examples():
    # 3 valid (two notations of one), 2 x "ONBEKEND" + 1 "0123 AB" invalid, 1 foreign, 2 missing.
    raw = pd.Series(["3511 AB", "3511ab", "1011", "onbekend", "ONBEKEND", "0123 AB", "B-2000", None, ""])
    s = postcode_summary(raw).set_index("status")
    assert s["customers"].to_dict() == {"ok": 3, "foreign": 1, "invalid": 3, "missing": 2}
    assert s.loc["invalid", "examples"] == "ONBEKEND | 0123 AB"
    assert s.loc["foreign", "examples"] == "B-2000"
    assert s["share"].sum() == pytest.approx(1.0)
    # distinct values with counts give the same numbers
    counts = postcode_summary(pd.Series(["3511 AB", "x"]), pd.Series([10, 4])).set_index("status")["customers"]
    assert counts.to_dict() == {"ok": 10, "foreign": 0, "invalid": 4, "missing": 0}


def test_lookup_regions_reduces_pc6_to_pc4_by_majority():
    lookup = pd.DataFrame({"key": ["3511 AA", "3511 AB", "3511 AC", "3512 AA", "3513", "D-10115", None],
                           "region": ["Utrecht", "Utrecht", "Zeist", "Utrecht", "Zeist", "Berlin", "x"]})
    table, ambiguous = lookup_regions(lookup)
    assert table.values.tolist() == [["3511", "Utrecht"], ["3512", "Utrecht"], ["3513", "Zeist"],
                                     ["DE-10115", "Berlin"]]
    assert ambiguous == 1


# --- penetration, white spots, catchment -----------------------------------------------------------

REGIONS = pd.DataFrame({"key": ["1111", "2222", "3333", "4444"], "name": ["Noord", "Oost", "Zuid", "West"],
                        "households": [1000.0, 2000.0, 4000.0, np.nan], "distance_km": [2.0, 5.0, 12.0, 30.0],
                        "outlet": ["A", "A", "B", "B"]})


def _customers() -> pd.DataFrame:
    rows = [  # pc4, layer, revenue
        ("1111", "top", 1000.0), ("1111", "small", 100.0), ("1111", "small", 100.0), ("1111", "inactive", 0.0),
        ("2222", "large", 500.0), ("2222", "small", 60.0), ("2222", "prospect", 0.0),
        ("3333", "small", 40.0),
        ("4444", "small", 80.0),
        ("9999", "small", 999.0),   # valid postcode outside the regions
        (None, "small", 20.0),
    ]
    return pd.DataFrame(rows, columns=["pc4", "pyramid_layer", "revenue"])


def test_penetration_by_region_by_hand():
    p = penetration_by_region(_customers(), REGIONS).set_index("key")
    # Buying customers: 1111: 3 (top + 2 small), 2222: 2, 3333: 1, 4444: 1 (no households).
    assert p["buying_customers"].to_dict() == {"1111": 3, "2222": 2, "3333": 1, "4444": 1}
    assert p["customers"].to_dict() == {"1111": 4, "2222": 2, "3333": 1, "4444": 1}  # inactive counts, prospect not
    assert p["prospects"].to_dict() == {"1111": 0, "2222": 1, "3333": 0, "4444": 0}
    # Penetration per 1,000 households: 3/1000*1000 = 3, 2/2000*1000 = 1, 1/4000*1000 = 0.25, none for 4444.
    assert p["penetration"].tolist()[:3] == [3.0, 1.0, 0.25] and np.isnan(p.loc["4444", "penetration"])
    # Overall: (3 + 2 + 1) buyers / 7,000 households * 1,000 = 0.857142…; index = penetration / overall * 100.
    overall = 6 / 7000 * 1000
    assert overall_penetration(p) == pytest.approx(overall)
    assert p.loc["1111", "penetration_index"] == pytest.approx(3.0 / overall * 100)   # 350
    assert p.loc["3333", "penetration_index"] == pytest.approx(0.25 / overall * 100)  # 29.17
    # Revenue per household: 1111: 1,200 / 1,000 = 1.2; 2222: 560 / 2,000 = 0.28; 3333: 40 / 4,000 = 0.01.
    assert p["revenue_per_household"].tolist()[:3] == pytest.approx([1.2, 0.28, 0.01])
    # Top layers (top, large): 1 of 3 buyers in 1111, 1 of 2 in 2222, 0 of 1 in 3333.
    assert p["top_share"].tolist()[:3] == pytest.approx([1 / 3, 0.5, 0.0])
    assert p.loc["4444", "distance_km"] == 30.0 and p.loc["4444", "outlet"] == "B"


def test_penetration_at_coarser_levels_and_regions():
    regions = pd.DataFrame({"key": ["11", "22"], "name": [NA, NA], "households": [2000.0, 1000.0]})
    p = penetration_by_region(_customers(), regions, level="pc2").set_index("key")
    assert p["buying_customers"].to_dict() == {"11": 3, "22": 2}
    by_region = pd.DataFrame({"region": ["Utrecht", "Utrecht", None], "pyramid_layer": ["small", "top", "small"],
                              "revenue": [1.0, 2.0, 3.0]})
    r = penetration_by_region(by_region, pd.DataFrame({"key": ["Utrecht"], "name": ["Utrecht"],
                                                       "households": [4000.0]}), level="region")
    assert r["buying_customers"].tolist() == [2] and r["penetration"].tolist() == [0.5]


def test_white_spots_by_hand():
    p = penetration_by_region(_customers(), REGIONS)
    # Target 2 per 1,000 households: potential = households * (2 - penetration) / 1,000, at least 0:
    # 1111: 1000 * (2 - 3) < 0 -> none; 2222: 2000 * (2 - 1) / 1000 = 2; 3333: 4000 * (2 - 0.25) / 1000 = 7.
    # Revenue per buying customer over the regions with households: (1,200 + 560 + 40) / 6 = 300.
    w = white_spots(p, target=2.0)
    assert w["key"].tolist() == ["3333", "2222"]
    assert w["potential_customers"].tolist() == pytest.approx([7.0, 2.0])
    assert w["potential_revenue"].tolist() == pytest.approx([2100.0, 600.0])
    assert (w["target"] == 2.0).all()
    # Default target: the 75th percentile of 3, 1 and 0.25 (linear) = 2.0.
    assert default_target(p) == pytest.approx(2.0)
    assert white_spots(p)["key"].tolist() == ["3333", "2222"]
    assert white_spots(p, target=2.0, top=1)["key"].tolist() == ["3333"]


def test_distance_bands_by_hand():
    p = penetration_by_region(_customers(), REGIONS)
    d = distance_band_summary(p, [5, 10, 20])
    # Bands (0, 5], (5, 10], (10, 20], > 20: 1111 (2 km) and 2222 (exactly 5 km) in the first,
    # 3333 (12 km) in the third, 4444 (30 km) in the last (no households there).
    assert d["regions"].tolist() == [2, 0, 1, 1]
    assert d["buying_customers"].tolist() == [5, 0, 1, 1]
    assert d["households"].tolist() == [3000.0, 0.0, 4000.0, 0.0]
    assert d["penetration"].tolist()[0] == pytest.approx(5 / 3000 * 1000)
    assert np.isnan(d["penetration"].iloc[1]) and np.isnan(d["penetration"].iloc[3])
    assert d["cumulative_share"].tolist() == pytest.approx([5 / 7, 5 / 7, 6 / 7, 1.0])
    assert d["to_km"].iloc[-1] == np.inf


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 80), st.floats(1, 9000), st.integers(0, 50)), min_size=1, max_size=25))
def test_distance_bands_partition_the_regions(rows):
    frame = pd.DataFrame(rows, columns=["distance_km", "households", "buying_customers"]).assign(revenue=1.0)
    d = distance_band_summary(frame, [5, 10, 20, 40])
    assert d["regions"].sum() == len(frame)
    assert d["buying_customers"].sum() == frame["buying_customers"].sum()
    assert d["households"].sum() == pytest.approx(frame["households"].sum())


def test_customers_by_area_without_boundaries():
    a = customers_by_area(_customers()).set_index("area")
    assert a["buying_customers"].to_dict() == {"11": 3, "22": 2, "33": 1, "44": 1, "99": 1}
    assert a["customers"].to_dict()["11"] == 4


def test_nearest_outlet_and_locating_outlets():
    km, name = nearest_outlet(pd.DataFrame({"x": [0.0, 10_000.0, np.nan], "y": [0.0, 0.0, 0.0]}),
                              pd.DataFrame({"name": ["A", "B"], "x": [3000.0, 10_000.0], "y": [4000.0, 1000.0]}))
    assert km[:2].tolist() == [5.0, 1.0] and np.isnan(km[2]) and name.tolist() == ["A", "B", None]
    regions = pd.DataFrame({"key": ["3511", "3512"], "x": [136_000.0, 137_000.0], "y": [455_000.0, 456_000.0]})
    outlets = pd.DataFrame({"name": ["Dom", "Station"], "postcode": ["3512 AB", "3511 CE"],
                            "lat": [52.0907, None], "lon": [5.1214, None]})
    got = locate_outlets(outlets, regions)
    assert got["key"].tolist() == ["3512", "3511"]
    # with coordinates: their own position; without: the centroid of the postcode's region
    assert got.loc[0, "x"] == pytest.approx(136_800, abs=100)
    assert got.loc[1, ["x", "y"]].tolist() == [136_000.0, 455_000.0]
    assert got.loc[1, "lat"] == pytest.approx(52.08, abs=0.02)
    with pytest.raises(DataError, match=r"outlet 'Nergens' has no lat/lon and its postcode \(9999 ZZ\)"):
        locate_outlets(pd.DataFrame({"name": ["Nergens"], "postcode": ["9999 ZZ"]}), regions, label="outlets.csv")


def test_customer_regions_with_lookup_and_foreign_postcodes():
    regions = pd.DataFrame({"key": ["3511"], "name": ["Utrecht-Centrum"], "distance_km": [1.26]})
    lookup = pd.DataFrame({"key": pd.array(["3511", "BE-2000"], dtype="string"),
                           "region": pd.array(["Utrecht", "Antwerpen"], dtype="string")})
    got = customer_regions(pd.Series(["3511 AB", "B-2000", "x"]), regions, lookup=lookup)
    assert got["region"].tolist() == ["Utrecht", "Antwerpen", NA]
    assert got["postcode_status"].tolist() == ["ok", "foreign", "invalid"]
    assert got["distance_km"].tolist()[0] == 1.3
    assert got["geo_key"].tolist() == ["3511", NA, NA]
    # level "region": the key is the lookup's region
    assert customer_regions(pd.Series(["3511 AB"]), lookup=lookup, level="region")["geo_key"].tolist() == ["Utrecht"]


# --- boundary files -------------------------------------------------------------------------------

def _squares(crs: int | None = 28992) -> gpd.GeoDataFrame:
    """Four 1 km squares in RD coordinates; one repeats a key, one has no key, one has no geometry."""
    boxes = [shapely.box(x, 450_000, x + 1000, 451_000) for x in (130_000, 131_000, 132_000, 133_000)]
    return gpd.GeoDataFrame({"PC4": [3511, 3512, 3512, None, 3514], "naam": ["A", "B", "B2", "C", "D"],
                             "aantal_hh": [1000, -99997, 500, 300, 700]},
                            geometry=[*boxes, None], crs=crs)


def test_read_boundaries_counts_what_is_odd(tmp_path):
    path = tmp_path / "pc4.gpkg"
    _squares().to_file(path)
    b = read_boundaries(path, key_column="PC4", name_column="naam", households_column="aantal_hh")
    f = b.frame
    assert f["key"].tolist() == ["3511", "3512"]  # 3514 has no polygon, one row has no key
    assert (b.rows_read, b.missing_keys, b.empty_geometries, b.duplicate_keys) == (5, 1, 1, 1)
    # 3512 is two squares merged; its households: the secret -99997 is unknown, so only 500 count
    assert f.set_index("key").loc["3512", "households"] == 500.0
    assert f.geometry.area.round().tolist() == [1_000_000.0, 2_000_000.0]
    assert f.crs.to_epsg() == 28992
    table = region_table(f)
    assert table["area_km2"].round(6).tolist() == [1.0, 2.0]
    assert table.loc[0, ["x", "y"]].tolist() == [130_500.0, 450_500.0]
    assert isinstance(table.loc[0, "geometry"], bytes)
    assert regions_geoframe(table).geometry.area.round().tolist() == [1_000_000.0, 2_000_000.0]


def test_read_boundaries_reprojects_any_crs(tmp_path):
    path = tmp_path / "pc4.geojson"
    _squares().to_crs(4326).to_file(path, driver="GeoJSON")
    f = read_boundaries(path, key_column="PC4", simplify_m=0).frame
    assert f.crs.to_epsg() == 28992
    assert f.geometry.area.iloc[0] == pytest.approx(1_000_000, rel=1e-3)


def test_boundary_file_mistakes_name_the_fix(tmp_path):
    path = tmp_path / "pc4.gpkg"
    _squares().to_file(path)
    with pytest.raises(DataError, match=r"column 'pc4' \(geo.boundaries.key_column\) is not in the boundary file\. "
                                        r"Did you mean 'PC4'\?.*PC4, naam, aantal_hh"):
        read_boundaries(path, key_column="pc4")
    with pytest.raises(DataError, match=r"households_column"):
        read_boundaries(path, key_column="PC4", households_column="huishoudens")
    shp = tmp_path / "shp" / "pc4.shp"
    shp.parent.mkdir()
    _squares().to_file(shp)
    shp.with_suffix(".prj").unlink()
    with pytest.raises(DataError, match=r"declares no coordinate reference system; set geo.boundaries.crs"):
        read_boundaries(shp, key_column="PC4")
    assert len(read_boundaries(shp, key_column="PC4", crs="EPSG:28992").frame) == 2
    with pytest.raises(DataError, match=r"do not fit the CRS"):
        read_boundaries(shp, key_column="PC4", crs="EPSG:4326")  # metres read as degrees
    with pytest.raises(ParamsError, match=r"not found"):
        read_boundaries(tmp_path / "nope.gpkg", key_column="PC4")
    broken = write(tmp_path / "broken.geojson", "{not json")
    with pytest.raises(DataError, match=r"cannot read as a boundary file"):
        read_boundaries(broken, key_column="PC4")


def test_zipped_boundary_files(tmp_path):
    gpkg = tmp_path / "pc4.gpkg"
    _squares().to_file(gpkg)
    one = tmp_path / "one.zip"
    with zipfile.ZipFile(one, "w") as z:
        z.write(gpkg, "data/pc4.gpkg")
        z.writestr("LEESMIJ.txt", "bron: test")
    assert read_boundaries(one, key_column="PC4").frame["key"].tolist() == ["3511", "3512"]
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as z:
        z.write(gpkg, "a.gpkg")
        z.write(gpkg, "b.gpkg")
    with pytest.raises(DataError, match=r"holds a.gpkg, b.gpkg; name the one to use as geo.boundaries.member"):
        read_boundaries(two, key_column="PC4")
    assert len(read_boundaries(two, key_column="PC4", member="b.gpkg").frame) == 2


def test_geo_params_validation(tmp_path):
    def geo(**section):
        return parse_params(params_dict(geo=section))

    assert geo().geo.crs == "EPSG:28992" and geo().geo.distance_bands_km == [5, 10, 20, 40]
    with pytest.raises(ParamsError, match=r"'EPSG:99999' is not a known coordinate reference system"):
        geo(crs="EPSG:99999")
    with pytest.raises(ParamsError, match=r"not a known coordinate reference system"):
        geo(boundaries={"path": "pc4.gpkg", "key_column": "pc4", "crs": "RD"})
    with pytest.raises(ParamsError, match=r"either path .* or url"):
        geo(boundaries={"path": "pc4.gpkg", "url": "https://example.org/pc4.zip", "key_column": "pc4"})
    with pytest.raises(ParamsError, match=r"unsupported type"):
        geo(boundaries={"path": "pc4.csv", "key_column": "pc4"})
    with pytest.raises(ParamsError, match=r"must start with http"):
        geo(boundaries={"url": "ftp://example.org/pc4.zip", "key_column": "pc4"})
    with pytest.raises(ParamsError, match=r"level 'region' needs geo.lookup"):
        geo(level="region")
    with pytest.raises(ParamsError, match=r"increasing distances"):
        geo(distance_bands_km=[10, 5])
    with pytest.raises(ParamsError, match=r"unknown key 'households_colum'.*Did you mean 'households_column'"):
        geo(boundaries={"path": "pc4.gpkg", "key_column": "pc4", "households_colum": "hh"})


# --- download and cache ---------------------------------------------------------------------------

class _Counting(http.server.SimpleHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):
        type(self).hits.append(self.path)
        super().do_GET()

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def served(tmp_path):
    """A small boundary file served on localhost (as a .gpkg and under a name without suffix)."""
    root = tmp_path / "www"
    root.mkdir()
    _squares().to_file(root / "pc4.gpkg")
    (root / "download").write_bytes((root / "pc4.gpkg").read_bytes())
    _Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Counting, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_url_downloads_once_and_caches(served, tmp_path):
    cache = tmp_path / "cache"
    first = fetch_url(f"{served}/pc4.gpkg", cache_dir=cache)
    again = fetch_url(f"{served}/pc4.gpkg", cache_dir=cache)
    assert first == again and first.parent == cache and first.name.endswith("-pc4.gpkg")
    assert _Counting.hits == ["/pc4.gpkg"]  # the second call used the cache
    assert read_boundaries(first, key_column="PC4").frame["key"].tolist() == ["3511", "3512"]
    sniffed = fetch_url(f"{served}/download", cache_dir=cache)
    assert sniffed.suffix == ".gpkg"  # no suffix in the URL: recognised by its first bytes
    assert not list(cache.glob("*.part"))
    with pytest.raises(DataError, match=r"/missing.zip: download failed \(HTTP 404"):
        fetch_url(f"{served}/missing.zip", cache_dir=cache)
    assert not list(cache.glob("*missing*"))


def test_boundaries_from_a_url_in_a_run(served, tmp_path, demo_small):
    from toolkit.params import load_params
    from toolkit.pipeline import analyse

    data = demo_params(demo_small, tmp_path / "out", "demo.yaml")
    data["geo"] = {"boundaries": {"url": f"{served}/pc4.gpkg", "key_column": "PC4", "cache_dir": "cache"}}
    results = analyse(load_params(write_params(tmp_path, data)))
    assert results.frames["geo_regions"]["key"].tolist() == ["3511", "3512"]
    assert (tmp_path / "cache").is_dir()
    codes = {n["code"] for n in results.notes}
    assert {"geo_outside_regions", "geo_duplicate_regions", "geo_regions_unusable"} <= codes


# --- maps -----------------------------------------------------------------------------------------

def _png(fig) -> np.ndarray:
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    plt.close(fig)
    buf.seek(0)
    return mpimg.imread(buf)[..., :3]


def _grid(n: int = 6) -> gpd.GeoDataFrame:
    cells = [shapely.box(i * 2000, j * 2000, i * 2000 + 2000, j * 2000 + 2000) for i in range(n) for j in range(n)]
    values = np.linspace(0, 30, n * n)
    values[3] = np.nan
    return gpd.GeoDataFrame({"key": [str(1000 + k) for k in range(n * n)], "name": ["Stad"] * (n * n),
                             "penetration": values}, geometry=cells, crs=28992)


def test_choropleth_renders_a_map_that_is_not_blank():
    from toolkit.plots.maps import RAMP, plot_choropleth

    outlets = pd.DataFrame({"name": ["Vestiging"], "x": [5000.0], "y": [5000.0]})
    ax = plot_choropleth(_grid(), "penetration", lang="nl", legend_title="Kopers per 1.000 huishoudens",
                         outlets=outlets)
    img = _png(ax.figure)
    not_white = (img < 0.97).any(axis=2).mean()
    assert not_white > 0.25, "the map is (nearly) blank"
    colours = {tuple(np.round(px, 1)) for px in img.reshape(-1, 3)[::7]}
    assert len(colours) >= 5, "a choropleth shows several classes"
    legend = ax.get_legend()
    assert legend.get_title().get_text().startswith("Kopers per 1.000")
    labels = [tx.get_text() for tx in legend.get_texts()]
    assert labels[0].startswith("< ") and labels[-3].startswith("≥ ") and labels[-2:] == ["Geen huishoudens bekend",
                                                                                           "Vestiging"]
    assert len(RAMP) == 5
    # every 2 km cell is big enough at print size for its key
    assert {tx.get_text() for tx in ax.texts} >= {"1000", "1035"}


def test_catchment_panels_and_english_legend():
    from toolkit.plots.maps import plot_catchment_maps

    outlets = pd.DataFrame({"name": ["A", "B", "C"], "x": [3000.0, 9000.0, 6000.0], "y": [3000.0, 9000.0, 6000.0]})
    fig = plot_catchment_maps(_grid(), "penetration", lang="en", legend_title="Buyers per 1,000 households",
                              outlets=outlets, radius_km=3)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles[:3] == ["A", "B", "C"]
    legend_texts = [tx.get_text() for ax in fig.axes if ax.get_legend() for tx in ax.get_legend().get_texts()]
    assert "No households known" in legend_texts and "Outlet" in legend_texts
    assert (_png(fig) < 0.97).any(axis=2).mean() > 0.2


def test_class_breaks_are_rounded_and_increasing():
    from toolkit.plots.maps import class_breaks, class_labels

    values = np.random.default_rng(1).gamma(2.0, 5.0, 4000)
    limits = class_breaks(values)
    assert 2 <= len(limits) <= 4 and (np.diff(limits) > 0).all()
    assert all(float(f"{x:.2g}") == x for x in limits)
    assert class_breaks([5.0] * 10).tolist() == []
    assert class_labels([0.45, 3.7, 10], "en") == ["< 0.45", "0.45 – 3.7", "3.7 – 10", "≥ 10"]


# --- the analysis in a run, and the chapter ---------------------------------------------------------

@pytest.fixture(scope="module")
def small_run(tmp_path_factory, demo_small):
    from toolkit.params import load_params
    from toolkit.pipeline import analyse

    folder = tmp_path_factory.mktemp("geo_run")
    return analyse(load_params(write_params(folder, demo_params(demo_small, folder / "out", "demo.yaml"))))


def test_geo_columns_and_postcode_notes_on_the_demo(small_run):
    from toolkit.demo import injected_problems

    c = small_run.customers
    cols = list(c.columns)
    assert cols[cols.index("pc4"):cols.index("pc4") + 4] == ["pc4", "region", "postcode_status", "distance_km"]
    problems = injected_problems(0.05)
    status = c["postcode_status"].value_counts()
    assert status["invalid"] + status["missing"] == problems["invalid_postcodes"]
    assert status["missing"] == problems["missing_postcodes"]
    assert c.loc[c["postcode_status"] == "ok", "pc4"].str.fullmatch(r"\d{4}").all()
    assert c.loc[c["postcode_status"] == "ok", "region"].notna().all()  # every demo PC4 is a demo region
    assert c["distance_km"].between(0, 200).sum() == (c["postcode_status"] == "ok").sum()
    notes = {n["code"]: n for n in small_run.notes}
    assert notes["geo_postcodes_missing"]["n"] == problems["missing_postcodes"]
    regions = small_run.frames["geo_regions"]
    assert len(regions) == 321 and regions["households"].gt(0).all()
    assert small_run.frames["geo_outlets"]["name"].tolist() == ["Utrecht", "Amersfoort", "'s-Hertogenbosch"]


def test_penetration_falls_with_distance_on_the_demo(small_run):
    from toolkit.views.geo import chapter_data

    geo = chapter_data(small_run)
    pen = geo.bands["penetration"].to_numpy()
    assert pen[0] > pen[2] > pen[-1]  # customers come from nearby
    assert geo.spots is not None and (geo.spots["potential_customers"] > 0).all()


def test_chapter_says_what_to_map_without_postcodes(small_run):
    from toolkit.views import geo as view

    run = _without_postcodes(small_run)
    data = view.chapter_data(run)
    assert "map customers.columns.postcode" in view.intro(run, data)
    assert [view.postcode_section(run, data), view.penetration_section(run, data), view.detail_maps(run, data),
            view.white_spot_section(run, data), view.catchment_section(run, data)] == [""] * 5


def _without_postcodes(run):
    import dataclasses

    params = run.params.model_copy(update={"language": "en", "customers": run.params.customers.model_copy(
        update={"columns": run.params.customers.columns.model_copy(update={"postcode": None})})})
    frames = {k: v for k, v in run.frames.items() if not k.startswith("geo_")}
    return dataclasses.replace(run, params=params, frames=frames,
                               customers=run.customers.drop(columns=["postcode", "pc4"]))


def test_chapter_without_boundaries_shows_areas(small_run):
    import dataclasses

    from toolkit.views import geo as view

    run = dataclasses.replace(small_run, frames={k: v for k, v in small_run.frames.items()
                                                 if k not in ("geo_regions", "geo_outlets")})
    data = view.chapter_data(run)
    html = view.penetration_section(run, data)
    assert "geo.boundaries" in html and "Klanten per postcodegebied (PC2)" in html
    assert view.catchment_section(run, data) == "" and view.detail_maps(run, data) == ""


def test_outlet_and_table_mistakes_in_a_run(tmp_path, demo_small):
    from toolkit.params import load_params
    from toolkit.pipeline import analyse

    data = demo_params(demo_small, tmp_path / "out", "demo.yaml")
    data["geo"]["outlets"]["columns"] = {"naam": "vestiging", "postcode": "postcode"}
    with pytest.raises(ParamsError, match=r"geo.outlets.columns: unknown role 'naam'; map name, postcode, lat, lon"):
        analyse(load_params(write_params(tmp_path, data)))
    data["geo"]["outlets"]["columns"] = {"name": "vestiging"}
    with pytest.raises(ParamsError, match=r"must map postcode, or lat and lon"):
        analyse(load_params(write_params(tmp_path, data)))
    data["geo"]["outlets"]["columns"] = {"name": "vestiging", "postcode": "postcod"}
    with pytest.raises(DataError, match=r"column 'postcod' \(mapped as geo.outlets.columns.postcode\)"):
        analyse(load_params(write_params(tmp_path, data)))


def test_households_table_overrides_and_reports_unmatched_keys(tmp_path, demo_small):
    from toolkit.params import load_params
    from toolkit.pipeline import analyse

    first, second = pd.read_csv(demo_small / "regions.csv", sep=";", dtype={"pc4": str})["pc4"].iloc[:2]
    hh = write(tmp_path / "hh.csv", f"postcode;huishoudens\n{first};1000\n{second};\n9998;50\n")
    data = demo_params(demo_small, tmp_path / "out", "demo.yaml")
    data["geo"]["households"] = {"path": str(hh), "columns": {"key": "postcode", "households": "huishoudens"}}
    results = analyse(load_params(write_params(tmp_path, data)))
    regions = results.frames["geo_regions"].set_index("key")
    assert regions.loc[first, "households"] == 1000.0
    notes = {n["code"]: n for n in results.notes}
    assert notes["geo_rows_excluded"]["rows"] == 1              # the second region has no households value
    assert notes["geo_households_unmatched"]["n"] == 1          # 9998 is no region of the boundary file
    assert notes["geo_regions_without_households"]["n"] == 320  # only the first region has households now


# --- end to end: the three chapters of issue 5 in a real report, both languages --------------------------

@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_who_and_where_chapters_render(lang, demo_reports):
    # The shared full demo reports (conftest); page overflow is checked on them in test_report.
    from pypdf import PdfReader

    out = demo_reports[lang].out
    html = (out / "report.html").read_text(encoding="utf-8")
    text = "\n".join(page.extract_text() for page in PdfReader(out / "report.pdf").pages)
    expected = {
        "nl": ["Wie de klanten zijn", "Waar de klanten zitten", "Wat de klanten kopen", "Wat opvalt", "Witte vlekken",
               "Verzorgingsgebied", "Blauwdruk van de toplagen", "Witte ruimte", "per 1.000 huishoudens"],
        "en": ["Who the customers are", "Where the customers are", "What the customers buy", "What stands out",
               "White spots", "Catchment area", "Blueprint of the top layers", "White space", "per 1,000 households"],
    }
    for phrase in expected[lang]:
        assert phrase in text, phrase
    if lang == "en":
        # The three chapters' own text (the appendix lists the client's Dutch column names, rightly).
        chapters = " ".join(re.search(rf'<section class="chapter" id="ch-{key}">(.*?)</section>', html, re.S).group(1)
                            for key in ("personas", "geo", "products"))
        for dutch in expected["nl"] + ["huishoudens", "Kopers", "Omzet", "Productgroep", "Vestiging", "Leeftijd"]:
            assert dutch not in chapters, dutch
    assert 'class="kp-failed"' not in html and "Traceback" not in html
    assert html.count("<svg") >= 12  # maps, heat maps, blueprint, white space, distance bands, persona charts
    customers = pd.read_csv(out / "customers.csv", dtype=str)
    for col in ("pc4", "region", "postcode_status", "distance_km", "top_product_group", "product_groups",
                "next_best_group", "next_best_index", "age_band", "online_share"):
        assert col in customers.columns, col
    assert set(customers["postcode_status"].dropna()) <= {"ok", "invalid", "missing", "foreign"}
