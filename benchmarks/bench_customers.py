"""Speed benchmark of the fast path ``klantpiramide customers PARAMS -o FILE.csv``.

Generates ERP-like transaction files (CSV with decimal comma, and the same data as
Parquet) of 1M and 10M lines (100M as ten copies of the 10M set with distinct
customers), checks that the toolkit and the baselines compute the same customer
figures, then times each of them as a subprocess and prints a table.

    .venv/bin/python benchmarks/bench_customers.py              # 1M and 10M, CSV and Parquet, 3 runs
    .venv/bin/python benchmarks/bench_customers.py --quick      # 1M only, 1 run
    .venv/bin/python benchmarks/bench_customers.py --sizes 1M --formats parquet --runs 5
    .venv/bin/python benchmarks/bench_customers.py --sizes 100M --tools toolkit,duckdb-sql --runs 1

Tools (each one a child process; wall clock, peak RSS and CPU seconds via GNU ``time``):

``toolkit``
    ``klantpiramide customers PARAMS -o OUT.csv`` (validate, read, exclude bad lines,
    aggregate, pyramid layers and ABC classes, write customers.csv).
``pandas``
    Baseline A: ``pd.read_csv``/``pd.read_parquet`` and a ``groupby`` per customer.
``duckdb-sql``
    Baseline B: one hand-written DuckDB query on the file, written with ``COPY``
    (revenue, margin, orders, first and last purchase per customer).
``duckdb-agg``
    Baseline B, the same aggregation: one hand-written DuckDB query computing every aggregate
    of the toolkit's customer summary (the 11 figures per customer), written with ``COPY``;
    no checks, no ranking.
``duckdb-full``
    Baseline B+: the toolkit's whole customers.csv in one hand-written query (every
    aggregate, layers, ABC classes, the same order; no data-quality checks).
``lifetimes``
    Baseline C: ``lifetimes.utils.summary_data_from_transaction_data`` on the file read
    with pandas (the standard CLV library's customer summary).

See benchmarks/README.md for the columns and the figures measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results"

SEED = 20251231
#: Bump when the generator changes so stale data files are regenerated.
GENERATOR_VERSION = 1
CHUNK_LINES = 1_000_000
#: Larger data sets are copies of this one with distinct customers (see ensure_data).
SHARD_LINES = 10_000_000
SHARD_CUSTOMER_OFFSET = 10_000_000  # customer numbers of the base set stay below 1_000_001 + lines / 2
#: Baselines that read the whole file into pandas; at 10M lines they peak at ~2.1 GB.
IN_MEMORY_TOOLS = ("pandas", "lifetimes")
IN_MEMORY_MAX_LINES = SHARD_LINES

REFERENCE_DATE = dt.date(2025, 12, 31)
PERIOD_MONTHS = 12
#: The period is (PERIOD_START, REFERENCE_DATE]: 2025-01-01 .. 2025-12-31.
PERIOD_START = dt.date(2024, 12, 31)
PREVIOUS_START = dt.date(2023, 12, 31)  # the previous period of equal length, for revenue_previous
FIRST_DAY = dt.date(2022, 1, 1)  # four years of data ending on the reference date

COLUMNS = ("factuurnr", "regel", "klantnr", "datum", "productgroep", "omzet", "marge")
#: Product groups: name, typical line price (euro), gross margin rate, share of lines.
GROUPS = (
    ("Tuinmeubelen", 180.0, 0.38, 0.06),
    ("Barbecues", 140.0, 0.30, 0.04),
    ("Planten", 12.0, 0.55, 0.20),
    ("Potgrond en mest", 8.0, 0.45, 0.14),
    ("Gereedschap", 35.0, 0.35, 0.12),
    ("Verlichting", 40.0, 0.48, 0.08),
    ("Woondecoratie", 22.0, 0.58, 0.13),
    ("Verf en behang", 30.0, 0.33, 0.08),
    ("Sanitair", 95.0, 0.31, 0.04),
    ("Dierbenodigdheden", 15.0, 0.42, 0.08),
    ("Kerstartikelen", 18.0, 0.60, 0.02),
    ("Diversen", 6.0, 0.50, 0.01),
)

TOOLS = ("toolkit", "pandas", "duckdb-sql", "duckdb-agg", "duckdb-full", "lifetimes")
#: Tools whose output follows another convention (the lifetimes RFM summary): checked on their own.
OTHER_CONVENTION = ("lifetimes",)
FORMATS = ("csv", "parquet")
TOOLKIT_BIN = Path(sys.executable).parent / "klantpiramide"


def parse_size(text: str) -> int:
    """``1M`` -> 1_000_000, ``250k`` -> 250_000, ``5000`` -> 5000."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"size {text!r}: write it like 1M, 10M or 250k")
    n = float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    if n < 1000:
        raise argparse.ArgumentTypeError(f"size {text!r}: at least 1000 lines")
    return int(n)


