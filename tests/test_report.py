"""End to end: papermill, nbconvert and WeasyPrint on the demo data, outputs checked for content."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from conftest import FEW_CHAPTERS, ROOT, demo_params, only_chapters, write_params
from toolkit.errors import ReportError
from toolkit.i18n import fmt_int, fmt_pct, t
from toolkit.report import run_report
from toolkit.segments import LAYERS, pyramid_summary

pytestmark = pytest.mark.e2e


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def personal_values(xlsx: Path, limit: int = 400) -> list[str]:
    """Names, e-mails, phones and streets from the demo customer master (the fields that must never leak)."""
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    ws = wb.active
    rows = ws.iter_rows(values_only=True)
    header = list(next(rows))
    idx = [header.index(c) for c in ("naam", "email", "telefoon", "straat")]
    out = []
    for i, row in enumerate(rows):
        if i >= limit:
            break
        out += [str(row[j]) for j in idx if row[j]]
    wb.close()
    return out


@pytest.fixture(scope="module")
def demo_nl(demo_reports) -> Path:
    return demo_reports["nl"].out


def test_progress_names_every_chapter(demo_reports):
    from toolkit.report import chapters

    n = len(chapters())
    for report in demo_reports.values():
        assert any(f"[{n}/{n}]" in m for m in report.messages), report.messages
        assert any("report.pdf written" in m for m in report.messages)


def test_progress_names_every_analysis_and_the_steps_before_the_chapters(demo_reports):
    # Between the aggregation and the first chapter a 10M-line run was silent for 70 s.
    from toolkit.analysis import registered
    from toolkit.report import chapters

    analyses = registered()
    for report in demo_reports.values():
        said = [m.strip() for m in report.messages]
        for a in analyses:
            line = next((m for m in said if m.startswith(f"analysis {a.key}: ")), None)
            assert line is not None, (a.key, said)
            # Each step the analysis has, with its seconds: "… s on the lines, … s on the customers".
            assert ("s on the lines" in line) == (a.aggregate is not None), line
            assert ("s on the customers" in line) == (a.enrich is not None), line
        steps = ["pyramid layers and ABC classes of ", f"{len(analyses)} analyses in ",
                 "results saved for the chapters in ", "customers.csv written in ",
                 "contact plan and white-space lists written in ", f"{len(chapters())} chapters on "]
        for step in steps:
            assert any(m.startswith(step) for m in said), (step, said)
        first_chapter = next(i for i, m in enumerate(said) if m.startswith("[1/"))
        assert said.index(next(m for m in said if m.startswith("results saved"))) < first_chapter


MiB = 2**20


@pytest.mark.parametrize("table_mib, available_mib, env, expected", [
    # A kernel needs 400 MiB + 1.8 x the table; the kernels may take 3/4 of the available memory.
    (1720, 9 * 1024, "", 1),    # 10M lines on a 16 GB laptop: 6,912 // 3,496 MiB
    (1720, 10 * 1024, "", 2),   # 7,680 // 3,496
    (1720, 17 * 1024, "", 3),   # 13,056 // 3,496 = 3, the cap for 2 cores
    (1720, 1024, "", 1),        # never fewer than one
    (172, 4 * 1024, "", 3),     # 1M lines: 3,072 // 709.6 = 4, capped at 3
    (1720, 1024, "2", 2),       # KLANTPIRAMIDE_WORKERS overrides the memory check
], ids=["16GB-laptop", "two-fit", "three-fit", "too-little", "small-table", "env-override"])
def test_chapter_kernels_fit_in_the_memory(monkeypatch, table_mib, available_mib, env, expected):
    import toolkit.report as report

    monkeypatch.setattr(report.os, "cpu_count", lambda: 2)
    monkeypatch.setenv("KLANTPIRAMIDE_WORKERS", env)
    assert report.chapter_workers(table_mib * MiB, available=available_mib * MiB) == expected


def test_chapter_kernels_default_to_the_machine_memory(monkeypatch):
    import psutil

    import toolkit.report as report

    monkeypatch.setattr(report.os, "cpu_count", lambda: 2)
    monkeypatch.delenv("KLANTPIRAMIDE_WORKERS", raising=False)
    monkeypatch.setattr(psutil, "virtual_memory", lambda: type("vm", (), {"available": 9 * 1024 * MiB})())
    assert report.chapter_workers(1720 * MiB) == 1
    assert report.chapter_workers() == 3  # without a table: cores + 1, at most 3


def test_outputs_exist(demo_nl):
    assert sorted(p.name for p in demo_nl.iterdir()) == ["contact_plan.csv", "contact_plan.xlsx", "customers.csv",
                                                         "manifest.json", "report.html", "report.pdf", "whitespace",
                                                         "work"]
    assert not list(demo_nl.parent.glob(".out.*")), "no staging or failed folder is left behind"


def test_manifest_reconciles_and_records_everything(demo_nl, demo_data):
    m = json.loads((demo_nl / "manifest.json").read_text())
    tx = m["inputs"]["transactions"]
    rec = tx["reconciliation"]
    assert rec["difference"] == "0.00"
    assert Decimal(rec["amount_read"]) == Decimal(rec["amount_usable"]) + Decimal(rec["amount_excluded"])
    assert tx["sha256"] == hashlib.sha256((demo_data / "transactions.csv").read_bytes()).hexdigest()
    assert tx["rows_read"] == tx["rows_usable"] + tx["rows_excluded"]
    assert m["reference_date"] == "2025-12-31"
    assert m["period"] == {"first_day": "2025-01-01", "last_day": "2025-12-31", "previous_first_day": "2024-01-01",
                           "months": 12}
    from toolkit.report import chapters

    assert [c["key"] for c in m["chapters"]] == [c.key for c in chapters()]
    assert {c["status"] for c in m["chapters"]} == {"ok"}
    assert {"pandas", "duckdb", "papermill", "nbconvert", "weasyprint"} <= set(m["environment"]["packages"])
    for name in ("report.html", "report.pdf", "customers.csv"):
        assert m["outputs"][name] == hashlib.sha256((demo_nl / name).read_bytes()).hexdigest()
    assert m["timings"]["total"] > 0


def test_demo_injected_problems_are_found(demo_nl):
    from toolkit.demo import INJECTED_PROBLEMS

    m = json.loads((demo_nl / "manifest.json").read_text())
    excl = {e["reason"]: e["rows"] for e in m["inputs"]["transactions"]["exclusions"]}
    assert excl.get("duplicate_line") == INJECTED_PROBLEMS["duplicate_lines"]
    assert excl.get("missing_customer_id") == INJECTED_PROBLEMS["missing_customer_id"]


def test_customers_csv(demo_nl):
    frame = pd.read_csv(demo_nl / "customers.csv", dtype={"customer_id": str}, low_memory=False)
    assert frame.columns[:8].tolist() == ["customer_id", "pyramid_layer", "abc_class", "revenue", "margin", "orders",
                                          "first_purchase", "last_purchase"]
    assert frame["customer_id"].is_unique
    assert set(frame["pyramid_layer"]) == set(LAYERS)
    m = json.loads((demo_nl / "manifest.json").read_text())
    assert frame["pyramid_layer"].value_counts().to_dict() == {k: v for k, v in m["row_counts"]["layers"].items() if v}
    assert not {"naam", "email", "telefoon", "straat", "name", "phone", "street"} & set(frame.columns)
    # buying customers = positive revenue; prospects never bought
    assert (frame.loc[frame["pyramid_layer"].isin(LAYERS[:5]), "revenue"] > 0).all()
    assert frame.loc[frame["pyramid_layer"] == "prospect", "first_purchase"].isna().all()


def test_html_holds_the_pyramid_table_and_no_code(demo_nl):
    html = (demo_nl / "report.html").read_text(encoding="utf-8")
    customers = pd.read_csv(demo_nl / "customers.csv", dtype={"customer_id": str}, low_memory=False)
    layers = pyramid_summary(customers)
    # every layer row of the table with its count and revenue share, formatted in Dutch
    for _, row in layers.iterrows():
        cells = (f'<td class="l">{t("layer." + row["layer"], "nl")}</td><td class="r">'
                 f'{fmt_int(row["customers"], "nl")}</td>')
        assert cells in html, cells
        assert fmt_pct(row["revenue_share"], "nl") in html
    assert "Kerncijfers" in html and "Pareto" in html and "Aansluiting van de omzet" in html
    for code in ("open_run(", "import toolkit", "from toolkit", "show(view", "params_path", "Traceback"):
        assert code not in html
    assert "<script" not in html, "the client name must be escaped and no script shipped"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<svg") >= 3
    assert "<img" not in html, "charts are inline SVG; no stray raster output of a notebook (no logo in the demo)"
    assert "http://" not in html.replace("http://www.w3.org", "")  # self-contained: no CDN


def test_pdf_pages_and_content(demo_nl):
    pages, text = pdf_text(demo_nl / "report.pdf")
    from toolkit.report import chapters

    assert len(chapters()) + 2 <= pages <= 100  # title and contents, then at least a page per chapter
    for phrase in ("Klantpiramide", "Gegevens en kwaliteit", "Inhoud", "Kerncijfers", "Tabel 1", "Figuur 1",
                   "Referentiedatum", "31 december 2025", "Pagina 2 van"):
        assert phrase in text, phrase
    layers = pyramid_summary(pd.read_csv(demo_nl / "customers.csv", dtype={"customer_id": str}, low_memory=False))
    top = layers.set_index("layer").loc["top"]
    assert re.search(rf"Top\s+{re.escape(fmt_int(top['customers'], 'nl'))}\s", text)


def test_no_personal_data_in_outputs(demo_nl, demo_data):
    values = personal_values(demo_data / "customers.xlsx")
    assert len(values) > 100
    blobs = {name: (demo_nl / name).read_text(encoding="utf-8") for name in ("report.html", "customers.csv",
                                                                             "manifest.json")}
    blobs["report.pdf"] = pdf_text(demo_nl / "report.pdf")[1]
    for name, blob in blobs.items():
        leaked = [v for v in values if v in blob]
        assert not leaked, f"{name} contains personal data: {leaked[:3]}"


def test_executed_notebooks_kept_for_audit(demo_nl):
    for nb_path in (demo_nl / "work" / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert injected and "work_dir" in injected[0].source


# --- English, overwrite protection, failing chapters (on the small demo, for speed) -------------------------

@pytest.fixture
def small_params(tmp_path, demo_small):
    def make(**overrides) -> Path:
        overrides.setdefault("chapters", only_chapters(*FEW_CHAPTERS))
        return write_params(tmp_path, demo_params(demo_small, tmp_path / "out", "demo-en.yaml", **overrides))
    return make


def test_english_report_and_byte_identical_rerun(small_params, tmp_path, monkeypatch):
    params = small_params(chapters={})  # every chapter: all of them must be deterministic
    chdirs: list[str] = []
    real_chdir, cwd = os.chdir, os.getcwd()
    # Chapters run in threads: nothing may move the process-wide working directory elsewhere
    # (papermill's own chdir to the current directory around file reads is harmless).
    monkeypatch.setattr(os, "chdir", lambda p: (chdirs.append(str(p)), real_chdir(p)))
    out = run_report(params)
    assert set(chdirs) <= {cwd}
    html = (out / "report.html").read_text(encoding="utf-8")
    _, text = pdf_text(out / "report.pdf")
    for phrase in ("Customer pyramid", "Data and quality", "Key figures", "Revenue reconciliation", "Page 2 of"):
        assert phrase in html or phrase in text, phrase
    for dutch in ("Kerncijfers", "Pagina", "Per klant", "Aansluiting", "Inhoud"):
        assert dutch not in text, dutch
    first = (out / "customers.csv").read_bytes()
    svg_first = re.findall(r"<svg.*?</svg>", html, re.S)
    out = run_report(params, pdf=False)
    assert (out / "customers.csv").read_bytes() == first
    assert re.findall(r"<svg.*?</svg>", (out / "report.html").read_text(encoding="utf-8"), re.S) == svg_first


def test_other_reference_date_does_not_overwrite(small_params):
    out = run_report(small_params(), pdf=False)
    before = (out / "manifest.json").read_bytes()
    with pytest.raises(ReportError, match=r"already holds a report for reference date 2025-12-31.*--force"):
        run_report(small_params(reference_date="2025-06-30"), pdf=False)
    assert (out / "manifest.json").read_bytes() == before
    run_report(small_params(reference_date="2025-06-30"), pdf=False, force=True)
    assert json.loads((out / "manifest.json").read_text())["reference_date"] == "2025-06-30"


def test_failing_chapter_keeps_previous_report(small_params, tmp_path, monkeypatch):
    out = run_report(small_params(), pdf=False)
    before = (out / "report.html").read_bytes()
    broken = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", broken)
    nb = nbformat.read(broken / "02-customer-pyramid.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('boom in chapter')"))
    nbformat.write(nb, broken / "02-customer-pyramid.ipynb")
    monkeypatch.setenv("KLANTPIRAMIDE_NOTEBOOKS", str(broken))
    with pytest.raises(ReportError) as err:
        run_report(small_params(), pdf=False)
    msg = str(err.value)
    assert "chapter 'pyramid' failed: RuntimeError: boom in chapter" in msg
    failed_nb = Path(re.search(r"the executed notebook with the error is (\S+\.ipynb)", msg).group(1))
    assert failed_nb.is_file()
    assert "previous report in the output folder is unchanged" in msg
    assert (out / "report.html").read_bytes() == before
    # --keep-going writes the report with the failed chapter marked
    run_report(small_params(), pdf=False, keep_going=True)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "This chapter could not be produced: RuntimeError: boom in chapter" in html
    assert json.loads((out / "manifest.json").read_text())["chapters"][1]["status"] == "failed"


def _box_text(box) -> str:
    """The text inside a layout box (to say which table or paragraph overflows)."""
    if hasattr(box, "text"):
        return box.text
    return " ".join(filter(None, (_box_text(c) for c in getattr(box, "children", []))))


def _overflowing_boxes(document) -> list[str]:
    """Tables, figures and text blocks whose right edge passes the page's text area (WeasyPrint layout)."""
    problems = []
    for number, page in enumerate(document.pages, 1):
        box = page._page_box  # the laid-out page; private but stable across WeasyPrint releases
        right = box.content_box_x() + box.width
        stack = list(box.children)
        while stack:
            b = stack.pop()
            stack.extend(getattr(b, "children", []))
            tag = getattr(b, "element_tag", "")
            if tag in ("table", "figure", "p", "svg", "li") and b.position_x + b.margin_width() > right + 0.5:
                problems.append(f"page {number}: <{tag}> ends at {b.position_x + b.margin_width():.0f}px "
                                f"> {right:.0f}px: {_box_text(b)[:60]!r}")
    return problems


