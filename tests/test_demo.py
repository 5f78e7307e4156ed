"""Tests for the seeded demo-data generator (toolkit.demo).

Most checks run on a small data set (scale 0.05, about 1,000 customers).
One test generates the full data set once and checks the business figures
the report chapters rely on (concentration, churn, unprofitable customers).
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.demo import (
    DEMO_REFERENCE_DATE,
    DEMO_WINDOW_START,
    INJECTED_PROBLEMS,
    generate_demo_data,
    injected_problems,
)

SMALL = 0.05
TX_COLUMNS = ["factuurnr", "regel", "klantnr", "datum", "productgroep", "verkoopkanaal", "aantal", "omzet", "marge",
              "korting"]
CUSTOMER_COLUMNS = ["klantnr", "naam", "email", "telefoon", "straat", "postcode", "plaats", "aanmaakdatum",
                    "herkomst", "klanttype", "geboortedatum", "geslacht"]
HERKOMST = {"website", "winkel", "beurs", "vertegenwoordiger", "advertentie", "doorverwijzing", "social media"}
CANONICAL_POSTCODE = re.compile(r"[1-9]\d{3} [A-Z]{2}")
USABLE_POSTCODE = re.compile(r"[1-9]\d{3}(?:[A-Z]{2})?")  # after strip/upper/no spaces; PC4 alone is usable


# ---------------------------------------------------------------------------
# Reading and measuring (as an analyst would)
# ---------------------------------------------------------------------------


def read_transactions(path: Path) -> pd.DataFrame:
    tx = pd.read_csv(path, sep=";", decimal=",", dtype={"factuurnr": str, "klantnr": str}, encoding="utf-8")
    tx["datum"] = pd.to_datetime(tx["datum"], format="%d-%m-%Y")
    return tx


def read_customers(path: Path) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name="Klanten", dtype={"klantnr": str, "postcode": str}, engine="calamine")


def read_csv(path: Path, **kw) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8", **kw)


def clean(tx: pd.DataFrame) -> pd.DataFrame:
    """Drop the injected double-exported lines and the lines without a customer."""
    return tx.drop_duplicates().dropna(subset=["klantnr"])


def is_credit(tx: pd.DataFrame) -> pd.Series:
    return tx["factuurnr"].str.startswith("C")


def postcode_status(postcodes: pd.Series) -> pd.Series:
    """'ok' (canonical "1234 AB"), 'messy' (usable, other notation), 'missing' or 'invalid'."""
    raw = postcodes.fillna("")
    compact = raw.str.strip().str.upper().str.replace(" ", "", regex=False)
    usable = compact.map(lambda p: USABLE_POSTCODE.fullmatch(p) is not None)
    canonical = raw.map(lambda p: CANONICAL_POSTCODE.fullmatch(p) is not None)
    status = np.select([canonical, usable, raw.str.strip() == ""], ["ok", "messy", "missing"], "invalid")
    return pd.Series(status, index=postcodes.index)


def active_sets(tx: pd.DataFrame) -> dict[int, set[str]]:
    """Customers with at least one purchase (not a credit) per year."""
    purchases = tx[~is_credit(tx)]
    return {int(y): set(g["klantnr"]) for y, g in purchases.groupby(purchases["datum"].dt.year)}


def churn(tx: pd.DataFrame, year: int) -> float:
    """Share of the previous year's active customers that did not buy in ``year``."""
    active = active_sets(tx)
    before = active[year - 1]
    return len(before - active[year]) / len(before)


def customer_totals(tx: pd.DataFrame, year: int) -> pd.DataFrame:
    """Net omzet and marge per customer who bought in ``year`` (credits of that year included)."""
    buyers = active_sets(tx)[year]
    in_year = tx[(tx["datum"].dt.year == year) & tx["klantnr"].isin(buyers)]
    return in_year.groupby("klantnr")[["omzet", "marge"]].sum()


def top_share(values: pd.Series, fraction: float) -> float:
    ordered = np.sort(values.to_numpy())[::-1]
    k = math.ceil(fraction * len(ordered))
    return float(ordered[:k].sum() / ordered.sum())


