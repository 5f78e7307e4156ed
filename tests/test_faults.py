"""Faults: concurrent runs, Ctrl-C, a dying kernel, cleaning up, personal data only on request."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import FEW_CHAPTERS, ROOT, demo_params, only_chapters, write_params
from toolkit import report
from toolkit.errors import ReportError
from toolkit.report import clean_output, output_lock, run_report

pytestmark = pytest.mark.e2e


@pytest.fixture
def small_params(tmp_path, demo_small):
    def make(name: str = "params.yaml", **overrides) -> Path:
        overrides.setdefault("chapters", only_chapters(*FEW_CHAPTERS))
        return write_params(tmp_path, demo_params(demo_small, tmp_path / "out", **overrides), name)
    return make


def start_run(params: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "toolkit.cli", "run", str(params), "--no-pdf"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(predicate, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("condition not reached")
        time.sleep(0.05)


def test_second_run_on_the_same_output_gets_a_clear_error(small_params, tmp_path):
    params = small_params()
    first = start_run(params)
    lock = tmp_path / ".out.lock"
    wait_for(lambda: lock.exists() and lock.read_text().startswith(f"pid {first.pid}"))
    with pytest.raises(ReportError, match=rf"is being written by another run \(pid {first.pid}, started"):
        run_report(params, pdf=False)
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [c["status"] for c in manifest["chapters"]] == ["ok"] * len(manifest["chapters"])
    # the lock is free again
    with output_lock(tmp_path / "out"):
        pass


def test_ctrl_c_leaves_the_previous_report_intact(small_params, tmp_path):
    params = small_params()
    run_report(params, pdf=False)
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()}
    proc = start_run(small_params(reference_date="2025-12-31"))
    wait_for(lambda: (staging := list(tmp_path.glob(".out.staging-*"))) and
             any((s / "work" / "notebooks").exists() for s in staging))
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert "interrupted; the previous report (if any) is unchanged" in err
    assert "Traceback" not in err
    after = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".out.staging-*"))


def test_sigterm_cleans_up_like_ctrl_c(small_params, tmp_path):
    params = small_params()
    proc = start_run(params)
    wait_for(lambda: (staging := list(tmp_path.glob(".out.staging-*"))) and
             any((s / "work" / "notebooks").exists() for s in staging))
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 143, err
    assert "terminated; temporary files removed" in err and "Traceback" not in err
    assert not list(tmp_path.glob(".out.staging-*")) and not (tmp_path / ".out.lock").exists()


def test_a_dying_kernel_is_reported_with_memory_and_advice(small_params, tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    nb = nbformat.read(notebooks / "02-customer-pyramid.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"))
    nbformat.write(nb, notebooks / "02-customer-pyramid.ipynb")
    monkeypatch.setenv("KLANTPIRAMIDE_NOTEBOOKS", str(notebooks))
    with pytest.raises(ReportError) as err:
        run_report(small_params(), pdf=False)
    msg = str(err.value)
    assert "chapter 'pyramid' failed: the notebook's Python kernel died" in msg
    assert "GB" in msg and "ran out of memory" in msg and "klantpiramide customers" in msg


def test_a_failing_save_runs_no_chapter_and_stops_the_kernels(small_params, tmp_path, monkeypatch):
    # The kernels start while the results are saved; when saving fails they run nothing and stop.
    import threading

    import psutil

    from toolkit.kernels import ChapterKernel
    from toolkit.pipeline import RunResults

    warmed = threading.Event()
    real_warm = ChapterKernel.warm

    def warm(self, *args, **kwargs):
        real_warm(self, *args, **kwargs)
        warmed.set()

    def save(self, work_dir):
        assert warmed.wait(120)  # a kernel is up and has imported the chapters' modules
        raise OSError(28, "No space left on device")

    executed = []
    monkeypatch.setattr(ChapterKernel, "warm", warm)
    monkeypatch.setattr(RunResults, "save", save)
    monkeypatch.setattr(report, "execute_chapter", lambda chapter, *_args: executed.append(chapter))
    children = {c.pid for c in psutil.Process().children(recursive=True)}
    with pytest.raises(OSError, match="No space left"):
        run_report(small_params(), pdf=False)
    assert executed == []
    assert {c.pid for c in psutil.Process().children(recursive=True)} <= children  # every kernel stopped
    assert not list(tmp_path.glob(".out.staging-*")) and not (tmp_path / "out" / "manifest.json").exists()


def test_a_failing_export_fails_the_run_after_the_report_was_rendered(small_params, tmp_path, monkeypatch):
    # The report (HTML) is rendered while the exports finish; an export that fails still fails the run,
    # and nothing of it reaches the output folder.
    rendered = []
    real_render = report._write_report

    def render(*args, **kwargs):
        rendered.append(True)
        return real_render(*args, **kwargs)

    def export(results, folder):
        time.sleep(1)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "_write_report", render)
    monkeypatch.setattr(report, "write_exports", export)
    with pytest.raises(OSError, match="No space left"):
        run_report(small_params(), pdf=False)
    assert rendered == [True]
    assert not list(tmp_path.glob(".out.staging-*")) and not (tmp_path / "out" / "manifest.json").exists()


def test_clean_removes_intermediate_data_only(small_params, tmp_path):
    out = run_report(small_params(), pdf=False)
    assert (out / "work" / "notebooks").is_dir()
    removed = clean_output(out)
    assert [p.name for p, _ in removed] == ["work"] and removed[0][1] > 0
    assert sorted(p.name for p in out.iterdir()) == ["contact_plan.csv", "contact_plan.xlsx", "customers.csv",
                                                     "manifest.json", "report.html", "whitespace"]
    with pytest.raises(ReportError, match="not a Klantpiramide output folder"):
        clean_output(tmp_path)


def test_cli_clean(small_params, tmp_path):
    out = run_report(small_params(), pdf=False)
    proc = subprocess.run([sys.executable, "-m", "toolkit.cli", "clean", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0 and f"removed {out / 'work'}" in proc.stdout


def test_personal_data_only_on_request(small_params, demo_small):
    master = pd.read_excel(demo_small / "customers.xlsx", dtype={"klantnr": str}, engine="calamine")
    email = master["email"].dropna().iloc[0]
    out = run_report(small_params(), pdf=False)
    assert email not in (out / "customers.csv").read_text()
    # every chapter: none may show the personal fields even when the export holds them
    out = run_report(small_params(include_personal_data=True, chapters={}), pdf=False)
    exported = pd.read_csv(out / "customers.csv", dtype={"customer_id": str})
    assert {"name", "email", "phone", "street"} <= set(exported.columns)
    row = master.loc[master["email"] == email].iloc[0]
    assert exported.set_index("customer_id").loc[row["klantnr"], "email"] == email
    for name in ("report.html", "manifest.json"):
        assert email not in (out / name).read_text(encoding="utf-8")
    assert not any(email in p.read_text(errors="ignore") for p in (out / "work").rglob("*.ipynb"))
    assert os.environ.get("KLANTPIRAMIDE_NOTEBOOKS") is None
