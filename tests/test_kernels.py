"""Chapter kernels: how they connect, and a start that fails is tried again (real kernels, real sockets)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from toolkit import report

needs_unix_sockets = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")

REPORT_CONNECTION = (
    "from ipykernel.connect import get_connection_info\n"
    "info = get_connection_info(unpack=True)\n"
    "print(json.dumps({'transport': info['transport'], 'ip': info['ip'], 'shell_port': info['shell_port'], 'x': x}))"
)


def connection_notebook(folder: Path) -> Path:
    """A notebook with a parameters cell that prints how its kernel is connected."""
    nb = nbformat.v4.new_notebook(metadata={
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
        "language_info": {"name": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("import json\nx = 0", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(REPORT_CONNECTION)]
    path = folder / "connection.ipynb"
    nbformat.write(nb, path)
    return path


def printed(executed: Path) -> dict:
    out = nbformat.read(executed, as_version=4).cells[-1].outputs
    return json.loads(out[0]["text"])


@needs_unix_sockets
def test_kernels_talk_over_unix_sockets_in_a_folder_removed_afterwards(tmp_path):
    src, out = connection_notebook(tmp_path), tmp_path / "out.ipynb"
    report._execute_notebook(src, out, {"x": 7}, attempts=1)
    info = printed(out)
    assert info["transport"] == "ipc"
    assert info["x"] == 7
    folder = Path(info["ip"]).parent
    assert folder.name.startswith("kp-kernel-")
    assert not folder.exists()


@needs_unix_sockets
def test_two_kernels_get_folders_of_their_own(tmp_path):
    src = connection_notebook(tmp_path)
    report._execute_notebook(src, tmp_path / "a.ipynb", {"x": 1}, attempts=1)
    report._execute_notebook(src, tmp_path / "b.ipynb", {"x": 2}, attempts=1)
    assert printed(tmp_path / "a.ipynb")["ip"] != printed(tmp_path / "b.ipynb")["ip"]


def test_a_kernel_that_cannot_bind_its_port_is_started_again(tmp_path, monkeypatch):
    """What CI met: a TCP port taken between jupyter_client choosing it and the kernel binding it."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    tries: list[dict] = []

    @contextlib.contextmanager
    def first_on_a_taken_port():
        kw = ({"config": Config({"KernelManager": {"transport": "tcp", "cache_ports": False, "shell_port": port}})}
              if not tries else {})
        tries.append(kw)
        yield kw

    monkeypatch.setattr(report, "kernel_connection", first_on_a_taken_port)
    src, out = connection_notebook(tmp_path), tmp_path / "out.ipynb"
    try:
        report._execute_notebook(src, out, {"x": 3}, attempts=2)
    finally:
        taken.close()
    assert len(tries) == 2
    assert printed(out)["x"] == 3


def test_a_kernel_that_never_starts_fails_after_the_attempts(tmp_path, monkeypatch):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    tries: list[int] = []

    @contextlib.contextmanager
    def always_taken():
        tries.append(1)
        yield {"config": Config({"KernelManager": {"transport": "tcp", "cache_ports": False,
                                                          "shell_port": taken.getsockname()[1]}})}

    monkeypatch.setattr(report, "kernel_connection", always_taken)
    try:
        with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
            report._execute_notebook(connection_notebook(tmp_path), tmp_path / "out.ipynb", {}, attempts=2)
    finally:
        taken.close()
    assert len(tries) == 2


def test_a_failing_cell_is_not_run_again(tmp_path, monkeypatch):
    import papermill as pm

    nb = nbformat.read(connection_notebook(tmp_path), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        f"open({str(tmp_path / 'runs.txt')!r}, 'a').write('run\\n')\nraise RuntimeError('boom')"))
    src = tmp_path / "failing.ipynb"
    nbformat.write(nb, src)
    with pytest.raises(pm.PapermillExecutionError, match="boom"):
        report._execute_notebook(src, tmp_path / "out.ipynb", {}, attempts=3)
    assert (tmp_path / "runs.txt").read_text() == "run\n"


@needs_unix_sockets
def test_a_long_temporary_folder_keeps_tcp(tmp_path, monkeypatch):
    deep = tmp_path / ("d" * 80)
    deep.mkdir()
    monkeypatch.setenv("TMPDIR", str(deep))
    monkeypatch.setattr("tempfile.tempdir", None)
    with report.kernel_connection() as kw:
        assert kw == {}
    assert os.listdir(deep) == []
