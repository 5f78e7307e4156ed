"""Run a report: validate, analyse once, execute the chapter notebooks, write HTML, PDF and exports.

Flow of :func:`run_report`:

1. validate the params (papermill accepts misspelled parameters silently, so this
   happens first) and refuse to replace a report of another reference date;
2. analyse once (:func:`toolkit.pipeline.analyse`) into a staging folder's ``work/``;
3. execute the chapter notebooks with papermill on a few worker threads, each reading ``work/``
   (one kernel per worker, cleared between its chapters: :mod:`toolkit.kernels`);
4. export each executed notebook with nbconvert (no code, no prompts), assemble one
   ``report.html`` with title page and contents, and print it to ``report.pdf`` with
   WeasyPrint;
5. write ``customers.csv`` and ``manifest.json`` and move everything into
   ``output_dir`` only at the end, so a failed run leaves the previous report intact.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import importlib.metadata
import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from toolkit import __version__
from toolkit.errors import ReportError
from toolkit.i18n import TEXTS, esc, fmt_date, t
from toolkit.params import PERSONAL_FIELDS, RunParams, load_params
from toolkit.pipeline import RunResults, analyse, write_customers_file
from toolkit.segments import key_figures
from toolkit.sources import file_sha256

if TYPE_CHECKING:
    from toolkit.kernels import ChapterKernel

Progress = Callable[[str], None]
T = TypeVar("T")

#: Files a run writes into ``output_dir`` (plus the ``work/`` folder and :data:`EXPORTS`).
OUTPUT_FILES = ("report.html", "report.pdf", "customers.csv", "manifest.json")
#: Exports a run writes when its analyses produced them: the contact plan, the white-space lists.
EXPORTS = ("contact_plan.xlsx", "contact_plan.csv", "whitespace")
#: Packages whose versions the manifest records.
RECORDED_PACKAGES = ("pandas", "numpy", "duckdb", "pyarrow", "openpyxl", "matplotlib", "papermill", "nbconvert",
                     "nbclient", "ipykernel", "weasyprint", "pydantic", "pyyaml")


@dataclass(frozen=True)
class Chapter:
    """A report chapter: its key (for titles and anchors) and its notebook file."""

    key: str
    notebook: str


def notebooks_dir() -> Path:
    """The folder holding the chapter notebooks (``KLANTPIRAMIDE_NOTEBOOKS`` overrides)."""
    env = os.environ.get("KLANTPIRAMIDE_NOTEBOOKS")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "notebooks"


def chapters() -> tuple[Chapter, ...]:
    """The report's chapters in order: each ``notebooks/NN-*.ipynb`` whose metadata names a chapter.

    A notebook declares itself with ``"klantpiramide": {"chapter": "<key>"}`` in its
    metadata; the title is the text ``chapter.<key>``. Other notebooks (e.g. for
    exploration) are not part of the report.
    """
    found = []
    for path in sorted(notebooks_dir().glob("[0-9][0-9]-*.ipynb")):
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("klantpiramide", {})
        if meta.get("chapter"):
            found.append(Chapter(meta["chapter"], path.name))
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# Chapters


@dataclass
class ChapterResult:
    """The outcome of executing one chapter notebook."""

    chapter: Chapter
    notebook: Path
    seconds: float
    error: str | None = None


def execute_chapter(chapter: Chapter, params_file: Path, work_dir: Path, kernel: ChapterKernel) -> ChapterResult:
    """Execute one chapter notebook with papermill into ``work_dir/notebooks``, on a worker's ``kernel``."""
    import papermill as pm
    from nbclient.exceptions import DeadKernelError

    src = notebooks_dir() / chapter.notebook
    out = work_dir / "notebooks" / chapter.notebook
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        kernel.execute(src, out, {"params_path": str(params_file), "work_dir": str(work_dir)})
    except pm.PapermillExecutionError as exc:
        return ChapterResult(chapter, out, time.perf_counter() - t0, f"{exc.ename}: {exc.evalue}")
    except DeadKernelError:
        return ChapterResult(chapter, out, time.perf_counter() - t0, kernel_died_message())
    except Exception as exc:  # a broken notebook file must not lose the other chapters
        return ChapterResult(chapter, out, time.perf_counter() - t0, f"{type(exc).__name__}: {exc}")
    return ChapterResult(chapter, out, time.perf_counter() - t0)


