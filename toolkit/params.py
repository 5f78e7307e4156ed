"""The one schema for a run's YAML parameter file, and its validation.

papermill accepts misspelled parameters silently, so every run is validated
here before anything executes: unknown keys, wrong values, missing files and
mapped columns that are not in the file each get one message that names the
file, the key (with its line in the YAML) and the fix.

Example
-------
>>> from toolkit.params import parse_params
>>> p = parse_params({"client": "Demo BV", "output_dir": "out",
...                   "transactions": {"path": "t.csv", "columns": {
...                       "customer_id": "klant", "date": "datum", "amount": "omzet"}}})
>>> p.pyramid_basis, p.period_months
('revenue', 12)
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from toolkit.errors import ParamsError

#: Pyramid layers of buying customers, top first, with their default share (%) of buying customers.
DEFAULT_PYRAMID_SHARES: dict[str, float] = {
    "top": 1,
    "large": 4,
    "medium_large": 15,
    "medium_small": 30,
    "small": 50,
}

#: Default ABC cut-offs: A while the cumulative revenue share before a customer is < 80 %, B < 95 %.
DEFAULT_ABC_THRESHOLDS: tuple[float, float] = (80.0, 95.0)

SUPPORTED_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".csv.gz": "csv", ".txt.gz": "csv",
                      ".tsv.gz": "csv", ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel", ".ods": "excel",
                      ".parquet": "parquet", ".pq": "parquet", ".mdb": "access", ".accdb": "access"}


def file_kind(path: Path) -> str | None:
    """``csv``, ``excel`` or ``parquet`` by the file name's ending (``.csv.gz`` counts as CSV); None if unsupported.

    Examples
    --------
    >>> file_kind(Path("export.CSV.gz")), file_kind(Path("x.json"))
    ('csv', None)
    """
    name = path.name.lower()
    return next((kind for suffix, kind in sorted(SUPPORTED_SUFFIXES.items(), key=lambda kv: -len(kv[0]))
                 if name.endswith(suffix)), None)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TransactionColumns(_Strict):
    """Which column of the transactions file holds each canonical field."""

    customer_id: str
    date: str
    amount: str
    margin: str | None = None
    order_id: str | None = None
    product_group: str | None = None
    quantity: str | None = None
    sales_channel: str | None = None
    # Discount on the line in percent of the list price (0-100), for the price hints (issue 3).
    discount: str | None = None


class CustomerColumns(_Strict):
    """Which column of the customer master holds each canonical field."""

    customer_id: str
    postcode: str | None = None
    created: str | None = None
    channel: str | None = None
    customer_type: str | None = None
    birth_date: str | None = None
    gender: str | None = None
    city: str | None = None
    # Personal data: read only to be kept out of every output (see PERSONAL_FIELDS).
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    street: str | None = None


#: Canonical customer fields that identify a person; never written to reports or exports.
PERSONAL_FIELDS = ("name", "email", "phone", "street")

#: Canonical fields that hold dates (parsed like the transaction date).
DATE_FIELDS = {"date", "created", "birth_date"}
#: Canonical fields that hold money amounts (decimal comma/point, currency symbols).
AMOUNT_FIELDS = {"amount", "margin"}
#: Canonical fields that hold other numbers.
NUMBER_FIELDS = {"quantity", "discount"}


class _Source(_Strict):
    path: str
    sheet: str | int | None = Field(None, description="Excel sheet name or 0-based index; default the first.")
    table: str | None = Field(None, description="Table in an Access database (.mdb/.accdb); default the first.")
    delimiter: Literal[",", ";", "\t", "|"] | None = None
    encoding: Literal["utf-8", "latin-1", "cp1252"] | None = None
    decimal: Literal[",", "."] | None = None
    date_format: str | None = None

    @field_validator("date_format")
    @classmethod
    def _date_format_has_directives(cls, v: str | None) -> str | None:
        if v is not None and "%" not in v:
            raise ValueError(
                f"date_format {v!r} has no strftime directives; write it like \"%d-%m-%Y\" or \"%Y-%m-%d\"")
        return v

    def resolved_path(self, base: Path) -> Path:
        """The source path, resolved against the params file's folder."""
        p = Path(os.path.expanduser(self.path))
        return p if p.is_absolute() else (base / p).resolve()