def check_invariants(paths: dict[str, Path], scale: float) -> dict[str, pd.DataFrame]:
    """Assertions that hold at every scale; returns the data read."""
    raw = tx = read_transactions(paths["transactions"])
    customers = read_customers(paths["customers"])
    regions = read_csv(paths["regions"], dtype={"pc4": str})
    expected = injected_problems(scale)

    # Exactly the injected problems, no others.
    assert int(tx.duplicated().sum()) == expected["duplicate_lines"]
    assert int(tx["klantnr"].isna().sum()) == expected["missing_customer_id"]
    assert not tx.drop_duplicates().duplicated(subset=["factuurnr", "regel"]).any()
    status = postcode_status(customers["postcode"])
    assert int((status == "missing").sum()) == expected["missing_postcodes"]
    assert int(status.isin(["missing", "invalid"]).sum()) == expected["invalid_postcodes"]
    assert int((status == "messy").sum()) == expected["messy_postcodes"]

    # Every usable postcode lies in a known PC4 area.
    usable = customers.loc[status.isin(["ok", "messy"]), "postcode"].str.strip().str[:4]
    assert usable.isin(set(regions["pc4"])).all()

    tx = clean(tx)
    credit = tx[is_credit(tx)]
    purchase = tx[~is_credit(tx)]
    # Credit lines: negative, and after a purchase of the same product group by the same customer.
    assert len(credit) > 0
    assert (credit["omzet"] < 0).all() and (credit["marge"] < 0).all() and (credit["aantal"] < 0).all()
    assert (purchase["omzet"] > 0).all() and (purchase["aantal"] > 0).all()
    first_buy = purchase.groupby(["klantnr", "productgroep"])["datum"].min().rename("first_buy")
    joined = credit.join(first_buy, on=["klantnr", "productgroep"])
    assert joined["first_buy"].notna().all()
    assert (joined["datum"] > joined["first_buy"]).all()

    # A customer exists before buying; every buyer is in the master.
    first = purchase.groupby("klantnr")["datum"].min()
    master = customers.set_index("klantnr")
    assert first.index.isin(master.index).all()
    assert (master.loc[first.index, "aanmaakdatum"] <= first).all()
    return {"tx": tx, "raw_tx": raw, "customers": customers, "regions": regions}


# ---------------------------------------------------------------------------
# Small data set
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict[str, Path]:
    return generate_demo_data(tmp_path_factory.mktemp("demo_small") / "data", scale=SMALL)


def test_paths_and_headers(small):
    assert set(small) == {"transactions", "customers", "contacts", "outlets", "regions", "boundaries"}
    names = {k: p.name for k, p in small.items()}
    assert names == {"transactions": "transactions.csv", "customers": "customers.xlsx", "contacts": "contacts.csv",
                     "outlets": "outlets.csv", "regions": "regions.csv", "boundaries": "regions.geojson"}
    first_line = {k: p.read_text(encoding="utf-8").split("\n", 1)[0] for k, p in small.items() if p.suffix == ".csv"}
    assert first_line == {
        "transactions": ";".join(TX_COLUMNS),
        "contacts": "klantnr;datum;type",
        "outlets": "vestiging;postcode;lat;lon",
        "regions": "pc4;plaats;lat;lon;huishoudens",
    }
    assert list(read_customers(small["customers"]).columns) == CUSTOMER_COLUMNS


def test_invariants_small(small):
    check_invariants(small, SMALL)


def test_transactions_export_format(small):
    text = small["transactions"].read_text(encoding="utf-8")
    assert "\r" not in text
    rows = [line.split(";") for line in text.rstrip("\n").split("\n")[1:]]
    assert all(len(r) == 10 for r in rows)
    money = re.compile(r"-?\d+,\d\d")
    assert all(money.fullmatch(r[7]) and money.fullmatch(r[8]) for r in rows)
    assert all(re.fullmatch(r"\d{1,2},\d", r[9]) for r in rows)  # korting: % with one decimal
    assert all(re.fullmatch(r"\d\d-\d\d-\d{4}", r[3]) for r in rows)
    assert all(re.fullmatch(r"\d{6}", r[2]) or r[2] == "" for r in rows)
    assert all(re.fullmatch(r"C?\d{10}", r[0]) for r in rows)

    tx = read_transactions(small["transactions"])
    # Sorted by datum, factuurnr, regel.
    order = tx.sort_values(["datum", "factuurnr", "regel"], kind="stable").index
    assert (order == tx.index).all()
    assert tx["datum"].min() >= pd.Timestamp(DEMO_WINDOW_START)
    assert tx["datum"].max() <= pd.Timestamp(DEMO_REFERENCE_DATE)
    assert set(tx["verkoopkanaal"]) == {"online", "winkel", "telefoon"}
    assert 8 <= tx["productgroep"].nunique() <= 10

    # Invoice structure (keeping the lines that lost their klantnr: they are still invoice lines).
    purchases = tx.drop_duplicates()
    purchases = purchases[~is_credit(purchases)]
    per_invoice = purchases.groupby("factuurnr").agg(lines=("regel", "size"), max_regel=("regel", "max"),
                                                     days=("datum", "nunique"), customers=("klantnr", "nunique"))
    assert per_invoice["lines"].between(1, 6).all()
    assert (per_invoice["lines"] == per_invoice["max_regel"]).all()
    assert (per_invoice["days"] == 1).all() and (per_invoice["customers"] == 1).all()
    assert 1.7 <= per_invoice["lines"].mean() <= 2.5
    # Mostly profitable lines; a margin rate in a retailer's range.
    assert (purchases["marge"] > 0).mean() > 0.9
    assert 0.15 <= purchases["marge"].sum() / purchases["omzet"].sum() <= 0.40


