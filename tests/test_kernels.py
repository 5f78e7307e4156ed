"""Chapter kernels (toolkit.kernels): how they connect, reuse between notebooks, and failures.

Real kernels, real sockets, real papermill runs on small notebooks written here.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from nbclient.exceptions import DeadKernelError

from toolkit import kernels
from toolkit.kernels import ChapterKernel

needs_unix_sockets = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")

# What a notebook can see of the kernel and of the notebook before it.
REPORT = """\
import json, os, sys, warnings
from ipykernel.connect import get_connection_info
info = get_connection_info(unpack=True)
plt = sys.modules.get("matplotlib.pyplot")
print(json.dumps({"pid": os.getpid(), "transport": info["transport"], "ip": info["ip"], "x": x,
                  "leftover": "secret" in globals(), "figures": len(plt.get_fignums()) if plt else 0,
                  "filters": len(warnings.filters)}))
"""
# Leaves traces a later notebook must not see.
LITTER = """\
import warnings
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
secret = 1
plt.figure()
warnings.simplefilter("error")
"""


def notebook(folder: Path, name: str, *cells: str) -> Path:
    """A notebook with a parameters cell (``x = 0``) and ``cells``."""
    nb = nbformat.v4.new_notebook(metadata={
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
        "language_info": {"name": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("x = 0", metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(c) for c in cells)]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def printed(executed: Path) -> dict:
    """The JSON the REPORT cell printed (the first stream output found)."""
    for cell in nbformat.read(executed, as_version=4).cells:
        for out in cell.get("outputs", []):
            if out.get("name") == "stdout":
                return json.loads(out["text"])
    raise AssertionError(f"{executed} printed nothing")


@pytest.fixture
def taken_port():
    """A TCP port something else listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def on_tcp_port(port: int | None):
    """kernel_connection's stand-in: TCP with the shell on ``port`` (None: any free port)."""
    @contextlib.contextmanager
    def connection():
        yield {"transport": "tcp", "cache_ports": False, **({"shell_port": port} if port else {})}
    return connection


@needs_unix_sockets
def test_a_kernel_talks_over_unix_sockets_in_a_folder_removed_afterwards(tmp_path):
    src = notebook(tmp_path, "report", REPORT)
    with ChapterKernel() as kernel:
        kernel.execute(src, tmp_path / "out.ipynb", {"x": 7})
    info = printed(tmp_path / "out.ipynb")
    assert (info["transport"], info["x"]) == ("ipc", 7)
    folder = Path(info["ip"]).parent
    assert folder.name.startswith("kp-kernel-")
    assert not folder.exists()


def test_one_kernel_runs_notebooks_one_after_the_other_and_clears_between(tmp_path):
    first = notebook(tmp_path, "first", REPORT, LITTER)
    second = notebook(tmp_path, "second", REPORT)
    threads = threading.active_count()
    with ChapterKernel() as kernel:
        kernel.execute(first, tmp_path / "1.ipynb", {"x": 1})
        kernel.execute(second, tmp_path / "2.ipynb", {"x": 2})
        kernel.execute(first, tmp_path / "3.ipynb", {"x": 3})
        assert kernel.started == 1
    assert threading.active_count() == threads  # every client's channels closed
    one, two, three = (printed(tmp_path / f"{i}.ipynb") for i in (1, 2, 3))
    assert one["pid"] == two["pid"] == three["pid"]  # the same kernel process
    assert [two["x"], two["leftover"], two["figures"], two["filters"]] == [2, False, 0, one["filters"]]
    assert three == {**one, "x": 3}  # as in a new kernel


def test_a_warmed_kernel_has_the_modules_and_an_empty_namespace(tmp_path):
    # Every chapter on a warmed kernel sees what the first chapter on a new kernel sees once it imported
    # the toolkit (the libraries' warning filters included), and no name of the warming.
    imports = ("import importlib, pkgutil, toolkit.views, toolkit.plots\n"
               "for p in (toolkit.views, toolkit.plots):\n"
               "    for m in pkgutil.iter_modules(p.__path__):\n"
               "        importlib.import_module(f'{p.__name__}.{m.name}')")
    names = ("import sys\nprint(json.dumps(['toolkit.views.summary' in sys.modules, 'toolkit.plots.core' in "
             "sys.modules, [n for n in globals() if 'kp' in n or n in ('importlib', 'pkgutil', 'name', 'module')]]))")
    cold_nb = notebook(tmp_path, "cold", imports, REPORT)
    seen = notebook(tmp_path, "seen", REPORT, names)
    with ChapterKernel() as cold:
        cold.execute(cold_nb, tmp_path / "cold.ipynb", {"x": 1})
    with ChapterKernel() as kernel:
        kernel.warm(("json", "toolkit.views", "toolkit.plots"))
        assert kernel.started == 1 and kernel.notebooks == 0
        kernel.execute(seen, tmp_path / "warm1.ipynb", {"x": 1})
        kernel.execute(notebook(tmp_path, "litter", LITTER), tmp_path / "litter.ipynb", {})
        kernel.execute(seen, tmp_path / "warm2.ipynb", {"x": 1})
        assert kernel.started == 1  # the warmed kernel ran every notebook
    for run in ("warm1", "warm2"):
        cells = nbformat.read(tmp_path / f"{run}.ipynb", as_version=4).cells
        outputs = [o for c in cells for o in c.get("outputs", [])]
        assert json.loads(outputs[-1]["text"]) == [True, True, []]
        got, want = printed(tmp_path / f"{run}.ipynb"), printed(tmp_path / "cold.ipynb")
        assert {k: got[k] for k in ("x", "leftover", "figures", "filters")} == \
            {k: want[k] for k in ("x", "leftover", "figures", "filters")}