class TransactionsSource(_Source):
    """The transaction lines: a file (default) or a table in the client's database or Spark cluster.

    ``backend: file`` reads ``path`` with the embedded DuckDB. ``backend: duckdb`` reads
    ``table`` (or ``query``) from the DuckDB database file ``path``. ``backend: postgres``
    reads ``table`` (``schema.table``) or ``query`` over ``url``
    (``postgresql://user@host:port/database``); ``backend: pyspark`` reads ``table`` from the
    Spark catalog, ``path`` (Parquet/CSV, local or cluster storage) or ``query``, with
    ``url`` as the Spark master (default ``local[*]``). Every aggregation then runs on that
    engine. A password comes from the environment variable named by ``password_env``,
    never from this file.
    """

    path: str | None = None
    columns: TransactionColumns
    drop_duplicate_lines: bool = True
    backend: Literal["file", "duckdb", "postgres", "pyspark"] = "file"
    url: str | None = None
    query: str | None = None
    password_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")

    @model_validator(mode="after")
    def _backend_needs(self) -> TransactionsSource:
        if self.backend == "file" and not self.path:
            raise ValueError("give transactions.path (the export file), or a backend with its table")
        if self.backend in ("duckdb", "postgres", "pyspark") and not (self.table or self.query or
                                                                     (self.backend == "pyspark" and self.path)):
            raise ValueError(f"backend {self.backend} needs transactions.table (or transactions.query)")
        if self.backend == "duckdb" and not self.path:
            raise ValueError("backend duckdb needs transactions.path: the DuckDB database file")
        if self.backend == "postgres" and not self.url:
            raise ValueError("backend postgres needs transactions.url, e.g. postgresql://user@host:5432/database")
        if self.url and re.match(r"^\w+://[^/@]*:[^/@]*@", self.url):
            raise ValueError("the url holds a password; remove it and name the environment variable that holds it "
                             "in transactions.password_env")
        return self

    def resolved_path(self, base: Path) -> Path:
        """The source path, resolved against the params file's folder (only for local files)."""
        if self.path is None:
            raise ValueError("this transactions source has no path")
        return super().resolved_path(base)


class CustomersSource(_Source):
    """The optional customer master: customers without purchases become prospects."""

    columns: CustomerColumns


class TableSource(_Source):
    """An extra input table (support contacts, outlets, households per region, …).

    ``columns`` maps the canonical names the analysis asks for to the file's columns.
    """

    columns: dict[str, str]


# ---------------------------------------------------------------------------------------------
# Issue 3: RFM, cost to serve and profit, migration, price hints, contact plan


#: Default RFM segment tables per score scale: (name, R range, F range). Every cell of the R x F grid
#: is covered by exactly one row, so every scored customer gets exactly one segment.
DEFAULT_RFM_SEGMENTS: dict[int, tuple[tuple[str, tuple[int, int], tuple[int, int]], ...]] = {
    5: (("champions", (5, 5), (4, 5)), ("loyal", (3, 4), (4, 5)), ("potential_loyalists", (4, 5), (2, 3)),
        ("new", (5, 5), (1, 1)), ("promising", (4, 4), (1, 1)), ("need_attention", (3, 3), (3, 3)),
        ("about_to_sleep", (3, 3), (1, 2)), ("cant_lose", (1, 2), (5, 5)), ("at_risk", (1, 2), (3, 4)),
        ("hibernating", (2, 2), (1, 2)), ("lost", (1, 1), (1, 2))),
    4: (("champions", (4, 4), (3, 4)), ("loyal", (3, 3), (3, 4)), ("potential_loyalists", (3, 4), (2, 2)),
        ("new", (4, 4), (1, 1)), ("promising", (3, 3), (1, 1)), ("cant_lose", (1, 2), (4, 4)),
        ("at_risk", (1, 2), (2, 3)), ("hibernating", (2, 2), (1, 1)), ("lost", (1, 1), (1, 1))),
    3: (("champions", (3, 3), (3, 3)), ("potential_loyalists", (3, 3), (2, 2)), ("new", (3, 3), (1, 1)),
        ("loyal", (2, 2), (2, 3)), ("promising", (2, 2), (1, 1)), ("cant_lose", (1, 1), (3, 3)),
        ("at_risk", (1, 1), (2, 2)), ("lost", (1, 1), (1, 1))),
}

_Lang = Literal["nl", "en"]


