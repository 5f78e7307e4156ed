"""Deterministic, seeded demo data for a fictitious Dutch home & garden retailer.

The generator simulates a customer base from the inside out: customers are
acquired (2012-2025) through one of seven channels, buy in a seasonal renewal
process while they are "alive", stop buying at a channel- and segment-specific
churn hazard, return goods, and contact support. Only the observable result is
written, messy like a real ERP/CRM export:

* ``transactions.csv``: order lines 2022-01-01 .. 2025-12-31, credit lines for
  returns, each with the customer's trade discount (``korting``, % off list
  price), plus a few deliberately injected problems (see
  :data:`INJECTED_PROBLEMS`);
* ``customers.xlsx``: the customer master (buyers and prospects), with
  synthetic personal data and messy postcodes;
* ``contacts.csv``: support contacts (cost to serve);
* ``outlets.csv`` and ``regions.csv``: the outlets and the PC4 areas with
  centroids and household counts (for penetration and maps);
* ``regions.geojson``: synthetic boundaries of those PC4 areas (WGS84), so the
  maps need no download: Voronoi cells around the centroids, clipped to a
  wavy outline of each town.

Everything is derived from ``numpy.random.default_rng(seed)`` (the geography
from a fixed seed of its own, as it is the same country for every client), so
the same ``seed`` and ``scale`` give byte-identical files.
"""

from __future__ import annotations

import datetime
import io
import math
import os
import pathlib
import zipfile

import numpy as np
import pandas as pd

__all__ = [
    "DEMO_REFERENCE_DATE",
    "DEMO_WINDOW_START",
    "INJECTED_PROBLEMS",
    "generate_demo_data",
    "injected_problems",
]

DEMO_REFERENCE_DATE = datetime.date(2025, 12, 31)
"""Last day of the demo data window; analyses use it as "today"."""

DEMO_WINDOW_START = datetime.date(2022, 1, 1)
"""First day of the transaction window."""

# ---------------------------------------------------------------------------
# Fixed model parameters
# ---------------------------------------------------------------------------

_N_BUYERS = 20_000
_N_PROSPECTS = 1_000
_GRID_START = np.datetime64("2012-01-01")  # earliest aanmaakdatum
_WINDOW_START = np.datetime64(DEMO_WINDOW_START.isoformat())
_WINDOW_END = np.datetime64(DEMO_REFERENCE_DATE.isoformat())
_GEOGRAPHY_SEED = 3511  # the map is the same for every seed
_XLSX_TIMESTAMP = datetime.datetime(2026, 1, 2, 8, 0, 0)  # "exported" just after the reference date

_DUPLICATE_LINES = 3
_MISSING_CUSTOMER_ID = 2
_MESSY_POSTCODE_SHARE = 0.05
_INVALID_POSTCODE_SHARE = 0.005
# Invalid postcodes cycle through these kinds so their counts are exact.
_INVALID_POSTCODE_KINDS = ("missing", "onbekend", "leading_zero", "five_digits")

_KLANTTYPES = ("particulier", "zakelijk")
_CHANNELS = ("online", "winkel", "telefoon")

# herkomst: consumer share, business share, churn hazard per year, share of
# one-off buyers among new consumers, spend multiplier, order channel mix.
_HERKOMST = (
    # name,             cons,  bus,  hazard, oneoff, spend, (online, winkel, telefoon)
    ("website",            0.28, 0.14, 0.18, 0.14, 0.95, (0.82, 0.13, 0.05)),
    ("winkel",             0.30, 0.10, 0.14, 0.10, 1.00, (0.10, 0.84, 0.06)),
    ("beurs",              0.06, 0.18, 0.15, 0.10, 1.35, (0.30, 0.40, 0.30)),
    ("vertegenwoordiger",  0.01, 0.28, 0.09, 0.04, 1.50, (0.25, 0.15, 0.60)),
    ("advertentie",        0.12, 0.06, 0.19, 0.15, 0.90, (0.65, 0.28, 0.07)),
    ("doorverwijzing",     0.10, 0.18, 0.07, 0.05, 1.20, (0.40, 0.50, 0.10)),
    ("social media",       0.13, 0.06, 0.25, 0.18, 0.70, (0.88, 0.10, 0.02)),
)
_HERKOMST_NAMES = tuple(h[0] for h in _HERKOMST)
_HERKOMST_AGE = np.array([46.0, 56.0, 58.0, 52.0, 55.0, 54.0, 37.0])

# Product groups: median unit price (consumer), price spread (log sd), gross
# margin rate at list price, mean quantity (consumer), business quantity
# multiplier, relative return rate, age effect per 15 years, consumer and
# business base preference.
_GROUPS = (
    # name,          price, sd,   margin, qty,  busq, ret, age,  cons, bus
    ("Tuinmeubelen", 170.0, 0.85, 0.34, 1.5, 1.8, 1.6, 0.15, 0.10, 0.08),
    ("Planten",        9.0, 0.70, 0.46, 4.0, 3.0, 0.5, 0.30, 0.22, 0.25),
    ("Gereedschap",   38.0, 0.90, 0.27, 1.2, 1.5, 1.0, 0.00, 0.10, 0.15),
    ("Verlichting",   29.0, 0.70, 0.40, 1.6, 2.0, 1.2, -0.10, 0.09, 0.06),
    ("Decoratie",     17.0, 0.70, 0.50, 1.8, 2.0, 1.0, -0.25, 0.14, 0.03),
    ("Barbecue",     115.0, 1.00, 0.24, 1.1, 1.2, 1.2, -0.10, 0.06, 0.02),
    ("Zwembad",       65.0, 1.10, 0.17, 1.2, 1.2, 1.4, -0.35, 0.04, 0.03),
    ("Textiel",       27.0, 0.60, 0.44, 1.8, 2.0, 2.0, -0.25, 0.08, 0.02),
    ("Onderhoud",     13.0, 0.60, 0.30, 2.2, 3.0, 0.5, 0.20, 0.14, 0.18),
    ("Bestrating",     6.0, 0.50, 0.20, 15.0, 4.0, 0.4, 0.00, 0.03, 0.18),
)
_GROUP_NAMES = tuple(g[0] for g in _GROUPS)
_G = np.array([g[1:] for g in _GROUPS])
(_G_PRICE, _G_SD, _G_MARGIN, _G_QTY, _G_BUSQ, _G_RET, _G_AGE, _G_CONS, _G_BUS) = _G.T
# Gender effect on the product mix (M, V); X and unknown are neutral.
_G_MALE = np.array([1.0, 0.9, 1.3, 0.95, 0.75, 1.3, 1.0, 0.75, 1.05, 1.2])
_G_FEMALE = np.array([1.0, 1.15, 0.7, 1.05, 1.35, 0.75, 1.0, 1.35, 0.95, 0.8])
# Channel of acquisition nudges the mix (fairs sell furniture, social media décor).
_G_HERKOMST = np.ones((len(_HERKOMST), len(_GROUPS)))
_G_HERKOMST[2] = [1.6, 0.9, 1.0, 1.0, 0.9, 1.3, 1.3, 1.0, 0.9, 1.0]
_G_HERKOMST[6] = [0.8, 0.9, 0.7, 1.2, 1.4, 1.0, 1.1, 1.3, 0.8, 0.7]