def _meminfo() -> dict[str, float]:
    """Total and available memory of this machine in GB (Linux /proc/meminfo; empty elsewhere)."""
    try:
        fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    except OSError:
        return {}
    gb = {k: int(v.split()[0]) / 1024**2 for k, v in fields.items() if k in ("MemTotal", "MemAvailable")}
    return {"total": gb.get("MemTotal", 0.0), "available": gb.get("MemAvailable", 0.0)}


def kernel_died_message() -> str:
    """Why a chapter's kernel stopped, with the memory figures, and what to do about it.

    The peak memory is that of the largest finished child process of this run (the
    kernels are its children), read from the operating system's accounting.
    """
    import resource

    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2  # ru_maxrss is in KB on Linux
    mem = _meminfo()
    machine = (f"; this machine has {mem['total']:.1f} GB, {mem['available']:.1f} GB free now" if mem else "")
    return (f"the notebook's Python kernel died (the largest kernel of this run used up to {peak_gb:.1f} GB"
            f"{machine}), which usually means it ran out of memory. For large data use the fast path "
            "`klantpiramide customers` for the customer table, convert the export to Parquet, or let the "
            "client's database do the aggregation (transactions.backend)")


def chapter_html(executed: Path) -> tuple[str, list[str]]:
    """The HTML body of an executed chapter (outputs only) and any stream messages it printed.

    Printed text and warnings (stdout/stderr) are kept out of the report and returned
    so the manifest can record them.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    messages: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                messages.append(out.get("text", "").strip()[:500])
            else:
                kept.append(out)
        cell["outputs"] = kept
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_markdown = True
    exporter.exclude_raw = True
    body, _ = exporter.from_notebook_node(nb)
    return body, [m for m in messages if m]


# ---------------------------------------------------------------------------------------------
# The document


def _css(lang: str, primary: str = "#0B4F8A") -> str:
    css = (Path(__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    return (css.replace("__PRIMARY__", primary)
            .replace("__FIGURE__", t("report.figure", lang))
            .replace("__TABLE__", t("report.table", lang))
            .replace("__PAGE__", t("report.page", lang))
            .replace("__OF__", t("report.of", lang)))


def _font_css() -> str:
    """@font-face rules for the PDF: the DejaVu fonts matplotlib ships, so text and charts match everywhere."""
    import matplotlib

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = [("DejaVuSans.ttf", "normal", "normal"), ("DejaVuSans-Bold.ttf", "bold", "normal"),
             ("DejaVuSans-Oblique.ttf", "normal", "italic"), ("DejaVuSans-BoldOblique.ttf", "bold", "italic")]
    return "\n".join(f"@font-face {{ font-family: 'Report Sans'; src: url('{(ttf / f).as_uri()}'); "
                     f"font-weight: {w}; font-style: {s}; }}" for f, w, s in faces if (ttf / f).exists())


def _logo_html(params: RunParams) -> str:
    """The logo as an inline image (data URI), so report.html stays one self-contained file."""
    import base64
    import mimetypes

    path = params.logo_path
    if path is None:
        return ""
    mime = mimetypes.guess_type(path.name)[0] or "image/png"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img class="logo" alt="" src="data:{mime};base64,{data}">'


def _howto_html(key: str, lang: str) -> str:
    """The chapter's "how to read this" box (empty for a chapter without one)."""
    if f"howto.{key}" not in TEXTS:
        return ""
    return (f'<aside class="kp-howto"><p class="kp-howto-title">{esc(t("howto.title", lang))}</p>'
            f'<p>{esc(t("howto." + key, lang))}</p></aside>')