def size_label(n: int) -> str:
    """1_000_000 -> ``1M``, 250_000 -> ``250k``."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


# ---------------------------------------------------------------------------------------------
# Data generation


def _day_weights(n_days: int):
    """Relative number of first purchases per day: growth, season (spring, December), weekday."""
    import numpy as np

    days = np.arange(n_days)
    dates = np.datetime64(FIRST_DAY.isoformat()) + days
    month = dates.astype("datetime64[M]").astype(int) % 12 + 1
    weekday = (dates.astype("datetime64[D]").astype(int) + 3) % 7  # 0 = Monday
    season = np.select([np.isin(month, (4, 5, 6)), month == 12, np.isin(month, (1, 2))], [1.4, 1.5, 0.7], 1.0)
    week = np.array([0.9, 0.85, 0.9, 1.0, 1.15, 1.6, 0.6])[weekday]
    growth = 1.0 + 0.35 * days / n_days
    w = season * week * growth
    return w / w.sum()


def _lines_arrays(n_lines: int, seed: int) -> dict[str, Any]:
    """The whole data set as numeric arrays (one entry per line, in export order).

    Export order is by invoice date, then invoice number, then line number, as an ERP
    writes it; a customer's lines are therefore spread over the whole file.
    """
    import numpy as np

    rng = np.random.default_rng([seed, n_lines])
    n_days = (REFERENCE_DATE - FIRST_DAY).days + 1
    # Customers and their orders: a heavy tail of repeat buyers, most buy once.
    pool = int(n_lines / 2.0) + 1000
    orders_per_cust = np.minimum(rng.zipf(2.6, pool), 300)
    order_cust = np.repeat(np.arange(pool, dtype=np.int64), orders_per_cust)
    lines_per_order = np.minimum(rng.geometric(0.6, len(order_cust)), 40)
    cum = np.cumsum(lines_per_order)
    last = int(np.searchsorted(cum, n_lines))  # the order holding line number n_lines
    if last >= len(cum):
        raise RuntimeError("generator pool too small")  # pragma: no cover - pool is generous
    order_cust = order_cust[: last + 1]
    lines_per_order = lines_per_order[: last + 1].copy()
    lines_per_order[-1] -= int(cum[last] - n_lines)
    n_cust = int(order_cust[-1]) + 1
    n_orders = len(order_cust)

    # Dates: the first order on the customer's first day, later ones uniform after it.
    first_day = rng.choice(n_days, size=n_cust, p=_day_weights(n_days)).astype(np.int64)
    is_first = np.ones(n_orders, dtype=bool)
    is_first[1:] = order_cust[1:] != order_cust[:-1]
    f = first_day[order_cust]
    order_day = np.where(is_first, f, f + np.floor(rng.random(n_orders) * (n_days - f)).astype(np.int64))
    # Credit notes (returns): some repeat orders are credit invoices, about 4 % of the lines.
    eligible = ~is_first
    p_credit = min(1.0, 0.04 * n_lines / max(1, int(lines_per_order[eligible].sum())))
    is_credit = eligible & (rng.random(n_orders) < p_credit)

    # Invoice numbers in date order: <year><7-digit sequence>, credit notes prefixed "C".
    order_sort = np.lexsort((rng.random(n_orders), order_day))
    sorted_day = order_day[order_sort]
    year = (np.datetime64(FIRST_DAY.isoformat()) + sorted_day).astype("datetime64[Y]").astype(np.int64) + 1970
    year_start = np.searchsorted(year, year, side="left")
    factuur_num = year * 10_000_000 + (np.arange(n_orders) - year_start) + 1

    # Customer numbers in order of creation (first purchase day), seven digits.
    cust_rank = np.empty(n_cust, dtype=np.int64)
    cust_rank[np.lexsort((rng.random(n_cust), first_day))] = np.arange(n_cust)
    klantnr = 1_000_001 + cust_rank

    # Expand orders (in export order) to lines.
    lpo = lines_per_order[order_sort]
    line_order = np.repeat(np.arange(n_orders, dtype=np.int64), lpo)  # index into the sorted orders
    starts = np.cumsum(lpo) - lpo
    regel = (np.arange(n_lines, dtype=np.int64) - starts[line_order] + 1).astype(np.int32)
    line_cust = order_cust[order_sort][line_order]
    line_day = sorted_day[line_order]
    credit = is_credit[order_sort][line_order]

    # Amounts: a customer spend level (heavy-tailed, a few business buyers) times a line price by group.
    names, price, margin_rate, share = zip(*GROUPS, strict=True)
    group = rng.choice(len(GROUPS), size=n_lines, p=np.array(share) / sum(share)).astype(np.int8)
    level = rng.lognormal(0.0, 0.6, n_cust) * np.where(rng.random(n_cust) < 0.03, 6.0, 1.0)
    euros = np.array(price)[group] * rng.lognormal(-0.2, 0.9, n_lines) * level[line_cust]
    cents = np.minimum(np.round(euros * 100), 25_000_000).astype(np.int64)
    cents[rng.random(n_lines) < 0.003] = 0  # free items, give-aways
    mrate = np.array(margin_rate)[group] + rng.normal(0.0, 0.06, n_lines)
    marge = np.round(cents * np.clip(mrate, -0.2, 0.9)).astype(np.int64)
    sign = np.where(credit, -1, 1)
    cents *= sign
    marge *= sign
    # Export glitch: a few lines lost their customer number (about 1 in 20,000).
    no_id = rng.random(n_lines) < 1 / 20_000
    return {
        "factuur_num": factuur_num[line_order], "credit": credit, "regel": regel, "klantnr": klantnr[line_cust],
        "no_id": no_id, "day": line_day, "group": group, "group_names": names, "omzet": cents, "marge": marge,
    }


def _truth(a: dict[str, Any]) -> dict[str, Any]:
    """The expected customer-level totals, computed from the generator's integer cents."""
    import numpy as np

    period_first = (PERIOD_START - FIRST_DAY).days + 1
    ok = ~a["no_id"]
    inp = ok & (a["day"] >= period_first)
    pos = inp & (a["omzet"] > 0)
    orders = np.unique(np.stack([a["klantnr"][pos], a["factuur_num"][pos]]), axis=1).shape[1]
    return {
        "lines": len(a["day"]),
        "lines_without_customer_id": int(a["no_id"].sum()),
        "negative_lines": int((a["omzet"] < 0).sum()),
        "customers": len(np.unique(a["klantnr"][ok])),
        "period_revenue_cents": int(a["omzet"][inp].sum()),
        "period_margin_cents": int(a["marge"][inp].sum()),
        "period_orders": int(orders),
        "revenue_cents_all": int(a["omzet"][ok].sum()),
    }


def _chunk_table(a: dict[str, Any], lo: int, hi: int, kind: str):
    """Lines ``lo:hi`` as a pyarrow table: formatted text for CSV, typed columns for Parquet."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    sl = slice(lo, hi)
    num = pa.array(a["factuur_num"][sl]).cast(pa.string())
    factuur = pc.binary_join_element_wise(pc.if_else(pa.array(a["credit"][sl]), "C", ""), num, "")
    klant = pc.if_else(pa.array(a["no_id"][sl]), pa.scalar(None, pa.string()),
                       pa.array(a["klantnr"][sl]).cast(pa.string()))
    group = pa.array(a["group_names"]).take(pa.array(a["group"][sl]))
    day = a["day"][sl]
    if kind == "parquet":
        start = np.datetime64(FIRST_DAY.isoformat(), "D")
        cols = [factuur, pa.array(a["regel"][sl]), klant, pa.array(start + day),
                group, pa.array(a["omzet"][sl] / 100.0), pa.array(a["marge"][sl] / 100.0)]
        return pa.table(cols, names=list(COLUMNS))
    n_days = (REFERENCE_DATE - FIRST_DAY).days + 1
    labels = pa.array([(FIRST_DAY + dt.timedelta(days=i)).strftime("%d-%m-%Y") for i in range(n_days)])
    two = pa.array([f"{i:02d}" for i in range(100)])

    def money(cents: np.ndarray) -> pa.Array:
        absolute = np.abs(cents)
        whole = pc.binary_join_element_wise(pc.if_else(pa.array(cents < 0), "-", ""),
                                            pa.array(absolute // 100).cast(pa.string()), "")
        return pc.binary_join_element_wise(whole, two.take(pa.array(absolute % 100)), ",")

    klant_text = pc.fill_null(klant, "")
    cols = [factuur, pa.array(a["regel"][sl]).cast(pa.string()), klant_text, labels.take(pa.array(day)),
            group, money(a["omzet"][sl]), money(a["marge"][sl])]
    return pa.table(cols, names=list(COLUMNS))


@dataclass
class DataSet:
    """The generated files of one size and their expected totals."""

    lines: int
    label: str
    files: dict[str, Path]
    params: dict[str, Path]
    truth: dict[str, Any]
    sizes: dict[str, int] = field(default_factory=dict)


def _stamp_path(n_lines: int, seed: int) -> Path:
    return DATA / f"tx_{size_label(n_lines)}_seed{seed}.stamp.json"


def _write_shards(base: DataSet, shards: int, tmp: dict[str, Path]) -> None:
    """Write ``shards`` copies of the base data set, each with its own customers, as one CSV and one Parquet file.

    Copy ``k`` adds ``k * SHARD_CUSTOMER_OFFSET`` to every customer number and ``-k`` to every invoice
    number (so no line of one copy equals a line of another, not even lines without a customer
    number). Streamed one row group / CSV block at a time: memory stays flat whatever the size.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    def shifted(table: pa.Table, k: int) -> pa.Table:
        if k == 0:
            return table
        klant = table["klantnr"]
        # empty text (CSV) and null (Parquet) both mean "no customer number"
        valid = pc.and_(pc.is_valid(klant), pc.not_equal(pc.fill_null(klant, ""), ""))
        moved = pc.cast(pc.add(pc.cast(pc.if_else(valid, klant, "0"), pa.int64()), k * SHARD_CUSTOMER_OFFSET),
                        pa.string())
        table = table.set_column(table.schema.get_field_index("klantnr"), "klantnr", pc.if_else(valid, moved, klant))
        factuur = pc.binary_join_element_wise(table["factuurnr"], pa.scalar(f"-{k}"), "")
        return table.set_column(table.schema.get_field_index("factuurnr"), "factuurnr", factuur)

    source = pq.ParquetFile(base.files["parquet"])
    with pq.ParquetWriter(tmp["parquet"], source.schema_arrow, compression="snappy") as writer:
        for k in range(shards):
            for i in range(source.num_row_groups):
                writer.write_table(shifted(source.read_row_group(i), k), row_group_size=CHUNK_LINES)
    csv_schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    with open(tmp["csv"], "wb") as fcsv:
        fcsv.write((";".join(COLUMNS) + "\n").encode())
        writer = pacsv.CSVWriter(fcsv, csv_schema, write_options=pacsv.WriteOptions(
            include_header=False, delimiter=";", quoting_style="none"))
        for k in range(shards):
            reader = pacsv.open_csv(base.files["csv"], read_options=pacsv.ReadOptions(block_size=64 << 20),
                                    parse_options=pacsv.ParseOptions(delimiter=";"),
                                    convert_options=pacsv.ConvertOptions(
                                        column_types=csv_schema, strings_can_be_null=False))
            for batch in reader:
                writer.write_table(shifted(pa.Table.from_batches([batch]), k))
        writer.close()


