"""Python kernels for the chapter notebooks: started once per worker, cleared between chapters.

A report run executes its chapters with papermill on a few worker threads. Each worker
keeps one kernel (:class:`ChapterKernel`) for all the chapters it takes, because
starting a kernel and importing pandas, matplotlib and the toolkit in it costs about
2 s of CPU per chapter (a quarter of the demo's chapter time on two cores). Between two
chapters the kernel is cleared: the notebook's variables are deleted (``%reset -f``),
its figures closed and its warning filters put back, so a chapter sees nothing of the
one before; the imported modules stay, which is the point.

Kernels connect over Unix sockets in a folder of their own (:func:`kernel_connection`),
not TCP ports, and a kernel that fails to start is started again.

Example
-------
>>> with ChapterKernel() as kernel:  # doctest: +SKIP
...     kernel.execute(Path("notebooks/02-customer-pyramid.ipynb"), Path("out.ipynb"), {"work_dir": "work"})
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

#: Start-up failures of a kernel that are worth a second try: no cell has run yet.
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond")
#: Arguments for every chapter kernel: its own start-up warnings are not for the consultant's terminal.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL",
                    # as nbclient does: no history database shared by kernels running at once
                    "--HistoryManager.hist_file=:memory:"]

# Run in a new kernel: its warning filters, which every chapter gets back. The copy lives in
# the `warnings` module, not in the notebook's namespace.
_RECORD = """\
import warnings as _kp_warnings
_kp_warnings._kp_filters = list(_kp_warnings.filters)
del _kp_warnings
"""
# Run in the kernel before each chapter after its first: figures closed, warning filters
# back to the new kernel's, every name the chapter defined deleted (%reset -f).
_CLEAR = """\
import sys as _kp_sys, warnings as _kp_warnings
if "matplotlib.pyplot" in _kp_sys.modules:
    _kp_sys.modules["matplotlib.pyplot"].close("all")