def _captions_apart(document) -> list[str]:
    """Pages where a table caption ends up without any row of its table (the table pushed to a later page)."""
    problems = []
    for number, page in enumerate(document.pages, 1):
        stack = list(page._page_box.children)
        while stack:
            b = stack.pop()
            element = getattr(b, "element", None)
            if element is not None and "kp-table-wrap" in (element.get("class") or "").split():
                inside, tags = list(getattr(b, "children", [])), set()
                while inside:
                    c = inside.pop()
                    tags.add(getattr(c, "element_tag", ""))
                    inside.extend(getattr(c, "children", []))
                if "td" not in tags:
                    problems.append(f"page {number}: {_box_text(b)[:60]!r}")
            else:
                stack.extend(getattr(b, "children", []))
    return problems


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nothing_overflows_the_page(lang, demo_reports):
    # The English demo carries a very long client name (conftest.DEMO_CLIENTS).
    from toolkit.report import render_document

    out = demo_reports[lang].out
    document = render_document((out / "report.html").read_text(encoding="utf-8"), out)
    assert not _overflowing_boxes(document)
    assert not _captions_apart(document)


def test_branding_chapter_switches_and_key_figures(small_params, tmp_path):
    import base64

    logo = tmp_path / "logo.png"
    # a 1x1 PNG
    logo.write_bytes(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAA"
                                      "AABJRU5ErkJggg=="))
    out = run_report(small_params(branding={"logo": str(logo), "primary_color": "#2E7D32"},
                                  chapters=only_chapters("pyramid")), pdf=False)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in html and "--primary: #2E7D32" in html
    assert 'id="ch-quality"' not in html and 'id="ch-pyramid"' in html
    manifest = json.loads((out / "manifest.json").read_text())
    assert "quality" not in [c["key"] for c in manifest["chapters"]]
    assert 0 < manifest["key_figures"]["top20_revenue_share"] < 1
    with pytest.raises(ReportError, match=re.escape("chapters: 'pyramide' is not a chapter. Did you mean 'pyramid'?")):
        run_report(small_params(chapters={"pyramide": False}), pdf=False)


