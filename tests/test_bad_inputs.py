"""The corpus of hostile and messy inputs (tests/data/bad): each ends as cases.yaml says.

Either a clear error (exit code 2, one message naming the file, column or key and the
fix, no traceback) or a completed run whose data-quality chapter lists the problem.
"""

from __future__ import annotations

import contextlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, write_params
from toolkit.cli import main
from toolkit.params import load_params
from toolkit.pipeline import analyse
from toolkit.views import examples_table, quality_notes, reconciliation_table

BAD = ROOT / "tests" / "data" / "bad"
CASES = yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8"))
BASE = {"client": "Corpus BV", "language": "en", "reference_date": "2025-12-31", "output_dir": "out",
        "transactions": {"path": None, "columns": {"customer_id": "klantnr", "date": "datum", "amount": "omzet",
                                                   "margin": "marge", "order_id": "factuurnr"}}}


def test_every_file_in_the_corpus_has_a_case():
    files = {p.name for p in BAD.iterdir() if p.name != "cases.yaml"}
    assert files == set(CASES), files ^ set(CASES)
    assert len(CASES) >= 25


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def params_for(name: str, case: dict, tmp_path: Path) -> Path:
    if case.get("role") == "params":
        return BAD / name
    data = _merge(BASE, case.get("params", {}))
    data["output_dir"] = str(tmp_path / "out")
    if case.get("role") == "customers":
        data["transactions"]["path"] = str(BAD / "duplicate_lines.csv")
        data["customers"] = {"path": str(BAD / name), "columns": {"customer_id": "klantnr", "postcode": "postcode"}}
    else:
        data["transactions"]["path"] = str(BAD / name)
    data["transactions"] = {k: v for k, v in data["transactions"].items() if v is not None}
    return write_params(tmp_path, data)


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name, tmp_path):
    case = CASES[name]
    params = params_for(name, case, tmp_path)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", str(params)])
    if case["expect"] == "error":
        assert code == 2, out.getvalue()
        message = err.getvalue()
        assert message.startswith("error: ") and "Traceback" not in message
        for phrase in case["message"]:
            assert phrase in message, (phrase, message)
        return
    assert code == 0, err.getvalue()
    results = analyse(load_params(params))
    role = "customers" if case.get("role") == "customers" else "transactions"
    tx = results.quality["transactions"]
    if "usable" in case:
        assert tx.rows_usable == case["usable"]
    excluded = {e["reason"]: e["rows"] for e in tx.exclusions}
    assert excluded == case.get("excluded", {})
    assert tx.rows_read == tx.rows_usable + sum(excluded.values())
    # the amount column reconciles to the cent
    assert Decimal(tx.amount_read) == Decimal(tx.amount_usable) + sum(Decimal(e["amount"] or 0)
                                                                       for e in tx.exclusions)
    if "amount_usable" in case:
        assert tx.amount_usable == case["amount_usable"]
    for key, value in case.get("format", {}).items():
        assert tx.file_format[key] == value
    for reason, rows in case.get("examples", {}).items():
        assert [e["row"] for e in tx.examples if e["reason"] == reason] == rows
    if "customers" in case:
        assert (results.customers["first_purchase"].notna()).sum() == case["customers"]
    if "customer_ids" in case:
        buying = results.customers.loc[results.customers["revenue"] > 0, "customer_id"]
        assert sorted(buying) == case["customer_ids"]
    if role == "customers":
        got = {e["reason"]: e["rows"] for e in results.quality["customers"].exclusions}
        assert got == case["customers_excluded"]
    # the data-quality chapter lists every reason and note, in words
    chapter = reconciliation_table(results) + examples_table(results, role) + quality_notes(results)
    from toolkit.i18n import t
    from toolkit.views import note_text

    lang = results.params.language  # the chapter speaks the run's language
    for reason in (case.get("customers_excluded") or excluded):
        assert t(f"reason.{reason}", lang).lower() in chapter.lower()
    codes = [w["code"] for rep in results.quality.values() for w in rep.warnings] + [n["code"] for n in results.notes]
    for code in case.get("notes", []):
        assert code in codes, codes
        note = next(w for rep in results.quality.values() for w in rep.warnings + results.notes if w["code"] == code)
        assert note_text(note, lang).split(" (")[0][:30] in chapter.replace("&#x27;", "'")


@pytest.mark.e2e
def test_client_name_with_quotes_newlines_and_code_is_only_text(tmp_path):
    from toolkit.report import run_report

    marker = tmp_path / "pwned.txt"
    data = yaml.safe_load((BAD / "params_code_in_client.yaml").read_text(encoding="utf-8"))
    data["client"] += f"__import__('pathlib').Path({str(marker)!r}).touch()\n\"\"\"'''{{{{}}}}\n"
    data["transactions"]["path"] = str(BAD / "duplicate_lines.csv")
    data["output_dir"] = str(tmp_path / "out")
    out = run_report(write_params(tmp_path, data), pdf=True)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert not marker.exists(), "text from the params was executed"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "__import__(&#x27;pathlib&#x27;)" in html
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["client"] == data["client"] and not manifest["notebook_messages"]


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["mixed_date_formats.csv", "merged_cells.xlsx", "million_identical_rows.csv.gz"])
def test_messy_files_give_a_full_report_listing_the_problem(name, tmp_path):
    from toolkit.report import run_report

    case = CASES[name]
    out = run_report(params_for(name, case, tmp_path), pdf=False)
    html = (out / "report.html").read_text(encoding="utf-8")
    from toolkit.i18n import t

    for reason in case.get("excluded", {}):
        assert t(f"reason.{reason}", "en") in html
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"]["transactions"]["reconciliation"]["difference"] == "0.00"