def test_a_kernel_that_fails_to_warm_is_replaced_at_the_first_notebook(tmp_path):
    with ChapterKernel() as kernel:
        kernel.warm(("no_such_module_kp",))  # the import fails in the kernel: it is closed, quietly
        assert kernel.started == 1
        kernel.execute(notebook(tmp_path, "report", REPORT), tmp_path / "r.ipynb", {"x": 5})
        assert kernel.started == 2
    assert printed(tmp_path / "r.ipynb")["x"] == 5


def test_notebooks_on_separate_kernels_do_not_share_one(tmp_path):
    src = notebook(tmp_path, "report", REPORT)
    with ChapterKernel() as a, ChapterKernel() as b:
        a.execute(src, tmp_path / "a.ipynb", {})
        b.execute(src, tmp_path / "b.ipynb", {})
    assert printed(tmp_path / "a.ipynb")["pid"] != printed(tmp_path / "b.ipynb")["pid"]
    if sys.platform != "win32":
        assert printed(tmp_path / "a.ipynb")["ip"] != printed(tmp_path / "b.ipynb")["ip"]


def test_a_failing_cell_keeps_the_kernel_for_the_next_notebook(tmp_path):
    marker = tmp_path / "runs.txt"
    failing = notebook(tmp_path, "failing", LITTER, f"open({str(marker)!r}, 'a').write('run\\n')\n"
                                                    "raise RuntimeError('boom')")
    with ChapterKernel() as kernel:
        with pytest.raises(pm.PapermillExecutionError, match="boom"):
            kernel.execute(failing, tmp_path / "f.ipynb", {})
        kernel.execute(notebook(tmp_path, "report", REPORT), tmp_path / "r.ipynb", {})
        assert kernel.started == 1
    assert marker.read_text() == "run\n"  # the failing cell ran once
    assert printed(tmp_path / "r.ipynb")["leftover"] is False


def test_after_a_kernel_dies_the_next_notebook_gets_a_new_one(tmp_path):
    with ChapterKernel() as kernel:
        kernel.execute(notebook(tmp_path, "report", REPORT), tmp_path / "1.ipynb", {})
        with pytest.raises(DeadKernelError):
            kernel.execute(notebook(tmp_path, "dies", "import os\nos._exit(1)"), tmp_path / "d.ipynb", {})
        assert kernel.notebooks == 0  # that kernel is gone
        kernel.execute(notebook(tmp_path, "report", REPORT), tmp_path / "2.ipynb", {})
        assert (kernel.started, kernel.notebooks) == (2, 1)
    assert printed(tmp_path / "1.ipynb")["pid"] != printed(tmp_path / "2.ipynb")["pid"]


def test_a_kernel_that_cannot_bind_its_port_is_started_again(tmp_path, monkeypatch, taken_port):
    """What CI met: a TCP port taken between jupyter_client choosing it and the kernel binding it."""
    ports = iter([taken_port, None])
    monkeypatch.setattr(kernels, "kernel_connection", lambda: on_tcp_port(next(ports))())
    with ChapterKernel(attempts=2) as kernel:
        kernel.execute(notebook(tmp_path, "report", REPORT), tmp_path / "out.ipynb", {"x": 3})
        assert kernel.started == 2
    assert printed(tmp_path / "out.ipynb")["x"] == 3


def test_a_kernel_that_never_starts_fails_after_the_attempts(tmp_path, monkeypatch, taken_port):
    monkeypatch.setattr(kernels, "kernel_connection", on_tcp_port(taken_port))
    kernel = ChapterKernel(attempts=2)
    with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
        kernel.execute(notebook(tmp_path, "report", REPORT), tmp_path / "out.ipynb", {})
    assert kernel.started == 2
    assert not (tmp_path / "out.ipynb").exists()


@needs_unix_sockets
def test_a_long_temporary_folder_keeps_tcp(tmp_path, monkeypatch):
    deep = tmp_path / ("d" * 80)
    deep.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(deep))
    with kernels.kernel_connection() as traits:
        assert traits == {}
    assert os.listdir(deep) == []
