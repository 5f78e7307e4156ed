"""The ``klantpiramide`` command line.

User mistakes (a :class:`~toolkit.errors.ToolkitError`) print one clean message and
exit with code 2; anything else is a bug and keeps its traceback.

Examples
--------
::

    klantpiramide validate params/demo.yaml
    klantpiramide run params/demo.yaml
    klantpiramide customers params/demo.yaml -o outputs/klanten.csv
    klantpiramide demo
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit import __version__
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

EXIT_USER_ERROR = 2


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _progress(prefix: str = "") -> callable:
    start = time.perf_counter()

    def say(msg: str) -> None:
        # One write per line: print() writes the text and its newline apart, so lines said by two
        # threads at once (an analysis and a progress tick) could run together.
        sys.stderr.write(f"{prefix}[{time.perf_counter() - start:6.1f}s] {msg}\n")
        sys.stderr.flush()

    return say


def cmd_validate(args: argparse.Namespace) -> int:
    """Check params and data; print the data-quality summary."""
    from toolkit.params import load_params
    from toolkit.pipeline import analyse

    params = load_params(args.params)
    results = analyse(params, progress=_progress() if args.verbose else None)
    print(quality_summary(results))
    print(f"OK: {args.params} is valid.")
    return 0


def quality_summary(results: RunResults) -> str:
    """A plain-text data-quality summary for the terminal (English)."""
    from toolkit.i18n import fmt_int, fmt_money, t
    from toolkit.views import format_description, note_text

    lines = []
    for role, rep in results.quality.items():
        lines.append(f"{role}: {rep.path}")
        lines.append(f"  format: {format_description(rep.file_format, 'en')}")
        lines.append(f"  rows read {fmt_int(rep.rows_read, 'en')}, usable {fmt_int(rep.rows_usable, 'en')}, "
                     f"excluded {fmt_int(rep.rows_excluded, 'en')}")
        for e in rep.exclusions:
            amount = f", amount {fmt_money(float(e['amount']), 'en', 2)}" if e["amount"] is not None else ""
            rows = "row" if e["rows"] == 1 else "rows"
            lines.append(f"    - {t('reason.' + e['reason'], 'en')}: {fmt_int(e['rows'], 'en')} {rows}{amount}")
        for ex in rep.examples[:10]:
            where = f" column {ex['column']}" if ex["column"] else ""
            value = f": {ex['value']!r}" if ex["value"] is not None else ""
            lines.append(f"      e.g. line {ex['row']} ({t('reason.' + ex['reason'], 'en')}){where}{value}")
        if rep.amount_read is not None:
            excluded = float(rep.amount_read) - float(rep.amount_usable)
            lines.append(f"  amount read {fmt_money(float(rep.amount_read), 'en', 2)} = used "
                         f"{fmt_money(float(rep.amount_usable), 'en', 2)} + excluded {fmt_money(excluded, 'en', 2)}")
        lines += [f"  note: {note_text(w, 'en')}" for w in rep.warnings]
    p = results.period
    lines.append(f"data {results.data_first} .. {results.data_last}; reference date {p.end}; "
                 f"analysis period {p.first_day} .. {p.end}")
    counts = results.customers["pyramid_layer"].value_counts()
    lines.append("customers per layer: " + ", ".join(
        f"{k} {fmt_int(counts.get(k, 0), 'en')}" for k in results.customers["pyramid_layer"].cat.categories))
    lines += [f"note: {note_text(n, 'en')}" for n in results.notes]
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> int:
    """Run one or more reports; continue past a failing one and summarise."""
    from toolkit.report import run_report

    rows = []
    for path in args.params:
        start = time.perf_counter()
        prefix = f"{Path(path).name}: " if len(args.params) > 1 else ""
        try:
            out = run_report(path, force=args.force, progress=_progress(prefix), keep_going=args.keep_going,
                             pdf=not args.no_pdf)
            rows.append((path, "ok", time.perf_counter() - start, str(out)))
        except ToolkitError as exc:
            _err(f"error: {exc}")
            rows.append((path, "failed", time.perf_counter() - start, str(exc).splitlines()[0][:80]))
            if len(args.params) == 1:
                return EXIT_USER_ERROR
    if len(args.params) > 1:
        width = max(len(r[0]) for r in rows)
        print(f"{'params'.ljust(width)}  status  seconds  output / error")
        for path, status, secs, out in rows:
            print(f"{path.ljust(width)}  {status.ljust(6)}  {secs:7.1f}  {out}")
    return EXIT_USER_ERROR if any(r[1] != "ok" for r in rows) else 0


def cmd_customers(args: argparse.Namespace) -> int:
    """Write the customer table only (the fast path)."""
    from toolkit.report import write_customers

    say = _progress()
    out, counts = write_customers(args.params, args.output, progress=say)
    say(f"wrote {sum(counts.values()):,} customers to {out}: " + ", ".join(
        f"{layer} {n:,}" for layer, n in counts.items()))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate the demo data (once) and build the demo report(s)."""
    from toolkit.demo_run import run_demo

    say = _progress()
    languages = ("nl", "en") if args.language == "both" else (args.language,)
    for out in run_demo(languages=languages, force=True, progress=say, pdf=not args.no_pdf):
        print(f"demo report: {out / 'report.html'}")
        if not args.no_pdf:
            print(f"demo report: {out / 'report.pdf'}")
    return 0