class RfmSegment(_Strict):
    """One row of the RFM segment table: a name and the score ranges (inclusive) it covers; no range = any score."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    r: tuple[int, int] | None = None
    f: tuple[int, int] | None = None
    m: tuple[int, int] | None = None
    # Label per language; needed for names that are not in the default table.
    label: dict[_Lang, str] | None = None


class RfmParams(_Strict):
    """``rfm``: recency/frequency/monetary scores and named segments.

    ``scores`` classes per dimension (5 = best); ``segments`` the segment table (first
    match wins; default :data:`DEFAULT_RFM_SEGMENTS`); ``frequency_classes`` the lower
    bounds (orders) of the frequency classes of the value/frequency matrix.
    """

    scores: Literal[3, 4, 5] = 5
    segments: list[RfmSegment] | None = None
    frequency_classes: list[int] = Field(default_factory=lambda: [1, 2, 3, 5, 10])

    @field_validator("frequency_classes")
    @classmethod
    def _classes_increase(cls, v: list[int]) -> list[int]:
        if not v or v[0] != 1 or sorted(set(v)) != v or len(v) > 8:
            raise ValueError("write up to 8 increasing whole numbers starting at 1, e.g. [1, 2, 3, 5, 10]")
        return v

    @model_validator(mode="after")
    def _segments_fit_scale(self) -> RfmParams:
        if self.segments is None:
            return self
        names = [s.name for s in self.segments]
        if len(set(names)) != len(names):
            raise ValueError("rfm.segments: every segment name must be unique")
        known = {name for table in DEFAULT_RFM_SEGMENTS.values() for name, _, _ in table}
        for s in self.segments:
            for dim in ("r", "f", "m"):
                lo, hi = getattr(s, dim) or (1, self.scores)
                if not 1 <= lo <= hi <= self.scores:
                    raise ValueError(f"rfm.segments '{s.name}': {dim} range [{lo}, {hi}] must lie within "
                                     f"1..{self.scores} (rfm.scores) with the lower bound first")
            if s.name not in known and (s.label is None or set(s.label) != {"nl", "en"}):
                raise ValueError(f"rfm.segments '{s.name}': give a label in both languages, "
                                 "e.g. label: {nl: Topklanten, en: Top customers}")
        return self

    def segment_table(self) -> list[RfmSegment]:
        """The segment table in force: the configured one or the default for ``scores``."""
        if self.segments is not None:
            return list(self.segments)
        return [RfmSegment(name=n, r=r, f=f) for n, r, f in DEFAULT_RFM_SEGMENTS[self.scores]]


class CostToServeParams(_Strict):
    """``cost_to_serve``: what serving a customer costs, per unit, in euro (0 where unknown).

    Orders (deliveries) and lines come from the transactions, returns are credit notes
    (orders with negative lines), contacts come from the optional ``contacts`` table
    (columns ``customer_id``, ``date`` and optionally ``type``).
    """

    per_order: float = Field(0.0, ge=0)
    per_order_by_channel: dict[str, float] | None = None
    per_line: float = Field(0.0, ge=0)
    per_return: float = Field(0.0, ge=0)
    contacts: TableSource | None = None
    per_contact: float = Field(0.0, ge=0)
    per_contact_type: dict[str, float] = Field(default_factory=dict)
    # An unprofitable customer's margin rate below this share of the average rate counts as "low margin".
    low_margin_factor: float = Field(0.5, ge=0, le=1)

    @field_validator("per_order_by_channel", "per_contact_type")
    @classmethod
    def _costs_not_negative(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v and any(c < 0 for c in v.values()):
            raise ValueError("every cost must be 0 or more")
        return v

    @model_validator(mode="after")
    def _contacts_mapped(self) -> CostToServeParams:
        if self.contacts is not None:
            missing = [r for r in ("customer_id", "date") if r not in self.contacts.columns]
            if missing:
                raise ValueError(f"contacts.columns must map {' and '.join(missing)} "
                                 "(e.g. customer_id: klantnr, date: datum)")
            if self.per_contact_type and "type" not in self.contacts.columns:
                raise ValueError("per_contact_type needs contacts.columns.type (the column with the contact type)")
        elif self.per_contact or self.per_contact_type:
            raise ValueError("per_contact needs a contacts table: add contacts: {path: ..., columns: "
                             "{customer_id: ..., date: ...}}")
        return self


class PeriodRange(_Strict):
    """A period of whole days, ``start`` and ``end`` inclusive."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> PeriodRange:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class MigrationParams(_Strict):
    """``migration``: the two periods compared, and the upgrade scenario.

    Without ``earlier``/``later`` the analysis period is compared with the equally long
    period before it. ``upgrade_percent``: share of each layer assumed to move one layer up.
    """

    earlier: PeriodRange | None = None
    later: PeriodRange | None = None
    upgrade_percent: float = Field(2.0, gt=0, le=50)
    upgrade_include_inactive: bool = True

    @model_validator(mode="after")
    def _both_or_neither(self) -> MigrationParams:
        if (self.earlier is None) != (self.later is None):
            raise ValueError("give both earlier and later periods (start and end each), or neither")
        if self.earlier and self.later and self.earlier.end >= self.later.start:
            raise ValueError(f"the earlier period must end before the later one starts "
                             f"({self.earlier.end} is not before {self.later.start})")
        return self