def assemble_html(results: RunResults, bodies: list[tuple[Chapter, str, str | None]]) -> str:
    """One HTML document: title page, contents, numbered chapters.

    Parameters
    ----------
    results : RunResults
    bodies : list of (Chapter, html, error)
        Each chapter's exported body; ``error`` marks a chapter that failed (its
        body is then a visible notice).
    """
    p, lang = results.params, results.lang
    period = t("period.range", lang, start=fmt_date(results.period.first_day, lang),
               end=fmt_date(results.period.end, lang))
    source = Path(results.quality["transactions"].path).name
    toc = "".join(f'<li><a class="toc-link" href="#ch-{c.key}"><span class="num">{i}</span> '
                  f'{esc(t("chapter." + c.key, lang))}</a></li>' for i, (c, _, _) in enumerate(bodies, 1))
    chapters = []
    for i, (c, body, error) in enumerate(bodies, 1):
        if error:
            body = f'<div class="kp-failed">{esc(t("report.chapter_failed", lang, error=error))}</div>'
        chapters.append(f'<section class="chapter" id="ch-{c.key}"><h1 class="chapter-title">'
                        f'<span class="num">{i}</span> {esc(t("chapter." + c.key, lang))}</h1>'
                        f'{_howto_html(c.key, lang) if not error else ""}{body}</section>')
    consultant = (f'<p class="meta"><span>{esc(t("report.prepared_by", lang))}</span> {esc(p.consultant)}</p>'
                  if p.consultant else "")
    title = t("report.title", lang)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} – {esc(p.client)}</title>
<style>{_css(lang, p.branding.primary_color)}</style>
</head>
<body>
<header class="title-page">
  <div class="band">{_logo_html(p)}</div>
  <p class="kicker">{esc(t("report.subtitle", lang))}</p>
  <h1 class="report-title">{esc(title)}</h1>
  <p class="client">{esc(p.client)}</p>
  <div class="title-meta">
    <p class="meta"><span>{esc(t("report.reference_date", lang))}</span> {esc(fmt_date(results.period.end, lang))}</p>
    <p class="meta"><span>{esc(t("report.period", lang))}</span> {esc(period)}</p>
    <p class="meta"><span>{esc(t("report.data_source", lang))}</span> {esc(source)}</p>
    {consultant}
  </div>
  <p class="made-with">{esc(t("report.generated_with", lang, version=__version__))}</p>
</header>
<div class="running-client">{esc(p.client)}</div>
<nav class="toc"><h1>{esc(t("report.toc", lang))}</h1><ol>{toc}</ol></nav>
{''.join(chapters)}
</body>
</html>
"""


def render_document(html: str, base_url: Path) -> "weasyprint.Document":  # noqa: F821, UP037 - lazy import
    """Lay out the report HTML as A4 pages with WeasyPrint (before writing the PDF)."""
    import logging

    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    # WeasyPrint logs every unsupported CSS property it meets; the report's CSS is known-good.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fonts = FontConfiguration()
    extra = weasyprint.CSS(string=_font_css() + "\nbody { font-family: 'Report Sans', sans-serif; }",
                           font_config=fonts)
    return weasyprint.HTML(string=html, base_url=str(base_url)).render(stylesheets=[extra], font_config=fonts)


def write_pdf(html: str, path: Path, base_url: Path) -> None:
    """Print the report HTML to an A4 PDF with WeasyPrint."""
    with collector_paused():
        render_document(html, base_url).write_pdf(str(path))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block; its state is restored after.

    WeasyPrint builds some hundred thousand objects that live until the PDF is written.
    Each time they grow by a quarter, the collector walks every object of the process:
    the demo's PDF cost 19 s of CPU with it, 12 s without, and the same bytes. Cycles
    left behind are collected by the next collection after the block.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# Exports and manifest


def export_customers(customers: pd.DataFrame, path: Path, *, include_personal: bool = False) -> int:
    """Write ``customers.csv``: one row per customer, UTF-8, comma-separated, ISO dates, amounts to the cent.

    Personal fields (name, e-mail, phone, street) are left out unless ``include_personal``.
    DuckDB writes the file (pandas' float formatting takes minutes for millions of rows);
    the row order is the frame's, so the same input gives the same bytes.

    Returns
    -------
    int
        Rows written.
    """
    from toolkit.csv_files import write_csv

    frame = customers if include_personal else customers[[c for c in customers.columns if c not in PERSONAL_FIELDS]]
    cols = []
    for name in frame.columns:
        q = '"' + str(name).replace('"', '""') + '"'
        dtype = frame[name].dtype
        if pd.api.types.is_float_dtype(dtype):
            cols.append(f"CAST(round({q}, 2) AS DECIMAL(18, 2)) AS {q}")
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            cols.append(f"CAST({q} AS DATE) AS {q}")
        else:
            cols.append(q)
    return write_csv(frame, path, select=", ".join(cols))


def export_results_customers(results: RunResults, path: Path) -> int:
    """Write a run's ``customers.csv``, with personal fields only when the params opt in."""
    if results.personal is None:
        return export_customers(results.customers, path)
    merged = results.customers.merge(results.personal, on="customer_id", how="left", sort=False)
    return export_customers(merged, path, include_personal=True)


def clean_output(output: Path) -> list[tuple[Path, int]]:
    """Remove a run's intermediate data from an output folder; keep the report, exports and manifest.

    Removes ``work/`` (Parquet copies of the customer table and aggregates, executed
    notebooks — all of which hold client data) and any staging or failed-run folders
    beside it. Refuses a folder that is not a Klantpiramide output (no manifest.json).

    Returns
    -------
    list of (Path, int)
        What was removed, with its size in bytes.

    Raises
    ------
    ReportError
        When ``output`` is not a report folder.
    """
    output = Path(output)
    if not (output / "manifest.json").is_file():
        raise ReportError(f"{output} holds no manifest.json, so it is not a Klantpiramide output folder; "
                          "nothing removed. Give the output_dir of a run.")
    targets = [output / "work", *output.parent.glob(f".{output.name}.staging-*"),
               output.parent / f".{output.name}.failed"]
    removed = []
    for target in targets:
        if target.exists():
            size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file()) if target.is_dir() else \
                target.stat().st_size
            shutil.rmtree(target) if target.is_dir() else target.unlink()
            removed.append((target, size))
    return removed


