"""One run's analysis: read and check the inputs, aggregate once, build the customer table.

:func:`analyse` does the heavy work (DuckDB over every transaction line) once per
run and returns :class:`RunResults`; :meth:`RunResults.save` writes it to the run's
work folder (Parquet + JSON) so that every report chapter loads the same numbers
without re-reading the transactions.

Example
-------
>>> from toolkit.pipeline import analyse
>>> from toolkit.params import load_params
>>> results = analyse(load_params("params/demo.yaml"))  # doctest: +SKIP
>>> results.customers.pyramid_layer.value_counts()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import json
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pandas as pd

from toolkit import __version__
from toolkit.analysis import Analysis, AnalysisContext, merge_columns, registered
from toolkit.backends import open_remote_lines
from toolkit.columns import only_columns
from toolkit.engine import (
    MEMORY_LIMIT_VARIABLE,
    SUMMARY_ROLES,
    Period,
    SharedTables,
    analysis_period,
    customer_summary_expr,
    date_range_expr,
    monthly_expr,
    tidy_summary,
    with_order_key,
)
from toolkit.errors import MemoryLimitError, ParamsError
from toolkit.params import PERSONAL_FIELDS, RunParams, parse_params
from toolkit.segments import customer_table, is_in, relayer
from toolkit.sources import SourceReport, _lit, load_customers, load_transactions

Progress = Callable[[str], None]


@dataclass
class RunResults:
    """Everything the report chapters need, computed once per run.

    Attributes
    ----------
    params : RunParams
    period : Period
    customers : DataFrame
        :func:`toolkit.segments.customer_table` output: one row per customer.
    monthly : DataFrame
        ``month`` (first day), ``revenue``, ``margin``, ``lines``, ``customers`` over the
        whole data period up to the reference date; months without lines included as 0.
        Empty when :func:`analyse` ran ``with_analyses=False``.
    quality : dict of str to SourceReport
        ``transactions`` and, when mapped, ``customers``.
    data_first, data_last : date
        First and last usable transaction date.
    notes : list of dict
        Run-level findings for the data-quality chapter (``code`` plus values).
    timings : dict of str to float
        Seconds per step.
    customers_not_in_master : int
        Customers with transactions but no row in the customer master.
    frames : dict of str to DataFrame
        Frames the registered analyses computed from the transaction lines (see
        :mod:`toolkit.analysis`), by name.
    meta : dict
        JSON-ready results of analyses (fitted parameters, settings), by analysis key.
    """

    params: RunParams
    period: Period
    customers: pd.DataFrame
    monthly: pd.DataFrame
    quality: dict[str, SourceReport]
    data_first: dt.date
    data_last: dt.date
    notes: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    customers_not_in_master: int = 0
    frames: MutableMapping[str, pd.DataFrame] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    # Only with include_personal_data: customer_id plus name/e-mail/phone/street, for customers.csv.
    # Kept in memory only: never saved to the work folder, never given to a chapter.
    personal: pd.DataFrame | None = field(default=None, repr=False)
    # Frames analyse() wrote into its work folder ahead of save(): name -> (file, id of the frame written).
    presaved: dict[str, tuple[Path, int]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def lang(self) -> str:
        """The report language."""
        return self.params.language

    def save(self, work_dir: str | Path) -> None:
        """Write the results to ``work_dir`` (customers.parquet, monthly.parquet, frames/, run.json)."""
        work = Path(work_dir)
        (work / "frames").mkdir(parents=True, exist_ok=True)
        self.customers.to_parquet(work / "customers.parquet", index=False)
        self.monthly.to_parquet(work / "monthly.parquet", index=False)
        for name, frame in self.frames.items():
            path = work / "frames" / f"{name}.parquet"
            if self.presaved.get(name) == (path, id(frame)) and path.exists():
                continue  # analyse() wrote this very frame here already
            frame.to_parquet(path, index=False)
        meta = {
            "toolkit_version": __version__,
            "params": self.params.model_dump(mode="json"),
            "params_file": self.params.source_file,
            "period": {"end": self.period.end.isoformat(), "start": self.period.start.isoformat(),
                       "previous_start": self.period.previous_start.isoformat(), "months": self.period.months},
            "quality": {k: v.to_dict() for k, v in self.quality.items()},
            "data_first": self.data_first.isoformat(),
            "data_last": self.data_last.isoformat(),
            "notes": self.notes,
            "timings": self.timings,
            "customers_not_in_master": self.customers_not_in_master,
            "frames": sorted(self.frames),
            "meta": self.meta,
        }
        (work / "run.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")

    def copy(self) -> RunResults:
        """A copy that shares the (copy-on-write) frames: changing one never changes the other.

        Frames not read yet are read by each copy itself.
        """
        frames = SavedFrames(self.frames._folder, list(self.frames)) if isinstance(self.frames, SavedFrames) \
            else {k: v.copy(deep=False) for k, v in self.frames.items()}
        return dataclasses.replace(
            self, customers=self.customers.copy(deep=False), monthly=self.monthly.copy(deep=False),
            quality=copy.deepcopy(self.quality), notes=copy.deepcopy(self.notes), timings=dict(self.timings),
            frames=frames, meta=copy.deepcopy(self.meta),
            personal=None if self.personal is None else self.personal.copy(deep=False))

    @classmethod
    def load(cls, work_dir: str | Path) -> RunResults:
        """Read results written by :meth:`save`."""
        work = Path(work_dir)
        meta = json.loads((work / "run.json").read_text(encoding="utf-8"))
        params = parse_params(meta["params"], source=meta["params_file"])
        p = meta["period"]
        period = Period(end=dt.date.fromisoformat(p["end"]), start=dt.date.fromisoformat(p["start"]),
                        previous_start=dt.date.fromisoformat(p["previous_start"]), months=p["months"])
        customers = pd.read_parquet(work / "customers.parquet")
        customers["customer_id"] = customers["customer_id"].astype("string")
        return cls(params=params, period=period, customers=customers,
                   monthly=pd.read_parquet(work / "monthly.parquet"),
                   quality={k: SourceReport.from_dict(v) for k, v in meta["quality"].items()},
                   data_first=dt.date.fromisoformat(meta["data_first"]),
                   data_last=dt.date.fromisoformat(meta["data_last"]),
                   notes=meta["notes"], timings=meta["timings"],
                   customers_not_in_master=meta.get("customers_not_in_master", 0),
                   frames=SavedFrames(work / "frames", meta["frames"]),
                   meta=meta["meta"])


class SavedFrames(MutableMapping[str, pd.DataFrame]):
    """The frames of saved results, each read from its Parquet file when first used.

    A chapter needs two or three of the run's frames; reading all of them cost each
    chapter's kernel seconds at millions of customers.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"a": [1]}).to_parquet(folder / "x.parquet")
    >>> frames = SavedFrames(folder, ["x"])
    >>> sorted(frames), frames["x"]["a"].tolist(), "y" in frames
    (['x'], [1], False)
    """

    def __init__(self, folder: Path, names: Iterable[str]) -> None:
        self._folder = Path(folder)
        self._names = list(dict.fromkeys(names))
        self._loaded: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._loaded:
            if name not in self._names:
                raise KeyError(name)
            self._loaded[name] = pd.read_parquet(self._folder / f"{name}.parquet")
        return self._loaded[name]

    def read_columns(self, name: str, columns: Sequence[str]) -> pd.DataFrame:
        """Frame ``name`` with only those of ``columns`` it has: read from its file alone unless loaded already.

        Raises
        ------
        KeyError
            When there is no frame ``name``.
        """
        if name in self._loaded:
            return only_columns(self._loaded[name], columns)
        if name not in self._names:
            raise KeyError(name)
        import pyarrow.parquet as pq  # for chapters only: not at CLI start-up (10 ms)

        path = self._folder / f"{name}.parquet"
        present = set(pq.read_schema(path).names)
        return pd.read_parquet(path, columns=[c for c in columns if c in present])

    def __setitem__(self, name: str, frame: pd.DataFrame) -> None:
        if name not in self._names:
            self._names.append(name)
        self._loaded[name] = frame

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names


#: The analysing process's memory: a fixed part and a part per customer, fitted to the peaks of full runs on
#: the benchmark's files (1,031 MB at 347,783 customers; 6,125-6,320 MB at 3,473,646), on the low side.
RUN_BASE_BYTES = 470 * 2**20
RUN_BYTES_PER_CUSTOMER = 1600
#: Set to ``off`` to analyse even when :func:`check_memory_for` says the machine is too small.
MEMORY_CHECK_VARIABLE = "KLANTPIRAMIDE_MEMORY_CHECK"


def check_memory_for(customers: int, *, total: int | None = None, swap: int | None = None) -> None:
    """Stop before the analyses when their customer tables cannot fit in the machine's memory and swap.

    The analyses hold every customer in pandas, about :data:`RUN_BYTES_PER_CUSTOMER` bytes
    each (a 100M-line file with 34.7M customers: about 52 GB). Past the machine's memory
    the run would be killed minutes later without a word; this says so at once, and what
    to do. ``total`` and ``swap`` default to the machine's.

    Raises
    ------
    MemoryLimitError
        When the estimate exceeds memory plus swap (unless ``KLANTPIRAMIDE_MEMORY_CHECK=off``).

    Examples
    --------
    >>> check_memory_for(3_473_646, total=24 * 2**30, swap=0)  # the 10M-line benchmark: about 5.6 GB
    >>> check_memory_for(34_736_460, total=24 * 2**30, swap=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.MemoryLimitError: The analyses of 34,736,460 customers need about 52.2 GB of memory...
    """
    if os.environ.get(MEMORY_CHECK_VARIABLE, "").strip().lower() == "off":
        return
    if total is None or swap is None:
        import psutil

        total = psutil.virtual_memory().total if total is None else total
        swap = psutil.swap_memory().total if swap is None else swap
    need = RUN_BASE_BYTES + RUN_BYTES_PER_CUSTOMER * customers
    if need > total + swap:
        has = f"{total / 2**30:.1f} GB" + (f" and {swap / 2**30:.1f} GB of swap" if swap else "")
        raise MemoryLimitError(
            f"The analyses of {customers:,} customers need about {need / 2**30:.1f} GB of memory (about "
            f"{RUN_BYTES_PER_CUSTOMER:,} bytes per customer), and this machine has {has}. Write the customer "
            "table with `klantpiramide customers PARAMS -o customers.csv`, which works at any size for a revenue "
            f"or margin pyramid, or run the report on a machine with more memory. {MEMORY_CHECK_VARIABLE}=off "
            "tries anyway.")


#: DuckDB's share of the machine's memory; beyond it the run spills to its work folder.
DUCKDB_MEMORY = "20%"


def connect(work_dir: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that spills to ``work_dir`` and keeps file order (for row numbers).

    Its memory limit is :data:`DUCKDB_MEMORY` of the machine (``KLANTPIRAMIDE_DUCKDB_MEMORY``
    overrides it, e.g. ``8GB``): DuckDB's own default, 80 %, leaves too little for the
    Python side of a run with hundreds of millions of lines.
    """
    tmp = work_dir / "duckdb_tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    limit = os.environ.get("KLANTPIRAMIDE_DUCKDB_MEMORY", "").strip() or DUCKDB_MEMORY
    try:
        con = duckdb.connect(config={"temp_directory": str(tmp), "preserve_insertion_order": True,
                                     "memory_limit": limit})
    except duckdb.Error as exc:
        raise ParamsError(f"KLANTPIRAMIDE_DUCKDB_MEMORY={limit!r} is not a memory size DuckDB accepts "
                          f"({str(exc).splitlines()[0]}); use e.g. 8GB or 25%.") from None
    # As given (like "20%"): current_setting reads it back rounded ("4.7 GiB"), and a limit lowered for a
    # while (toolkit.customer_file) is restored from this exactly.
    con.execute(f"SET VARIABLE {MEMORY_LIMIT_VARIABLE} = {_lit(limit)}")
    # Progress is tracked (for progress_ticks) but never drawn over the run's own messages. In a Jupyter
    # kernel DuckDB refuses to track it without ipywidgets; progress_ticks then reports the time only.
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar_print = false")
        con.execute("SET enable_progress_bar = true")
    return con


def usable_lines(con: duckdb.DuckDBPyConnection, table: str = "lines") -> ibis.Table:
    """The run's usable transaction lines (table ``lines``, no exclusion reason) as an Ibis table.

    With ``order_key`` (:func:`toolkit.engine.with_order_key`), which table ``lines`` does not store.
    ``table`` names another table or view of the lines (one with their row numbers, say).
    """
    lines = ibis.duckdb.from_connection(con).table(table)
    return with_order_key(lines.filter(lines.reason.isnull()))


def monthly_frame(lines: ibis.Table, *, has_margin: bool) -> pd.DataFrame:
    """Revenue per month as a frame, months without lines included as zero (gaps must show)."""
    frame = monthly_expr(lines, has_margin=has_margin).to_pandas()
    if frame.empty:
        return frame
    frame["month"] = pd.to_datetime(frame["month"])
    months = pd.date_range(frame["month"].min(), frame["month"].max(), freq="MS")
    out = frame.set_index("month").reindex(months)
    out[["revenue", "lines", "customers"]] = out[["revenue", "lines", "customers"]].fillna(0)
    out[["lines", "customers"]] = out[["lines", "customers"]].astype("int64")
    out = out.rename_axis("month").reset_index()
    out["month"] = out["month"].dt.date
    return out


@contextlib.contextmanager
def progress_ticks(con: duckdb.DuckDBPyConnection, say: Progress, what: str | Callable[[], str], *,
                   every: float = 15.0, lock: threading.Lock | None = None) -> Iterator[None]:
    """While the block runs, say every ``every`` seconds how long it has taken and how far DuckDB's query is.

    A step over 100M lines takes minutes; without this the terminal stays silent. ``what``
    may be a function, asked at each tick, for a block whose work changes as it runs.
    ``lock``: held while asking ``con`` how far it is, for a block whose other thread closes
    ``con`` (holding the same lock) before the block ends.

    Examples
    --------
    >>> with progress_ticks(con, print, "reading the lines"):  # doctest: +SKIP
    ...     con.execute("CREATE TABLE lines AS ...")
    [  15.0s] still reading the lines: 15 s, current query 41 % done
    """
    stop = threading.Event()
    start = time.perf_counter()

    def tick() -> None:
        while not stop.wait(every):
            try:
                with lock or contextlib.nullcontext():
                    done = con.query_progress()
            except duckdb.Error:  # connection closed or closing: skip this tick
                done = -1
            part = f", current query {done:.0f} % done" if done >= 0 else ""
            say(f"still {what() if callable(what) else what}: {time.perf_counter() - start:.0f} s{part}")

    thread = threading.Thread(target=tick, name="klantpiramide-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextlib.contextmanager
def _workspace(work_dir: str | Path | None) -> Iterator[tuple[Path, duckdb.DuckDBPyConnection]]:
    """The run's work folder (a temporary one unless given) and a DuckDB connection spilling into it."""
    with tempfile.TemporaryDirectory(prefix="klantpiramide-") as tmp:
        work = Path(work_dir) if work_dir else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        con = connect(work)
        try:
            yield work, con
        finally:
            con.close()


def _read_inputs(con: duckdb.DuckDBPyConnection, params: RunParams, work: Path, *, today: dt.date | None,
                 say: Progress, timings: dict[str, float], roles: Collection[str] | None = None,
                 checksum: bool = True) -> tuple[ibis.Table, dict[str, SourceReport], dt.date]:
    """Read and check the transactions (and the customer master into table ``master``).

    Returns the usable lines as an Ibis table (in ``con``, or on the client's engine),
    the quality reports and the reference date. ``roles`` and ``checksum``: as in
    :func:`toolkit.sources.load_transactions`.
    """
    t0 = time.perf_counter()
    if params.transactions.backend == "file":
        tx_report, reference_date = load_transactions(
            con, params.transactions, params.transactions_path, reference_date=params.reference_date,
            work_dir=work, today=today, roles=roles, checksum=checksum)
        lines = usable_lines(con)
    else:
        # The lines stay in the client's engine; only aggregates come back.
        all_lines, tx_report, reference_date = open_remote_lines(params, today=today)
        lines = all_lines.filter(all_lines.reason.isnull())
    timings["read_transactions"] = time.perf_counter() - t0
    say(f"read {tx_report.rows_read:,} transaction lines in {timings['read_transactions']:.1f} s")
    quality = {"transactions": tx_report}
    if params.customers is not None:
        t0 = time.perf_counter()
        quality["customers"] = load_customers(con, params.customers, params.customers_path, work_dir=work)
        timings["read_customers"] = time.perf_counter() - t0
        say(f"read {quality['customers'].rows_read:,} customers in {timings['read_customers']:.1f} s")
    return lines, quality, reference_date


def write_customers_file(params: RunParams, out: str | Path, *, work_dir: str | Path | None = None,
                         progress: Progress | None = None, today: dt.date | None = None) -> dict[str, int]:
    """The ``customers`` fast path: read, check, aggregate and write the pyramid's customer table as CSV.

    The same checks and the same ``customers.csv`` columns and bytes as a full run's
    spine, but the customer rows stay in DuckDB (spilling to ``work_dir`` beyond its
    memory limit) and only the ranking's columns come to Python, so memory stays
    bounded for hundreds of millions of lines. A profit pyramid needs the analyses:
    use :func:`analyse` for that.

    Returns
    -------
    dict of str to int
        Customers per pyramid layer.

    Examples
    --------
    >>> write_customers_file(load_params("params/demo.yaml"), "klanten.csv")["top"]  # doctest: +SKIP
    200
    """
    from toolkit.customer_file import write_customer_table

    if params.pyramid_basis == "profit":
        raise ValueError("write_customers_file: a profit pyramid needs analyse() (costs per customer)")
    say = progress or (lambda _msg: None)
    with _workspace(work_dir) as (work, con):
        with progress_ticks(con, say, "reading and checking the lines"):
            # Only the summary's roles are typed, and no checksum is taken: no manifest is written.
            lines, _quality, reference_date = _read_inputs(con, params, work, today=today, say=say, timings={},
                                                           roles=SUMMARY_ROLES, checksum=False)
        t0 = time.perf_counter()
        period = analysis_period(reference_date, params.period_months)
        expr = customer_summary_expr(lines, period, has_margin=params.transactions.columns.margin is not None)
        if params.transactions.backend == "file":
            # Stays in DuckDB: no frame of every customer in Python.
            with progress_ticks(con, say, "aggregating per customer"):
                con.execute(f"CREATE TEMP TABLE summary AS {ibis.to_sql(expr, dialect='duckdb')}")
        else:
            con.register("summary_arrow", expr.to_pyarrow())
            con.execute("CREATE TEMP TABLE summary AS SELECT * FROM summary_arrow")
            con.unregister("summary_arrow")
        n = con.execute("SELECT count(*) FROM summary").fetchall()[0][0]
        say(f"aggregated {n:,} customers in {time.perf_counter() - t0:.1f} s")
        if params.transactions.backend == "file":
            con.execute("DROP TABLE lines")  # every figure is in summary now; free DuckDB's memory
        personal = [f for f in PERSONAL_FIELDS if getattr(params.customers.columns, f)] \
            if params.customers is not None and params.include_personal_data else []
        with progress_ticks(con, say, "ranking and writing the customers"):
            return write_customer_table(
                con, "summary", Path(out), period=period, master="master" if params.customers else None,
                basis=params.pyramid_basis, shares=params.pyramid_shares, abc_thresholds=params.abc_thresholds,
                personal=personal, drop_inputs=True)


def analyse(params: RunParams, *, work_dir: str | Path | None = None, progress: Progress | None = None,
            today: dt.date | None = None, with_analyses: bool = True, presave: bool = False) -> RunResults:
    """Run the analysis for validated params: read, check, aggregate, segment.

    Parameters
    ----------
    params : RunParams
    work_dir : path-like, optional
        Folder for DuckDB spill files and transcoded inputs; a temporary folder
        when omitted.
    progress : callable, optional
        Called with a short message after each step.
    today : date, optional
        For tests: lines after this date count as ``date_in_future``.
    with_analyses : bool, default True
        False computes only the customer table of the pyramid (the ``customers``
        fast path): none of the analyses in :mod:`toolkit.analyses` runs, and ``monthly`` is empty.
    presave : bool, default False
        Write the aggregates' frames into ``work_dir/frames`` once the last aggregate is
        done, while the enrich steps still run; :meth:`RunResults.save` into ``work_dir``
        then skips them. For a run that saves its results there (the report).

    Returns
    -------
    RunResults

    Raises
    ------
    DataError
        When an input has nothing usable in it or a mapped column is missing.
    """
    if presave and work_dir is None:
        raise ValueError("analyse: presave=True needs the work_dir the results will be saved to")
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    analyses = registered() if with_analyses else []
    with _workspace(work_dir) as (work, con):
        with progress_ticks(con, say, "reading and checking the lines"):
            lines, quality, reference_date = _read_inputs(con, params, work, today=today, say=say, timings=timings)
        master = None
        personal = None
        not_in_master = 0
        if params.customers is not None:
            t0 = time.perf_counter()
            master = con.execute("SELECT * FROM master ORDER BY _row").df().drop(columns=["_row"])
            master = master[[c for c in master.columns if not c.startswith("_")]]
            mapped_personal = [f for f in PERSONAL_FIELDS if getattr(params.customers.columns, f)]
            personal = master[["customer_id", *mapped_personal]] if params.include_personal_data else None
            timings["read_customers"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        period = analysis_period(reference_date, params.period_months)
        has_margin = params.transactions.columns.margin is not None
        with progress_ticks(con, say, "aggregating per customer"):
            # Through Arrow: Ibis' own to_pandas converts column by column in Python (+1.5 s at 3.5M customers).
            summary = tidy_summary(customer_summary_expr(lines, period, has_margin=has_margin).to_pyarrow()
                                   .to_pandas())
            if master is not None:
                # Counted on the customer level, so it works whatever engine holds the lines.
                not_in_master = int((~is_in(summary["customer_id"], master["customer_id"].astype("string"))).sum())
            # Only the report uses the months; the customers fast path skips that pass over the lines.
            monthly = monthly_frame(lines, has_margin=has_margin) if with_analyses else pd.DataFrame(
                {"month": [], "revenue": [], "margin": [], "lines": [], "customers": []})
            first, last = (pd.Timestamp(v).date() for v in date_range_expr(lines).to_pandas().iloc[0])
        timings["aggregate"] = time.perf_counter() - t0
        say(f"aggregated {len(summary):,} customers in {timings['aggregate']:.1f} s")
        if analyses:
            check_memory_for(max(len(summary), 0 if master is None else len(master)))
        master_table = None
        if master is not None and params.transactions.backend == "file":
            master_table = ibis.duckdb.from_connection(con).table("master")
        elif master is not None:
            # A memtable travels to whatever engine holds the lines, so analyses may join the two.
            master_table = ibis.memtable(master)
        ctx = AnalysisContext(params=params, period=period, lines=lines, con=con, has_margin=has_margin,
                              work_dir=work, master=master_table, local=params.transactions.backend == "file",
                              data_first=first)
        frames: dict[str, pd.DataFrame] = {}
        presaved: dict[str, tuple[Path, int]] = {}
        running = _Running(say)
        t_analyses = time.perf_counter()
        with progress_ticks(con, say, running.describe, lock=running.closing), \
                _aggregating(analyses, ctx, frames, timings, con, running=running,
                             presave=(work / "frames", presaved) if presave else None) as ready:
            t0 = time.perf_counter()
            running.customers = "pyramid layers"
            # A profit pyramid needs the profit column an analysis adds later: rank by margin until then.
            first_basis = "margin" if params.pyramid_basis == "profit" else params.pyramid_basis
            customers = customer_table(summary, master, period=period, basis=first_basis,
                                       shares=params.pyramid_shares, abc_thresholds=params.abc_thresholds)
            timings["segment"] = time.perf_counter() - t0
            say(f"pyramid layers and ABC classes of {len(customers):,} customers in {timings['segment']:.1f} s")
            results = RunResults(params=params, period=period, customers=customers, monthly=monthly,
                                 quality=quality, data_first=first, data_last=last, timings=timings,
                                 customers_not_in_master=int(not_in_master), frames=frames, personal=personal,
                                 presaved=presaved)
            running.customers = None
            for analysis in analyses:
                if analysis.enrich is not None:
                    ready(analysis)
                    t0 = time.perf_counter()
                    running.customers = analysis.key
                    results.customers = merge_columns(results.customers, analysis.enrich(results), analysis)
                    timings[f"enrich_{analysis.key}"] = time.perf_counter() - t0
                    running.customers = None
                    say(running.finished(analysis, timings))
            ready(None)
        if analyses:
            say(f"{len(analyses)} analyses in {time.perf_counter() - t_analyses:.1f} s")
    # Enrich steps appended their notes meanwhile; the aggregates' notes come first, as in run order.
    results.notes = _run_notes(customers, period, first) + ctx.notes + results.notes
    if params.pyramid_basis == "profit":
        results.customers = relayer(results.customers, basis="profit", shares=params.pyramid_shares)
    return results


class _Running:
    """What the analysis phase is doing, for its progress lines: one aggregate on the lines, one enrich step.

    The aggregates run on a background thread, the enrich steps on the caller's; each
    thread sets its own attribute (an analysis key, or None while it waits).
    """

    def __init__(self, say: Progress = lambda _msg: None) -> None:
        self.say = say
        self.lines: str | None = None
        self.customers: str | None = None
        # Held while the aggregates' thread closes the connection, so no progress tick asks it meanwhile.
        self.closing = threading.Lock()

    def describe(self) -> str:
        """E.g. ``"analysing (lifecycle on the lines, rfm on the customers)"``."""
        doing = [f"{key} on {where}" for key, where in ((self.lines, "the lines"), (self.customers, "the customers"))
                 if key]
        return "analysing" + (f" ({', '.join(doing)})" if doing else "")

    @staticmethod
    def finished(analysis: Analysis, timings: Mapping[str, float]) -> str:
        """The line for an analysis whose every step is done, with each step's seconds."""
        steps = [f"{timings[f'{step}_{analysis.key}']:.1f} s on the {where}"
                 for step, where in (("aggregate", "lines"), ("enrich", "customers"))
                 if f"{step}_{analysis.key}" in timings]
        return f"analysis {analysis.key}: {', '.join(steps)}"


@contextlib.contextmanager
def _aggregating(analyses: list[Analysis], ctx: AnalysisContext, frames: dict[str, pd.DataFrame],
                 timings: dict[str, float], con: duckdb.DuckDBPyConnection, *,
                 running: _Running, presave: tuple[Path, dict[str, tuple[Path, int]]] | None = None,
                 ) -> Iterator[Callable[[Analysis | None], None]]:
    """Run every ``aggregate`` in run order on a background thread; yield ``ready`` to wait on them.

    ``ready(a)`` returns once every aggregate up to ``a``'s order has put its frames in
    ``frames`` (``ready(None)``: all of them, and the presaving), and raises the first
    failed aggregate's error. Why: the enrich steps are pandas on one core, the
    aggregates mostly DuckDB, which releases the GIL; side by side the enrich steps use
    the core DuckDB leaves idle. With ``presave`` (a folder and a dict to record in), the
    aggregates' frames are then written there as Parquet while the last enrich steps run.
    ``running`` is told which aggregate runs, and the connection is closed under its lock.
    """
    aggregated: list[str] = []

    def run(analysis: Analysis) -> None:
        t0 = time.perf_counter()
        running.lines = analysis.key
        for name, frame in analysis.aggregate(ctx).items():
            if name in frames:
                raise RuntimeError(f"analysis '{analysis.key}' returns frame '{name}' twice")
            frames[name] = frame
            aggregated.append(name)
        timings[f"aggregate_{analysis.key}"] = time.perf_counter() - t0
        running.lines = None
        if analysis.enrich is None:  # else the enrich step, later, says it is done
            running.say(running.finished(analysis, timings))

    def write(folder: Path, written: dict[str, tuple[Path, int]]) -> None:
        # Frames are not changed after their aggregate (tests/test_analysis.py checks it for every analysis).
        t0 = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        for name in aggregated:
            frame = frames[name]
            frame.to_parquet(folder / f"{name}.parquet", index=False)
            written[name] = (folder / f"{name}.parquet", id(frame))
        timings["presave"] = time.perf_counter() - t0

    def close() -> None:
        scope.close()
        with running.closing:
            con.close()

    # Intermediates several analyses build from the lines (customer days, acquisitions) are computed once.
    scope = SharedTables(con).open()
    # One worker: the aggregates run one after another, in run order, on the one connection.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="klantpiramide-aggregate")
    pending = [(a.order, pool.submit(run, a)) for a in analyses if a.aggregate is not None]
    # Then nothing reads the lines any more: closing the connection frees DuckDB's copy of them
    # (about 2 GB at 10M lines) before the heaviest enrich steps (products, actions) run.
    pending.append((max((a.order for a in analyses), default=0), pool.submit(close)))
    if presave is not None:
        pending.append((math.inf, pool.submit(write, *presave)))  # no enrich step waits for it

    def ready(analysis: Analysis | None) -> None:
        for order, future in pending:
            if analysis is None or order <= analysis.order:
                future.result()

    try:
        yield ready
    except BaseException:
        # An enrich step failed or the run was stopped: stop the aggregates as well.
        for _, future in pending:
            future.cancel()
        with contextlib.suppress(duckdb.Error):
            con.interrupt()
        raise
    finally:
        pool.shutdown(wait=True)
        scope.close()


def _run_notes(customers: pd.DataFrame, period: Period, first: dt.date) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    if first > period.previous_start + dt.timedelta(days=1):
        notes.append({"code": "short_history", "first": first.isoformat(),
                      "previous_first": (period.previous_start + dt.timedelta(days=1)).isoformat()})
    not_buying = int(((customers["lines"] > 0) & (customers["revenue"] <= 0)).sum()) if "lines" in customers else 0
    if not_buying:
        notes.append({"code": "not_buying_with_lines", "n": not_buying})
    n_buying = int((customers["revenue"] > 0).sum())
    if n_buying < 100:
        notes.append({"code": "few_customers", "n": n_buying})
    return notes


def load(params_path: str | Path) -> RunResults:
    """Validate a params file and analyse it: ready frames for ad-hoc work in JupyterLab.

    Examples
    --------
    >>> import toolkit
    >>> run = toolkit.load("params/demo.yaml")  # doctest: +SKIP
    >>> run.customers.head()  # doctest: +SKIP
    """
    from toolkit.params import load_params

    return analyse(load_params(params_path))
