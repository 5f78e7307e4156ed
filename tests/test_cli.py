"""The command line: exit code 0 when all is well, 2 with one clear message for user mistakes."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from conftest import TX_HEADER, params_dict, write, write_params
from toolkit.cli import main
from toolkit.params import load_params

GOOD_ROWS = "F1;1;01-02-2025;100,00;30\nF2;2;01-03-2025;50,00;10\nF3;3;01-03-2024;20,00;5\n"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, timeout=120)


def test_validate_ok_prints_quality_summary(tmp_path):
    write(tmp_path / "tx.csv", TX_HEADER + GOOD_ROWS)
    params = write_params(tmp_path, params_dict())
    proc = run_cli("validate", str(params))
    assert proc.returncode == 0, proc.stderr
    assert "rows read 3, usable 3, excluded 0" in proc.stdout
    assert f"OK: {params} is valid." in proc.stdout


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d.update(language="de"), "'de' is not allowed for language"),
    (lambda d: d.update(pyramid_bassis="revenue"), "Did you mean 'pyramid_basis'?"),
    (lambda d: d["transactions"]["columns"].update(amount="bedrag"), "column 'bedrag'"),
    (lambda d: d["transactions"].update(path="missing.csv"), "transactions.path 'missing.csv' not found"),
])
def test_user_mistakes_exit_2_without_traceback(tmp_path, mutate, expected):
    write(tmp_path / "tx.csv", TX_HEADER + GOOD_ROWS)
    data = params_dict()
    mutate(data)
    params = write_params(tmp_path, data)
    proc = run_cli("validate", str(params))
    assert proc.returncode == 2
    assert expected in proc.stderr
    assert proc.stderr.startswith("error: ")
    assert "Traceback" not in proc.stderr


def test_console_exit_keeps_exit_handlers_and_output(tmp_path):
    """The console script skips the interpreter's final sweep, not the exit handlers or buffered output."""
    write(tmp_path / "tx.csv", TX_HEADER + GOOD_ROWS)
    params = write_params(tmp_path, params_dict())
    marker = tmp_path / "handler-ran"
    code = ("import atexit, pathlib, sys; from toolkit.cli import console; "
            f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes'); "
            f"sys.argv = ['klantpiramide', 'validate', {str(params)!r}]; console()")
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=buffered)
    assert proc.returncode == 0, proc.stderr
    assert f"OK: {params} is valid." in proc.stdout  # a pipe: block-buffered until flushed
    assert marker.read_text() == "yes"


def test_empty_data_file_exit_2(tmp_path):
    write(tmp_path / "tx.csv", "")
    proc = run_cli("validate", str(write_params(tmp_path, params_dict())))
    assert proc.returncode == 2 and "tx.csv: the file is empty" in proc.stderr


def test_customers_fast_path(tmp_path):
    write(tmp_path / "tx.csv", TX_HEADER + GOOD_ROWS)
    params = write_params(tmp_path, params_dict())
    out = tmp_path / "exports" / "klanten.csv"
    assert main(["customers", str(params), "-o", str(out)]) == 0
    frame = pd.read_csv(out, dtype={"customer_id": str})
    assert frame.columns[:8].tolist() == ["customer_id", "pyramid_layer", "abc_class", "revenue", "margin", "orders",
                                          "first_purchase", "last_purchase"]
    assert frame.set_index("customer_id")["pyramid_layer"].to_dict() == {"1": "top", "2": "small", "3": "inactive"}
    assert out.read_text().splitlines()[1].startswith("1,top,A,100.00,30.00,1,2025-02-01,2025-02-01")
    # the spine's columns only, with the same values as a full run's
    from toolkit.params import load_params
    from toolkit.pipeline import analyse

    assert not {"rfm_segment", "profit", "clv", "action"} & set(frame.columns)
    full = analyse(load_params(params)).customers
    assert frame["pyramid_layer"].tolist() == full["pyramid_layer"].astype(str).tolist()
    assert frame["revenue"].tolist() == full["revenue"].astype(float).round(2).tolist()


def test_run_with_several_params_continues_past_a_failure(tmp_path, monkeypatch, capsys):
    write(tmp_path / "tx.csv", TX_HEADER + GOOD_ROWS)
    good = write_params(tmp_path, params_dict(), "good.yaml")
    bad = write_params(tmp_path, {**params_dict(), "language": "xx"}, "bad.yaml")
    calls = []

    def fake_run(path, **kwargs):  # validates like the real run, without executing notebooks
        load_params(path)
        calls.append(path)
        return tmp_path / "out"

    monkeypatch.setattr("toolkit.report.run_report", fake_run)
    assert main(["run", str(bad), str(good)]) == 2
    out = capsys.readouterr().out
    assert "failed" in out and "ok" in out
    assert calls == [str(good)]


def test_params_written_by_yaml_dump_roundtrip(tmp_path):
    # A consultant's file may quote dates; both forms validate.
    write(tmp_path / "tx.csv", TX_HEADER + GOOD_ROWS)
    data = params_dict()
    data["reference_date"] = "2025-12-31"
    path = write(tmp_path / "p.yaml", yaml.safe_dump(data))
    assert run_cli("validate", str(path)).returncode == 0


@pytest.mark.parametrize("given, asks", [(None, "False"), ("1", "True")], ids=["unset", "set-by-user"])
def test_console_keeps_numpy_from_asking_for_huge_pages_unless_told(given, asks):
    # The console script runs its command with numpy's madvise of huge pages off (first touches of large
    # arrays stalled on memory compaction); a value the user set wins. numpy reads it at import.
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if given is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = given
    code = ("import toolkit.cli as cli\n"
            "cli.main = lambda: print(__import__('numpy')._core.multiarray._get_madvise_hugepage()) or 0\n"
            "cli.console()\n")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == asks


@pytest.mark.parametrize("via_console", [True, False], ids=["console", "bare"])
def test_library_deprecations_stay_out_of_the_terminal_even_when_let_through(via_console):
    # pandas_dtype shows every DeprecationWarning for a moment (catch_warnings + simplefilter("always"), for
    # the whole process); another thread's Pandas4Warning from Ibis then landed between the progress lines.
    code = ("import warnings, toolkit.cli as cli\n"
            "def main():\n"
            "    with warnings.catch_warnings():\n"
            "        warnings.simplefilter('always', DeprecationWarning)\n"
            "        warnings.warn_explicit('infer_string is deprecated', DeprecationWarning,\n"
            "                               '/venv/site-packages/ibis/formats/pandas.py', 60)\n"
            "        warnings.warn_explicit('a library says this', UserWarning, '/venv/site-packages/x.py', 1)\n"
            "    return 0\n"
            "cli.main = main\n"
            + ("cli.console()\n" if via_console else "main()\n"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "a library says this" in done.stderr  # other warnings still show
    assert ("infer_string is deprecated" in done.stderr) is not via_console