def package_versions() -> dict[str, str]:
    """Installed versions of the packages the numbers and the report depend on."""
    out = {}
    for name in RECORDED_PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return out


def build_manifest(results: RunResults, chapters: list[ChapterResult], outputs: dict[str, Path],
                   messages: dict[str, list[str]], timings: dict[str, float]) -> dict[str, Any]:
    """Everything needed to check and reproduce a run (no personal data, no credentials)."""
    from decimal import Decimal

    p = results.params
    quality = {}
    for role, rep in results.quality.items():
        excluded = sum(Decimal(e["amount"] or 0) for e in rep.exclusions)
        entry = {
            "path": rep.path, "sha256": rep.sha256, "size_bytes": rep.size_bytes, "format": rep.file_format,
            "rows_read": rep.rows_read, "rows_usable": rep.rows_usable, "rows_excluded": rep.rows_excluded,
            "exclusions": rep.exclusions, "warnings": rep.warnings,
        }
        if rep.amount_read is not None:
            entry["reconciliation"] = {
                "amount_read": rep.amount_read, "amount_usable": rep.amount_usable,
                "amount_excluded": f"{excluded:.2f}",
                "difference": f"{Decimal(rep.amount_read) - Decimal(rep.amount_usable) - excluded:.2f}",
            }
        quality[role] = entry
    layers = results.customers["pyramid_layer"].value_counts().reindex(
        results.customers["pyramid_layer"].cat.categories, fill_value=0)
    params_file = Path(p.source_file) if p.source_file else None
    return {
        "toolkit_version": __version__,
        "created_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "client": p.client,
        "params_file": str(params_file) if params_file else None,
        "params_sha256": file_sha256(params_file) if params_file and params_file.is_file() else None,
        "params": p.model_dump(mode="json"),
        "reference_date": results.period.end.isoformat(),
        "period": {"first_day": results.period.first_day.isoformat(), "last_day": results.period.end.isoformat(),
                   "previous_first_day": (results.period.previous_start + dt.timedelta(days=1)).isoformat(),
                   "months": results.period.months},
        "data_range": {"first": results.data_first.isoformat(), "last": results.data_last.isoformat()},
        "inputs": quality,
        "key_figures": {k: (None if pd.isna(v) else round(float(v), 6))
                        for k, v in key_figures(results.customers).set_index("key")["value"].items()},
        "row_counts": {"customers_csv": len(results.customers),
                       "layers": {str(k): int(v) for k, v in layers.items()}},
        "notes": results.notes,
        "chapters": [{"key": c.chapter.key, "status": "failed" if c.error else "ok", "seconds": round(c.seconds, 2),
                      "error": c.error, "notebook": str(c.notebook)} for c in chapters],
        "notebook_messages": messages,
        "outputs": {name: file_sha256(path) for name, path in outputs.items() if path.exists()},
        "timings": {k: round(v, 3) for k, v in {**results.timings, **timings}.items()},
        "environment": {"python": sys.version.split()[0], "platform": platform.platform(),
                        "packages": package_versions()},
    }


