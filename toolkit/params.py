"""The one schema for a run's YAML parameter file, and its validation.

papermill accepts misspelled parameters silently, so every run is validated
here before anything executes: unknown keys, wrong values, missing files and
mapped columns that are not in the file each get one message that names the
file, the key (with its line in the YAML) and the fix.

Example
-------
>>> from toolkit.params import parse_params
>>> p = parse_params({"client": "Demo BV", "output_dir": "out",
...                   "transactions": {"path": "t.csv", "columns": {
...                       "customer_id": "klant", "date": "datum", "amount": "omzet"}}})
>>> p.pyramid_basis, p.period_months
('revenue', 12)
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from toolkit.errors import ParamsError

#: Pyramid layers of buying customers, top first, with their default share (%) of buying customers.
DEFAULT_PYRAMID_SHARES: dict[str, float] = {
    "top": 1,
    "large": 4,
    "medium_large": 15,
    "medium_small": 30,
    "small": 50,
}

#: Default ABC cut-offs: A while the cumulative revenue share before a customer is < 80 %, B < 95 %.
DEFAULT_ABC_THRESHOLDS: tuple[float, float] = (80.0, 95.0)

SUPPORTED_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".csv.gz": "csv", ".txt.gz": "csv",
                      ".tsv.gz": "csv", ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel", ".ods": "excel",
                      ".parquet": "parquet", ".pq": "parquet"}


def file_kind(path: Path) -> str | None:
    """``csv``, ``excel`` or ``parquet`` by the file name's ending (``.csv.gz`` counts as CSV); None if unsupported.

    Examples
    --------
    >>> file_kind(Path("export.CSV.gz")), file_kind(Path("x.json"))
    ('csv', None)
    """
    name = path.name.lower()
    return next((kind for suffix, kind in sorted(SUPPORTED_SUFFIXES.items(), key=lambda kv: -len(kv[0]))
                 if name.endswith(suffix)), None)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TransactionColumns(_Strict):
    """Which column of the transactions file holds each canonical field."""

    customer_id: str
    date: str
    amount: str
    margin: str | None = None
    order_id: str | None = None
    product_group: str | None = None
    quantity: str | None = None
    sales_channel: str | None = None


class CustomerColumns(_Strict):
    """Which column of the customer master holds each canonical field."""

    customer_id: str
    postcode: str | None = None
    created: str | None = None
    channel: str | None = None
    customer_type: str | None = None
    birth_date: str | None = None
    gender: str | None = None
    city: str | None = None
    # Personal data: read only to be kept out of every output (see PERSONAL_FIELDS).
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    street: str | None = None


#: Canonical customer fields that identify a person; never written to reports or exports.
PERSONAL_FIELDS = ("name", "email", "phone", "street")

#: Canonical fields that hold dates (parsed like the transaction date).
DATE_FIELDS = {"date", "created", "birth_date"}
#: Canonical fields that hold money amounts (decimal comma/point, currency symbols).
AMOUNT_FIELDS = {"amount", "margin"}
#: Canonical fields that hold other numbers.
NUMBER_FIELDS = {"quantity"}


class _Source(_Strict):
    path: str
    sheet: str | int | None = Field(None, description="Excel sheet name or 0-based index; default the first.")
    delimiter: Literal[",", ";", "\t", "|"] | None = None
    encoding: Literal["utf-8", "latin-1", "cp1252"] | None = None
    decimal: Literal[",", "."] | None = None
    date_format: str | None = None

    @field_validator("date_format")
    @classmethod
    def _date_format_has_directives(cls, v: str | None) -> str | None:
        if v is not None and "%" not in v:
            raise ValueError(
                f"date_format {v!r} has no strftime directives; write it like \"%d-%m-%Y\" or \"%Y-%m-%d\"")
        return v

    def resolved_path(self, base: Path) -> Path:
        """The source path, resolved against the params file's folder."""
        p = Path(os.path.expanduser(self.path))
        return p if p.is_absolute() else (base / p).resolve()


class TransactionsSource(_Source):
    """The transaction (order line / invoice line) file."""

    columns: TransactionColumns
    drop_duplicate_lines: bool = True


class CustomersSource(_Source):
    """The optional customer master: customers without purchases become prospects."""

    columns: CustomerColumns


class TableSource(_Source):
    """An extra input table (support contacts, outlets, households per region, …).

    ``columns`` maps the canonical names the analysis asks for to the file's columns.
    """

    columns: dict[str, str]


