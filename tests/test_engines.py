"""One aggregation, many engines: the same lines as a file, a DuckDB database, PostgreSQL and Spark.

The PostgreSQL server is a real one (Debian's package), started by this module on a
loopback port in a temporary folder; Spark runs in local mode (one session for the whole
module, so CI pays its start-up once). Every engine must give the identical customer
table and reconciliation, to the cent.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from conftest import demo_params, write_params
from toolkit.errors import DataError, ParamsError
from toolkit.params import load_params
from toolkit.pipeline import analyse, write_customers_file

pytestmark = pytest.mark.e2e

COLUMNS = {"customer_id": "klantnr", "date": "datum", "amount": "omzet", "margin": "marge", "order_id": "factuurnr",
           "product_group": "productgroep", "quantity": "aantal", "sales_channel": "verkoopkanaal"}


def typed_lines(demo: Path) -> pd.DataFrame:
    """The demo transactions as a database would hold them: typed columns."""
    frame = pd.read_csv(demo / "transactions.csv", sep=";", decimal=",", dtype={"factuurnr": str, "klantnr": str})
    frame["datum"] = pd.to_datetime(frame["datum"], format="%d-%m-%Y").dt.date
    return frame


def sql_columns(frame: pd.DataFrame) -> str:
    """Column definitions for a database table holding ``frame`` (money as numeric, dates as date)."""
    def sql_type(name: str) -> str:
        if name in ("omzet", "marge"):
            return "numeric(18,2)"
        if name == "datum":
            return "date"
        kind = frame[name].dtype.kind
        return {"i": "bigint", "f": "double precision", "b": "boolean"}.get(kind, "text")
    return ", ".join(f'"{c}" {sql_type(c)}' for c in frame.columns)


def params_for(tmp_path: Path, demo: Path, name: str, transactions: dict, **extra) -> Path:
    data = demo_params(demo, tmp_path / name, **extra)
    data["transactions"] = {"columns": COLUMNS, **transactions}
    return write_params(tmp_path, data, f"{name}.yaml")


@pytest.fixture(scope="module")
def reference(tmp_path_factory, demo_small):
    """The file route (CSV read by toolkit.sources into DuckDB): what every engine must reproduce."""
    tmp = tmp_path_factory.mktemp("file")
    return analyse(load_params(params_for(tmp, demo_small, "file", {"path": str(demo_small / "transactions.csv"),
                                                                    "date_format": "%d-%m-%Y"})))


def assert_same_customers_file(tmp_path: Path, demo: Path, params: Path) -> None:
    """The customers fast path on the engine writes the file route's bytes."""
    file_params = params_for(tmp_path, demo, "file_fast", {"path": str(demo / "transactions.csv"),
                                                          "date_format": "%d-%m-%Y"})
    engine, file = tmp_path / "engine.csv", tmp_path / "file.csv"
    counts = write_customers_file(load_params(params), engine)
    assert counts == write_customers_file(load_params(file_params), file)
    assert engine.read_bytes() == file.read_bytes()


def assert_same(results, reference) -> None:
    cols = [c for c in reference.customers.columns]
    pd.testing.assert_frame_equal(results.customers[cols].reset_index(drop=True),
                                  reference.customers[cols].reset_index(drop=True), check_dtype=False,
                                  check_categorical=False)
    got, want = results.quality["transactions"], reference.quality["transactions"]
    assert got.amount_read == want.amount_read and got.amount_usable == want.amount_usable
    assert {e["reason"]: (e["rows"], e["amount"]) for e in got.exclusions} == \
        {e["reason"]: (e["rows"], e["amount"]) for e in want.exclusions}
    assert Decimal(got.amount_read) == Decimal(got.amount_usable) + sum(Decimal(e["amount"] or 0)
                                                                        for e in got.exclusions)
    pd.testing.assert_frame_equal(results.monthly, reference.monthly, check_dtype=False)
    assert set(results.frames) == set(reference.frames)


