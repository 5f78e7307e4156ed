"""Params validation: every user mistake gets one clear message naming file, key and fix."""

from __future__ import annotations

import pytest
import yaml

from conftest import ROOT, params_dict, write, write_params
from toolkit.errors import ParamsError
from toolkit.params import load_params, parse_params


def test_demo_params_are_valid():
    for name in ("demo.yaml", "demo-en.yaml"):
        p = load_params(ROOT / "params" / name, check_files=False)
        assert p.client == "Demo BV"
        assert p.pyramid_shares == {"top": 1, "large": 4, "medium_large": 15, "medium_small": 30, "small": 50}
        assert p.transactions_path.name == "transactions.csv"
        assert p.output_path.parent.name == "outputs"


def test_defaults():
    p = parse_params(params_dict(reference_date=None))
    assert (p.language, p.period_months, p.pyramid_basis, p.abc_thresholds) == ("nl", 12, "revenue", (80, 95))
    assert p.reference_date is None
    assert p.customers is None


def test_typo_in_key_names_line_and_suggestion(tmp_path):
    text = yaml.safe_dump(params_dict(), sort_keys=False).replace("pyramid_basis:", "pyramid_bassis:")
    path = write(tmp_path / "p.yaml", text)
    with pytest.raises(ParamsError) as err:
        load_params(path, check_files=False)
    msg = str(err.value)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("pyramid_bassis"))
    assert f"p.yaml, line {line}" in msg
    assert "unknown key 'pyramid_bassis'" in msg
    assert "Did you mean 'pyramid_basis'?" in msg


def test_typo_in_nested_column_role(tmp_path):
    data = params_dict()
    data["transactions"]["columns"]["amout"] = data["transactions"]["columns"].pop("amount")
    path = write_params(tmp_path, data)
    with pytest.raises(ParamsError) as err:
        load_params(path, check_files=False)
    msg = str(err.value)
    assert "unknown key 'amout' in transactions.columns" in msg
    assert "Did you mean 'amount'?" in msg
    assert "required key 'transactions.columns.amount' is missing" in msg


@pytest.mark.parametrize(("override", "expected"), [
    ({"language": "de"}, "'de' is not allowed for language; use 'nl' or 'en'"),
    ({"pyramid_basis": "volume"}, "'volume' is not allowed for pyramid_basis; use 'revenue', 'margin' or 'profit'"),
    ({"period_months": 0}, "period_months: input should be greater than or equal to 1"),
    ({"period_months": "twelve"}, "period_months: 'twelve' is not a whole number"),
    ({"reference_date": "31-12-2025"}, "reference_date: '31-12-2025' is not a date; write it as YYYY-MM-DD"),
    ({"pyramid_shares": {"top": 1, "large": 4, "medium_large": 15, "medium_small": 30, "small": 40}},
     "the layer shares add up to 90 %, they must add up to 100"),
    ({"abc_thresholds": [95, 80]}, "write two percentages with 0 < A < B < 100"),
    ({"client": ""}, "client"),
])
def test_invalid_values(override, expected):
    with pytest.raises(ParamsError) as err:
        parse_params(params_dict(**override), source="p.yaml")
    assert expected in str(err.value)
    assert str(err.value).startswith("p.yaml")


def test_margin_basis_needs_margin_column():
    data = params_dict(pyramid_basis="margin")
    del data["transactions"]["columns"]["margin"]
    with pytest.raises(ParamsError, match="map the margin column"):
        parse_params(data)


def test_missing_data_file_names_key_and_resolved_path(tmp_path):
    path = write_params(tmp_path, params_dict(tx="nope/tx.csv"))
    with pytest.raises(ParamsError) as err:
        load_params(path)
    msg = str(err.value)
    assert "transactions.path 'nope/tx.csv' not found" in msg
    assert str(tmp_path / "nope" / "tx.csv") in msg


def test_unsupported_file_type(tmp_path):
    write(tmp_path / "tx.json", "{}")
    path = write_params(tmp_path, params_dict(tx="tx.json"))
    with pytest.raises(ParamsError, match=r"unsupported type '\.json'"):
        load_params(path)


def test_tab_indentation(tmp_path):
    path = write(tmp_path / "p.yaml", "client: x\ntransactions:\n\tpath: tx.csv\n")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert "p.yaml, line 3" in str(err.value)
    assert "YAML indents with spaces only" in str(err.value)


def test_bad_indentation(tmp_path):
    path = write(tmp_path / "p.yaml", "client: x\ntransactions:\n  path: tx.csv\n columns: {}\n")
    with pytest.raises(ParamsError, match=r"line 4.*YAML syntax error"):
        load_params(path)


def test_empty_and_non_mapping_files(tmp_path):
    with pytest.raises(ParamsError, match="the params file is empty"):
        load_params(write(tmp_path / "e.yaml", ""))
    with pytest.raises(ParamsError, match="must be a YAML mapping"):
        load_params(write(tmp_path / "l.yaml", "- a\n- b\n"))
    with pytest.raises(ParamsError, match="params file not found"):
        load_params(tmp_path / "missing.yaml")


def test_paths_are_relative_to_the_params_file(tmp_path):
    write(tmp_path / "sub" / "tx.csv", "x")
    path = write_params(tmp_path / "sub", params_dict(output_dir="../reports/x"))
    p = load_params(path)
    assert p.transactions_path == (tmp_path / "sub" / "tx.csv").resolve()
    assert p.output_path == (tmp_path / "reports" / "x").resolve()