class RunParams(_Strict):
    """A validated run description (one YAML file)."""

    client: str = Field(min_length=1, max_length=200)
    language: Literal["nl", "en"] = "nl"
    reference_date: dt.date | None = None
    period_months: int = Field(12, ge=1, le=120)
    pyramid_basis: Literal["revenue", "margin", "profit"] = "revenue"
    pyramid_shares: dict[Literal["top", "large", "medium_large", "medium_small", "small"], float] = Field(
        default_factory=lambda: dict(DEFAULT_PYRAMID_SHARES))
    abc_thresholds: tuple[float, float] = DEFAULT_ABC_THRESHOLDS
    transactions: TransactionsSource
    customers: CustomersSource | None = None
    output_dir: str
    consultant: str | None = Field(None, max_length=200)
    # Personal fields (name, e-mail, phone, street) go into customers.csv only when true; never into reports.
    include_personal_data: bool = False
    # Where the params came from; set by load_params, not by the user.
    source_file: str | None = Field(None, exclude=True)

    @field_validator("pyramid_shares")
    @classmethod
    def _shares_complete(cls, v: dict[str, float]) -> dict[str, float]:
        missing = [k for k in DEFAULT_PYRAMID_SHARES if k not in v]
        if missing:
            raise ValueError(f"give a share for every layer; missing: {', '.join(missing)}")
        if any(s <= 0 for s in v.values()):
            raise ValueError("every layer share must be above 0")
        total = sum(Fraction(str(s)) for s in v.values())
        if total != 100:
            raise ValueError(f"the layer shares add up to {float(total):g} %, they must add up to 100")
        return {k: v[k] for k in DEFAULT_PYRAMID_SHARES}

    @field_validator("abc_thresholds")
    @classmethod
    def _abc_order(cls, v: tuple[float, float]) -> tuple[float, float]:
        a, b = v
        if not 0 < a < b < 100:
            raise ValueError("write two percentages with 0 < A < B < 100, e.g. [80, 95]")
        return v

    @model_validator(mode="after")
    def _margin_basis_needs_margin(self) -> RunParams:
        if self.pyramid_basis in ("margin", "profit") and self.transactions.columns.margin is None:
            raise ValueError(
                f"pyramid_basis is '{self.pyramid_basis}' but transactions.columns has no 'margin' column; "
                "map the margin column (e.g. margin: marge) or use pyramid_basis: revenue")
        return self

    @property
    def base_dir(self) -> Path:
        """The folder paths in the params are relative to."""
        return Path(self.source_file).resolve().parent if self.source_file else Path.cwd()

    @property
    def output_path(self) -> Path:
        """The resolved output folder."""
        p = Path(os.path.expanduser(self.output_dir))
        return p if p.is_absolute() else (self.base_dir / p).resolve()

    @property
    def transactions_path(self) -> Path:
        """The resolved transactions file."""
        return self.transactions.resolved_path(self.base_dir)

    @property
    def customers_path(self) -> Path | None:
        """The resolved customer master file, if any."""
        return self.customers.resolved_path(self.base_dir) if self.customers else None


# ---------------------------------------------------------------------------------------------
# Loading and friendly messages