_kp_warnings.resetwarnings()
_kp_warnings.filters.extend(_kp_warnings._kp_filters)
get_ipython().run_line_magic("reset", "-f")
__import__("gc").collect()
"""

#: Imported into a new kernel before its first chapter (:meth:`ChapterKernel.warm`): what the chapters
#: import, packages with every module in them.
WARM_MODULES = ("toolkit.display", "toolkit.views", "toolkit.plots", "matplotlib.pyplot")
# Imports without binding a name, so the first chapter starts from an empty namespace as every later one.
_WARM = """\
def _kp_warm(names):
    import importlib, pkgutil
    for name in names:
        module = importlib.import_module(name)
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            importlib.import_module(f"{name}.{info.name}")
_kp_warm(NAMES)
del _kp_warm
"""


@contextlib.contextmanager
def kernel_connection() -> Iterator[dict[str, Any]]:
    """Kernel manager settings that connect a kernel over Unix sockets in a private folder.

    Why: over TCP, jupyter_client picks free ports and the kernel binds them a moment
    later; with several kernels starting at once, a connection to another kernel can take
    one of those ports in between, and the kernel dies with "Address already in use" (seen
    in CI). Sockets in a folder of their own cannot collide. Where Unix sockets are not
    available (Windows) or the temporary folder's path is too long for one, the kernel
    keeps TCP and :class:`ChapterKernel` retries a failed start.

    Examples
    --------
    >>> with kernel_connection() as traits:
    ...     traits.get("transport", "tcp") in ("ipc", "tcp")
    True
    """
    import zmq

    if sys.platform == "win32" or not zmq.has("ipc"):
        yield {}
        return
    with tempfile.TemporaryDirectory(prefix="kp-kernel-") as folder:
        socket_base = os.path.join(folder, "k")  # the kernel's sockets are k-1 .. k-5
        # A Unix socket path is limited to about 104 bytes.
        yield {"transport": "ipc", "ip": socket_base} if len(socket_base) <= 90 else {}


class _KernelManager(AsyncKernelManager):
    """A kernel manager that remembers the clients nbclient makes, to close them after each chapter.

    nbclient leaves a client's channels (and its heartbeat thread) open when the
    kernel manager is not its own.
    """

    def client(self, **kwargs: Any):  # an AsyncKernelClient
        kc = super().client(**kwargs)
        self._kp_clients = [*getattr(self, "_kp_clients", []), kc]
        return kc

    def close_clients(self) -> None:
        for kc in getattr(self, "_kp_clients", []):
            kc.stop_channels()
        self._kp_clients = []


class ChapterKernel:
    """One Python kernel that executes notebooks one after the other, cleared in between.

    Use it from one thread only (papermill runs the kernel's messages on that thread's
    event loop), and close it when done (or use it as a context manager).

    Parameters
    ----------
    attempts : int, default 3
        How often a kernel is started when it fails to start.
    startup_timeout : float, default 60
        Seconds a new kernel has to answer.
    """

    def __init__(self, attempts: int = 3, startup_timeout: float = 60) -> None:
        self.attempts = attempts
        self.startup_timeout = startup_timeout
        self.notebooks = 0  # executed on the current kernel
        self.started = 0  # kernels started, for the record
        self._km: _KernelManager | None = None
        self._sockets: contextlib.ExitStack | None = None

    def __enter__(self) -> ChapterKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, src: Path, out: Path, parameters: dict[str, Any]) -> None:
        """Execute notebook ``src`` into ``out`` with papermill, with ``parameters`` injected.

        Raises what papermill raises: ``PapermillExecutionError`` when a cell fails,
        nbclient's ``DeadKernelError`` when the kernel dies (the next notebook then gets
        a new kernel); ``RuntimeError`` when no kernel starts in ``attempts`` tries.
        """
        import papermill as pm

        km = self._ready()
        self.notebooks += 1  # from here on the kernel holds this notebook's state
        try:
            pm.execute_notebook(str(src), str(out), parameters=parameters, km=km,
                                kernel_name="python3", progress_bar=False, log_output=False,
                                # No cwd=: papermill would os.chdir() the whole process, which is not
                                # safe with chapters running in parallel threads; notebooks get
                                # absolute paths instead.
                                request_save_on_cell_execute=False, start_timeout=self.startup_timeout)
        except Exception:
            alive = False
            with contextlib.suppress(Exception):
                alive = _run(km.is_alive())
            if not alive:
                self.close()  # the next notebook gets a new kernel
            raise
        finally:
            km.close_clients()

    def warm(self, modules: tuple[str, ...] = WARM_MODULES) -> None:
        """Start the kernel now and import ``modules`` into it (packages with all their modules).

        A run calls this while it saves its results: starting a kernel and importing pandas,
        matplotlib and the toolkit's views costs 2-3 s of CPU, which the first chapter then
        does not wait for. The kernel's namespace stays empty. A kernel that fails here is
        closed; the next :meth:`execute` starts one as it would have.
        """
        try:
            self._ready()
            self._run_code(_WARM.replace("NAMES", repr(tuple(modules))))
            # The imports add the libraries' own warning filters (numpy's, scipy's): every chapter gets them back.
            self._run_code(_RECORD)
        except Exception:
            self.close()

    def close(self) -> None:
        """Stop the kernel (if one runs) and remove its sockets."""
        km, self._km = self._km, None
        self.notebooks = 0
        if km is not None:
            km.close_clients()
            with contextlib.suppress(Exception):  # a kernel that died already cannot be stopped
                if km.has_kernel:
                    _run(km.shutdown_kernel(now=False))
            with contextlib.suppress(Exception):
                _run(km.cleanup_resources())
        if self._sockets is not None:
            self._sockets.close()
            self._sockets = None

    def _ready(self) -> _KernelManager:
        """The kernel for the next notebook: the current one cleared, or a new one."""
        if self._km is not None and self.notebooks:
            try:
                self._run_code(_CLEAR)
            except Exception:  # a kernel that cannot be cleared is replaced
                self.close()
        if self._km is None:
            self._start()
        assert self._km is not None
        return self._km

    def _start(self) -> None:
        for attempt in range(1, self.attempts + 1):
            self._sockets = contextlib.ExitStack()
            traits = self._sockets.enter_context(kernel_connection())
            self._km = _KernelManager(kernel_name="python3", **traits)
            self.started += 1
            try:
                _run(self._km.start_kernel(extra_arguments=KERNEL_ARGUMENTS))
                self._run_code(_RECORD)
                return
            except RuntimeError as exc:
                self.close()
                if attempt == self.attempts or not str(exc).startswith(KERNEL_START_FAILURES):
                    raise

    def _run_code(self, code: str) -> None:
        """Run ``code`` in the kernel, outside any notebook; RuntimeError when it fails."""
        assert self._km is not None
        kc = self._km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
            reply = kc.execute_interactive(code, timeout=self.startup_timeout, store_history=False,
                                           allow_stdin=False, output_hook=lambda _msg: None)
        finally:
            kc.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kernel could not be prepared: {reply['content'].get('evalue', '')}")


def _run(result: Any) -> Any:
    """Wait for an async kernel manager call on this thread's event loop (as nbclient does)."""
    from jupyter_core.utils import ensure_async, run_sync

    async def wait() -> Any:
        return await ensure_async(result)

    return run_sync(wait)()