# ---------------------------------------------------------------------------------------------
# The run


def _previous_reference_date(output: Path) -> str | None:
    manifest = output / "manifest.json"
    if not manifest.is_file():
        return None
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("reference_date")
    except (OSError, ValueError):
        return None


def _check_overwrite(output: Path, reference_date: dt.date | None, force: bool) -> None:
    previous = _previous_reference_date(output)
    if previous and reference_date and previous != reference_date.isoformat() and not force:
        raise ReportError(
            f"{output} already holds a report for reference date {previous}; this run's reference date is "
            f"{reference_date.isoformat()}. Set another output_dir in the params to keep both, or pass --force "
            "to replace it.")


@contextlib.contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``output`` for one run; a second run gets a clear error at once.

    The lock is an OS file lock (``flock``) on ``.<name>.lock`` beside the output folder:
    it disappears with the process, so a crashed run never leaves a stale lock, and the file is
    removed when the run ends.

    Raises
    ------
    ReportError
        When another run holds the lock, naming its process id and start time.
    """
    import fcntl

    output.parent.mkdir(parents=True, exist_ok=True)
    path = output.parent / f".{output.name}.lock"
    while True:
        handle = open(path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise ReportError(f"{output} is being written by another run ({holder}); wait until it has finished, "
                              "or give this run another output_dir.") from None
        # The previous holder unlinks the file on release; a lock on that unlinked file guards nothing.
        try:
            if os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                break
        except FileNotFoundError:
            pass
        handle.close()
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {dt.datetime.now().strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        yield
    finally:
        path.unlink(missing_ok=True)
        handle.close()


def write_exports(results: RunResults, folder: Path) -> list[Path]:
    """Write the contact plan and the white-space lists the run computed into ``folder``.

    Returns the files written (none when the analyses behind them did not run).
    """
    from toolkit.actions import write_contact_plan
    from toolkit.products import write_whitespace_lists

    written: list[Path] = []
    plan = results.frames.get("contact_plan")
    if plan is not None and not plan.empty:
        written += write_contact_plan(plan, folder, lang=results.lang)
    written += write_whitespace_lists(results.frames, folder / "whitespace")
    return written


def _replace_folder(new: Path, target: Path) -> None:
    """Put folder ``new`` in the place of ``target`` (an older one is moved aside, then removed)."""
    if target.exists():
        trash = target.parent / f".{target.name}-old-{os.getpid()}"
        target.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
    if new.exists():
        new.rename(target)


def _install(staging: Path, output: Path) -> None:
    """Move the finished files from ``staging`` into ``output``, each replace atomic.

    Exports of an earlier run that this run did not write (e.g. the white-space list of a
    product group that is gone) are removed, so the folder always holds one run.
    """
    output.mkdir(parents=True, exist_ok=True)
    _replace_folder(staging / "work", output / "work")
    for name in EXPORTS:
        if (staging / name).is_dir() or (output / name).is_dir():
            _replace_folder(staging / name, output / name)
        elif (staging / name).exists():
            os.replace(staging / name, output / name)
        else:
            (output / name).unlink(missing_ok=True)
    # manifest.json last: its presence marks a complete report. A report.pdf of an earlier run
    # does not stay beside the HTML of a run without PDF.
    for name in OUTPUT_FILES:
        if (staging / name).exists():
            os.replace(staging / name, output / name)
        else:
            (output / name).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def run_report(params_path: str | os.PathLike, *, force: bool = False, progress: Progress | None = None,
               keep_going: bool = False, pdf: bool = True) -> Path:
    """Validate, analyse and write the full report for one params file.

    Parameters
    ----------
    params_path : path-like
    force : bool, default False
        Replace an earlier report of a different reference date in ``output_dir``.
    progress : callable, optional
        Receives one line per step (chapters, timings).
    keep_going : bool, default False
        Write the report even when a chapter fails (the chapter shows a notice).
    pdf : bool, default True
        Also write ``report.pdf``.

    Returns
    -------
    Path
        The output folder.

    Raises
    ------
    ParamsError, DataError
        For invalid params or unusable data (before anything is written).
    ReportError
        When a chapter fails (naming it and its executed notebook), or when the
        output folder holds a report of another reference date.
    """
    say = progress or (lambda _m: None)
    t_start = time.perf_counter()
    params = load_params(params_path)
    with output_lock(params.output_path):
        return _run_locked(params, force=force, say=say, keep_going=keep_going, pdf=pdf, t_start=t_start)


def _run_locked(params: RunParams, *, force: bool, say: Progress, keep_going: bool, pdf: bool,
                t_start: float) -> Path:
    params_file = Path(params.source_file).resolve()
    output = params.output_path
    _check_overwrite(output, params.reference_date, force)
    todo = selected_chapters(params)  # a typo in the chapters, or no notebooks: said before the analysis
    staging = output.parent / f".{output.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    work = staging / "work"
    work.mkdir(parents=True)
    timings: dict[str, float] = {}
    try:
        say("analysing data")
        results = analyse(params, work_dir=work, progress=lambda m: say("  " + m), presave=True)
        _check_overwrite(output, results.period.end, force)
        shutil.rmtree(work / "duckdb_tmp", ignore_errors=True)
        for f in work.glob("*.utf8.csv"):
            f.unlink()
        # The exports need only the results in memory: write them while the work folder is saved
        # and the chapters' kernels run (at 10M lines they take longer than the chapters). The
        # kernels start meanwhile as well; their first chapter waits for the saved folder.
        saved: Future[None] = Future()
        with ThreadPoolExecutor(max_workers=3) as pool:
            # customers.csv is DuckDB's work (no GIL), the workbook Python's: side by side.
            table = pool.submit(_timed, say, "customers.csv written", export_results_customers, results,
                                staging / "customers.csv")
            exports = pool.submit(_timed, say, "contact plan and white-space lists written", write_exports, results,
                                  staging)
            chapters = pool.submit(_run_chapters, params_file, work, say, todo, saved=saved,
                                   table_bytes=int(results.customers.memory_usage(deep=False).sum()))
            try:
                _timed(say, "results saved for the chapters", results.save, work)
            except BaseException as exc:
                saved.set_exception(exc)  # no chapter starts; the kernels stop
                raise
            saved.set_result(None)
            chapter_results = chapters.result()
            failed = [c for c in chapter_results if c.error]
            messages: dict[str, list] = {}
            if not failed or keep_going:
                # While the exports finish (at 10M lines they outlast the chapters): the report itself.
                messages = _write_report(results, chapter_results, staging, work, say, timings, pdf=pdf)
        table.result()
        exported = exports.result()
        if failed and not keep_going:
            kept = output.parent / f".{output.name}.failed"
            shutil.rmtree(kept, ignore_errors=True)
            staging.rename(kept)
            lines = [f"chapter '{c.chapter.key}' failed: {c.error}; the executed notebook with the error is "
                     f"{kept / 'work' / 'notebooks' / c.chapter.notebook}" for c in failed]
            prev = " The previous report in the output folder is unchanged." if (output / "manifest.json").exists() \
                else ""
            raise ReportError("\n".join(lines) + prev + " Use --keep-going to write the report without it.")
        timings["total"] = time.perf_counter() - t_start
        outputs = {name: staging / name for name in OUTPUT_FILES if name != "manifest.json"}
        outputs |= {str(path.relative_to(staging)): path for path in exported}
        manifest = build_manifest(results, chapter_results, outputs, messages, timings)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        _install(staging, output)
    except BaseException:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        raise
    say(f"done in {time.perf_counter() - t_start:.1f} s: {output}")
    return output


def _timed(say: Progress, done: str, func: Callable[..., T], *args: Any) -> T:
    """``func(*args)``, then say ``done`` with the seconds it took (steps that run side by side each say theirs).

    Examples
    --------
    >>> _timed(print, "added", lambda a, b: a + b, 1, 2)
    added in 0.0 s
    3
    """
    t0 = time.perf_counter()
    out = func(*args)
    say(f"{done} in {time.perf_counter() - t0:.1f} s")
    return out


def _write_report(results: RunResults, chapter_results: list[ChapterResult], staging: Path, work: Path,
                  say: Progress, timings: dict[str, float], *, pdf: bool) -> dict[str, list]:
    """Write ``report.html`` (and ``report.pdf``) into ``staging``; the chapters' messages by chapter key."""
    t0 = time.perf_counter()
    bodies, messages = [], {}
    for c in chapter_results:
        body, msgs = ("", []) if c.error else chapter_html(c.notebook)
        bodies.append((c.chapter, body, c.error))
        if msgs:
            messages[c.chapter.key] = msgs
    html = assemble_html(results, bodies)
    (staging / "report.html").write_text(html, encoding="utf-8")
    timings["html"] = time.perf_counter() - t0
    say(f"report.html written in {timings['html']:.1f} s")
    if pdf:
        t0 = time.perf_counter()
        write_pdf(html, staging / "report.pdf", base_url=work)
        timings["pdf"] = time.perf_counter() - t0
        say(f"report.pdf written in {timings['pdf']:.1f} s")
    return messages