def test_discount_column(small):
    tx = clean(read_transactions(small["transactions"]))
    customers = read_customers(small["customers"]).set_index("klantnr")
    # One trade discount per customer, printed on every line (credits included), 0-50 %.
    assert (tx.groupby("klantnr")["korting"].nunique() == 1).all()
    assert tx["korting"].between(0, 50).all()
    per_customer = tx.groupby("klantnr")["korting"].first()
    kind = customers.loc[per_customer.index, "klanttype"]
    assert per_customer[kind == "zakelijk"].mean() > per_customer[kind == "particulier"].mean()
    assert (per_customer == 0).mean() > 0.4  # most consumers pay list price


def test_customer_master(small):
    customers = read_customers(small["customers"])
    tx = clean(read_transactions(small["transactions"]))
    assert customers["klantnr"].is_unique and customers["klantnr"].is_monotonic_increasing
    assert customers["klantnr"].str.fullmatch(r"\d{6}").all()
    assert pd.api.types.is_datetime64_any_dtype(customers["aanmaakdatum"])
    assert pd.api.types.is_datetime64_any_dtype(customers["geboortedatum"])
    assert customers["aanmaakdatum"].between(pd.Timestamp("2012-01-01"), pd.Timestamp(DEMO_REFERENCE_DATE)).all()
    assert set(customers["herkomst"]) == HERKOMST
    assert set(customers["klanttype"]) == {"particulier", "zakelijk"}

    business = customers["klanttype"] == "zakelijk"
    assert customers.loc[business, ["geboortedatum", "geslacht"]].isna().all().all()
    assert customers.loc[~business, "geboortedatum"].notna().all()
    assert set(customers.loc[~business, "geslacht"].dropna()) == {"M", "V", "X"}
    age = (pd.Timestamp(DEMO_REFERENCE_DATE) - customers.loc[~business, "geboortedatum"]).dt.days / 365.25
    assert age.between(18, 100).all()

    # Buyers and prospects; prospects never appear in the transactions.
    buyers = set(tx["klantnr"])
    prospects = customers[~customers["klantnr"].isin(buyers)]
    assert len(buyers) == round(20_000 * SMALL)
    assert len(prospects) == round(1_000 * SMALL)
    assert (prospects["aanmaakdatum"].dt.year >= 2024).mean() > 0.6

    # Sensitive fields are filled (a later test scans outputs for them).
    for col in ("naam", "straat", "plaats"):
        assert customers[col].notna().all()
    assert customers["email"].notna().mean() > 0.9
    assert customers["email"].dropna().str.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+\.(com|net|org)").all()
    assert customers["telefoon"].notna().mean() > 0.85


def test_regions_and_outlets(small):
    regions = read_csv(small["regions"], dtype={"pc4": str})
    outlets = read_csv(small["outlets"])
    assert 300 <= len(regions) <= 400 and regions["pc4"].is_unique
    assert regions["pc4"].str.fullmatch(r"[1-9]\d{3}").all()
    assert 10 <= regions["plaats"].nunique() <= 15
    assert regions["huishoudens"].between(1500, 12000).all()
    assert regions["lat"].between(50.75, 53.55).all() and regions["lon"].between(3.35, 7.25).all()
    assert 2 <= len(outlets) <= 3
    assert outlets["postcode"].str.fullmatch(r"[1-9]\d{3} [A-Z]{2}").all()
    assert outlets["postcode"].str[:4].isin(set(regions["pc4"])).all()