# Month factors per product group (relative; the order intensity below
# already carries the overall season).
_G_SEASON = np.array([
    [0.3, 0.5, 1.3, 1.9, 2.0, 1.6, 1.0, 0.7, 0.6, 0.4, 0.3, 0.4],  # Tuinmeubelen
    [0.4, 0.6, 1.5, 1.9, 1.8, 1.3, 0.9, 0.8, 1.1, 0.9, 0.5, 0.5],  # Planten
    [0.8, 0.8, 1.1, 1.2, 1.1, 1.0, 0.9, 0.9, 1.0, 1.0, 1.0, 1.4],  # Gereedschap
    [0.8, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6, 0.7, 0.9, 1.3, 1.7, 2.4],  # Verlichting
    [0.7, 0.7, 0.9, 1.0, 0.9, 0.8, 0.7, 0.7, 0.9, 1.1, 1.6, 2.6],  # Decoratie
    [0.2, 0.3, 0.7, 1.5, 2.1, 2.0, 1.8, 1.1, 0.5, 0.3, 0.2, 0.5],  # Barbecue
    [0.1, 0.1, 0.4, 1.2, 2.4, 2.6, 2.2, 1.2, 0.3, 0.1, 0.1, 0.1],  # Zwembad
    [0.7, 0.7, 1.0, 1.2, 1.1, 0.9, 0.8, 0.8, 0.9, 1.0, 1.3, 1.9],  # Textiel
    [0.6, 0.8, 1.6, 1.6, 1.2, 0.9, 0.8, 0.8, 1.1, 1.3, 0.9, 0.5],  # Onderhoud
    [0.5, 0.6, 1.2, 1.5, 1.4, 1.2, 1.0, 1.0, 1.1, 1.0, 0.6, 0.4],  # Bestrating
])

# Overall order intensity: spring peak for the garden, December for gifts,
# Saturday is the shop's busiest day, Sunday only afternoon opening.
_MONTH_FACTOR = np.array([0.55, 0.65, 1.15, 1.45, 1.55, 1.35, 1.05, 0.9, 0.9, 0.85, 0.95, 1.3])
_WEEKDAY_FACTOR = np.array([0.95, 0.9, 0.95, 1.0, 1.1, 1.45, 0.65])  # Mon..Sun
_YEAR_FACTOR = {2022: 1.0, 2023: 0.95, 2024: 1.0, 2025: 1.05}
# Per channel and weekday (Mon..Sun): the shop peaks on Saturday, the phone
# is hardly answered in the weekend, online shoppers browse on Sunday.
_CHANNEL_WEEKDAY = np.array([
    [1.1, 1.0, 1.0, 1.0, 0.9, 0.8, 1.4],
    [0.7, 0.8, 0.9, 1.0, 1.2, 2.2, 0.6],
    [1.3, 1.2, 1.2, 1.1, 1.0, 0.15, 0.02],
])
# New customers per creation year: slow growth, a garden boom during covid.
_ACQUISITION = {
    2012: 1100, 2013: 1200, 2014: 1300, 2015: 1400, 2016: 1500, 2017: 1600,
    2018: 1700, 2019: 1800, 2020: 2600, 2021: 2800, 2022: 2500, 2023: 2300,
    2024: 2500, 2025: 2700,
}
_LINES_PER_ORDER = {  # 1..6 lines
    "particulier": np.array([0.52, 0.25, 0.11, 0.06, 0.04, 0.02]),
    "zakelijk": np.array([0.30, 0.27, 0.18, 0.12, 0.08, 0.05]),
}

# Towns: name, centre lat/lon, PC4 range, number of PC4 areas used, radius
# of the built-up area (km), household density factor, phone area code.
_TOWNS = (
    ("Utrecht", 52.0907, 5.1214, 3511, 3585, 48, 4.5, 1.10, "030"),
    ("Amersfoort", 52.1561, 5.3878, 3811, 3829, 19, 3.5, 1.00, "033"),
    ("Zeist", 52.0894, 5.2333, 3701, 3709, 9, 2.5, 0.90, "030"),
    ("Nieuwegein", 52.0292, 5.0806, 3430, 3439, 10, 2.5, 0.90, "030"),
    ("Houten", 52.0284, 5.1681, 3990, 3997, 8, 2.0, 0.80, "030"),
    ("Hilversum", 52.2292, 5.1669, 1211, 1223, 13, 3.0, 1.00, "035"),
    ("Soest", 52.1739, 5.2918, 3760, 3769, 8, 2.2, 0.80, "035"),
    ("Amsterdam", 52.3676, 4.9041, 1011, 1109, 70, 6.0, 1.50, "020"),
    ("'s-Hertogenbosch", 51.6978, 5.3037, 5211, 5249, 30, 4.0, 1.00, "073"),
    ("Arnhem", 51.9851, 5.8987, 6811, 6846, 30, 4.0, 1.00, "026"),
    ("Ede", 52.0402, 5.6649, 6711, 6718, 8, 3.0, 0.90, "0318"),
    ("Veenendaal", 52.0286, 5.5589, 3901, 3907, 7, 2.2, 0.90, "0318"),
    ("Apeldoorn", 52.2112, 5.9699, 7311, 7339, 25, 4.5, 0.90, "055"),
    ("Zwolle", 52.5168, 6.0830, 8011, 8043, 28, 4.0, 0.90, "038"),
    ("Woerden", 52.0853, 4.8836, 3441, 3449, 8, 2.2, 0.80, "0348"),
)
# Outlets (vestigingen): town, and which PC4 (by rank of distance from the
# town centre: retail parks are on the edge of town).
_OUTLETS = (("Utrecht", 44), ("Amersfoort", 15), ("'s-Hertogenbosch", 26))
# Letters of Dutch postcodes: F, I, O, Q, U and Y are not used.
_POSTCODE_LETTERS = np.array(list("ABCEGHJKLMNPRSTVWXZ"))

_FIRST_M = (
    "Jan", "Peter", "Kees", "Henk", "Willem", "Gerard", "Johan", "Hans", "Erik", "Marco",
    "Mark", "Dennis", "Bas", "Tim", "Daan", "Sem", "Lucas", "Thomas", "Ruud", "Frank",
    "Martijn", "Jeroen", "Pieter", "Bram", "Sander", "Niels", "Arjen", "Wim", "Rob", "Joost",
)
_FIRST_V = (
    "Maria", "Anna", "Ingrid", "Petra", "Linda", "Monique", "Sandra", "Esther", "Anouk", "Sanne",
    "Lotte", "Emma", "Julia", "Sophie", "Fleur", "Marieke", "Annemarie", "Els", "Joke", "Karin",
    "Wilma", "Ria", "Astrid", "Nicole", "Iris", "Eva", "Lisa", "Femke", "Marloes", "Ilse",
)
_LAST = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
    "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek",
    "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam",
    "van der Wal", "Prins", "Blom", "Huisman", "Peeters", "de Lange", "Kuipers", "van Wijk",
    "Post", "Kuiper", "Veenstra", "Kramer", "van den Brink", "Scholten",
)
_COMPANY_PATTERNS = (
    "{L} Hoveniers B.V.", "Hoveniersbedrijf {L}", "Tuinen {L}", "{L} Groen V.O.F.",
    "{L} Tuinaanleg B.V.", "Vastgoedbeheer {L} B.V.", "{L} & Zn.", "Camping {L}",
    "Kwekerij {L}", "{L} Buitenruimte B.V.",
)
_STREETS = (
    "Dorpsstraat", "Kerkstraat", "Molenweg", "Julianalaan", "Beatrixstraat", "Wilhelminastraat",
    "Stationsweg", "Schoolstraat", "Eikenlaan", "Beukenlaan", "Lindelaan", "Kastanjelaan",
    "Marktplein", "Nieuwstraat", "Hoofdstraat", "Parallelweg", "Industrieweg", "Sportlaan",
    "Prins Bernhardlaan", "Oranjestraat", "Emmalaan", "Irenestraat", "Tulpstraat", "Rozenstraat",
    "Vondellaan", "Rembrandtlaan", "Merelstraat", "Lijsterbeslaan", "Populierenlaan", "Veldweg",
    "Weideweg", "Zonnebloemstraat", "Berkenlaan", "Esdoornlaan", "Burgemeester de Withstraat",
    "Van Goghstraat", "Lange Nieuwstraat", "Achterweg", "Brink", "Vijverlaan",
)
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