def _pairs(items: list[str] | None, option: str) -> dict[str, str]:
    out = {}
    for item in items or []:
        role, sep, col = item.partition("=")
        if not sep or not role.strip() or not col:
            raise ToolkitError(f"{option} {item!r}: write ROLE=COLUMN, e.g. {option} amount=\"Bedrag excl. BTW\".")
        out[role.strip()] = col
    return out


def cmd_init(args: argparse.Namespace) -> int:
    """Inspect an export and write a commented params file for it."""
    from toolkit.onboarding import init_params, slug
    from toolkit.params import load_params

    client = args.client
    output = Path(args.output) if args.output else Path("params") / f"{slug(client or Path(args.datafile).stem)}.yaml"
    if output.exists() and not args.force:
        raise ToolkitError(f"{output} exists; choose another -o or pass --force to replace it.")

    def ask(question: str) -> str:
        print(question, end="", flush=True)
        answer = sys.stdin.readline()
        if not answer:
            raise ToolkitError("no answer (end of input); rerun with --map ROLE=COLUMN or answer the question.")
        return answer

    result = init_params(args.datafile, customers=args.customers, client=client, language=args.language,
                         output=output, tx_overrides=_pairs(args.map, "--map"),
                         cust_overrides=_pairs(args.customers_map, "--customers-map"),
                         ask=None if args.no_input else ask)
    for label, found, mapping in (("transactions", result.transactions, result.tx_mapping),
                                  ("customers", result.customers, result.cust_mapping)):
        if found is None:
            continue
        settings = ", ".join(f"{k} {v!r}" for k, v in found.settings.items())
        print(f"{label}: {found.path} ({found.kind}; {settings}; {found.rows_sampled:,} rows sampled)")
        for role, col in mapping.items():
            print(f"  {role:<14} <- {col!r:<28} e.g. {', '.join(repr(str(v)) for v in found.samples.get(col, []))}")
        unmapped = [h for h in found.headers if h not in mapping.values()]
        if unmapped:
            print(f"  not used: {', '.join(unmapped)}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(result.text, encoding="utf-8")
    load_params(output)  # the file must validate as written
    print(f"wrote {output}; next: klantpiramide validate {output} && klantpiramide run {output}")
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    """Remove a run's intermediate data (work folder, executed notebooks); keep the report."""
    from toolkit.report import clean_output

    removed = clean_output(Path(args.output_dir))
    for path, size in removed:
        print(f"removed {path} ({size / 1024**2:.1f} MB)")
    if not removed:
        print(f"nothing to remove in {args.output_dir}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    parser = argparse.ArgumentParser(prog="klantpiramide", description=(
        "Customer-pyramid reports from a client's CRM/ERP export. Each run is described by one YAML params "
        "file; see params/demo.yaml."))
    parser.add_argument("--version", action="version", version=f"klantpiramide {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="validate, analyse and write report.html, report.pdf, customers.csv, manifest.json")
    p.add_argument("params", nargs="+", help="params YAML file(s); several run one after another")
    p.add_argument("--force", action="store_true", help="replace an earlier report of another reference date")
    p.add_argument("--keep-going", action="store_true", help="write the report even if a chapter fails")
    p.add_argument("--no-pdf", action="store_true", help="skip report.pdf")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("validate", help="check params and data and print the data-quality summary")
    p.add_argument("params")
    p.add_argument("-v", "--verbose", action="store_true", help="show progress")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("customers", help="write the customer table only (fast path, no notebooks)")
    p.add_argument("params")
    p.add_argument("-o", "--output", required=True, help="CSV file to write")
    p.set_defaults(func=cmd_customers)

    p = sub.add_parser("init", help="inspect a client's export and write a params file for it")
    p.add_argument("datafile", help="the transactions export (.csv/.txt, .xlsx, .parquet, .mdb)")
    p.add_argument("--customers", help="the customer master export")
    p.add_argument("-o", "--output", help="params file to write (default params/<client>.yaml)")
    p.add_argument("--client", help="the client's name (default: from the file name)")
    p.add_argument("--language", choices=("nl", "en"), default="nl")
    p.add_argument("--map", action="append", metavar="ROLE=COLUMN", help="choose a transactions column yourself")
    p.add_argument("--customers-map", action="append", metavar="ROLE=COLUMN",
                   help="choose a customer-master column yourself")
    p.add_argument("--no-input", action="store_true", help="never ask; fail on what cannot be decided")
    p.add_argument("--force", action="store_true", help="replace an existing params file")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("clean", help="remove a run's intermediate data (work/, executed notebooks); keep the report")
    p.add_argument("output_dir", help="the output_dir of a run")
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("demo", help="generate the demo data and build the demo report")
    p.add_argument("--language", choices=("nl", "en", "both"), default="nl")
    p.add_argument("--no-pdf", action="store_true", help="skip report.pdf")
    p.set_defaults(func=cmd_demo)
    return parser


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so temporary folders and locks are cleaned up."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``klantpiramide`` console script."""
    args = build_parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        # Without a handler SIGTERM kills at once and DuckDB's spill files (GBs) stay in the temp folder.
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return args.func(args)
    except Terminated:
        _err("terminated; temporary files removed, the previous report (if any) is unchanged.")
        return 143
    except ToolkitError as exc:
        _err(f"error: {exc}")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        _err("interrupted; the previous report (if any) is unchanged.")
        return 130


def quiet_huge_pages() -> None:
    """Let numpy not ask the kernel for transparent huge pages, unless ``NUMPY_MADVISE_HUGEPAGE`` is set.

    numpy advises huge pages for every array of 4 MB and more. Where the kernel compacts
    memory on the first touch of such pages (``defrag = madvise``, the usual default), each
    new large array waits: ``customers`` on 10M lines was 0.2-0.4 s slower (5 runs each,
    mostly in the ranking). numpy reads the variable once, at import; notebook kernels the
    run starts inherit it.

    Examples
    --------
    >>> quiet_huge_pages()  # doctest: +SKIP
    >>> os.environ["NUMPY_MADVISE_HUGEPAGE"]  # doctest: +SKIP
    '0'
    """
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")


def quiet_library_deprecations() -> None:
    """Never print a library's deprecation warning in the terminal, even while another thread lets them through.

    Python ignores them by default, but pandas' ``pandas_dtype`` shows every
    ``DeprecationWarning`` for a moment (``catch_warnings`` with ``simplefilter("always")``,
    which sets the filters of the whole process). A run converts types on one thread while
    Ibis reads ``pd.options.future.infer_string`` on another, so now and then a
    ``Pandas4Warning`` from ``ibis/formats/pandas.py`` landed between the progress lines.
    The filters cannot stop that; the function that prints warnings can.

    Examples
    --------
    >>> quiet_library_deprecations()  # doctest: +SKIP
    """
    if getattr(warnings.showwarning, "_klantpiramide", False):
        return
    shown = warnings.showwarning
    own = str(Path(__file__).resolve().parent)

    def showwarning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                    file: object = None, line: str | None = None) -> None:
        if issubclass(category, DeprecationWarning) and not str(filename).startswith(own):
            return
        shown(message, category, filename, lineno, file, line)

    showwarning._klantpiramide = True  # type: ignore[attr-defined]
    warnings.showwarning = showwarning


def console() -> None:
    """The ``klantpiramide`` console script: :func:`main`, then a quick exit.

    After a report the process holds some hundred thousand objects (WeasyPrint's, the
    libraries'). The interpreter's own exit sweeps them with a full garbage collection and
    tears every module down: 1.5-2.5 s after the work is done (demo and 10M lines). Here the
    exit handlers run as usual (temporary files, log handlers, ZeroMQ) and only that sweep is
    skipped. With another thread still running, the normal exit waits for it.

    numpy is told not to ask for transparent huge pages (:func:`quiet_huge_pages`) before
    any command imports it, and libraries' deprecation warnings stay out of the terminal
    (:func:`quiet_library_deprecations`).
    """
    quiet_huge_pages()
    quiet_library_deprecations()
    code = main()
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    console()