class PriceBand(_Strict):
    """One band of the price hints: C customers with relative revenue below ``below``."""

    below: float | None = Field(None, gt=0)
    min_pct: float = Field(ge=0, le=100)
    max_pct: float = Field(ge=0, le=100)
    step_pct: float = Field(gt=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> PriceBand:
        if self.max_pct < self.min_pct:
            raise ValueError("max_pct must not be below min_pct")
        return self


#: Default price-hint bands: relative revenue (customer revenue / average revenue per buying
#: customer) below ``below`` gives an adjustment of min..max %, in steps of at most step %.
DEFAULT_PRICE_BANDS: tuple[dict[str, float | None], ...] = (
    {"below": 0.1, "min_pct": 8, "max_pct": 12, "step_pct": 12},
    {"below": 0.25, "min_pct": 5, "max_pct": 8, "step_pct": 4},
    {"below": 0.5, "min_pct": 3, "max_pct": 5, "step_pct": 2.5},
    {"below": None, "min_pct": 1, "max_pct": 3, "step_pct": 1.5},
)


class PriceHintParams(_Strict):
    """``price_hints``: price-adjustment bands for C customers (see :mod:`toolkit.actions`)."""

    bands: list[PriceBand] = Field(default_factory=lambda: [PriceBand(**b) for b in DEFAULT_PRICE_BANDS])
    irregular_max_orders: int = Field(1, ge=0)
    cheaper_channel_below: float = Field(0.25, ge=0)
    cheapest_channel: str | None = None
    # C customers with a discount above this quantile of the A customers' discounts are flagged.
    a_discount_quantile: float = Field(0.75, ge=0.5, le=1)

    @field_validator("bands")
    @classmethod
    def _bands_ordered(cls, v: list[PriceBand]) -> list[PriceBand]:
        if not v or v[-1].below is not None or any(b.below is None for b in v[:-1]):
            raise ValueError("every band but the last needs 'below'; the last band has no 'below' (the rest)")
        bounds = [b.below for b in v[:-1]]
        if sorted(set(bounds)) != bounds:
            raise ValueError("the bands' 'below' values must increase")
        return v


#: Contact channels a layer policy may name.
CONTACT_CHANNELS = ("account_manager", "phone", "email", "newsletter", "mail")


class LayerPolicy(_Strict):
    """How a layer is served: contacts per year, the contact channel, and an optional strategy text."""

    contacts_per_year: float = Field(ge=0, le=365)
    channel: Literal["account_manager", "phone", "email", "newsletter", "mail"]
    strategy: dict[_Lang, str] | None = None


#: Default contact policy per layer (the method: more personal attention higher in the pyramid).
DEFAULT_LAYER_POLICIES: dict[str, dict[str, Any]] = {
    "top": {"contacts_per_year": 12, "channel": "account_manager"},
    "large": {"contacts_per_year": 6, "channel": "account_manager"},
    "medium_large": {"contacts_per_year": 4, "channel": "phone"},
    "medium_small": {"contacts_per_year": 3, "channel": "email"},
    "small": {"contacts_per_year": 2, "channel": "newsletter"},
    "inactive": {"contacts_per_year": 2, "channel": "email"},
    "prospect": {"contacts_per_year": 2, "channel": "email"},
}


class ActionParams(_Strict):
    """``actions``: the contact policy per layer and the rules for at-risk customers.

    ``layers`` overrides the default policy of the layers it names; ``at_risk_segments``
    are RFM segments that make a buying customer a rescue case; ``churn_risk_high`` the
    churn probability (when a churn model adds one) from which a customer counts as at risk.
    """

    layers: dict[Literal["top", "large", "medium_large", "medium_small", "small", "inactive", "prospect"],
                 LayerPolicy] = Field(default_factory=dict)
    at_risk_segments: list[str] = Field(default_factory=lambda: ["cant_lose", "at_risk", "about_to_sleep"])
    churn_risk_high: float = Field(0.5, gt=0, le=1)

    def policy(self, layer: str) -> LayerPolicy:
        """The policy in force for ``layer`` (configured, else the default)."""
        return self.layers.get(layer) or LayerPolicy(**DEFAULT_LAYER_POLICIES[layer])


# ---------------------------------------------------------------------------------------------
# Issue 5: who and where (personas, geo market penetration, products and white space)

LayerName = Literal["top", "large", "medium_large", "medium_small", "small", "inactive", "prospect"]

#: Boundary file types read by :func:`toolkit.geo.read_boundaries` (a ``.zip`` holds one of the others).
GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".fgb", ".zip")


def _check_crs(v: str | None) -> str | None:
    """``v`` when it names a coordinate reference system pyproj knows."""
    if v is None:
        return v
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_user_input(v)
    except CRSError:
        raise ValueError(f"'{v}' is not a known coordinate reference system; write it like "
                         "EPSG:28992 (Dutch RD New) or EPSG:4326 (longitude/latitude)") from None
    return v


class BoundaryFile(_Strict):
    """``geo.boundaries``: region polygons by ``path`` or ``url`` (downloaded once, then cached).

    GeoJSON, GeoPackage, shapefile, FlatGeobuf, or a ``.zip`` holding one (``member``
    picks the file when it holds several). Any CRS: the file's own, or ``crs`` when
    the file declares none.
    """

    path: str | None = None
    url: str | None = None
    member: str | None = None
    layer: str | None = None
    key_column: str
    name_column: str | None = None
    households_column: str | None = None
    crs: str | None = None
    cache_dir: str | None = None

    @field_validator("crs")
    @classmethod
    def _crs_known(cls, v: str | None) -> str | None:
        return _check_crs(v)

    @model_validator(mode="after")
    def _path_or_url(self) -> BoundaryFile:
        if (self.path is None) == (self.url is None):
            raise ValueError("give either path (a file) or url (downloaded once and cached), not both or neither")
        if self.url is not None and not self.url.lower().startswith(("http://", "https://")):
            raise ValueError(f"url '{self.url}' must start with http:// or https://")
        if self.path is not None and not self.path.lower().endswith(GEO_SUFFIXES):
            raise ValueError(f"boundary file '{self.path}' has an unsupported type; use {', '.join(GEO_SUFFIXES)}")
        return self

    def resolved_path(self, base: Path) -> Path | None:
        """The boundary file resolved against the params file's folder (None for a URL)."""
        if self.path is None:
            return None
        p = Path(os.path.expanduser(self.path))
        return p if p.is_absolute() else (base / p).resolve()