def _sizes(scale: float) -> tuple[int, int]:
    if not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    if scale > 10:
        # klantnr is six digits; the pool behind 200,000+ buyers needs more.
        raise ValueError(f"scale must be at most 10, got {scale!r}")
    n_buyers = round(_N_BUYERS * scale)
    if n_buyers < 100:
        raise ValueError(f"scale={scale} is too small: it gives {n_buyers} customers, need >= 100")
    return n_buyers, round(_N_PROSPECTS * scale)


def injected_problems(scale: float = 1.0) -> dict[str, int]:
    """Count the data problems :func:`generate_demo_data` injects at a scale.

    The counts do not depend on the seed, only on ``scale`` (postcode
    problems are a fixed share of the customer master).

    Parameters
    ----------
    scale : float, default 1.0
        The ``scale`` passed to :func:`generate_demo_data`.

    Returns
    -------
    dict[str, int]
        ``duplicate_lines``: exact duplicate rows in ``transactions.csv``
        (each of these lines appears twice);
        ``missing_customer_id``: rows with an empty ``klantnr``;
        ``invalid_postcodes``: customers whose postcode is unusable (empty,
        ``"ONBEKEND"``, a PC4 starting with 0 or five digits);
        ``missing_postcodes``: the empty ones among those;
        ``messy_postcodes``: valid postcodes in a non-standard notation
        (``"1234ab"``, ``" 1234 AB "``, ``"1234AB"``, ``"1234"``).

    Examples
    --------
    >>> injected_problems(1.0)["duplicate_lines"]
    3
    """
    n_buyers, n_prospects = _sizes(scale)
    n_customers = n_buyers + n_prospects
    n_invalid = max(len(_INVALID_POSTCODE_KINDS), round(_INVALID_POSTCODE_SHARE * n_customers))
    return {
        "duplicate_lines": _DUPLICATE_LINES,
        "missing_customer_id": _MISSING_CUSTOMER_ID,
        "invalid_postcodes": n_invalid,
        "missing_postcodes": math.ceil(n_invalid / len(_INVALID_POSTCODE_KINDS)),
        "messy_postcodes": round(_MESSY_POSTCODE_SHARE * n_customers),
    }


INJECTED_PROBLEMS: dict[str, int] = injected_problems(1.0)
"""The injected problems at the default scale 1.0 (see :func:`injected_problems`)."""


def generate_demo_data(
    out_dir: str | os.PathLike[str], *, seed: int = 20251231, scale: float = 1.0
) -> dict[str, pathlib.Path]:
    """Write a realistic, deterministic demo data set for a Dutch retailer.

    Simulates a home & garden retailer/wholesaler with about 20,000 buying
    customers (85 % consumers, 15 % businesses), 1,000 prospects and about
    300,000 order lines between 2022-01-01 and 2025-12-31, and writes them as
    ERP/CRM-style exports. The same ``seed`` and ``scale`` always give
    byte-identical files.

    Parameters
    ----------
    out_dir : str or os.PathLike
        Folder to write into; created if missing. Existing files of the same
        names are overwritten.
    seed : int, default 20251231
        Seed for :func:`numpy.random.default_rng`; another seed gives
        another (equally realistic) client.
    scale : float, default 1.0
        Multiplies the number of customers and prospects (and so the number
        of lines). ``scale=0.05`` gives a small but valid data set for tests.

    Returns
    -------
    dict[str, pathlib.Path]
        Paths of the written files under the keys ``"transactions"``
        (``transactions.csv``), ``"customers"`` (``customers.xlsx``),
        ``"contacts"`` (``contacts.csv``), ``"outlets"`` (``outlets.csv``),
        ``"regions"`` (``regions.csv``) and ``"boundaries"``
        (``regions.geojson``).

    Raises
    ------
    ValueError
        If ``scale`` is not a number in (0, 10] large enough for at least
        100 buying customers.

    Examples
    --------
    >>> from toolkit.demo import generate_demo_data
    >>> paths = generate_demo_data("data/demo", scale=0.05)  # doctest: +SKIP
    >>> sorted(paths)  # doctest: +SKIP
    ['contacts', 'customers', 'outlets', 'regions', 'transactions']
    >>> import pandas as pd
    >>> tx = pd.read_csv(paths["transactions"], sep=";", decimal=",",
    ...                  dtype={"factuurnr": str, "klantnr": str})  # doctest: +SKIP
    """
    n_buyers, n_prospects = _sizes(scale)
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    # Independent child streams, so tuning one part leaves the others alone.
    rng_pool, rng_orders, rng_returns, rng_contacts, rng_people, rng_inject = (
        np.random.default_rng(seed).spawn(6)
    )
    grid = _DayGrid()
    regions, outlets = _geography()

    cust = _simulate_customers(rng_pool, grid, n_buyers)
    lines, orders = _simulate_lines(rng_orders, grid, cust)
    credits = _simulate_returns(rng_returns, grid, lines, orders, cust)
    contacts = _simulate_contacts(rng_contacts, grid, cust, orders)
    people = _customer_master(rng_people, grid, cust, n_prospects, regions, outlets, scale)
    transactions = _assemble_transactions(rng_inject, grid, lines, credits, cust)

    paths = {
        "transactions": out / "transactions.csv",
        "customers": out / "customers.xlsx",
        "contacts": out / "contacts.csv",
        "outlets": out / "outlets.csv",
        "regions": out / "regions.csv",
        "boundaries": out / "regions.geojson",
    }
    _write_csv(transactions, paths["transactions"])
    _write_customers_xlsx(people, paths["customers"])
    contacts_out = pd.DataFrame({
        "klantnr": cust["klantnr"][contacts["cust"]],
        "datum": grid.labels[contacts["day"]],
        "type": contacts["type"],
    })
    _write_csv(contacts_out, paths["contacts"])
    _write_csv(_format_geo(outlets, ["vestiging", "postcode", "lat", "lon"]), paths["outlets"])
    _write_csv(_format_geo(regions, ["pc4", "plaats", "lat", "lon", "huishoudens"]), paths["regions"])
    paths["boundaries"].write_text(_boundaries_geojson(regions), encoding="utf-8", newline="\n")
    return paths


# ---------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------