@pytest.mark.parametrize("problem", ["typo", "no-notebooks"])
def test_chapter_problems_stop_the_run_before_the_analysis(small_params, tmp_path, monkeypatch, problem):
    # Without notebooks a run wrote a report with no chapters, and said "0 chapters on 1 kernel".
    if problem == "typo":
        params, expected = small_params(chapters={"pyramide": False}), "'pyramide' is not a chapter"
    else:
        params = small_params()
        (tmp_path / "empty").mkdir()
        monkeypatch.setenv("KLANTPIRAMIDE_NOTEBOOKS", str(tmp_path / "empty"))
        expected = (f"No chapter notebooks in {tmp_path / 'empty'} .* point KLANTPIRAMIDE_NOTEBOOKS to the "
                    "project's notebooks folder")
    said: list[str] = []
    with pytest.raises(ReportError, match=expected):
        run_report(params, pdf=False, progress=said.append)
    assert said == []  # nothing analysed first
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out*")), "no output, no staging folder"


def test_exports_are_listed_in_the_manifest_and_hold_no_personal_data(demo_nl, demo_data):
    from toolkit.actions import PLAN_COLUMNS

    customers = pd.read_csv(demo_nl / "customers.csv", dtype={"customer_id": str}, low_memory=False)
    plan = pd.read_csv(demo_nl / "contact_plan.csv", dtype={"customer_id": str})
    assert plan.columns[:len(PLAN_COLUMNS)].tolist() == list(PLAN_COLUMNS)
    assert sorted(plan["customer_id"]) == sorted(customers["customer_id"])
    lists = sorted(p.name for p in (demo_nl / "whitespace").iterdir())
    summary = pd.read_parquet(demo_nl / "work" / "frames" / "products_whitespace_summary.parquet")
    assert len(lists) == (summary["candidates"] > 0).sum() and all(n.startswith("whitespace_") for n in lists)
    outputs = json.loads((demo_nl / "manifest.json").read_text())["outputs"]
    for name in ("contact_plan.csv", "contact_plan.xlsx", *(f"whitespace/{n}" for n in lists)):
        assert outputs[name] == hashlib.sha256((demo_nl / name).read_bytes()).hexdigest(), name
    values = personal_values(demo_data / "customers.xlsx")
    for path in [demo_nl / "contact_plan.csv", *(demo_nl / "whitespace").iterdir()]:
        text = path.read_text(encoding="utf-8")
        assert not [v for v in values if v in text], path


def test_exports_of_an_earlier_run_do_not_linger(small_params, tmp_path):
    out = run_report(small_params(), pdf=True)
    assert (out / "whitespace").is_dir() and (out / "report.pdf").is_file()
    data = yaml.safe_load(small_params().read_text(encoding="utf-8"))
    del data["transactions"]["columns"]["product_group"]  # no product groups: no white space
    run_report(write_params(tmp_path, data), pdf=False)
    assert not (out / "whitespace").exists() and not (out / "report.pdf").exists()
    assert (out / "contact_plan.csv").is_file()


def test_collector_paused_restores_the_collectors_state():
    import gc

    from toolkit.report import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a failing PDF")
    assert gc.isenabled()
    gc.disable()  # paused by the caller: stays paused
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