class GeoParams(_Strict):
    """``geo``: postcode areas, region boundaries, households and outlets; every key optional.

    ``level`` is the level of the boundary/household keys (``pc4``, ``pc3``, ``pc2``, or
    ``region`` from the ``lookup`` table). ``households`` (columns ``key, households``)
    overrides the boundary file's ``households_column``; ``lookup`` (columns ``key,
    region``) maps a PC4 or a foreign postcode to a region; ``outlets`` (columns ``name``
    and ``postcode`` or ``lat`` + ``lon`` in WGS84) gives the catchment. ``crs`` is the
    metric CRS for distances, areas and maps (default RD New). ``target_penetration`` is
    in buying customers per 1,000 households (default: the 75th percentile of the
    regions). ``distance_bands_km`` are the upper bounds of the bands (the last is open).
    ``top_layers`` count as top customers per region; ``map_radius_km`` is the radius of
    the detail maps around each outlet.
    """

    level: Literal["pc4", "pc3", "pc2", "region"] = "pc4"
    boundaries: BoundaryFile | None = None
    households: TableSource | None = None
    lookup: TableSource | None = None
    outlets: TableSource | None = None
    crs: str = "EPSG:28992"
    target_penetration: float | None = Field(None, gt=0)
    distance_bands_km: list[float] = Field(default_factory=lambda: [5.0, 10.0, 20.0, 40.0])
    top_layers: list[LayerName] = Field(default_factory=lambda: ["top", "large"], min_length=1)
    map_radius_km: float = Field(12.0, gt=0, le=500)

    @field_validator("crs")
    @classmethod
    def _crs_known(cls, v: str) -> str:
        return _check_crs(v)

    @field_validator("distance_bands_km")
    @classmethod
    def _bands_increase(cls, v: list[float]) -> list[float]:
        if not v or v[0] <= 0 or sorted(set(v)) != v:
            raise ValueError("write increasing distances above 0, e.g. [5, 10, 20, 40]")
        return v

    @model_validator(mode="after")
    def _region_level_needs_lookup(self) -> GeoParams:
        if self.level == "region" and self.lookup is None:
            raise ValueError("level 'region' needs geo.lookup (a table with columns key and region)")
        return self


class LocalText(_Strict):
    """A user-written text per report language; a language left out falls back to the other."""

    nl: str | None = None
    en: str | None = None

    @model_validator(mode="after")
    def _some_text(self) -> LocalText:
        if not (self.nl or self.en):
            raise ValueError("write the text for nl, en or both")
        return self

    def get(self, lang: str) -> str:
        """The text in ``lang``, or in the other language when only that one is given."""
        return (self.nl or self.en) if lang == "nl" else (self.en or self.nl)


class PersonasParams(_Strict):
    """``personas``: profiles and cards per segment.

    ``segments`` are customer-table columns to profile (cards for each value);
    ``names`` and ``narratives`` give a card title and a consultant's text per
    segment value (plain text, or ``{nl: ..., en: ...}``); ``age_bands`` the lower
    bounds of the age bands after the first; ``online_channels`` the
    ``sales_channel`` values that count as online (case-insensitive).
    A trait is distinctive from ``distinctive_index`` (100 = as in the whole base)
    when at least ``min_share`` % of the segment has it; segments with fewer than
    ``min_customers`` customers get no card, and a trait or average known for fewer
    than ``min_customers`` customers of a segment is not shown for it.
    """

    segments: list[str] = Field(default_factory=lambda: ["pyramid_layer"], min_length=1)
    names: dict[str, str | LocalText] = Field(default_factory=dict)
    narratives: dict[str, str | LocalText] = Field(default_factory=dict)
    age_bands: list[int] = Field(default_factory=lambda: [25, 35, 45, 55, 65])
    online_channels: list[str] = Field(
        default_factory=lambda: ["online", "web", "webshop", "website", "internet", "e-commerce", "app"])
    distinctive_index: float = Field(120, gt=100)
    min_share: float = Field(10, ge=0, lt=100)
    min_customers: int = Field(20, ge=1)

    @field_validator("age_bands")
    @classmethod
    def _ages_increase(cls, v: list[int]) -> list[int]:
        if any(b <= 0 or b >= 120 for b in v) or sorted(set(v)) != v:
            raise ValueError("write increasing ages between 1 and 119, e.g. [25, 35, 45, 55, 65]")
        return v


class ProductsParams(_Strict):
    """``products``: product-group mix, top-layer blueprint and white space.

    The blueprint lists the groups at least ``blueprint_threshold`` % of the
    ``blueprint_layers`` customers buy. The groups related to Y are the (at most
    ``max_related``) groups X whose buyers buy Y more than ``min_lift`` times as often as
    all buyers do; a white-space list holds the best ``whitespace_list_size`` candidates
    (null: all).
    """

    blueprint_layers: list[LayerName] = Field(default_factory=lambda: ["top", "large"], min_length=1)
    blueprint_threshold: float = Field(80, gt=0, le=100)
    min_lift: float = Field(1.1, ge=0)
    max_related: int = Field(3, ge=1)
    whitespace_list_size: int | None = Field(2000, ge=1)


# ---------------------------------------------------------------------------------------------
# Issue 4: churn and acquisition, cohorts, purchase timing, customer lifetime value


class LifecycleParams(_Strict):
    """``lifecycle``: customers won and lost per period, acquisition channels, cohorts.

    A customer is lost after ``churn_gap_months`` months without a purchase (at least one
    ``period``); ``period`` (year | quarter) sets the rows of the churn table and the
    acquisition table, ``cohort_period`` (year | quarter | month) the cohorts of the heat map.
    """

    period: Literal["year", "quarter"] = "year"
    churn_gap_months: int = Field(12, ge=1, le=60)
    cohort_period: Literal["year", "quarter", "month"] = "quarter"

    @model_validator(mode="after")
    def _gap_covers_a_period(self) -> LifecycleParams:
        months = {"year": 12, "quarter": 3}[self.period]
        if self.churn_gap_months < months:
            raise ValueError(f"churn_gap_months ({self.churn_gap_months}) is shorter than one {self.period}; "
                             f"use at least {months}, or period: quarter")
        return self