class _DayGrid:
    """Every day from 2012-01-01 to the reference date, with order intensity.

    Order times are drawn in "warped" time in which the seasonal, weekly and
    yearly rhythm is flat; mapping back through the cumulative intensity puts
    more orders on busy days without any per-order loop.
    """

    def __init__(self) -> None:
        self.days = np.arange(_GRID_START, _WINDOW_END + 1)
        n = len(self.days)
        self.start = int((_WINDOW_START - _GRID_START).astype(int))
        self.end = n - 1
        self.year = self.days.astype("datetime64[Y]").astype(int) + 1970
        self.month = self.days.astype("datetime64[M]").astype(int) % 12
        self.weekday = (self.days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
        self.labels = np.asarray(pd.DatetimeIndex(self.days).strftime("%d-%m-%Y"), dtype=object)
        w = _MONTH_FACTOR[self.month] * _WEEKDAY_FACTOR[self.weekday]
        w = w * np.array([_YEAR_FACTOR.get(y, 1.0) for y in range(2012, 2026)])[self.year - 2012]
        md = pd.DatetimeIndex(self.days)
        closed = ((md.month == 1) & (md.day == 1)) | ((md.month == 12) & (md.day == 25))
        w[np.asarray(closed)] *= 0.15  # only the web shop is open
        self.closed = np.asarray(closed)
        self.intensity = w / w[self.start :].mean()
        self.cum = np.cumsum(self.intensity)  # warped time at the end of each day
        self.cum_before = self.cum - self.intensity

    def to_day(self, u: np.ndarray) -> np.ndarray:
        """Map warped time to a day index."""
        return np.minimum(np.searchsorted(self.cum, u, side="left"), self.end)


# ---------------------------------------------------------------------------
# Customers and their purchase process
# ---------------------------------------------------------------------------


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Draw one category per row of a (n, k) matrix of (unnormalised) weights."""
    cdf = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cdf[:, -1]
    return np.minimum((u[:, None] >= cdf).sum(axis=1), probs.shape[1] - 1)


def _herkomst_probs(business: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Acquisition channel weights per customer, shifting over the years."""
    base = np.array([[h[1], h[2]] for h in _HERKOMST])  # (7, 2)
    p = base[:, business.astype(int)].T.copy()  # (n, 7)
    # Social media grew from almost nothing; no fairs during covid.
    p[:, 6] *= np.clip((year - 2013) / 7.0, 0.05, 1.4)
    p[:, 2] *= np.where((year == 2020) | (year == 2021), 0.0, 1.0)
    return p


def _simulate_customers(rng: np.random.Generator, grid: _DayGrid, n_buyers: int) -> dict:
    """Simulate a pool of acquired customers; keep exactly ``n_buyers`` buyers.

    Most customers acquired before 2022 churned before the window; the pool
    is drawn large enough and then subsampled at random, so the kept
    customers have the same behaviour as the pool.
    """
    pool_size = int(n_buyers * 2.1) + 200
    while True:
        pool = _simulate_pool(rng, grid, pool_size)
        buyers = np.flatnonzero(pool["n_events"] > 0)
        if len(buyers) >= n_buyers:
            break
        pool_size = int(pool_size * 1.3)  # rare: only at tiny scales
    keep = np.sort(rng.choice(buyers, size=n_buyers, replace=False))
    cust = {k: v[keep] for k, v in pool.items() if k not in ("events", "n_events")}
    # Events belonging to the kept customers, re-indexed to 0..n_buyers-1.
    new_index = np.full(pool_size, -1)
    new_index[keep] = np.arange(n_buyers)
    ev_cust, ev_day = pool["events"]
    sel = new_index[ev_cust] >= 0
    cust["event_cust"] = new_index[ev_cust[sel]]
    cust["event_day"] = ev_day[sel]
    # klantnr: numbered in order of creation over the whole pool, so the
    # churned-before-2022 customers leave realistic gaps in the numbering.
    cust["pool_rank"] = pool["pool_rank"][keep]
    cust["pool_created_sorted"] = np.sort(pool["created"])
    return cust


def _simulate_pool(rng: np.random.Generator, grid: _DayGrid, n: int) -> dict:
    """Acquire ``n`` customers over 2012-2025 and simulate their lives and purchases."""
    years = np.array(sorted(_ACQUISITION))
    year_weight = np.array([_ACQUISITION[y] for y in years], dtype=float)
    # A day's chance of being a creation day: its year's acquisitions spread
    # over the year like the order intensity.
    year_total = np.bincount(grid.year - 2012, weights=grid.intensity)
    p_day = grid.intensity * (year_weight / year_total)[grid.year - 2012]
    created = rng.choice(len(grid.days), size=n, p=p_day / p_day.sum())
    year = grid.year[created]
    business = rng.random(n) < 0.125
    herkomst = _pick(rng, _herkomst_probs(business, year))

    # Consumers: age and gender; older customers came via the shop and fairs.
    age = rng.normal(_HERKOMST_AGE[herkomst], 13.0)
    years_ago = (grid.end - created) / 365.25
    age = np.clip(np.maximum(age, 18.5 + years_ago + rng.random(n) * 4.0), 18.5, 93.0)
    gender = _pick(rng, np.tile([0.44, 0.51, 0.02, 0.03], (n, 1)))  # M, V, X, unknown
    age_z = np.where(business, 0.0, (age - 50.0) / 15.0)

    h = np.array([x[3] for x in _HERKOMST])[herkomst] * np.where(business, 0.65, 0.85)
    h = np.clip(h * np.exp(rng.normal(0.0, 0.25, n)), 0.02, 0.8)
    lifetime = rng.exponential(365.25 / -np.log1p(-h))
    oneoff = rng.random(n) < np.array([x[4] for x in _HERKOMST])[herkomst] * np.where(
        business, 0.4, 1.0
    )
    death = np.where(oneoff, created, created + lifetime)

    spend = np.array([x[5] for x in _HERKOMST])[herkomst]
    lam = np.where(
        business,
        3.8 * np.exp(rng.normal(0.0, 0.5, n)),
        1.9 * np.exp(rng.normal(0.0, 0.5, n)) * np.exp(0.15 * age_z),
    )
    lam = np.clip(lam * np.sqrt(spend), 0.6, 120.0)

    events = _purchase_events(rng, grid, created, death, lam, oneoff)
    n_events = np.bincount(events[0], minlength=n)
    # Numbering order of creation, ties broken at random.
    pool_rank = np.empty(n, dtype=np.int64)
    pool_rank[np.lexsort((rng.random(n), created))] = np.arange(n)
    return {
        "created": created,
        "business": business,
        "herkomst": herkomst,
        "age": age,
        "age_z": age_z,
        "gender": gender,
        "lam": lam,
        "spend": spend,
        "death": death,
        "oneoff": oneoff,
        "events": events,
        "n_events": n_events,
        "pool_rank": pool_rank,
    }


def _purchase_events(
    rng: np.random.Generator,
    grid: _DayGrid,
    created: np.ndarray,
    death: np.ndarray,
    lam: np.ndarray,
    oneoff: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Order days of every customer inside the window (a renewal process).

    Gaps are gamma distributed with shape > 1: purchases are more regular
    than a Poisson process, as with real repeat customers.
    """
    shape = 1.6
    n = len(created)
    s = np.maximum(created, grid.start)
    e = np.minimum(np.floor(death).astype(np.int64), grid.end)
    mean_gap = 365.25 / lam
    u_end = grid.cum[np.clip(e, 0, grid.end)]
    new = created >= grid.start
    # New customers buy on their creation day (some a little later); older
    # customers are somewhere in their purchase cycle on 2022-01-01.
    u0_new = grid.cum_before[created] + 0.5 * grid.intensity[created]
    u0_new = u0_new + np.where(rng.random(n) < 0.15, rng.exponential(20.0, n), 0.0)
    u0_old = grid.cum_before[s] + rng.random(n) * rng.gamma(shape, mean_gap / shape)
    u0 = np.where(new, u0_new, u0_old)
    active = (e >= s) & (u0 <= u_end)

    expected = np.where(active, (u_end - u0) / mean_gap, 0.0)
    m = np.where(active, np.ceil(2.0 * expected + 12).astype(np.int64), 0)
    m = np.where(oneoff, np.minimum(m, 1), m)
    while True:
        idx = np.repeat(np.arange(n), m)
        gaps = rng.gamma(shape, mean_gap[idx] / shape)
        starts = np.cumsum(m) - m
        has = m > 0
        gaps[starts[has]] = 0.0  # the first event is u0 itself
        cum = np.cumsum(gaps)
        cum -= np.repeat(cum[starts[has]], m[has])  # cumsum within customer
        t = u0[idx] + cum
        last = starts + m - 1
        # Enough draws if every customer's last event falls past its end.
        short = (m > 0) & ~oneoff & (t[np.maximum(last, 0)] <= u_end)
        if not short.any():
            break
        m = np.where(short, m * 2, m)
    keep = t <= u_end[idx]
    day = np.clip(grid.to_day(t[keep]), s[idx[keep]], e[idx[keep]])
    return idx[keep], day


# ---------------------------------------------------------------------------
# Orders and lines
# ---------------------------------------------------------------------------


def _simulate_lines(rng: np.random.Generator, grid: _DayGrid, cust: dict) -> tuple[dict, dict]:
    """Turn purchase events into invoices with 1-6 lines each."""
    n_cust = len(cust["created"])
    business = cust["business"]
    o_cust = cust["event_cust"]
    o_day = cust["event_day"]
    n_orders = len(o_cust)

    # Invoice numbers run per year in date order.
    order = np.lexsort((rng.random(n_orders), o_day))
    o_cust, o_day = o_cust[order], o_day[order]
    o_year = grid.year[o_day]
    seq = np.arange(n_orders) - np.searchsorted(o_year, o_year, side="left") + 1
    o_factuur = (o_year * 1_000_000 + seq).astype(str)

    # Sales channel: the customer's habit, shifted by the weekday.
    habit = np.array([h[6] for h in _HERKOMST])[cust["herkomst"]]
    habit = np.where(business[:, None], habit * [0.8, 0.7, 1.8], habit)
    habit = habit * np.exp(rng.normal(0.0, 0.5, (n_cust, 3)))
    ch_w = habit[o_cust] * _CHANNEL_WEEKDAY[:, grid.weekday[o_day]].T
    ch_w[grid.closed[o_day], 1:] = 0.0  # New Year's Day, Christmas: web shop only
    o_channel = _pick(rng, ch_w)

    # Lines per order.
    lpo = np.where(
        business[o_cust][:, None],
        _LINES_PER_ORDER["zakelijk"],
        _LINES_PER_ORDER["particulier"],
    )
    o_nlines = _pick(rng, lpo) + 1

    # Customer preferences over the product groups: segment base, age,
    # gender and acquisition channel, times a strong personal taste (many
    # customers never buy some groups, which makes cross-sell interesting).
    pref = np.where(business[:, None], _G_BUS, _G_CONS)
    pref = pref * np.exp(_G_AGE[None, :] * cust["age_z"][:, None])
    gender_f = np.ones((n_cust, len(_GROUPS)))
    consumer = ~business
    gender_f[consumer & (cust["gender"] == 0)] = _G_MALE
    gender_f[consumer & (cust["gender"] == 1)] = _G_FEMALE
    pref = pref * gender_f * _G_HERKOMST[cust["herkomst"]]
    pref = pref * rng.gamma(0.6, 1.0, pref.shape)

    # Line level.
    l_order = np.repeat(np.arange(n_orders), o_nlines)
    starts = np.cumsum(o_nlines) - o_nlines
    l_regel = np.arange(len(l_order)) - np.repeat(starts, o_nlines) + 1
    l_cust = o_cust[l_order]
    l_day = o_day[l_order]
    n_lines = len(l_order)
    l_group = _pick(rng, pref[l_cust] * _G_SEASON[:, grid.month[l_day]].T)

    # Price: group level times the customer's price tier (premium buyers).
    tier = np.exp(rng.normal(0.0, 0.35, n_cust)) * cust["spend"] * np.exp(0.08 * cust["age_z"])
    price = _G_PRICE[l_group] * tier[l_cust] * np.exp(rng.normal(0.0, _G_SD[l_group]))
    # Shop prices end in ,99 / ,49 (whole euros) or ,x9 (cheap items).
    cents = np.where(
        price >= 10, np.round(price) * 100 - 1, np.maximum(np.round(price * 10) * 10 - 1, 49)
    ).astype(np.int64)
    # Quantity: businesses buy in bulk; heavy-tailed per business.
    bulk = np.where(business, np.exp(rng.normal(0.0, 0.4, n_cust)), 1.0)
    qmean = _G_QTY[l_group] * np.where(business[l_cust], _G_BUSQ[l_group] * bulk[l_cust], 1.0)
    aantal = 1 + rng.poisson(np.maximum(qmean - 1.0, 0.0))

    # Per-customer discount: most consumers pay list price; businesses get
    # trade discounts; a few get so much that their margin disappears.
    n = n_cust
    u = rng.random(n)
    disc_cons = np.select(
        [u < 0.70, u < 0.965], [0.0, rng.uniform(0.02, 0.10, n)], rng.uniform(0.30, 0.50, n)
    )
    disc_bus = np.select(
        [u < 0.45, u < 0.90], [rng.uniform(0.03, 0.10, n), rng.uniform(0.08, 0.18, n)], rng.uniform(0.28, 0.42, n)
    )
    discount = np.round(np.where(business, disc_bus, disc_cons), 3)

    gross = aantal * cents
    omzet = np.round(gross * (1.0 - discount[l_cust])).astype(np.int64)
    margin_rate = np.clip(_G_MARGIN[l_group] + rng.normal(0.0, 0.04, n_lines), 0.05, 0.7)
    cost = np.round(gross * (1.0 - margin_rate)).astype(np.int64)
    lines = {
        "order": l_order,
        "regel": l_regel,
        "cust": l_cust,
        "day": l_day,
        "group": l_group,
        "channel": o_channel[l_order],
        "aantal": aantal,
        "omzet": omzet,
        "cost": cost,
        "marge": omzet - cost,
        "factuurnr": o_factuur[l_order],
    }
    orders = {"cust": o_cust, "day": o_day, "factuurnr": o_factuur}
    cust["discount"] = discount
    return lines, orders


def _simulate_returns(
    rng: np.random.Generator, grid: _DayGrid, lines: dict, orders: dict, cust: dict
) -> dict:
    """Credit lines for returned goods, one credit invoice per returned order."""
    n_cust = len(cust["created"])
    # Return propensity: small for most, large for a few serial returners.
    prop = 0.032 * np.exp(rng.normal(0.0, 0.6, n_cust))
    serial = rng.random(n_cust) < 0.02
    prop = np.where(serial, rng.uniform(0.20, 0.40, n_cust), prop)
    cust["return_propensity"] = prop
    channel_f = np.array([1.5, 0.6, 0.8])  # online, winkel, telefoon
    p = np.clip(prop[lines["cust"]] * _G_RET[lines["group"]] * channel_f[lines["channel"]], 0, 0.9)
    returned = rng.random(len(p)) < p

    # Everything returned from one order comes back the same day.
    delay = 1 + rng.geometric(1.0 / 12.0, len(orders["day"]))
    r_day = orders["day"][lines["order"][returned]] + delay[lines["order"][returned]]
    inside = r_day <= grid.end  # later returns fall in next year's export
    idx = np.flatnonzero(returned)[inside]
    r_day = r_day[inside]
    r_order = lines["order"][idx]

    aantal = lines["aantal"][idx]
    part = np.where(rng.random(len(idx)) < 0.7, aantal, 1 + rng.integers(0, aantal))
    frac = part / aantal
    omzet = np.round(lines["omzet"][idx] * frac).astype(np.int64)
    cost = np.round(lines["cost"][idx] * frac).astype(np.int64)
    marge = omzet - cost
    # A return never earns money: the margin is given back, part of the
    # goods is written off, and handling (shipping, repacking) costs extra.
    writeoff = np.where(rng.random(len(idx)) < 0.35, rng.uniform(0.1, 1.0, len(idx)), 0.0)
    handling = np.array([495, 150, 250])[lines["channel"][idx]]
    credit_marge = -(np.maximum(marge, 0) + np.round(writeoff * cost).astype(np.int64) + handling)

    # Credit invoice numbers: per year, in date order.
    uniq_orders, inv = np.unique(r_order, return_inverse=True)
    c_day = orders["day"][uniq_orders] + delay[uniq_orders]
    c_order = np.lexsort((rng.random(len(uniq_orders)), c_day))
    c_year = grid.year[c_day[c_order]]
    c_seq_sorted = np.arange(len(c_order)) - np.searchsorted(c_year, c_year, side="left") + 1
    c_num = np.empty(len(uniq_orders), dtype=np.int64)
    c_num[c_order] = c_year * 1_000_000 + c_seq_sorted
    c_factuur = np.char.add("C", c_num.astype(str))
    # Line numbers within the credit invoice follow the original order.
    o = np.lexsort((lines["regel"][idx], inv))
    regel = np.empty(len(idx), dtype=np.int64)
    counts = np.bincount(inv, minlength=len(uniq_orders))
    regel[o] = np.arange(len(idx)) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    return {
        "cust": lines["cust"][idx],
        "day": r_day,
        "group": lines["group"][idx],
        "channel": lines["channel"][idx],
        "aantal": -part,
        "omzet": -omzet,
        "marge": credit_marge,
        "factuurnr": c_factuur[inv].astype(object),
        "regel": regel,
        "source_line": idx,
    }


def _simulate_contacts(rng: np.random.Generator, grid: _DayGrid, cust: dict, orders: dict) -> dict:
    """Support contacts while a customer is active; returners call a lot."""
    n_cust = len(cust["created"])
    first = np.full(n_cust, grid.end)
    last = np.zeros(n_cust, dtype=np.int64)
    np.minimum.at(first, orders["cust"], orders["day"])
    np.maximum.at(last, orders["cust"], orders["day"])
    until = np.minimum(last + 60, grid.end)
    years = (until - first + 30) / 365.25
    prop = cust["return_propensity"]
    rate = np.where(cust["business"], 0.6, 0.2) * np.exp(rng.normal(0.0, 0.8, n_cust))
    rate = rate * (1.0 + 10.0 * prop)
    count = rng.poisson(rate * years)
    c = np.repeat(np.arange(n_cust), count)
    day = first[c] + np.floor(rng.random(len(c)) * (until[c] - first[c] + 1)).astype(np.int64)
    klacht = np.clip(0.05 + 0.9 * prop, 0.0, 0.5)[c]
    phone = np.where(cust["age"][c] >= 60, 0.65, 0.45)
    phone = np.where(cust["business"][c], 0.6, phone)
    typ = _pick(rng, np.column_stack([(1 - klacht) * phone, (1 - klacht) * (1 - phone), klacht]))
    order = np.lexsort((typ, cust["pool_rank"][c], day))
    types = np.array(["telefoon", "e-mail", "klacht"], dtype=object)
    return {"cust": c[order], "day": day[order], "type": types[typ[order]]}


# ---------------------------------------------------------------------------
# Geography and the customer master
# ---------------------------------------------------------------------------


def _geography() -> tuple[pd.DataFrame, pd.DataFrame]:
    """PC4 areas around the towns and the outlets (fixed for every seed).

    Centroids follow a jittered sunflower pattern inside each town's radius,
    the lowest PC4 in the centre (as in Dutch cities), so Voronoi cells
    built from them look like plausible neighbourhoods.
    """
    rng = np.random.default_rng(_GEOGRAPHY_SEED)
    rows = []
    golden = math.pi * (3.0 - math.sqrt(5.0))
    for name, lat, lon, lo, hi, k, radius, density, _ in _TOWNS:
        pc4 = np.sort(rng.choice(np.arange(lo, hi + 1), size=k, replace=False))
        i = np.arange(k)
        r = radius * np.sqrt((i + 0.5) / k) * rng.uniform(0.9, 1.1, k)
        theta = i * golden + rng.uniform(-0.2, 0.2, k)
        dlat = r * np.sin(theta) / 111.2
        dlon = r * np.cos(theta) / (111.32 * math.cos(math.radians(lat)))
        hh = 3800.0 * density * np.exp(rng.normal(0.0, 0.4, k)) * (1.25 - 0.4 * i / k)
        hh = np.clip(np.round(hh, -1), 1500, 12000).astype(np.int64)
        rows.append(pd.DataFrame({
            "pc4": pc4.astype(str), "plaats": name,
            "lat": np.round(lat + dlat, 6), "lon": np.round(lon + dlon, 6), "huishoudens": hh,
        }))
    by_town = {df["plaats"].iloc[0]: df for df in rows}
    regions = pd.concat(rows, ignore_index=True).sort_values("pc4", ignore_index=True)
    outlets = []
    for town, rank in _OUTLETS:
        row = by_town[town].iloc[rank]
        letters = "".join(rng.choice(_POSTCODE_LETTERS, 2))
        outlets.append({
            "vestiging": town, "postcode": f"{row['pc4']} {letters}",
            "lat": row["lat"], "lon": row["lon"],
        })
    return regions, pd.DataFrame(outlets)


def _boundaries_geojson(regions: pd.DataFrame) -> str:
    """Synthetic PC4 polygons as GeoJSON text (WGS84, RFC 7946), the same bytes on every run.

    Voronoi cells around the region centroids, computed in a local kilometre grid and
    clipped to the union of the towns' outlines (a wavy circle 1.35 times the built-up
    radius, so every centroid lies well inside its town). Each feature carries ``pc4``,
    ``plaats`` and ``huishoudens``; the cell always contains its own centroid.
    """
    import json

    import shapely

    kx, ky = 111.32 * math.cos(math.radians(52.0)), 111.2  # km per degree near the demo towns
    outlines = []
    for k, (_name, lat, lon, _lo, _hi, _n, radius, *_other) in enumerate(_TOWNS):
        theta = np.linspace(0.0, 2 * math.pi, 96, endpoint=False)
        phase = (k * 2.39996) % (2 * math.pi)
        r = radius * 1.35 * (1 + 0.10 * np.sin(3 * theta + phase) + 0.05 * np.sin(5 * theta + 2 * phase))
        outlines.append(shapely.Polygon(np.c_[lon * kx + r * np.cos(theta), lat * ky + r * np.sin(theta)]))
    towns = shapely.union_all(outlines)
    points = shapely.points(regions["lon"].to_numpy() * kx, regions["lat"].to_numpy() * ky)
    cells = shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(points), extend_to=shapely.box(*towns.buffer(5.0).bounds), ordered=True))
    features = []
    for row, cell, point in zip(regions.itertuples(index=False), cells, points, strict=True):
        shape = shapely.intersection(cell, towns)
        # A cell clipped by a neighbouring town's outline may fall apart: keep the part around the centroid.
        shape = next(p for p in shapely.get_parts(shape) if p.contains(point))
        shape = shapely.geometry.polygon.orient(shape, 1.0)  # RFC 7946: exterior counter-clockwise
        rings = [shape.exterior, *shape.interiors]
        coords = [[[round(x / kx, 6), round(y / ky, 6)] for x, y in ring.coords] for ring in rings]
        features.append({"type": "Feature",
                         "properties": {"pc4": row.pc4, "plaats": row.plaats, "huishoudens": int(row.huishoudens)},
                         "geometry": {"type": "Polygon", "coordinates": coords}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


def _distance_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km (haversine)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


def _customer_master(
    rng: np.random.Generator,
    grid: _DayGrid,
    cust: dict,
    n_prospects: int,
    regions: pd.DataFrame,
    outlets: pd.DataFrame,
    scale: float,
) -> pd.DataFrame:
    """Buyers and prospects with synthetic personal data, sorted by klantnr."""
    n_buyers = len(cust["created"])
    n = n_buyers + n_prospects

    # Prospects: recent sign-ups (newsletter, fair, quote) who never bought.
    p_created = np.where(
        rng.random(n_prospects) < 0.8,
        rng.integers(grid.start + 2 * 365, grid.end + 1, n_prospects),
        rng.integers(grid.start - 2 * 365, grid.start + 2 * 365, n_prospects),
    )
    p_business = rng.random(n_prospects) < 0.2
    p_herkomst = _pick(rng, np.tile([0.35, 0.04, 0.2, 0.05, 0.15, 0.05, 0.2], (n_prospects, 1)))
    p_age = np.clip(rng.normal(48.0, 14.0, n_prospects), 18.5, 90.0)
    p_gender = _pick(rng, np.tile([0.44, 0.51, 0.02, 0.03], (n_prospects, 1)))

    created = np.concatenate([cust["created"], p_created])
    business = np.concatenate([cust["business"], p_business])
    herkomst = np.concatenate([cust["herkomst"], p_herkomst])
    age = np.concatenate([cust["age"], p_age])
    gender = np.concatenate([cust["gender"], p_gender])

    # klantnr: numbered in creation order over everyone ever created (also
    # the pool customers who churned before 2022, which leaves realistic
    # gaps); prospects slot in by their creation date.
    pool_created = cust["pool_created_sorted"]
    p_key = np.searchsorted(pool_created, p_created, side="left") - 0.5
    p_order = np.lexsort((rng.random(n_prospects), p_key))
    p_sorted_key = p_key[p_order]
    p_index = np.empty(n_prospects, dtype=np.int64)
    p_index[p_order] = np.ceil(p_sorted_key).astype(np.int64) + np.arange(n_prospects)
    b_index = cust["pool_rank"] + np.searchsorted(p_sorted_key, cust["pool_rank"])
    klantnr = (100_001 + np.concatenate([b_index, p_index])).astype(str)
    cust["klantnr"] = klantnr[:n_buyers]

    # Where they live: penetration falls with distance to the nearest
    # outlet; web-shop customers and businesses come from further away.
    dist = np.min(
        _distance_km(
            regions["lat"].to_numpy()[:, None], regions["lon"].to_numpy()[:, None],
            outlets["lat"].to_numpy()[None, :], outlets["lon"].to_numpy()[None, :],
        ),
        axis=1,
    )
    hh = regions["huishoudens"].to_numpy(dtype=float)
    online_herkomst = np.isin(herkomst, [0, 4, 6])
    geo_kind = np.where(business, 2, np.where(online_herkomst, 1, 0))
    geo_w = np.stack([
        hh * (np.exp(-dist / 7.0) + 0.004),
        hh * (np.exp(-dist / 16.0) + 0.05),
        hh * (np.exp(-dist / 14.0) + 0.02),
    ])
    region_idx = _pick(rng, geo_w[geo_kind])
    pc4 = regions["pc4"].to_numpy()[region_idx]
    plaats = regions["plaats"].to_numpy()[region_idx].astype(object)
    area = {t[0]: t[8] for t in _TOWNS}
    town_area = np.array([area[t] for t in plaats], dtype=object)

    letters = rng.choice(_POSTCODE_LETTERS, (n, 2))
    bad = np.isin(np.char.add(letters[:, 0], letters[:, 1]), ["SA", "SD", "SS"])
    letters[bad, 1] = "B"
    postcode = np.char.add(np.char.add(pc4.astype(str), " "), np.char.add(letters[:, 0], letters[:, 1]))
    postcode = postcode.astype(object)

    postcode = _spoil_postcodes(rng, postcode, injected_problems(scale))
    # Some towns are typed in capitals or by their colloquial name.
    caps = rng.random(n) < 0.03
    plaats[caps] = [p.upper() for p in plaats[caps]]
    plaats[plaats == "'s-Hertogenbosch"] = np.where(
        rng.random(int((plaats == "'s-Hertogenbosch").sum())) < 0.3, "Den Bosch", "'s-Hertogenbosch"
    )

    naam, email, telefoon, straat = _personal_data(rng, business, gender, town_area)

    birth = grid.days[grid.end] - np.round(age * 365.25).astype("timedelta64[D]")
    geboortedatum = np.where(business, None, pd.DatetimeIndex(birth).date)
    geslacht = np.array(["M", "V", "X", None], dtype=object)[gender]
    geslacht = np.where(business, None, geslacht)

    master = pd.DataFrame({
        "klantnr": klantnr,
        "naam": naam,
        "email": email,
        "telefoon": telefoon,
        "straat": straat,
        "postcode": postcode,
        "plaats": plaats,
        "aanmaakdatum": pd.DatetimeIndex(grid.days[created]).date,
        "herkomst": np.array(_HERKOMST_NAMES, dtype=object)[herkomst],
        "klanttype": np.array(_KLANTTYPES, dtype=object)[business.astype(int)],
        "geboortedatum": geboortedatum,
        "geslacht": geslacht,
    })
    return master.sort_values("klantnr", ignore_index=True)


def _spoil_postcodes(rng: np.random.Generator, postcode: np.ndarray, problems: dict[str, int]) -> np.ndarray:
    """Turn exact numbers of clean postcodes into invalid and messy notations."""
    n_invalid, n_messy = problems["invalid_postcodes"], problems["messy_postcodes"]
    chosen = rng.permutation(len(postcode))
    invalid = chosen[:n_invalid]
    messy = chosen[n_invalid : n_invalid + n_messy]
    # Kinds cycle, so the count of each is exact whatever the seed.
    kinds = np.arange(n_invalid) % len(_INVALID_POSTCODE_KINDS)
    for k, kind in enumerate(_INVALID_POSTCODE_KINDS):
        sel = invalid[kinds == k]
        if kind == "missing":
            postcode[sel] = ""
        elif kind == "onbekend":
            postcode[sel] = "ONBEKEND"
        elif kind == "leading_zero":  # Dutch postcodes never start with 0
            postcode[sel] = ["0" + p[1:] for p in postcode[sel]]
        else:  # typed one digit too many
            postcode[sel] = [p[:4] + p[3] + p[4:] for p in postcode[sel]]
    fmt = (
        lambda p: p.replace(" ", "").lower(),  # 1234ab
        lambda p: f" {p} ",  # padded
        lambda p: p[:4],  # PC4 only
        lambda p: p.replace(" ", ""),  # 1234AB
        lambda p: p.lower(),  # 1234 ab
    )
    styles = rng.integers(0, len(fmt), len(messy))
    postcode[messy] = [fmt[st](p) for st, p in zip(styles, postcode[messy], strict=True)]
    return postcode


def _personal_data(
    rng: np.random.Generator, business: np.ndarray, gender: np.ndarray, town_area: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic naam, email, telefoon and straat (sensitive fields a report must never show).

    E-mail addresses use the reserved example.com/.net/.org domains; about
    4 % of e-mails and 8 % of phone numbers are missing, as in a real CRM.
    """
    n = len(business)
    is_male = gender == 0
    is_female = gender == 1
    first = np.where(
        is_male | (~is_female & (rng.random(n) < 0.5)),
        np.array(_FIRST_M, dtype=object)[rng.integers(0, len(_FIRST_M), n)],
        np.array(_FIRST_V, dtype=object)[rng.integers(0, len(_FIRST_V), n)],
    )
    last = np.array(_LAST, dtype=object)[rng.integers(0, len(_LAST), n)]
    person = first + " " + last
    last_cap = np.array([s[0].upper() + s[1:] for s in _LAST], dtype=object)[
        rng.integers(0, len(_LAST), n)
    ]
    pattern = rng.integers(0, len(_COMPANY_PATTERNS), n)
    company = np.array(
        [_COMPANY_PATTERNS[p].format(L=ln) for p, ln in zip(pattern, last_cap, strict=True)], dtype=object
    )
    naam = np.where(business, company, person)

    def slug(s: pd.Series) -> pd.Series:
        return s.str.lower().str.replace(r"[^a-z0-9]+", "", regex=True)

    domain = np.array(_EMAIL_DOMAINS, dtype=object)[rng.integers(0, len(_EMAIL_DOMAINS), n)]
    suffix = pd.Series(rng.integers(1, 100, n)).astype(str)
    email_person = slug(pd.Series(first)) + "." + slug(pd.Series(last)) + suffix + "@" + domain
    email_company = "info@" + slug(pd.Series(company)) + "." + domain
    email = np.where(business, email_company, email_person).astype(object)
    email[rng.random(n) < 0.04] = ""

    digits = ["".join(map(str, row)) for row in rng.integers(0, 10, (n, 8))]
    # Ten digits in all: the subscriber number is shorter after a long area code.
    landline = np.array(
        [f"{a}-{d[: 10 - len(a)]}" for a, d in zip(town_area, digits, strict=True)], dtype=object
    )
    mobile = np.array([f"06-{d}" for d in digits], dtype=object)
    telefoon = np.where(business | (rng.random(n) < 0.3), landline, mobile).astype(object)
    style = rng.random(n)
    compact = style < 0.15
    telefoon[compact] = [t.replace("-", "") for t in telefoon[compact]]
    intl = (style >= 0.15) & (style < 0.22)
    telefoon[intl] = ["+31 " + t[1:].replace("-", " ") for t in telefoon[intl]]
    telefoon[rng.random(n) < 0.08] = ""

    street = np.array(_STREETS, dtype=object)[rng.integers(0, len(_STREETS), n)]
    house = (1 + rng.geometric(1 / 40.0, n)).astype(str).astype(object)
    addition = np.array(["a", "b", "-1", " bis"], dtype=object)[rng.integers(0, 4, n)]
    straat = street + " " + house + np.where(rng.random(n) < 0.06, addition, "")

    return naam, email, telefoon, straat


# ---------------------------------------------------------------------------
# Assembling and writing
# ---------------------------------------------------------------------------


def _assemble_transactions(
    rng: np.random.Generator, grid: _DayGrid, lines: dict, credits: dict, cust: dict
) -> pd.DataFrame:
    """All lines in export format, with the injected problems."""
    klantnr = cust["klantnr"]
    group_names = np.array(_GROUP_NAMES, dtype=object)
    channel_names = np.array(_CHANNELS, dtype=object)
    n_reg = len(lines["day"])

    def frame(part: dict) -> pd.DataFrame:
        return pd.DataFrame({
            "factuurnr": np.asarray(part["factuurnr"], dtype=object),
            "regel": part["regel"],
            "klantnr": klantnr[part["cust"]].astype(object),
            "day": part["day"],
            "productgroep": group_names[part["group"]],
            "verkoopkanaal": channel_names[part["channel"]],
            "aantal": part["aantal"],
            "omzet": part["omzet"],
            "marge": part["marge"],
            # The customer's trade discount (% off list price), as the ERP prints it on each line.
            "korting": np.round(cust["discount"][part["cust"]] * 1000).astype(np.int64),
        })

    regular = frame(lines)
    credit = frame(credits)

    # Export glitch 1: two lines lost their customer number. Taken from
    # repeat customers' later orders and not returned, so no customer
    # disappears and no credit loses its purchase.
    n_orders_per_cust = np.bincount(lines["cust"][lines["regel"] == 1], minlength=len(klantnr))
    first_day = np.full(len(klantnr), grid.end + 1)
    np.minimum.at(first_day, lines["cust"], lines["day"])
    returned = np.zeros(n_reg, dtype=bool)
    returned[credits["source_line"]] = True
    eligible = np.flatnonzero(
        (n_orders_per_cust[lines["cust"]] >= 3) & (lines["day"] > first_day[lines["cust"]]) & ~returned
    )
    picks = rng.choice(eligible, size=_MISSING_CUSTOMER_ID + _DUPLICATE_LINES, replace=False)
    regular.loc[picks[:_MISSING_CUSTOMER_ID], "klantnr"] = ""
    # Export glitch 2: a few lines were exported twice.
    dupes = regular.iloc[picks[_MISSING_CUSTOMER_ID:]]

    tx = pd.concat([regular, credit, dupes], ignore_index=True)
    tx = tx.sort_values(["day", "factuurnr", "regel"], kind="stable", ignore_index=True)
    tx["datum"] = grid.labels[tx["day"].to_numpy()]
    tx["omzet"] = _format_cents(tx["omzet"].to_numpy())
    tx["marge"] = _format_cents(tx["marge"].to_numpy())
    tenths = tx["korting"].to_numpy()
    tx["korting"] = (pd.Series(tenths // 10).astype(str) + "," + pd.Series(tenths % 10).astype(str)).to_numpy()
    return tx[["factuurnr", "regel", "klantnr", "datum", "productgroep", "verkoopkanaal",
               "aantal", "omzet", "marge", "korting"]]


def _format_cents(cents: np.ndarray) -> np.ndarray:
    """Integer cents as Dutch decimal text: -1234 -> "-12,34"."""
    a = np.abs(cents)
    euros = pd.Series(a // 100).astype(str)
    rest = pd.Series(a % 100).astype(str).str.zfill(2)
    sign = pd.Series(np.where(cents < 0, "-", ""))
    return (sign + euros + "," + rest).to_numpy(dtype=object)


def _format_geo(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = df[columns].copy()
    for col in ("lat", "lon"):
        out[col] = [f"{x:.6f}".replace(".", ",") for x in out[col]]
    return out


def _write_csv(df: pd.DataFrame, path: pathlib.Path) -> None:
    """Write semicolon-separated UTF-8 with Unix line ends, the same on every platform."""
    df.to_csv(path, sep=";", index=False, encoding="utf-8", lineterminator="\n")


def _write_customers_xlsx(master: pd.DataFrame, path: pathlib.Path) -> None:
    """Write the master with openpyxl in write-only mode, clock-independent.

    openpyxl stamps the save time into docProps/core.xml and every zip
    entry; both are replaced by a fixed timestamp so equal data gives equal
    bytes.
    """
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook(write_only=True)
    wb.properties.creator = "Klantpiramide demo"
    wb.properties.created = _XLSX_TIMESTAMP
    wb.properties.modified = _XLSX_TIMESTAMP
    ws = wb.create_sheet("Klanten")
    for col, width in zip("ABCDEFGHIJKL", (9, 30, 34, 16, 28, 10, 18, 13, 18, 11, 14, 9), strict=True):
        ws.column_dimensions[col].width = width
    ws.append(list(master.columns))
    columns = [master[c].tolist() for c in master.columns]
    for row in zip(*columns, strict=True):
        # Empty text becomes an empty cell, as in a real export.
        ws.append([None if isinstance(v, str) and v == "" else v for v in row])

    buffer = io.BytesIO()
    # ExcelWriter directly: save_workbook() would set `modified` to now.
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    fixed = _XLSX_TIMESTAMP.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(
        path, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=fixed)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