def test_duckdb_database(tmp_path, demo_small, reference):
    db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA sales")
    frame = typed_lines(demo_small)
    con.register("frame", frame)
    con.execute("CREATE TABLE sales.order_lines AS SELECT * REPLACE (CAST(omzet AS DECIMAL(18,2)) AS omzet, "
                "CAST(marge AS DECIMAL(18,2)) AS marge, CAST(datum AS DATE) AS datum) FROM frame")
    con.close()
    params = params_for(tmp_path, demo_small, "duckdb", {"backend": "duckdb", "path": str(db),
                                                         "table": "sales.order_lines"})
    assert_same(analyse(load_params(params)), reference)
    assert_same_customers_file(tmp_path, demo_small, params)


# --- PostgreSQL -------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server of the machine's Debian package, on a loopback port, for this module only."""
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert initdb, "PostgreSQL is not installed: `make test` installs it (scripts/system-deps.sh --test)"
    bindir = Path(initdb[-1]).parent
    # Not under pytest's temporary root: that one is private to the user running the tests.
    base = Path(tempfile.mkdtemp(prefix="klantpiramide-pg-"))
    data = base / "data"
    data.mkdir()
    (base / "pw").write_text("s3cret\n")
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: use its own system user
        for path in (base, data, base / "pw"):
            shutil.chown(path, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    init = subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "scram-sha-256", "-U", "kp",
                           f"--pwfile={base / 'pw'}"], capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(data / "log.txt"),
                    "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"], check=True,
                   capture_output=True)
    try:
        yield {"port": port, "password": "s3cret"}
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def test_postgres(tmp_path, demo_small, reference, postgres, monkeypatch):
    import psycopg

    frame = typed_lines(demo_small)
    with psycopg.connect(host="127.0.0.1", port=postgres["port"], user="kp", password=postgres["password"],
                         dbname="postgres") as conn:
        conn.execute("CREATE SCHEMA sales")
        conn.execute(f"CREATE TABLE sales.order_lines ({sql_columns(frame)})")
        with conn.cursor().copy("COPY sales.order_lines FROM STDIN") as copy:
            for row in frame.itertuples(index=False):
                copy.write_row([None if pd.isna(v) else v for v in row])
    url = f"postgresql://kp@127.0.0.1:{postgres['port']}/postgres"
    params = params_for(tmp_path, demo_small, "postgres", {"backend": "postgres", "url": url,
                                                           "table": "sales.order_lines", "password_env": "KP_PG"})
    with pytest.raises(ParamsError, match="environment variable KP_PG, which is not set"):
        analyse(load_params(params))
    monkeypatch.setenv("KP_PG", postgres["password"])
    results = analyse(load_params(params))
    assert_same(results, reference)
    assert_same_customers_file(tmp_path, demo_small, params)
    assert "s3cret" not in yaml.safe_dump(results.params.model_dump(mode="json"))
    wrong = params_for(tmp_path, demo_small, "postgres2", {"backend": "postgres", "url": url,
                                                           "table": "sales.nope", "password_env": "KP_PG"})
    with pytest.raises(DataError, match=r"postgres://127.0.0.1:\d+/postgres sales.nope\): cannot read the table"):
        analyse(load_params(wrong))


def test_password_in_url_is_refused(tmp_path, demo_small):
    params = params_for(tmp_path, demo_small, "pw", {"backend": "postgres", "url": "postgresql://kp:geheim@db/x",
                                                     "table": "t"})
    with pytest.raises(ParamsError, match="the url holds a password; remove it"):
        load_params(params)


# --- Spark (local mode, one session for the module) --------------------------------------------------------

@pytest.fixture(scope="module")
def spark():
    from toolkit.backends import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def test_pyspark(tmp_path, demo_small, reference, spark):
    path = tmp_path / "order_lines.parquet"
    frame = typed_lines(demo_small)
    frame["omzet"] = frame["omzet"].map(lambda v: None if pd.isna(v) else Decimal(f"{v:.2f}"))
    frame["marge"] = frame["marge"].map(lambda v: None if pd.isna(v) else Decimal(f"{v:.2f}"))
    frame.to_parquet(path, index=False)
    params = params_for(tmp_path, demo_small, "spark", {"backend": "pyspark", "url": "local[2]", "path": str(path)})
    start = time.perf_counter()
    results = analyse(load_params(params))
    assert_same(results, reference)
    assert time.perf_counter() - start > 0