class TimingParams(_Strict):
    """``timing``: when a customer's next purchase is overdue.

    Overdue when the days since the last purchase exceed ``overdue_factor`` times the
    customer's usual interval, judged from ``overdue_min_purchases`` purchase occasions on.
    """

    overdue_factor: float = Field(2.0, gt=1, le=10)
    overdue_min_purchases: int = Field(3, ge=2, le=100)


class ClvParams(_Strict):
    """``clv``: customer lifetime value with BG/NBD and Gamma-Gamma.

    CLV is the expected margin over ``horizon_months``, discounted at ``discount_rate`` per
    year; ``margin_rate`` (0-1) is the share of revenue that is margin (default: the
    margin share of the data when a margin column is mapped, else 1 = CLV in revenue).
    The holdout check fits on the data up to ``holdout_months`` before the reference date
    and predicts those months. ``risk_thresholds``: probability alive below the first is
    high churn risk, below the second medium. Models are fitted on a random sample
    (``random_state``) of at most ``max_fit_customers`` customers.
    """

    horizon_months: int = Field(36, ge=1, le=120)
    discount_rate: float = Field(0.10, ge=0, lt=1)
    margin_rate: float | None = Field(None, gt=0, le=1)
    holdout_months: int = Field(12, ge=1, le=60)
    risk_thresholds: tuple[float, float] = (0.3, 0.7)
    max_fit_customers: int = Field(100_000, ge=1_000, le=10_000_000)
    random_state: int = Field(0, ge=0)

    @field_validator("risk_thresholds")
    @classmethod
    def _risk_order(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not 0 < v[0] < v[1] < 1:
            raise ValueError("write two probabilities with 0 < high-risk < medium-risk < 1, e.g. [0.3, 0.7]")
        return v


class Branding(_Strict):
    """How the report looks: a logo on the title page and the primary colour of headings and tables.

    Charts keep their colour-blind-safe palette whatever the brand colour.
    """

    logo: str | None = Field(None, description="PNG, JPEG or SVG file, relative to the params file")
    primary_color: str = Field("#0B4F8A", pattern=r"^#[0-9A-Fa-f]{6}$")

    @field_validator("logo")
    @classmethod
    def _logo_type(cls, v: str | None) -> str | None:
        if v is not None and not v.lower().endswith((".png", ".jpg", ".jpeg", ".svg")):
            raise ValueError(f"logo {v!r} must be a .png, .jpg or .svg file")
        return v


class RunParams(_Strict):
    """A validated run description (one YAML file)."""

    client: str = Field(min_length=1, max_length=200)
    language: Literal["nl", "en"] = "nl"
    reference_date: dt.date | None = None
    period_months: int = Field(12, ge=1, le=120)
    pyramid_basis: Literal["revenue", "margin", "profit"] = "revenue"
    pyramid_shares: dict[Literal["top", "large", "medium_large", "medium_small", "small"], float] = Field(
        default_factory=lambda: dict(DEFAULT_PYRAMID_SHARES))
    abc_thresholds: tuple[float, float] = DEFAULT_ABC_THRESHOLDS
    transactions: TransactionsSource
    customers: CustomersSource | None = None
    output_dir: str
    consultant: str | None = Field(None, max_length=200)
    geo: GeoParams = Field(default_factory=GeoParams)
    personas: PersonasParams = Field(default_factory=PersonasParams)
    products: ProductsParams = Field(default_factory=ProductsParams)
    # Personal fields (name, e-mail, phone, street) go into customers.csv only when true; never into reports.
    include_personal_data: bool = False
    branding: Branding = Field(default_factory=lambda: Branding())
    # Chapters to leave out, by key (e.g. {geo: false}); every other chapter is on.
    chapters: dict[str, bool] = Field(default_factory=dict)
    # An earlier run's output folder: the summary then shows the change of every key figure since it.
    compare_with: str | None = None
    # Issue 3 sections (RFM, cost to serve, migration, price hints, contact plan); all optional.
    rfm: RfmParams = Field(default_factory=RfmParams)
    cost_to_serve: CostToServeParams | None = None
    migration: MigrationParams = Field(default_factory=MigrationParams)
    price_hints: PriceHintParams = Field(default_factory=PriceHintParams)
    actions: ActionParams = Field(default_factory=ActionParams)
    # Issue 4 sections (churn and acquisition, cohorts, purchase timing, CLV); all optional.
    lifecycle: LifecycleParams = Field(default_factory=LifecycleParams)
    timing: TimingParams = Field(default_factory=TimingParams)
    clv: ClvParams = Field(default_factory=ClvParams)
    # Where the params came from; set by load_params, not by the user.
    source_file: str | None = Field(None, exclude=True)

    @field_validator("pyramid_shares")
    @classmethod
    def _shares_complete(cls, v: dict[str, float]) -> dict[str, float]:
        missing = [k for k in DEFAULT_PYRAMID_SHARES if k not in v]
        if missing:
            raise ValueError(f"give a share for every layer; missing: {', '.join(missing)}")
        if any(s <= 0 for s in v.values()):
            raise ValueError("every layer share must be above 0")
        total = sum(Fraction(str(s)) for s in v.values())
        if total != 100:
            raise ValueError(f"the layer shares add up to {float(total):g} %, they must add up to 100")
        return {k: v[k] for k in DEFAULT_PYRAMID_SHARES}

    @field_validator("abc_thresholds")
    @classmethod
    def _abc_order(cls, v: tuple[float, float]) -> tuple[float, float]:
        a, b = v
        if not 0 < a < b < 100:
            raise ValueError("write two percentages with 0 < A < B < 100, e.g. [80, 95]")
        return v

    @model_validator(mode="after")
    def _margin_basis_needs_margin(self) -> RunParams:
        if self.pyramid_basis in ("margin", "profit") and self.transactions.columns.margin is None:
            raise ValueError(
                f"pyramid_basis is '{self.pyramid_basis}' but transactions.columns has no 'margin' column; "
                "map the margin column (e.g. margin: marge) or use pyramid_basis: revenue")
        return self

    @model_validator(mode="after")
    def _issue3_inputs_mapped(self) -> RunParams:
        cts = self.cost_to_serve
        if cts is not None and cts.per_order_by_channel and self.transactions.columns.sales_channel is None:
            raise ValueError("cost_to_serve.per_order_by_channel needs transactions.columns.sales_channel; "
                             "map the sales channel column or use per_order")
        if self.migration.later is not None and self.reference_date and self.migration.later.end > self.reference_date:
            raise ValueError(f"migration.later ends on {self.migration.later.end}, after the reference date "
                             f"{self.reference_date}; lines after the reference date are not read")
        return self

    @property
    def base_dir(self) -> Path:
        """The folder paths in the params are relative to."""
        return Path(self.source_file).resolve().parent if self.source_file else Path.cwd()

    @property
    def logo_path(self) -> Path | None:
        """The resolved logo file, if any."""
        if not self.branding.logo:
            return None
        p = Path(os.path.expanduser(self.branding.logo))
        return p if p.is_absolute() else (self.base_dir / p).resolve()

    @property
    def compare_path(self) -> Path | None:
        """The resolved earlier output folder to compare with, if any."""
        if not self.compare_with:
            return None
        p = Path(os.path.expanduser(self.compare_with))
        return p if p.is_absolute() else (self.base_dir / p).resolve()

    @property
    def output_path(self) -> Path:
        """The resolved output folder."""
        p = Path(os.path.expanduser(self.output_dir))
        return p if p.is_absolute() else (self.base_dir / p).resolve()

    @property
    def transactions_path(self) -> Path | None:
        """The resolved transactions file (or DuckDB database file); None for a remote table."""
        t = self.transactions
        if t.path is None or _is_remote(t):
            return None
        return t.resolved_path(self.base_dir)

    @property
    def customers_path(self) -> Path | None:
        """The resolved customer master file, if any."""
        return self.customers.resolved_path(self.base_dir) if self.customers else None


# ---------------------------------------------------------------------------------------------
# Loading and friendly messages


def _yaml_lines(text: str) -> dict[tuple, int]:
    """Map each key path in the YAML text to its 1-based line number."""
    lines: dict[tuple, int] = {}
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines

    def walk(node: Any, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = (*path, k.value)
                lines[key] = k.start_mark.line + 1
                walk(v, key)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                lines[(*path, i)] = v.start_mark.line + 1
                walk(v, (*path, i))

    walk(root, ())
    return lines


def _model_for(loc: tuple) -> type[BaseModel] | None:
    """The model whose fields live at ``loc`` (for did-you-mean suggestions)."""
    model: type[BaseModel] | None = RunParams
    for part in loc:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            return None
        ann = model.model_fields[part].annotation
        candidates = [a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        model = candidates[0] if candidates else None
    return model


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _describe(err: dict, raw: dict) -> str:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
    key = ".".join(str(p) for p in loc) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        parent = _model_for(loc[:-1])
        options = [f for f in parent.model_fields if f != "source_file"] if parent else []
        where = ".".join(str(p) for p in loc[:-1]) or "the top level"
        return (f"unknown key '{loc[-1]}' in {where}.{_suggest(str(loc[-1]), options)} "
                f"Allowed keys: {', '.join(options)}.")
    if kind == "missing":
        return f"required key '{key}' is missing; add it (see params/demo.yaml for an example)."
    if kind == "literal_error":
        return f"'{err.get('input')}' is not allowed for {key}; use {err['ctx']['expected']}."
    if kind.startswith("date"):
        return f"{key}: '{err.get('input')}' is not a date; write it as YYYY-MM-DD, e.g. 2025-12-31."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{key}: '{err.get('input')}' is not a whole number."
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{key}: {err['msg'].lower()} (got {err.get('input')})."
    if kind in ("string_type",):
        return f"{key}: expected text, got {err.get('input')!r}."
    if kind in ("dict_type", "model_type"):
        return f"{key}: expected a mapping of keys to values (indented lines 'key: value'), got {err.get('input')!r}."
    if kind == "value_error":
        return f"{key}: {str(err['msg']).removeprefix('Value error, ')}."
    return f"{key}: {err['msg']} (got {err.get('input')!r})."


def parse_params(raw: Any, *, source: str | os.PathLike | None = None, text: str | None = None) -> RunParams:
    """Validate a params mapping into a :class:`RunParams`.

    Parameters
    ----------
    raw : Any
        The parsed YAML (a mapping).
    source : path-like, optional
        The params file; relative paths are resolved against its folder and every
        message names it.
    text : str, optional
        The YAML text, used to give line numbers in messages.

    Returns
    -------
    RunParams

    Raises
    ------
    ParamsError
        With one line per problem, naming the file, key and line, and the fix.
    """
    label = str(source) if source else "params"
    if not isinstance(raw, dict):
        raise ParamsError(f"{label}: the file must be a YAML mapping of keys to values "
                          f"(like 'client: Demo BV'), not {type(raw).__name__}.")
    raw = {k: v for k, v in raw.items() if k != "source_file"}
    try:
        params = RunParams.model_validate({**raw, "source_file": str(source) if source else None})
    except ValidationError as exc:
        lines = _yaml_lines(text) if text else {}
        msgs = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = next((lines[loc[:i]] for i in range(len(loc), 0, -1) if loc[:i] in lines), None)
            where = f"{label}, line {line}" if line else label
            msgs.append(f"{where}: {_describe(err, raw)}")
        raise ParamsError("\n".join(dict.fromkeys(msgs))) from None
    return params


def load_params(path: str | os.PathLike, *, check_files: bool = True) -> RunParams:
    """Read and validate a params YAML file.

    Parameters
    ----------
    path : path-like
        The YAML file.
    check_files : bool, default True
        Also check that the data files exist and have a supported format.

    Returns
    -------
    RunParams

    Raises
    ------
    ParamsError
        For an unreadable file, YAML syntax errors (with line and column), unknown
        keys, invalid values and missing data files.

    Examples
    --------
    >>> p = load_params("params/demo.yaml")  # doctest: +SKIP
    >>> p.client  # doctest: +SKIP
    'Demo BV'
    """
    path = Path(path)
    if not path.is_file():
        hint = " (it is a folder)" if path.is_dir() else ""
        raise ParamsError(f"{path}: params file not found{hint}; give the path of a .yaml file, "
                          "e.g. params/demo.yaml.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: not UTF-8 text (byte {exc.start}); save the params file as UTF-8.") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        lines = text.splitlines()
        bad_line = lines[mark.line] if mark and mark.line < len(lines) else ""
        if "\t" in bad_line:
            fix = "the line holds a tab character; YAML indents with spaces only, so replace the tab by spaces"
        else:
            fix = ("check the indentation (sub-keys two spaces in) and that every 'key: value' has a space "
                   "after the colon")
        raise ParamsError(f"{path}{where}: YAML syntax error: {problem}; {fix}.") from None
    if raw is None:
        raise ParamsError(f"{path}: the params file is empty; start from params/demo.yaml.")
    params = parse_params(raw, source=path, text=text)
    if check_files:
        check_source_files(params)
    return params


def _is_remote(src: _Source) -> bool:
    """A source whose path is not a local file (a database table, or cluster storage for Spark)."""
    backend = getattr(src, "backend", "file")
    return backend in ("postgres",) or (backend == "pyspark" and "://" in (src.path or "")) or \
        (backend == "pyspark" and src.path is None)


def source_sections(model: BaseModel, prefix: str = "") -> list[tuple[str, _Source]]:
    """Every input-file section in the params (any depth), with its dotted key.

    Examples
    --------
    >>> [k for k, _ in source_sections(parse_params({"client": "x", "output_dir": "o", "transactions": {
    ...     "path": "t.csv", "columns": {"customer_id": "k", "date": "d", "amount": "a"}}}))]
    ['transactions']
    """
    found = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, _Source) and value.path is not None and not _is_remote(value):
            found.append((key, value))
        if isinstance(value, BaseModel):
            found += source_sections(value, key + ".")
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, BaseModel):
                    local = isinstance(v, _Source) and v.path is not None and not _is_remote(v)
                    found += ([(f"{key}.{k}", v)] if local else []) + source_sections(v, f"{key}.{k}.")
    return found


def check_source_files(params: RunParams) -> None:
    """Check that every data file named in the params exists and has a supported format.

    Raises
    ------
    ParamsError
        Naming the params file, the key and the resolved path.
    """
    label = params.source_file or "params"
    problems = []
    for key, src in source_sections(params):
        p = src.resolved_path(params.base_dir)
        if getattr(src, "backend", "file") != "file":  # a database file (DuckDB) or Spark input: any name
            if not p.exists():
                problems.append(f"{label}: {key}.path {src.path!r} not found (looked at {p}).")
            continue
        if file_kind(p) is None:
            problems.append(f"{label}: {key}.path {src.path!r} has an unsupported type '{p.suffix}'; "
                            "use .csv/.txt (optionally .gz), .xlsx/.xls/.ods, .parquet or .mdb/.accdb.")
        elif not p.is_file():
            problems.append(f"{label}: {key}.path {src.path!r} not found (looked at {p}); "
                            "paths are relative to the params file's folder.")
    if params.logo_path is not None and not params.logo_path.is_file():
        problems.append(f"{label}: branding.logo {params.branding.logo!r} not found (looked at {params.logo_path}).")
    if params.compare_path is not None and not (params.compare_path / "manifest.json").is_file():
        problems.append(f"{label}: compare_with {params.compare_with!r} is not the output folder of an earlier run "
                        f"(no manifest.json in {params.compare_path}).")
    if problems:
        raise ParamsError("\n".join(problems))