def test_contacts(small):
    contacts = read_csv(small["contacts"], dtype={"klantnr": str})
    customers = read_customers(small["customers"])
    assert set(contacts["type"]) == {"telefoon", "e-mail", "klacht"}
    assert contacts["klantnr"].isin(set(customers["klantnr"])).all()
    dates = pd.to_datetime(contacts["datum"], format="%d-%m-%Y")
    assert dates.between(pd.Timestamp(DEMO_WINDOW_START), pd.Timestamp(DEMO_REFERENCE_DATE)).all()
    assert dates.is_monotonic_increasing
    # About one contact per customer at this scale (15-25k at full scale), a few customers contact a lot.
    per_customer = contacts["klantnr"].value_counts()
    assert 0.6 * SMALL * 20_000 <= len(contacts) <= 1.4 * SMALL * 20_000
    assert per_customer.max() >= 5 * per_customer.mean()


def test_same_seed_same_bytes_other_seed_differs(tmp_path, small):
    again = generate_demo_data(tmp_path / "again", scale=SMALL)
    for key, path in small.items():
        assert again[key].read_bytes() == path.read_bytes(), key
    other = generate_demo_data(tmp_path / "other", seed=7, scale=SMALL)
    for key in ("transactions", "customers", "contacts"):
        assert other[key].read_bytes() != small[key].read_bytes(), key
    # The map is the same country for every client.
    assert other["regions"].read_bytes() == small["regions"].read_bytes()
    assert other["boundaries"].read_bytes() == small["boundaries"].read_bytes()


def test_xlsx_does_not_depend_on_the_clock(small):
    with zipfile.ZipFile(small["customers"]) as z:
        stamps = {info.date_time for info in z.infolist()}
        core = z.read("docProps/core.xml").decode()
    assert len(stamps) == 1
    created = re.search(r"<dcterms:created[^>]*>([^<]+)<", core).group(1)
    modified = re.search(r"<dcterms:modified[^>]*>([^<]+)<", core).group(1)
    assert created == modified
    assert created.startswith(str(stamps.pop()[0]))


def test_injected_problems_constant():
    assert injected_problems(1.0) == INJECTED_PROBLEMS
    assert INJECTED_PROBLEMS["duplicate_lines"] == 3
    assert INJECTED_PROBLEMS["missing_customer_id"] == 2
    assert INJECTED_PROBLEMS["invalid_postcodes"] == 105  # 0.5 % of 21,000
    assert INJECTED_PROBLEMS["messy_postcodes"] == 1050  # 5 %
    assert 0 < INJECTED_PROBLEMS["missing_postcodes"] < INJECTED_PROBLEMS["invalid_postcodes"]


@pytest.mark.parametrize("scale", [0, -1, 0.001, float("nan"), 11])
def test_rejects_bad_scale(tmp_path, scale):
    with pytest.raises(ValueError, match="scale"):
        generate_demo_data(tmp_path, scale=scale)


# ---------------------------------------------------------------------------
# Full data set: the behaviour the analyses must find
# ---------------------------------------------------------------------------