def _yaml_lines(text: str) -> dict[tuple, int]:
    """Map each key path in the YAML text to its 1-based line number."""
    lines: dict[tuple, int] = {}
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines

    def walk(node: Any, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = (*path, k.value)
                lines[key] = k.start_mark.line + 1
                walk(v, key)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                lines[(*path, i)] = v.start_mark.line + 1
                walk(v, (*path, i))

    walk(root, ())
    return lines


def _model_for(loc: tuple) -> type[BaseModel] | None:
    """The model whose fields live at ``loc`` (for did-you-mean suggestions)."""
    model: type[BaseModel] | None = RunParams
    for part in loc:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            return None
        ann = model.model_fields[part].annotation
        candidates = [a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        model = candidates[0] if candidates else None
    return model


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _describe(err: dict, raw: dict) -> str:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
    key = ".".join(str(p) for p in loc) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        parent = _model_for(loc[:-1])
        options = [f for f in parent.model_fields if f != "source_file"] if parent else []
        where = ".".join(str(p) for p in loc[:-1]) or "the top level"
        return (f"unknown key '{loc[-1]}' in {where}.{_suggest(str(loc[-1]), options)} "
                f"Allowed keys: {', '.join(options)}.")
    if kind == "missing":
        return f"required key '{key}' is missing; add it (see params/demo.yaml for an example)."
    if kind == "literal_error":
        return f"'{err.get('input')}' is not allowed for {key}; use {err['ctx']['expected']}."
    if kind.startswith("date"):
        return f"{key}: '{err.get('input')}' is not a date; write it as YYYY-MM-DD, e.g. 2025-12-31."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{key}: '{err.get('input')}' is not a whole number."
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{key}: {err['msg'].lower()} (got {err.get('input')})."
    if kind in ("string_type",):
        return f"{key}: expected text, got {err.get('input')!r}."
    if kind in ("dict_type", "model_type"):
        return f"{key}: expected a mapping of keys to values (indented lines 'key: value'), got {err.get('input')!r}."
    if kind == "value_error":
        return f"{key}: {str(err['msg']).removeprefix('Value error, ')}."
    return f"{key}: {err['msg']} (got {err.get('input')!r})."


def parse_params(raw: Any, *, source: str | os.PathLike | None = None, text: str | None = None) -> RunParams:
    """Validate a params mapping into a :class:`RunParams`.

    Parameters
    ----------
    raw : Any
        The parsed YAML (a mapping).
    source : path-like, optional
        The params file; relative paths are resolved against its folder and every
        message names it.
    text : str, optional
        The YAML text, used to give line numbers in messages.

    Returns
    -------
    RunParams

    Raises
    ------
    ParamsError
        With one line per problem, naming the file, key and line, and the fix.
    """
    label = str(source) if source else "params"
    if not isinstance(raw, dict):
        raise ParamsError(f"{label}: the file must be a YAML mapping of keys to values "
                          f"(like 'client: Demo BV'), not {type(raw).__name__}.")
    raw = {k: v for k, v in raw.items() if k != "source_file"}
    try:
        params = RunParams.model_validate({**raw, "source_file": str(source) if source else None})
    except ValidationError as exc:
        lines = _yaml_lines(text) if text else {}
        msgs = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = next((lines[loc[:i]] for i in range(len(loc), 0, -1) if loc[:i] in lines), None)
            where = f"{label}, line {line}" if line else label
            msgs.append(f"{where}: {_describe(err, raw)}")
        raise ParamsError("\n".join(dict.fromkeys(msgs))) from None
    return params


def load_params(path: str | os.PathLike, *, check_files: bool = True) -> RunParams:
    """Read and validate a params YAML file.

    Parameters
    ----------
    path : path-like
        The YAML file.
    check_files : bool, default True
        Also check that the data files exist and have a supported format.

    Returns
    -------
    RunParams

    Raises
    ------
    ParamsError
        For an unreadable file, YAML syntax errors (with line and column), unknown
        keys, invalid values and missing data files.

    Examples
    --------
    >>> p = load_params("params/demo.yaml")  # doctest: +SKIP
    >>> p.client  # doctest: +SKIP
    'Demo BV'
    """
    path = Path(path)
    if not path.is_file():
        hint = " (it is a folder)" if path.is_dir() else ""
        raise ParamsError(f"{path}: params file not found{hint}; give the path of a .yaml file, "
                          "e.g. params/demo.yaml.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: not UTF-8 text (byte {exc.start}); save the params file as UTF-8.") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        lines = text.splitlines()
        bad_line = lines[mark.line] if mark and mark.line < len(lines) else ""
        if "\t" in bad_line:
            fix = "the line holds a tab character; YAML indents with spaces only, so replace the tab by spaces"
        else:
            fix = ("check the indentation (sub-keys two spaces in) and that every 'key: value' has a space "
                   "after the colon")
        raise ParamsError(f"{path}{where}: YAML syntax error: {problem}; {fix}.") from None
    if raw is None:
        raise ParamsError(f"{path}: the params file is empty; start from params/demo.yaml.")
    params = parse_params(raw, source=path, text=text)
    if check_files:
        check_source_files(params)
    return params


def source_sections(model: BaseModel, prefix: str = "") -> list[tuple[str, _Source]]:
    """Every input-file section in the params (any depth), with its dotted key.

    Examples
    --------
    >>> [k for k, _ in source_sections(parse_params({"client": "x", "output_dir": "o", "transactions": {
    ...     "path": "t.csv", "columns": {"customer_id": "k", "date": "d", "amount": "a"}}}))]
    ['transactions']
    """
    found = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, _Source):
            found.append((key, value))
        if isinstance(value, BaseModel):
            found += source_sections(value, key + ".")
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, BaseModel):
                    found += ([(f"{key}.{k}", v)] if isinstance(v, _Source) else []) + source_sections(v, f"{key}.{k}.")
    return found


def check_source_files(params: RunParams) -> None:
    """Check that every data file named in the params exists and has a supported format.

    Raises
    ------
    ParamsError
        Naming the params file, the key and the resolved path.
    """
    label = params.source_file or "params"
    problems = []
    for key, src in source_sections(params):
        p = src.resolved_path(params.base_dir)
        if file_kind(p) is None:
            problems.append(f"{label}: {key}.path {src.path!r} has an unsupported type '{p.suffix}'; "
                            "use .csv/.txt (optionally .gz), .xlsx/.xls/.ods or .parquet.")
        elif not p.is_file():
            problems.append(f"{label}: {key}.path {src.path!r} not found (looked at {p}); "
                            "paths are relative to the params file's folder.")
    if problems:
        raise ParamsError("\n".join(problems))