def ensure_data(n_lines: int, seed: int, *, say: Any) -> DataSet:
    """Generate the CSV and Parquet files (and params) of ``n_lines`` lines, or reuse them.

    Sizes above :data:`SHARD_LINES` are whole multiples of it, built as copies of that data set
    with distinct customers (the generator holds every line in memory; 100M lines would need
    ~20 GB). Their expected totals are the base totals times the number of copies.
    """
    label = size_label(n_lines)
    if n_lines > SHARD_LINES and n_lines % SHARD_LINES:
        raise SystemExit(f"size {label}: above {size_label(SHARD_LINES)} lines, use a multiple of it (like 100M)")
    base = f"tx_{label}_seed{seed}"
    files = {"csv": DATA / f"{base}.csv", "parquet": DATA / f"{base}.parquet"}
    params = {k: DATA / f"{base}_{k}.yaml" for k in files}
    stamp = _stamp_path(n_lines, seed)
    if stamp.exists():
        meta = json.loads(stamp.read_text())
        if (meta.get("generator_version") == GENERATOR_VERSION and meta.get("lines") == n_lines
                and meta.get("seed") == seed and all(p.exists() and p.stat().st_size == meta["sizes"][k]
                                                     for k, p in files.items())
                and all(p.exists() for p in params.values())):
            say(f"reusing {label} lines: {', '.join(p.name for p in files.values())}")
            return DataSet(n_lines, label, files, params, meta["truth"], meta["sizes"])
    DATA.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    say(f"generating {label} lines (seed {seed}) ...")
    tmp = {k: p.with_name(p.name + ".tmp") for k, p in files.items()}
    if n_lines > SHARD_LINES:
        shard = ensure_data(SHARD_LINES, seed, say=say)
        shards = n_lines // SHARD_LINES
        say(f"writing {label} lines as {shards} copies of the {shard.label} data set with distinct customers ...")
        _write_shards(shard, shards, tmp)
        truth = {k: v * shards for k, v in shard.truth.items()}
    else:
        truth = _write_generated(n_lines, seed, tmp)
    for k in files:
        os.replace(tmp[k], files[k])
    sizes = {k: p.stat().st_size for k, p in files.items()}
    for kind, path in params.items():
        write_params(path, files[kind], kind)
    say(f"generated {label} lines in {time.perf_counter() - t0:.1f} s: {truth['customers']:,} customers, "
        f"CSV {sizes['csv'] / 1e6:.0f} MB, Parquet {sizes['parquet'] / 1e6:.0f} MB")
    if n_lines <= SHARD_LINES:
        # `validate` runs the whole analysis; for copies of a validated set the timed check run suffices.
        for path in params.values():
            validate_params(path, say=say)
    stamp.write_text(json.dumps({"generator_version": GENERATOR_VERSION, "lines": n_lines, "seed": seed,
                                 "sizes": sizes, "truth": truth,
                                 "validated_with": "klantpiramide validate"}, indent=2))
    return DataSet(n_lines, label, files, params, truth, sizes)


