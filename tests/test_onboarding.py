"""`klantpiramide init`: realistic exports in, a params file out that validates and runs without edits."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import write
from toolkit.errors import DataError
from toolkit.onboarding import CUSTOMER_ROLES, TRANSACTION_ROLES, guess_mapping, init_params, inspect_file
from toolkit.params import load_params
from toolkit.pipeline import analyse

DUTCH = ("Debiteurnummer;Factuurnummer;Factuurdatum;Artikelgroep;Aantal;Bedrag excl. BTW;Brutowinst\n"
         "D0012;F-2025-001;03-01-2025;Planten;2;1.250,00;312,50\n"
         "D0013;F-2025-002;15-01-2025;Potten;1;49,95;19,98\n"
         "D0012;F-2025-003;28-02-2025;Planten;4;2.100,40;610,00\n"
         "D0099;F-2025-004;14-03-2025;Grond;10;-35,00;-7,00\n")
ENGLISH = ("Customer ID,Invoice Date,Invoice No,Product Category,Qty,Net Amount,Gross Profit\n"
           "C-1,2025-01-03,INV-1,Plants,2,1250.00,312.50\n"
           "C-2,2025-01-15,INV-2,Pots,1,49.95,19.98\n"
           "C-1,2025-02-28,INV-3,Plants,4,\"2,100.40\",610.00\n")


def run_init(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit.cli", "init", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("headers", "expected"), [
    (["Relatienummer", "Orderdatum", "Netto bedrag"], {"customer_id": "Relatienummer", "date": "Orderdatum",
                                                       "amount": "Netto bedrag"}),
    (["Klantnr.", "Datum", "Omzet", "Marge", "Bonnr"], {"customer_id": "Klantnr.", "date": "Datum", "amount": "Omzet",
                                                        "margin": "Marge", "order_id": "Bonnr"}),
    (["customer_id", "order_date", "sales", "gross_profit"], {"customer_id": "customer_id", "date": "order_date",
                                                              "amount": "sales", "margin": "gross_profit"}),
])
def test_guess_mapping_from_dutch_and_english_headers(headers, expected):
    assert guess_mapping(headers, TRANSACTION_ROLES)[0] == expected


def test_customer_master_headers():
    headers = ["Relatienummer", "Naam", "Postcode", "Woonplaats", "Klant sinds", "Herkomst", "E-mailadres"]
    assert guess_mapping(headers, CUSTOMER_ROLES)[0] == {
        "customer_id": "Relatienummer", "postcode": "Postcode", "created": "Klant sinds", "channel": "Herkomst",
        "city": "Woonplaats", "name": "Naam", "email": "E-mailadres"}


def test_content_decides_between_look_alike_columns(tmp_path):
    # 'Datum' holds no dates here (it is a text code), 'Boekdatum' does: the date is Boekdatum.
    path = write(tmp_path / "x.csv", "Klant;Datum;Boekdatum;Omzet\n1;A;01-02-2025;10,00\n2;B;02-02-2025;5,00\n")
    found = inspect_file(path)
    assert found.settings["decimal"] == ","
    from toolkit.onboarding import fitting_columns

    assert guess_mapping(found.headers, TRANSACTION_ROLES, fits=fitting_columns(found, TRANSACTION_ROLES))[0][
        "date"] == "Boekdatum"


def test_dutch_semicolon_export_validates_without_edits(tmp_path):
    write(tmp_path / "data" / "verkoop 2025.csv", DUTCH)
    proc = run_init("data/verkoop 2025.csv", "--client", "Tuincentrum 'De Groei' B.V.", "--no-input", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    params = tmp_path / "params" / "tuincentrum-de-groei-b-v.yaml"
    assert "customer_id    <- 'Debiteurnummer'" in proc.stdout
    data = yaml.safe_load(params.read_text())
    assert data["transactions"]["columns"] == {"customer_id": "Debiteurnummer", "date": "Factuurdatum",
                                               "amount": "Bedrag excl. BTW", "margin": "Brutowinst",
                                               "order_id": "Factuurnummer", "product_group": "Artikelgroep",
                                               "quantity": "Aantal"}
    assert data["transactions"]["date_format"] == "%d-%m-%Y" and data["transactions"]["decimal"] == ","
    results = analyse(load_params(params))
    assert results.quality["transactions"].amount_usable == "3365.35"
    assert results.customers.set_index("customer_id").loc["D0012", "revenue"] == 3350.40


def test_english_comma_export(tmp_path):
    write(tmp_path / "sales.csv", ENGLISH)
    proc = run_init("sales.csv", "--language", "en", "-o", "acme.yaml", "--no-input", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load((tmp_path / "acme.yaml").read_text())
    assert data["language"] == "en" and data["transactions"]["decimal"] == "."
    assert data["transactions"]["columns"]["amount"] == "Net Amount"
    assert analyse(load_params(tmp_path / "acme.yaml")).quality["transactions"].amount_usable == "3400.35"


def test_excel_with_title_row_and_serial_dates(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Export"
    ws.append(["Verkoopoverzicht Q1 2025"])
    ws.append([])
    ws.append(["Relatienummer", "Orderdatum", "Netto bedrag", "Kanaal"])
    for row in [[1001, 45660, 120.5, "winkel"], [1002, 45700, 80.0, "online"], [1001, 45730, 40.25, "online"]]:
        ws.append(row)
    wb.save(tmp_path / "export.xlsx")
    master = openpyxl.Workbook()
    ws = master.active
    ws.append(["Relatienummer", "Naam", "Postcode", "Klant sinds", "Herkomst"])
    for row in [[1001, "A. Jansen", "3511 AB", dt.datetime(2020, 5, 1), "beurs"],
                [1002, "B. de Vries", "1234ab", dt.datetime(2024, 1, 9), "website"],
                [1003, "C. Bakker", "9999 ZZ", dt.datetime(2025, 3, 1), "website"]]:
        ws.append(row)
    master.save(tmp_path / "klanten.xlsx")
    proc = run_init("export.xlsx", "--customers", "klanten.xlsx", "-o", "p.yaml", "--no-input", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load((tmp_path / "p.yaml").read_text())
    assert data["transactions"]["columns"]["date"] == "Orderdatum"
    assert data["customers"]["columns"] == {"customer_id": "Relatienummer", "postcode": "Postcode",
                                            "created": "Klant sinds", "channel": "Herkomst", "name": "Naam"}
    results = analyse(load_params(tmp_path / "p.yaml"))
    # serials 45660, 45700, 45730 = 2025-01-03, 2025-02-12, 2025-03-14
    assert results.data_first == dt.date(2025, 1, 3) and results.data_last == dt.date(2025, 3, 14)
    assert (results.customers["pyramid_layer"] == "prospect").sum() == 1


def test_undecided_columns_fail_clearly_without_input_and_are_asked_otherwise(tmp_path):
    write(tmp_path / "raar.csv", "Wie;Wanneer;Hoeveel\nK1;01-02-2025;10,00\nK2;03-02-2025;20,00\n")
    proc = run_init("raar.csv", "-o", "p.yaml", "--no-input", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "could not decide which column holds the customer number" in proc.stderr
    assert "pass --map customer_id=<column>" in proc.stderr
    # answered at the prompts: customer = 1 (Wie), then date = 1 (Wanneer of the rest), amount = 1 (Hoeveel)
    proc = run_init("raar.csv", "-o", "p.yaml", cwd=tmp_path, stdin="1\n1\n1\n")
    assert proc.returncode == 0, proc.stderr
    cols = yaml.safe_load((tmp_path / "p.yaml").read_text())["transactions"]["columns"]
    assert cols == {"customer_id": "Wie", "date": "Wanneer", "amount": "Hoeveel"}
    proc = run_init("raar.csv", "-o", "q.yaml", "--no-input", "--map", "customer_id=Wie", "--map", "date=Wanneer",
                    "--map", "amount=Hoeveel", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = run_init("raar.csv", "-o", "q.yaml", "--no-input", cwd=tmp_path)
    assert proc.returncode == 2 and "q.yaml exists" in proc.stderr


def test_unknown_column_in_map(tmp_path):
    write(tmp_path / "x.csv", DUTCH)
    with pytest.raises(DataError, match="--map amount=Bedrag: there is no column 'Bedrag'"):
        init_params(tmp_path / "x.csv", output=tmp_path / "p.yaml", tx_overrides={"amount": "Bedrag"})