def test_full_scale_business_figures(demo_data):
    # The project's demo data (data/demo), generated once per machine and shared with the report tests.
    names = {"transactions": "transactions.csv", "customers": "customers.xlsx", "contacts": "contacts.csv",
             "outlets": "outlets.csv", "regions": "regions.csv"}
    paths = {key: demo_data / name for key, name in names.items()}

    data = check_invariants(paths, 1.0)
    tx, raw, customers, regions = data["tx"], data["raw_tx"], data["customers"], data["regions"]
    purchases = tx[~is_credit(tx)]
    buyers = set(purchases["klantnr"])
    master = customers.set_index("klantnr")

    # Size.
    assert 18_000 <= len(buyers) <= 22_000
    assert 950 <= len(customers) - len(buyers) <= 1_050
    assert 270_000 <= len(raw) <= 330_000
    assert 0.12 <= (master.loc[list(buyers), "klanttype"] == "zakelijk").mean() <= 0.18
    assert 0.03 <= is_credit(tx).sum() / len(purchases) <= 0.06
    assert 15_000 <= len(read_csv(paths["contacts"])) <= 25_000

    # Heavy-tailed spend: the top 20 % bring 70-80 % of 2025 revenue, the top 1 % stands out.
    totals = customer_totals(tx, 2025)
    assert 0.70 <= top_share(totals["omzet"], 0.20) <= 0.80
    assert top_share(totals["omzet"], 0.01) >= 0.10
    # A few % of customers are unprofitable.
    assert 0.01 <= (totals["marge"] < 0).mean() <= 0.10

    # Churn of active customers, and retention differs by acquisition channel.
    for year in (2023, 2024, 2025):
        assert 0.15 <= churn(tx, year) <= 0.30, year
    active = active_sets(tx)
    was = pd.Series(sorted(active[2024]))
    lost = (~was.isin(active[2025])).groupby(master.loc[was, "herkomst"].to_numpy()).mean()
    assert lost["doorverwijzing"] == lost.min() or lost["vertegenwoordiger"] == lost.min()
    assert lost["social media"] == lost.max()
    # New customers every year.
    created = master.loc[list(buyers), "aanmaakdatum"].dt.year.value_counts()
    assert all(created.get(y, 0) > 1_000 for y in range(2020, 2026))

    # Seasonality: garden in spring, lighting and decoration in December, the shop on Saturday.
    month = purchases["datum"].dt.month
    garden = purchases["productgroep"] == "Tuinmeubelen"
    assert month[garden].between(3, 6).mean() > 0.5
    for group in ("Verlichting", "Decoratie"):
        assert month[purchases["productgroep"] == group].value_counts().idxmax() == 12
    shop = purchases[purchases["verkoopkanaal"] == "winkel"]
    assert shop["datum"].dt.day_of_week.value_counts().idxmax() == 5

    # Businesses buy more often and more per line.
    kind = master.loc[purchases["klantnr"], "klanttype"].to_numpy()
    line_value = purchases.groupby(kind)["omzet"].median()
    assert line_value["zakelijk"] > 2 * line_value["particulier"]
    orders = purchases.groupby("klantnr")["factuurnr"].nunique()
    orders_kind = master.loc[orders.index, "klanttype"]
    assert orders[orders_kind == "zakelijk"].mean() > 1.5 * orders[orders_kind == "particulier"].mean()

    # Penetration falls with distance to the nearest outlet.
    outlets = read_csv(paths["outlets"])
    lat, lon = np.radians(regions["lat"].to_numpy())[:, None], np.radians(regions["lon"].to_numpy())[:, None]
    olat, olon = np.radians(outlets["lat"].to_numpy())[None, :], np.radians(outlets["lon"].to_numpy())[None, :]
    a = np.sin((olat - lat) / 2) ** 2 + np.cos(lat) * np.cos(olat) * np.sin((olon - lon) / 2) ** 2
    regions["km"] = (2 * 6371 * np.arcsin(np.sqrt(a))).min(axis=1)
    pc4 = customers["postcode"].fillna("").str.strip().str[:4]
    regions["customers"] = regions["pc4"].map(pc4.value_counts()).fillna(0)
    near = regions[regions["km"] <= 10]
    far = regions[regions["km"] > 30]
    assert near["customers"].sum() / near["huishoudens"].sum() > 5 * far["customers"].sum() / far["huishoudens"].sum()


def test_boundaries_cover_the_regions(small):
    """regions.geojson: one valid, non-overlapping WGS84 polygon per PC4 of regions.csv, around its centroid."""
    import geopandas as gpd
    import shapely

    regions = read_csv(small["regions"], dtype={"pc4": str})
    shapes = gpd.read_file(small["boundaries"])
    assert shapes.crs.to_epsg() == 4326
    assert list(shapes.columns) == ["pc4", "plaats", "huishoudens", "geometry"]
    assert shapes["pc4"].tolist() == regions["pc4"].tolist()
    assert shapes["huishoudens"].tolist() == regions["huishoudens"].tolist()
    assert shapes.is_valid.all() and (shapes.geom_type == "Polygon").all()
    centroids = gpd.points_from_xy(regions["lon"], regions["lat"], crs=4326)
    assert shapes.contains(gpd.GeoSeries(centroids), align=False).all()
    rd = shapes.to_crs(28992)
    area_km2 = rd.area / 1e6
    assert area_km2.between(0.05, 40).all()
    overlap = rd.area.sum() - shapely.union_all(rd.geometry.to_numpy()).area
    assert overlap < 1e-6 * rd.area.sum()