def _write_generated(n_lines: int, seed: int, tmp: dict[str, Path]) -> dict[str, Any]:
    """Generate ``n_lines`` lines into the temporary CSV and Parquet files; return their expected totals."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    arrays = _lines_arrays(n_lines, seed)
    truth = _truth(arrays)
    csv_schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    with open(tmp["csv"], "wb") as fcsv:
        fcsv.write((";".join(COLUMNS) + "\n").encode())
        writer = pacsv.CSVWriter(fcsv, csv_schema, write_options=pacsv.WriteOptions(
            include_header=False, delimiter=";", quoting_style="none"))
        pq_writer = None
        for lo in range(0, n_lines, CHUNK_LINES):
            hi = min(n_lines, lo + CHUNK_LINES)
            writer.write_table(_chunk_table(arrays, lo, hi, "csv"))
            table = _chunk_table(arrays, lo, hi, "parquet")
            if pq_writer is None:
                pq_writer = pq.ParquetWriter(tmp["parquet"], table.schema, compression="snappy")
            pq_writer.write_table(table, row_group_size=CHUNK_LINES)
        writer.close()
        pq_writer.close()
    return truth


def write_params(path: Path, data_file: Path, kind: str) -> None:
    """A params YAML for one data file, next to it (paths relative to the YAML's folder)."""
    date_format = '  date_format: "%d-%m-%Y"\n' if kind == "csv" else ""
    path.write_text(
        f"# Benchmark run on generated data (benchmarks/bench_customers.py); not a client.\n"
        f"client: Benchmark {data_file.stem} ({kind})\n"
        f"language: nl\n"
        f"reference_date: {REFERENCE_DATE.isoformat()}\n"
        f"period_months: {PERIOD_MONTHS}\n"
        f"pyramid_basis: revenue\n"
        f"transactions:\n"
        f"  path: {data_file.name}\n"
        f"  columns:\n"
        f"    customer_id: klantnr\n"
        f"    date: datum\n"
        f"    amount: omzet\n"
        f"    margin: marge\n"
        f"    order_id: factuurnr\n"
        f"    product_group: productgroep\n"
        f"{date_format}"
        f"output_dir: out/{path.stem}\n", encoding="utf-8")


def validate_params(path: Path, *, say: Any) -> None:
    """Run ``klantpiramide validate`` on a params file; stop with its output when it fails."""
    proc = subprocess.run([str(TOOLKIT_BIN), "validate", str(path)], capture_output=True, text=True, check=False)
    if proc.returncode != 0 or "is valid" not in proc.stdout:
        raise SystemExit(f"klantpiramide validate {path} failed (exit {proc.returncode}):\n"
                         f"{proc.stdout}\n{proc.stderr}")
    say(f"klantpiramide validate {path.name}: OK")


# ---------------------------------------------------------------------------------------------
# Baselines, run as child processes: ``bench_customers.py --worker pandas|duckdb-sql ...``


def worker_pandas(kind: str, path: str, out: str) -> None:
    """Baseline A: pandas read and groupby, written to CSV."""
    import pandas as pd

    cols = ["factuurnr", "klantnr", "datum", "omzet", "marge"]
    if kind == "csv":
        df = pd.read_csv(path, sep=";", decimal=",", usecols=cols, dtype={"factuurnr": str, "klantnr": str})
        df["datum"] = pd.to_datetime(df["datum"], format="%d-%m-%Y")
    else:
        df = pd.read_parquet(path, columns=cols)
        df["datum"] = pd.to_datetime(df["datum"])
    end, start = pd.Timestamp(REFERENCE_DATE), pd.Timestamp(PERIOD_START)
    df = df[df["klantnr"].notna() & (df["datum"] <= end)]
    in_period = df["datum"] > start
    positive = df["omzet"] > 0
    df = df.assign(rev=df["omzet"].where(in_period, 0.0), mar=df["marge"].where(in_period, 0.0),
                   pos_date=df["datum"].where(positive))
    agg = df.groupby("klantnr", sort=False).agg(
        revenue=("rev", "sum"), margin=("mar", "sum"), first_any=("datum", "min"), last_any=("datum", "max"),
        first_pos=("pos_date", "min"), last_pos=("pos_date", "max"))
    orders = (df.loc[in_period & positive, ["klantnr", "factuurnr"]].drop_duplicates()
              .groupby("klantnr", sort=False).size())
    out_frame = pd.DataFrame({
        "customer_id": agg.index,
        "revenue": agg["revenue"].round(2).to_numpy(),
        "margin": agg["margin"].round(2).to_numpy(),
        "orders": orders.reindex(agg.index, fill_value=0).to_numpy(),
        "first_purchase": agg["first_pos"].fillna(agg["first_any"]).to_numpy(),
        "last_purchase": agg["last_pos"].fillna(agg["last_any"]).to_numpy(),
    })
    out_frame.to_csv(out, index=False, float_format="%.2f", date_format="%Y-%m-%d")


def worker_lifetimes(kind: str, path: str, out: str) -> None:
    """Baseline C: the standard CLV library's summary (``lifetimes.utils.summary_data_from_transaction_data``).

    The same file read as in baseline A, then the lifetimes convention per customer (frequency
    = repeat purchase days, recency, T, mean value of the repeat purchases) up to the reference
    date, written to CSV. This is the step the issue's "at least 3x faster" target compares with.
    """
    import warnings

    import pandas as pd

    warnings.simplefilter("ignore")  # lifetimes 0.11 warns about pandas APIs on import
    from lifetimes.utils import summary_data_from_transaction_data

    cols = ["klantnr", "datum", "omzet"]
    if kind == "csv":
        df = pd.read_csv(path, sep=";", decimal=",", usecols=cols, dtype={"klantnr": str})
        df["datum"] = pd.to_datetime(df["datum"], format="%d-%m-%Y")
    else:
        df = pd.read_parquet(path, columns=cols)
        df["datum"] = pd.to_datetime(df["datum"])
    df = df[df["klantnr"].notna() & (df["datum"] <= pd.Timestamp(REFERENCE_DATE))]
    summary = summary_data_from_transaction_data(df, "klantnr", "datum", monetary_value_col="omzet",
                                                 observation_period_end=pd.Timestamp(REFERENCE_DATE), freq="D")
    summary.rename_axis("customer_id").reset_index().to_csv(out, index=False, float_format="%.4f")


def verify_lifetimes(path: Path, truth: dict[str, Any], label: str) -> dict[str, Any]:
    """The lifetimes summary has one row per customer with a line up to the reference date."""
    import duckdb

    p = str(path).replace("'", "''")
    n, n_ids = duckdb.sql(f"SELECT count(*), count(DISTINCT customer_id) FROM read_csv('{p}', header=true, "
                          "all_varchar=true)").fetchall()[0]
    if n != truth["customers"] or n_ids != n:
        raise SystemExit(f"RESULTS DIFFER on {label}: lifetimes has {n:,} rows ({n_ids:,} ids), the generator "
                         f"{truth['customers']:,} customers; not timing anything")
    return {"customers": n}


def _duckdb_source(kind: str, path: str) -> str:
    """The file as a DuckDB table function with the right options (typed columns)."""
    p = path.replace("'", "''")
    if kind == "csv":
        return (f"read_csv('{p}', delim=';', header=true, decimal_separator=',', dateformat='%d-%m-%Y', "
                "auto_detect=false, columns={'factuurnr': 'VARCHAR', 'regel': 'INTEGER', 'klantnr': 'VARCHAR', "
                "'datum': 'DATE', 'productgroep': 'VARCHAR', 'omzet': 'DECIMAL(18,2)', "
                "'marge': 'DECIMAL(18,2)'})")
    # Amounts are DOUBLE in the Parquet file: sum them as exact decimals, as the toolkit does, so that
    # per-customer sums (and so ranks and ties) do not depend on the order of float additions.
    return (f"(SELECT * REPLACE (CAST(omzet AS DECIMAL(18,2)) AS omzet, CAST(marge AS DECIMAL(18,2)) AS marge) "
            f"FROM read_parquet('{p}'))")


def duckdb_sql(kind: str, path: str) -> str:
    """Baseline B's aggregation as one SQL query straight on the file."""
    s, e = f"DATE '{PERIOD_START.isoformat()}'", f"DATE '{REFERENCE_DATE.isoformat()}'"
    return f"""
        SELECT klantnr AS customer_id,
          coalesce(sum(omzet) FILTER (WHERE datum > {s}), 0) AS revenue,
          coalesce(sum(marge) FILTER (WHERE datum > {s}), 0) AS margin,
          count(DISTINCT factuurnr) FILTER (WHERE datum > {s} AND omzet > 0) AS orders,
          coalesce(min(datum) FILTER (WHERE omzet > 0), min(datum)) AS first_purchase,
          coalesce(max(datum) FILTER (WHERE omzet > 0), max(datum)) AS last_purchase
        FROM {_duckdb_source(kind, path)}
        WHERE klantnr IS NOT NULL AND datum <= {e}
        GROUP BY klantnr"""


def duckdb_agg_sql(kind: str, path: str) -> str:
    """Every figure of the toolkit's customer summary, per customer, as one query straight on the file.

    The aggregation part of :func:`duckdb_full_sql`: same rules as
    ``toolkit.engine.customer_summary_expr``, one row per customer, in no particular order.
    """
    s, e = f"DATE '{PERIOD_START.isoformat()}'", f"DATE '{REFERENCE_DATE.isoformat()}'"
    p = f"DATE '{PREVIOUS_START.isoformat()}'"
    return f"""
          SELECT klantnr AS customer_id,
            coalesce(sum(omzet) FILTER (WHERE datum > {s}), 0) AS revenue,
            coalesce(sum(marge) FILTER (WHERE datum > {s}), 0) AS margin,
            count(DISTINCT factuurnr) FILTER (WHERE datum > {s} AND omzet > 0) AS orders,
            coalesce(min(datum) FILTER (WHERE omzet > 0), min(datum)) AS first_purchase,
            coalesce(max(datum) FILTER (WHERE omzet > 0), max(datum)) AS last_purchase,
            coalesce(sum(omzet) FILTER (WHERE datum > {p} AND datum <= {s}), 0) AS revenue_previous,
            coalesce(sum(marge) FILTER (WHERE datum > {p} AND datum <= {s}), 0) AS margin_previous,
            coalesce(sum(omzet) FILTER (WHERE datum > {s} AND omzet < 0), 0) AS returns,
            count(*) FILTER (WHERE datum > {s}) AS lines,
            coalesce(sum(omzet), 0) AS revenue_to_date, coalesce(sum(marge), 0) AS margin_to_date
          FROM {_duckdb_source(kind, path)}
          WHERE klantnr IS NOT NULL AND datum <= {e}
          GROUP BY klantnr"""


def duckdb_full_sql(kind: str, path: str) -> str:
    """The toolkit's whole customers.csv in one statement: every column, layers, ABC classes and order.

    Same rules as toolkit/engine.py and toolkit/segments.py (default shares 1/4/15/30/50 %,
    ABC at 80/95 % of cumulative revenue before the customer, ties by numeric customer id),
    without the data-quality accounting (exclusion reasons, duplicate lines, examples).
    """
    s, e = f"DATE '{PERIOD_START.isoformat()}'", f"DATE '{REFERENCE_DATE.isoformat()}'"
    layers = " ".join(f"WHEN basis_rank <= (n * {c} + 99) // 100 THEN '{name}'"
                      for name, c in (("top", 1), ("large", 5), ("medium_large", 20), ("medium_small", 50)))
    return f"""
        WITH agg AS ({duckdb_agg_sql(kind, path)}),
        keyed AS (SELECT *, lpad(customer_id, 20, '0') AS id_key FROM agg),
        ranked AS (
          SELECT *, row_number() OVER (ORDER BY revenue DESC, id_key, customer_id) AS basis_rank,
                 sum(revenue) OVER (ORDER BY revenue DESC, id_key, customer_id
                                    ROWS UNBOUNDED PRECEDING) - revenue AS before
          FROM keyed WHERE revenue > 0),
        totals AS (SELECT count(*) AS n, sum(revenue) AS total FROM ranked),
        classed AS (
          SELECT k.*, r.basis_rank,
            CASE WHEN r.basis_rank IS NULL THEN 'inactive' {layers} ELSE 'small' END AS pyramid_layer,
            CASE WHEN r.basis_rank IS NULL THEN NULL WHEN r.before < 0.80 * total THEN 'A'
                 WHEN r.before < 0.95 * total THEN 'B' ELSE 'C' END AS abc_class
          FROM keyed k LEFT JOIN ranked r USING (customer_id), totals)
        SELECT customer_id, pyramid_layer, abc_class, revenue, margin, orders, first_purchase, last_purchase,
          basis_rank, round(({e} - first_purchase) / 365.25, 2) AS tenure_years,
          first_purchase > {s} AS is_new,
          revenue_previous, margin_previous, returns, lines, revenue_to_date, margin_to_date
        FROM classed
        ORDER BY list_position(['top', 'large', 'medium_large', 'medium_small', 'small', 'inactive'],
                               pyramid_layer), basis_rank NULLS LAST, id_key, customer_id"""


#: The hand-written queries, by tool name.
DUCKDB_QUERIES = {"duckdb-sql": duckdb_sql, "duckdb-agg": duckdb_agg_sql, "duckdb-full": duckdb_full_sql}


def worker_duckdb(tool: str, kind: str, path: str, out: str) -> None:
    """Baselines B and B+: the tool's query, written with COPY ... TO."""
    import duckdb

    con = duckdb.connect()
    o = out.replace("'", "''")
    sql = DUCKDB_QUERIES[tool](kind, path)
    con.execute(f"COPY ({sql}) TO '{o}' (HEADER, DELIMITER ',', DATEFORMAT '%Y-%m-%d')")
    con.close()


# ---------------------------------------------------------------------------------------------
# Running and measuring child processes


@dataclass
class Run:
    """One measured child process."""

    seconds: float
    peak_mb: float
    cpu_seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    others_busy: float | None = None  # share of all CPUs used by other processes during the run
    busy_before: float | None = None
    tree_peak_mb: float | None = None  # the most its processes held at once (sampled), where asked for


def tree_rss_bytes(root: int) -> int | None:
    """Resident memory of process ``root`` and all its descendants now; None once ``root`` is gone.

    A full run's chapters run in kernels beside it: its own peak (``ru_maxrss``) was 7 GB at
    10M lines while the machine held 16 GB for the run.
    """
    import psutil

    try:
        proc = psutil.Process(root)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return None
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue  # gone meanwhile
    return total


def _cpu_jiffies() -> tuple[int, int] | None:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat; None where unavailable."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:  # pragma: no cover - not Linux
        return None
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


def cpu_busy(interval: float = 1.0) -> float | None:
    """Share (0-1) of all CPUs busy over ``interval`` seconds; None where unavailable."""
    a = _cpu_jiffies()
    time.sleep(interval)
    b = _cpu_jiffies()
    if a is None or b is None:
        return None
    return (b[0] - a[0]) / max(1, b[1] - a[1])


TIME_BIN = shutil.which("time", path="/usr/bin:/bin")

#: Fallback when GNU time is missing: a small launcher that forks the command and reports its rusage.
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "_, status, ru = os.wait4(p.pid, 0)\n"
    "open(sys.argv[1], 'w').write(f'{ru.ru_maxrss} {ru.ru_utime} {ru.ru_stime}')\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n")