def selected_chapters(params: RunParams) -> tuple[Chapter, ...]:
    """The chapters this run renders: all, minus those switched off in ``params.chapters``.

    Raises
    ------
    ReportError
        For a key in ``chapters`` that is no chapter (a typo), with the known keys; when the
        notebooks folder holds no chapter at all (the report would have none).
    """
    import difflib

    available = chapters()
    if not available:
        folder = notebooks_dir()
        fix = ("point KLANTPIRAMIDE_NOTEBOOKS to the project's notebooks folder, or unset it"
               if os.environ.get("KLANTPIRAMIDE_NOTEBOOKS") else
               "the installation is incomplete: install the project from its folder (make install)")
        raise ReportError(f"No chapter notebooks in {folder} (files NN-*.ipynb that name a chapter in their "
                          f"metadata), so the report would have no chapters; {fix}.")
    keys = [c.key for c in available]
    unknown = [k for k in params.chapters if k not in keys]
    if unknown:
        close = difflib.get_close_matches(unknown[0], keys, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ReportError(f"{params.source_file}: chapters: '{unknown[0]}' is not a chapter.{hint} "
                          f"The chapters are: {', '.join(keys)}.")
    return tuple(c for c in available if params.chapters.get(c.key, True))


#: A chapter kernel's memory besides the customer table: Python, pandas, matplotlib, the toolkit's views.
KERNEL_BASE_BYTES = 400 * 2**20
#: How many times a kernel holds the customer table (the table, a chapter's copies and temporaries). Measured
#: on the benchmark's reports: 1M lines (a 172 MB table) 652-657 MB per kernel, 10M lines (1.72 GB) 3,251-3,524 MB.
KERNEL_TABLE_FACTOR = 1.8
#: The share of the memory available when the chapters start that their kernels may take: the run's own
#: process still writes the exports meanwhile (at 10M lines it grew from about 5 to 6.1 GB).
KERNEL_MEMORY_SHARE = 0.75


def kernel_bytes(table_bytes: int) -> int:
    """The memory one chapter kernel needs for a customer table of ``table_bytes`` (pandas, shallow).

    Examples
    --------
    >>> round(kernel_bytes(1720 * 2**20) / 2**30, 2)  # the 10M-line benchmark's table
    3.41
    """
    return int(KERNEL_BASE_BYTES + KERNEL_TABLE_FACTOR * table_bytes)


def chapter_workers(table_bytes: int | None = None, *, available: int | None = None) -> int:
    """Chapters executed at once: one more than the cores, at most 3, no more than the memory holds.

    One more than the cores, as a kernel waits while it starts. But every kernel reads the
    whole customer table: at 10M lines (3.5M customers) each held 3.3-3.5 GB, and with the
    run's own 6.1 GB three kernels peaked at 16.2 GB (111-115 s), one at 9.6 GB (122 s). So
    with ``table_bytes`` (the table's size in pandas), the kernels get
    :data:`KERNEL_MEMORY_SHARE` of the ``available`` memory (the machine's, when not given),
    :func:`kernel_bytes` each, and always at least one. ``KLANTPIRAMIDE_WORKERS`` overrides it all.

    Examples
    --------
    >>> GB = 2**30
    >>> chapter_workers(1720 * 2**20, available=9 * GB)  # a 16 GB laptop: one kernel of 3.4 GB
    1
    >>> chapter_workers(1720 * 2**20, available=17 * GB) == chapter_workers()
    True
    """
    own = os.environ.get("KLANTPIRAMIDE_WORKERS", "")
    if own.isdigit() and int(own) > 0:
        return int(own)
    workers = min(3, (os.cpu_count() or 1) + 1)
    if table_bytes is not None:
        if available is None:
            import psutil

            available = psutil.virtual_memory().available
        workers = min(workers, max(1, int(available * KERNEL_MEMORY_SHARE // kernel_bytes(table_bytes))))
    return workers


def _run_chapters(params_file: Path, work: Path, say: Progress, todo: tuple[Chapter, ...], *,
                  saved: Future[None] | None = None, table_bytes: int | None = None) -> list[ChapterResult]:
    """Execute the chapters on :func:`chapter_workers` threads, each with one kernel for all its chapters.

    With ``saved``, the kernels start and import the chapters' modules at once
    (:meth:`~toolkit.kernels.ChapterKernel.warm`), and the chapters run once ``saved``
    is done: the work folder they read is written. When it fails, no chapter runs.
    ``table_bytes``: the customer table's size, so that the kernels fit in memory.
    """
    import threading

    from toolkit.kernels import ChapterKernel

    total = len(todo)
    results: list[ChapterResult | None] = [None] * total
    queue = iter(enumerate(todo))
    lock = threading.Lock()

    def worker() -> None:
        with ChapterKernel() as kernel:
            if saved is not None:
                kernel.warm()
                if saved.exception() is not None:
                    return
            while True:
                with lock:
                    i, chapter = next(queue, (None, None))
                if chapter is None:
                    return
                result = execute_chapter(chapter, params_file, work, kernel)
                with lock:
                    results[i] = result
                    done = sum(r is not None for r in results)
                status = "FAILED" if result.error else "done"
                say(f"[{done}/{total}] {t('chapter.' + chapter.key, 'en')}: {status} in {result.seconds:.1f} s")

    workers = max(1, min(chapter_workers(table_bytes), total))
    if table_bytes is not None:
        say(f"{total} chapters on {workers} kernel{'s' if workers > 1 else ''} "
            f"(about {kernel_bytes(table_bytes) / 2**30:.1f} GB each)")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(worker) for _ in range(workers)]:
            future.result()  # a worker's own failure (not a chapter's) stops the run
    return [r for r in results if r is not None]


def write_customers(params_path: str | os.PathLike, out: str | os.PathLike, *,
                    progress: Progress | None = None) -> tuple[Path, dict[str, int]]:
    """The fast path: validate, read, aggregate and write the pyramid's customer table (no notebooks).

    Only the spine's columns (layer, ABC class, revenue, margin, orders, dates, previous
    period, master columns): the analyses (RFM, CLV, geo, …) that ``run`` adds are skipped,
    and the customer rows stay in DuckDB (:func:`toolkit.pipeline.write_customers_file`),
    so this scales to the largest files. A profit pyramid runs the analyses it needs.

    Returns
    -------
    (Path, dict of str to int)
        The file written and the customers per pyramid layer.
    """
    params = load_params(params_path)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        if params.pyramid_basis == "profit":
            results = analyse(params, progress=progress, with_analyses=True)
            export_results_customers(results, tmp)
            layers = results.customers["pyramid_layer"]
            counts = {str(k): int(v) for k, v in layers.value_counts(sort=False).items()}
        else:
            counts = write_customers_file(params, tmp, progress=progress)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out, counts


def params_summary(params: RunParams) -> str:
    """One line naming the client, language and output folder (for the CLI)."""
    return f"{params.client} ({params.language}) -> {params.output_path}"