def run_child(cmd: list[str], log: Path, *, tree: bool = False) -> Run:
    """Run ``cmd`` with stdout+stderr to ``log``: wall clock here, peak RSS and CPU from GNU time.

    With ``tree``, the resident memory of the command and all its child processes is also
    summed every 0.25 s, and the largest sum kept (``Run.tree_peak_mb``).

    The peak RSS (``ru_maxrss``) is taken by ``/usr/bin/time -f %M`` rather than by
    ``os.wait4`` or ``getrusage(RUSAGE_CHILDREN)`` in this process: Linux carries the
    forking process's own peak RSS over into the child's ``ru_maxrss`` (the old memory
    map's high-water mark is kept across ``exec``), and ``RUSAGE_CHILDREN`` is a maximum
    over all children, so deltas of it are meaningless. GNU time forks the command from
    its own small process, so the figure is the command's own peak.
    """
    usage = log.with_suffix(".rusage")
    if TIME_BIN:
        wrapped = [TIME_BIN, "-f", "%M %U %S", "-o", str(usage), *cmd]
    else:
        wrapped = [sys.executable, "-c", _LAUNCHER, str(usage), *cmd]
    with open(log, "wb") as f:
        j0 = _cpu_jiffies()
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=f, stderr=subprocess.STDOUT, cwd=ROOT)
        tree_peak = None
        while proc.poll() is None:
            if tree and (now := tree_rss_bytes(proc.pid)) is not None:
                tree_peak = max(tree_peak or 0, now)
            try:
                proc.wait(timeout=0.25 if tree else None)
            except subprocess.TimeoutExpired:
                pass
        seconds = time.perf_counter() - t0
        j1 = _cpu_jiffies()
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n--- {log} ---\n{tail}")
    maxrss_kb, utime, stime = usage.read_text().split()[-3:]
    cpu = float(utime) + float(stime)
    others = None
    if j0 and j1:
        # CPU time used by all processes during the run, minus the command's own: other work on the machine.
        hz = os.sysconf("SC_CLK_TCK")
        capacity = (j1[1] - j0[1]) / hz
        others = max(0.0, ((j1[0] - j0[0]) / hz - cpu) / capacity) if capacity > 0 else None
    return Run(seconds=seconds, peak_mb=int(maxrss_kb) / 1024, cpu_seconds=cpu, others_busy=others,
               tree_peak_mb=None if tree_peak is None else tree_peak / 2**20)


def wait_until_quiet(max_wait: float, threshold: float, say: Any) -> float | None:
    """Wait (up to ``max_wait`` s) until other processes use less than ``threshold`` of the CPUs.

    Returns the busy share measured last, recorded with each run: other work on the
    machine (tests, reports) makes wall-clock figures unreliable.
    """
    deadline = time.monotonic() + max_wait
    busy = cpu_busy()
    warned = False
    while busy is not None and busy > threshold and time.monotonic() < deadline:
        if not warned:
            say(f"machine busy ({busy:.0%} of CPUs in use by other processes); waiting up to {max_wait:.0f} s")
            warned = True
        busy = cpu_busy(2.0)
    if busy is not None and busy > threshold:
        say(f"WARNING: still {busy:.0%} busy; timing anyway (recorded with the run)")
    return busy


_STAMP = re.compile(r"\[\s*([\d.]+)s\] (.*)")


def toolkit_steps(log: Path, wall: float) -> dict[str, float]:
    """Per-step seconds from ``klantpiramide customers`` progress lines on stderr."""
    steps: dict[str, float] = {}
    stamps: dict[str, float] = {}
    for line in log.read_text(errors="replace").splitlines():
        m = _STAMP.match(line)
        if not m:
            continue
        at, msg = float(m.group(1)), m.group(2)
        if msg.startswith("read ") and "transaction lines" in msg:
            stamps["read"] = at
            steps["read_transactions"] = float(re.search(r"in ([\d.]+) s", msg).group(1))
        elif msg.startswith("aggregated "):
            stamps["aggregate"] = at
            steps["aggregate"] = float(re.search(r"in ([\d.]+) s", msg).group(1))
        elif msg.startswith("wrote "):
            stamps["wrote"] = at
    if {"read", "aggregate", "wrote"} <= stamps.keys():
        steps["params_before_read"] = max(0.0, stamps["read"] - steps["read_transactions"])
        steps["segment_and_write"] = stamps["wrote"] - stamps["aggregate"]
        steps["startup_imports_exit"] = max(0.0, wall - stamps["wrote"])
    return steps


def tool_command(tool: str, kind: str, ds: DataSet, out: Path, snapshot: Path | None = None) -> list[str]:
    """The command line of one tool on one data file.

    With ``snapshot``, the toolkit runs from that frozen copy of ``toolkit/`` (``python -P -m
    toolkit.cli``, which is what the ``klantpiramide`` script calls), so edits made to
    ``toolkit/`` while the benchmark runs do not mix two versions of the code.
    """
    if tool == "toolkit" and snapshot is not None:
        return [*snapshot_env(snapshot), sys.executable, "-P", "-m", "toolkit.cli",
                "customers", str(ds.params[kind]), "-o", str(out)]
    if tool == "toolkit":
        return [str(TOOLKIT_BIN), "customers", str(ds.params[kind]), "-o", str(out)]
    return [sys.executable, str(Path(__file__).resolve()), "--worker", tool, "--kind", kind,
            "--input", str(ds.files[kind]), "--output", str(out)]


# ---------------------------------------------------------------------------------------------
# Checking that all tools computed the same thing


#: Summary figures beyond the five every tool writes, compared where both files have them (cents).
MORE_AGGREGATES = ("revenue_previous", "margin_previous", "returns", "lines", "revenue_to_date", "margin_to_date")


def verify(outputs: dict[str, Path], truth: dict[str, Any], label: str) -> dict[str, Any]:
    """Compare every tool's customer file with the generator's totals and with each other, per customer.

    Raises
    ------
    SystemExit
        Listing every difference, when any total or any customer's figures differ.
    """
    import duckdb

    con = duckdb.connect()
    problems: list[str] = []
    totals: dict[str, dict[str, Any]] = {}
    segment_cols: dict[str, bool] = {}
    more: dict[str, list[str]] = {}
    for tool, path in outputs.items():
        p = str(path).replace("'", "''")
        rel = con.execute(f"SELECT * FROM read_csv('{p}', header=true, all_varchar=true) LIMIT 0")
        header = [d[0] for d in rel.description]
        segment_cols[tool] = "pyramid_layer" in header
        extra = (", pyramid_layer, abc_class, CAST(CAST(basis_rank AS DOUBLE) AS BIGINT) AS basis_rank"
                 if segment_cols[tool] else "")
        more[tool] = [c for c in MORE_AGGREGATES if c in header]
        extra += "".join(f", CAST(round(CAST({c} AS DOUBLE) * 100) AS BIGINT) AS {c}" if c != "lines" else
                         ", CAST(lines AS BIGINT) AS lines" for c in more[tool])
        con.execute(f"""CREATE OR REPLACE TABLE "{tool}" AS SELECT row_number() OVER () AS _line,
            CAST(customer_id AS VARCHAR) AS customer_id,
            CAST(round(CAST(revenue AS DOUBLE) * 100) AS BIGINT) AS revenue,
            CAST(round(CAST(margin AS DOUBLE) * 100) AS BIGINT) AS margin, CAST(orders AS BIGINT) AS orders,
            CAST(first_purchase AS DATE) AS first_purchase, CAST(last_purchase AS DATE) AS last_purchase{extra}
            FROM read_csv('{p}', header=true, all_varchar=true)""")
        n, rev, mar, orders, n_ids = con.execute(
            f'SELECT count(*), sum(revenue), sum(margin), sum(orders), count(DISTINCT customer_id) FROM "{tool}"'
        ).fetchall()[0]
        totals[tool] = {"customers": n, "period_revenue_cents": int(rev), "period_margin_cents": int(mar),
                        "period_orders": int(orders)}
        if n_ids != n:
            problems.append(f"{tool}: {n - n_ids} duplicate customer ids")
        for key in ("customers", "period_revenue_cents", "period_margin_cents", "period_orders"):
            if totals[tool][key] != truth[key]:
                problems.append(f"{tool}: {key} = {totals[tool][key]:,}, generator says {truth[key]:,}")
    ref = "toolkit" if "toolkit" in outputs else next(iter(outputs))
    for tool in outputs:
        if tool == ref:
            continue
        names = ["customers in one file only", "revenue", "margin", "orders", "first_purchase", "last_purchase"]
        if segment_cols[ref] and segment_cols[tool]:
            names += ["pyramid_layer", "abc_class", "basis_rank"]
        names += [c for c in more[ref] if c in more[tool]]
        counts = ", ".join(
            "count(*) FILTER (WHERE a.customer_id IS NULL OR b.customer_id IS NULL)" if i == 0 else
            f"count(*) FILTER (WHERE a.{c} IS DISTINCT FROM b.{c})" for i, c in enumerate(names))
        row = con.execute(f'SELECT {counts} FROM "{ref}" a FULL OUTER JOIN "{tool}" b USING (customer_id)'
                          ).fetchall()[0]
        for name, n in zip(names, row, strict=True):
            if n:
                problems.append(f"{tool} vs {ref}: {n:,} customers differ in {name}")
        if segment_cols[ref] and segment_cols[tool]:
            # Same rows in the same order: the files' customer ids line by line.
            order_diff = con.execute(f"""
                SELECT count(*) FROM "{ref}" a FULL OUTER JOIN "{tool}" b USING (_line)
                WHERE a.customer_id IS DISTINCT FROM b.customer_id""").fetchall()[0][0]
            if order_diff:
                problems.append(f"{tool} vs {ref}: {order_diff:,} rows in a different order")
    con.close()
    if problems:
        raise SystemExit(f"RESULTS DIFFER on {label}; not timing anything:\n  " + "\n  ".join(problems) +
                         "\n  outputs: " + ", ".join(str(p) for p in outputs.values()))
    return totals


# ---------------------------------------------------------------------------------------------
# Reporting


#: What a run executes: the package, and the chapter notebooks a full run finds beside it (``notebooks/``).
SNAPSHOT_PARTS = ("toolkit", "notebooks")


def toolkit_fingerprint() -> str:
    """Short SHA-256 over the toolkit's source files and chapter notebooks: the code measured."""
    import hashlib

    h = hashlib.sha256()
    for part in SNAPSHOT_PARTS:
        for path in sorted((ROOT / part).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
                h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def snapshot_env(snapshot: Path) -> list[str]:
    """``env`` arguments that make every Python process of a run import the snapshot, chapter kernels included.

    ``-P`` covers only the command itself; the kernels it starts (``python -m ipykernel_launcher``,
    in the repository) would put the working directory first on ``sys.path``, so the live
    ``toolkit/`` there. ``PYTHONSAFEPATH`` is ``-P`` for every process that inherits it.
    """
    return ["env", "PYTHONSAFEPATH=1", f"PYTHONPATH={snapshot}"]


def toolkit_snapshot(sha: str) -> Path:
    """Copy ``toolkit/`` and ``notebooks/`` to ``benchmarks/data/toolkit-snapshots/<sha>/``; compile; check the import.

    The notebooks too: a full run looks for its chapters beside the package it runs
    (``toolkit.report.notebooks_dir``), so without them it ran no chapter at all.
    """
    root = DATA / "toolkit-snapshots" / sha
    if not all((root / part).is_dir() for part in SNAPSHOT_PARTS):
        tmp = root.with_name(root.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        for part in SNAPSHOT_PARTS:
            shutil.copytree(ROOT / part, tmp / part, ignore=shutil.ignore_patterns("__pycache__",
                                                                                 ".ipynb_checkpoints"))
        shutil.rmtree(root, ignore_errors=True)
        os.replace(tmp, root)
    # Bytecode once, as an installed package has it after its first run: with PYTHONDONTWRITEBYTECODE
    # set (as on this machine) every run compiled the snapshot again (its imports: 0.675 s against
    # 0.649 s, medians of 8). py_compile writes the files whatever that variable says.
    import compileall

    if not compileall.compile_dir(root / "toolkit", quiet=1):
        raise SystemExit(f"the toolkit snapshot in {root} does not compile")
    # As a chapter kernel imports it: no -P, the environment alone (the kernels run in the repository).
    found = subprocess.run([*snapshot_env(root), sys.executable, "-c",
                            "import toolkit.cli, toolkit; print(toolkit.__file__)"],
                           capture_output=True, text=True, check=False, cwd=ROOT)
    if found.returncode != 0 or not found.stdout.strip().startswith(str(root)):
        raise SystemExit(f"the toolkit snapshot in {root} is not the one Python imports "
                         f"({found.stdout.strip() or found.stderr.strip()}); use --live-toolkit")
    return root


def machine_facts() -> dict[str, Any]:
    """CPU, RAM, OS and package versions of this machine."""
    import importlib.metadata

    facts: dict[str, Any] = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                             "cpu_count": os.cpu_count(), "python": platform.python_version(),
                             "platform": platform.platform()}
    try:
        facts["cpu_affinity"] = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        pass
    try:
        with open("/proc/cpuinfo") as f:
            facts["cpu_model"] = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), None)
        with open("/proc/meminfo") as f:
            kb = next(int(ln.split()[1]) for ln in f if ln.startswith("MemTotal"))
        facts["ram_gb"] = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration):  # pragma: no cover - not Linux
        pass
    for pkg in ("klantpiramide", "duckdb", "pandas", "numpy", "pyarrow"):
        try:
            facts[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover
            facts[pkg] = None
    return facts


HEADERS = ("size", "format", "tool", "median s", "min s", "max s", "peak MB", "vs toolkit", "lines/s", "cpu s",
           "others %")


def table_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    """The result rows as formatted cells."""
    out = []
    for r in rows:
        ratio = "" if r["ratio_vs_toolkit"] is None else f"{r['ratio_vs_toolkit']:.2f}"
        out.append([r["size"], r["format"], r["tool"], f"{r['median_s']:.2f}", f"{r['min_s']:.2f}",
                    f"{r['max_s']:.2f}", f"{r['peak_mb']:,.0f}", ratio, f"{r['lines_per_s']:,.0f}",
                    f"{r['cpu_s']:.1f}", f"{100 * r['others_busy']:.0f}"])
    return out


def text_table(rows: list[dict[str, Any]]) -> str:
    """A fixed-width table for the terminal."""
    cells = table_rows(rows)
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(HEADERS)]
    right = {3, 4, 5, 6, 7, 8, 9, 10}

    def fmt(values: list[str] | tuple[str, ...]) -> str:
        return "  ".join(v.rjust(w) if i in right else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths,
                                                                                               strict=True)))

    lines = [fmt(HEADERS), "  ".join("-" * w for w in widths)]
    prev = None
    for r, c in zip(rows, cells, strict=True):
        if prev is not None and (r["size"], r["format"]) != prev:
            lines.append("")
        prev = (r["size"], r["format"])
        lines.append(fmt(c))
    return "\n".join(lines)


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The same table as GitHub Markdown."""
    cells = table_rows(rows)
    align = ["---" if i < 3 else "---:" for i in range(len(HEADERS))]
    lines = ["| " + " | ".join(HEADERS) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(c) + " |" for c in cells]
    return "\n".join(lines)


def steps_table(steps: list[dict[str, Any]]) -> str:
    """Median seconds per toolkit step (from its progress lines)."""
    keys = ("params_before_read", "read_transactions", "aggregate", "segment_and_write", "startup_imports_exit")
    head = ["size", "format", *keys, "total"]
    lines = ["  ".join(head)]
    for s in steps:
        lines.append("  ".join([s["size"], s["format"], *(f"{s['median'].get(k, float('nan')):.2f}" for k in keys),
                                f"{s['total']:.2f}"]))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Main


def run_steps(log: Path) -> dict[str, float]:
    """Seconds of the run's main steps from its progress lines (analysis, chapters, HTML, PDF).

    ``analysis`` ends at the line that counts the analyses; ``until_chapters`` at the first chapter's
    line, so it also holds the kernels' start and that chapter's own time.
    """
    stamps = [(float(m.group(1)), m.group(2)) for m in _STAMP.finditer(log.read_text(errors="replace"))]
    at = {msg: t for t, msg in stamps}
    analysis = next((t for t, msg in stamps if re.match(r"\d+ analyses in ", msg.strip())), None)
    first_chapter = next((t for t, msg in stamps if re.match(r"\[1/\d+\]", msg)), None)
    chapters = [int(m.group(1)) for _, msg in stamps if (m := re.match(r"\[\d+/(\d+)\] ", msg))]
    html = next((t for t, msg in stamps if msg.startswith("report.html written")), None)
    pdf = next((t for t, msg in stamps if msg.startswith("report.pdf written")), None)
    done = next((t for t, msg in stamps if msg.startswith("done in")), None)
    out: dict[str, float] = {}
    if analysis is not None:
        out["analysis"] = analysis
    if first_chapter is not None and html is not None:
        out["until_chapters"] = first_chapter
        out["chapters_and_html"] = html - first_chapter
    if pdf is not None and html is not None:
        out["pdf"] = pdf - html
    if done is not None:
        out["total"] = done
    out["chapters"] = max(chapters, default=0)
    return out if at else {}


def full_run_table(runs: list[dict[str, Any]]) -> str:
    """The full runs as a text table."""
    header = ["size", "format", "chapters", "seconds", "peak MB", "all processes MB", "cpu s", "analysis s",
              "1st chapter at s", "chapters+html s", "pdf s"]
    rows = [[r["size"], r["format"], str(r["steps"].get("chapters", "?")), f"{r['seconds']:.1f}",
             f"{r['peak_mb']:,.0f}", "n/a" if r.get("tree_peak_mb") is None else f"{r['tree_peak_mb']:,.0f}",
             f"{r['cpu_s']:.1f}",
             f"{r['steps'].get('analysis', float('nan')):.1f}",
             f"{r['steps'].get('until_chapters', float('nan')):.1f}",
             f"{r['steps'].get('chapters_and_html', float('nan')):.1f}",
             f"{r['steps'].get('pdf', float('nan')):.1f}"] for r in runs]
    widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=True)]
    return "\n".join("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in [header, *rows])


def main(argv: list[str] | None = None) -> int:
    """Generate data, verify, time, print and save the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1M,10M", help="comma-separated line counts, like 1M,10M or 250k")
    ap.add_argument("--formats", default="csv,parquet", help="comma-separated: csv, parquet")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated: {', '.join(TOOLS)}")
    ap.add_argument("--runs", "-n", type=int, default=3, help="timed runs per tool (median reported); default 3")
    ap.add_argument("--quick", action="store_true", help="1M lines only, 1 run")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--no-verify", action="store_true", help="skip the warm-up run that checks equal results")
    ap.add_argument("--live-toolkit", action="store_true",
                    help="run the installed klantpiramide on the live toolkit/ (default: a copy taken at the start)")
    ap.add_argument("--max-others", type=float, default=0.25,
                    help="repeat a timed run (up to --retries times) when other processes used more than this "
                         "share of all CPUs during it (default 0.25)")
    ap.add_argument("--retries", type=int, default=2, help="repeats of a disturbed run (default 2)")
    ap.add_argument("--max-wait", type=float, default=300.0,
                    help="seconds to wait before a timed run while other processes keep the CPUs busy (default 300)")
    ap.add_argument("--busy-threshold", type=float, default=0.15,
                    help="share of all CPUs others may use before a timed run waits (default 0.15)")
    ap.add_argument("--full-run", action="store_true",
                    help="also time a full `klantpiramide run` (every chapter, PDF included) once per file")
    ap.add_argument("--in-memory-anyway", action="store_true",
                    help=f"also run {' and '.join(IN_MEMORY_TOOLS)} above {size_label(IN_MEMORY_MAX_LINES)} lines")
    ap.add_argument("--worker", choices=TOOLS[1:], help=argparse.SUPPRESS)
    ap.add_argument("--kind", choices=FORMATS, help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        if args.worker == "pandas":
            worker_pandas(args.kind, args.input, args.output)
        elif args.worker == "lifetimes":
            worker_lifetimes(args.kind, args.input, args.output)
        else:
            worker_duckdb(args.worker, args.kind, args.input, args.output)
        return 0

    if args.quick:
        args.sizes, args.runs = "1M", 1
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    for f in formats:
        if f not in FORMATS:
            ap.error(f"unknown format {f!r}; use {', '.join(FORMATS)}")
    for t in tools:
        if t not in TOOLS:
            ap.error(f"unknown tool {t!r}; use {', '.join(TOOLS)}")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not TOOLKIT_BIN.exists():
        raise SystemExit(f"{TOOLKIT_BIN} not found; run `make install` first")

    t_start = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - t_start:7.1f}s] {msg}", file=sys.stderr, flush=True)

    facts = machine_facts()
    source_before = toolkit_fingerprint()
    snapshot = None if args.live_toolkit else toolkit_snapshot(source_before)
    if snapshot:
        say(f"toolkit: frozen copy {snapshot.relative_to(ROOT)} (source sha {source_before})")
    say(f"{facts.get('cpu_count')} CPUs, {facts.get('ram_gb')} GB RAM, Python {facts['python']}, "
        f"duckdb {facts['duckdb']}, pandas {facts['pandas']}; {args.runs} timed run(s) per tool")
    out_dir = DATA / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    discarded: list[dict[str, Any]] = []
    full_runs: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    datasets: dict[str, Any] = {}
    for n in sizes:
        ds = ensure_data(n, args.seed, say=say)
        datasets[ds.label] = {"lines": n, "seed": args.seed, "files": {k: str(p.relative_to(ROOT))
                                                                          for k, p in ds.files.items()},
                              "bytes": ds.sizes, "truth": ds.truth}
        here = [t for t in tools if args.in_memory_anyway or t not in IN_MEMORY_TOOLS or n <= IN_MEMORY_MAX_LINES]
        for t in sorted(set(tools) - set(here)):
            skipped.append({"size": ds.label, "tool": t})
            say(f"{ds.label}: not running {t}: it reads every line into pandas (about 2.1 GB per 10M lines, so "
                f"more than this machine's memory at {ds.label}); --in-memory-anyway runs it")
        for kind in formats:
            outs = {t: out_dir / f"{ds.label}_{kind}_{t}.csv" for t in here}
            logs = {t: out_dir / f"{ds.label}_{kind}_{t}.log" for t in here}
            if not args.no_verify:
                for t in here:
                    say(f"{ds.label} {kind} {t}: warm-up and check run")
                    run_child(tool_command(t, kind, ds, outs[t], snapshot), logs[t])
                same = {t: p for t, p in outs.items() if t not in OTHER_CONVENTION}
                totals = verify(same, ds.truth, f"{ds.label} {kind}") if same else {}
                for t in set(outs) & set(OTHER_CONVENTION):
                    totals[t] = verify_lifetimes(outs[t], ds.truth, f"{ds.label} {kind}")
                checks.append({"size": ds.label, "format": kind, "totals": totals})
                say(f"{ds.label} {kind}: all tools agree per customer: {ds.truth['customers']:,} customers, "
                    f"period revenue {ds.truth['period_revenue_cents'] / 100:,.2f}")
            runs: dict[str, list[Run]] = {t: [] for t in here}
            for i in range(args.runs):  # round-robin, so drift affects every tool alike
                for t in here:
                    for attempt in range(args.retries + 1):
                        busy = wait_until_quiet(args.max_wait, args.busy_threshold, say)
                        r = run_child(tool_command(t, kind, ds, outs[t], snapshot), logs[t])
                        r.busy_before = busy
                        noisy = r.others_busy is not None and r.others_busy > args.max_others
                        if not noisy or attempt == args.retries:
                            break
                        discarded.append({"size": ds.label, "format": kind, "tool": t, "seconds": r.seconds,
                                          "others_busy": r.others_busy})
                        say(f"{ds.label} {kind} {t}: other processes used {r.others_busy:.0%} of the CPUs during "
                            f"the run ({r.seconds:.2f} s); repeating it")
                    if t == "toolkit":
                        r.steps = toolkit_steps(logs[t], r.seconds)
                    runs[t].append(r)
                    say(f"{ds.label} {kind} {t} run {i + 1}/{args.runs}: {r.seconds:.2f} s, {r.peak_mb:,.0f} MB"
                        + (f" (others used {r.others_busy:.0%} of the CPUs)" if noisy else ""))
            base = statistics.median(r.seconds for r in runs["toolkit"]) if "toolkit" in runs else None
            for t in here:
                secs = [r.seconds for r in runs[t]]
                med = statistics.median(secs)
                rows.append({"size": ds.label, "lines": n, "format": kind, "tool": t, "runs": len(secs),
                             "median_s": med, "min_s": min(secs), "max_s": max(secs),
                             "peak_mb": statistics.median(r.peak_mb for r in runs[t]),
                             "cpu_s": statistics.median(r.cpu_seconds for r in runs[t]),
                             "ratio_vs_toolkit": (med / base) if base else None,
                             "lines_per_s": n / med, "all_s": secs,
                             "all_peak_mb": [r.peak_mb for r in runs[t]],
                             "others_busy": max((r.others_busy or 0.0) for r in runs[t]),
                             "all_others_busy": [r.others_busy for r in runs[t]],
                             "cpu_busy_before": [r.busy_before for r in runs[t]]})
            if args.full_run:
                say(f"{ds.label} {kind}: full klantpiramide run (chapters, PDF)")
                wait_until_quiet(args.max_wait, args.busy_threshold, say)
                log = out_dir / f"{ds.label}_{kind}_run.log"
                cmd = [str(TOOLKIT_BIN), "run", str(ds.params[kind]), "--force"]
                if snapshot is not None:
                    cmd = [*snapshot_env(snapshot), sys.executable, "-P", "-m", "toolkit.cli", *cmd[1:]]
                r = run_child(cmd, log, tree=True)
                done = run_steps(log)
                if not done.get("chapters"):
                    raise SystemExit(f"the full run on {ds.label} {kind} executed no chapter; see {log}")
                full_runs.append({"size": ds.label, "lines": n, "format": kind, "seconds": r.seconds,
                                  "peak_mb": r.peak_mb, "tree_peak_mb": r.tree_peak_mb, "cpu_s": r.cpu_seconds,
                                  "others_busy": r.others_busy, "steps": done})
                say(f"{ds.label} {kind} full run: {r.seconds:.1f} s, {r.peak_mb:,.0f} MB"
                    + ("" if r.tree_peak_mb is None else f" ({r.tree_peak_mb:,.0f} MB with its kernels)"))
            if "toolkit" in runs and runs["toolkit"][0].steps:
                keys = runs["toolkit"][0].steps.keys()
                steps.append({"size": ds.label, "format": kind, "total": base,
                              "median": {k: statistics.median(r.steps.get(k, 0.0) for r in runs["toolkit"])
                                         for k in keys}})
    source_after = toolkit_fingerprint()
    facts["toolkit_source_sha"] = source_before
    if source_after != source_before:
        facts["toolkit_source_sha_at_end"] = source_after
        say("note: toolkit/*.py changed while the benchmark ran; " +
            ("the frozen copy was measured" if snapshot else
             "WARNING: toolkit rows mix two versions of the code (--live-toolkit)"))
    table = text_table(rows)
    print()
    print(table)
    if steps:
        print("\ntoolkit seconds per step (median; from its progress lines):")
        print(steps_table(steps))
    if full_runs:
        print("\nfull `klantpiramide run` (every chapter, HTML and PDF), one run per file:")
        print(full_run_table(full_runs))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    result = {"machine": facts, "runs_per_tool": args.runs, "reference_date": REFERENCE_DATE.isoformat(),
              "period": [PERIOD_START.isoformat(), REFERENCE_DATE.isoformat()], "datasets": datasets,
              "verified": not args.no_verify, "checks": checks, "rows": rows, "toolkit_steps": steps,
              "discarded_runs": discarded, "skipped": skipped,
              "full_runs": full_runs, "toolkit_snapshot": str(snapshot.relative_to(ROOT)) if snapshot else None,
              "command": " ".join([Path(sys.executable).name, *sys.argv])}
    md = "\n".join([
        f"# klantpiramide customers benchmark, {facts['date']}", "",
        f"Machine: {facts.get('cpu_count')} CPUs ({facts.get('cpu_model')}), {facts.get('ram_gb')} GB RAM; "
        f"Python {facts['python']}, duckdb {facts['duckdb']}, pandas {facts['pandas']}, "
        f"pyarrow {facts['pyarrow']}, numpy {facts['numpy']}, klantpiramide {facts['klantpiramide']} "
        f"(toolkit source sha {facts['toolkit_source_sha']}"
        f"{'' if snapshot else ', live'}"
        f"{'; live code CHANGED during the run to ' + source_after if source_after != source_before else ''}). "
        f"Median of {args.runs} run(s) per tool.", "",
        markdown_table(rows), "",
        *([f"Not run: {', '.join(sorted({x['tool'] for x in skipped}))} at "
           f"{', '.join(dict.fromkeys(x['size'] for x in skipped))} lines (they read every line into pandas: "
           "about 2.1 GB per 10M lines; `--in-memory-anyway` runs them).", ""] if skipped else []),
        "Toolkit seconds per step (median, from its progress lines):", "", "```", steps_table(steps), "```", "",
        *(["Full `klantpiramide run` (every chapter, HTML and PDF), one run per file:", "", "```",
            full_run_table(full_runs), "```", ""] if full_runs else [])])
    for name in (f"bench_customers-{stamp}", "latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
        (RESULTS / f"{name}.md").write_text(md, encoding="utf-8")
    say(f"saved {RESULTS.relative_to(ROOT)}/bench_customers-{stamp}.json and .md (and latest.*)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
