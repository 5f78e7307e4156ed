"""A new client in minutes: inspect an export and write a params file for it.

:func:`inspect_file` reads a sample of a CSV, Excel, Parquet or Access export with the
same readers a run uses (encoding, delimiter, decimal comma, title rows above the
header, date format) and :func:`guess_mapping` matches its headers against Dutch and
English names (klantnummer, debiteurnummer, factuurdatum, bedrag excl. btw, …),
checking each guess against the column's content (a date column must hold dates, an
amount column numbers). :func:`params_yaml` writes the commented params file.

Example
-------
>>> guess_mapping(["Debiteurnummer", "Factuurdatum", "Bedrag excl. BTW"], TRANSACTION_ROLES)[0]
{'customer_id': 'Debiteurnummer', 'date': 'Factuurdatum', 'amount': 'Bedrag excl. BTW'}
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from toolkit.errors import DataError
from toolkit.params import TableSource, file_kind
from toolkit.sources import _unparsed, detect_date_formats, detect_decimal, open_source

#: Header names per canonical role, most specific first (compared without case, spaces, dots, dashes or underscores).
TRANSACTION_ROLES: dict[str, tuple[str, ...]] = {
    "customer_id": ("klantnummer", "klantnr", "klantid", "klantcode", "debiteurnummer", "debiteurnr", "debiteurcode",
                    "debiteur", "relatienummer", "relatienr", "relatiecode", "relatie", "customerid", "customernumber",
                    "customerno", "customernr", "clientid", "accountnumber", "accountid", "customer", "klant"),
    "date": ("factuurdatum", "orderdatum", "verkoopdatum", "transactiedatum", "boekdatum", "leverdatum", "datum",
             "invoicedate", "orderdate", "transactiondate", "salesdate", "date"),
    "amount": ("omzetexclbtw", "bedragexclbtw", "bedragexbtw", "nettobedrag", "nettoomzet", "omzet", "totaalexclbtw",
               "regelbedrag", "bedrag", "netamount", "netsales", "revenue", "salesamount", "sales", "amount", "value"),
    "margin": ("brutomarge", "brutowinst", "marge", "winst", "grossmargin", "grossprofit", "margin", "profit"),
    "order_id": ("factuurnummer", "factuurnr", "ordernummer", "ordernr", "bonnummer", "bonnr", "invoicenumber",
                 "invoiceno", "invoiceid", "ordernumber", "orderid", "orderno", "invoice", "order", "factuur"),
    "product_group": ("productgroep", "artikelgroep", "assortimentsgroep", "productcategorie", "productgroup",
                      "productcategory", "categorie", "category"),
    "quantity": ("aantal", "stuks", "hoeveelheid", "quantity", "qty", "units"),
    "sales_channel": ("verkoopkanaal", "saleschannel", "kanaal", "channel"),
}
CUSTOMER_ROLES: dict[str, tuple[str, ...]] = {
    "customer_id": TRANSACTION_ROLES["customer_id"],
    "postcode": ("postcode", "postalcode", "zipcode", "zip", "pc"),
    "created": ("aanmaakdatum", "klantsinds", "inschrijfdatum", "startdatum", "aangemaakt", "created", "createdat",
                "customersince", "registrationdate", "signupdate"),
    "channel": ("herkomst", "acquisitiekanaal", "bron", "kanaal", "acquisitionchannel", "source", "channel"),
    "customer_type": ("klanttype", "soortklant", "typeklant", "customertype", "type"),
    "birth_date": ("geboortedatum", "birthdate", "dateofbirth", "dob"),
    "gender": ("geslacht", "gender", "sex"),
    "city": ("woonplaats", "plaats", "stad", "city", "town"),
    "name": ("klantnaam", "bedrijfsnaam", "naam", "customername", "companyname", "name"),
    "email": ("emailadres", "email", "mail"),
    "phone": ("telefoonnummer", "telefoon", "mobiel", "tel", "phonenumber", "phone", "telephone", "mobile"),
    "street": ("straatnaam", "straat", "adres", "street", "address"),
}
REQUIRED = {"transactions": ("customer_id", "date", "amount"), "customers": ("customer_id",)}
DATE_ROLES = {"date", "created", "birth_date"}
NUMBER_ROLES = {"amount", "margin", "quantity"}


def _norm(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", header.lower().replace("€", "eur"))


def guess_mapping(headers: list[str], roles: dict[str, tuple[str, ...]], *,
                  fits: dict[str, set[str]] | None = None) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Match headers to canonical roles by name, one column per role.

    Parameters
    ----------
    headers : list of str
        The file's column names.
    roles : dict
        Role -> known names (e.g. :data:`TRANSACTION_ROLES`).
    fits : dict of str to set of str, optional
        Per role the columns whose content fits it (dates for a date role, numbers for
        an amount); other columns are not guessed for that role.

    Returns
    -------
    (dict, dict)
        The decided mapping (role -> column) and, per role that several columns match
        equally well, the candidates (left for the user to choose).

    Examples
    --------
    >>> guess_mapping(["Klant", "Datum", "Omzet", "Marge"], TRANSACTION_ROLES)[0]["margin"]
    'Marge'
    """
    scores: dict[str, list[tuple[int, str]]] = {}
    for role, names in roles.items():
        for h in headers:
            n = _norm(h)
            if not n or (fits is not None and role in fits and h not in fits[role]):
                continue
            for rank, name in enumerate(names):
                if n == name:
                    score = 1000 - rank
                elif len(name) >= 4 and (n.startswith(name) or n.endswith(name)):
                    score = 500 - rank
                else:
                    continue
                scores.setdefault(role, []).append((score, h))
                break
    mapping: dict[str, str] = {}
    undecided: dict[str, list[str]] = {}
    taken: set[str] = set()
    # Roles with the strongest single match first, so "Omzet" goes to amount before anything else claims it.
    for role in sorted(scores, key=lambda r: -max(s for s, _ in scores[r])):
        options = sorted((s, h) for s, h in scores[role] if h not in taken)
        if not options:
            continue
        best = options[-1][0]
        top = [h for s, h in options if s == best]
        if len(top) == 1:
            mapping[role] = top[0]
            taken.add(top[0])
        else:
            undecided[role] = top
    return {r: mapping[r] for r in roles if r in mapping}, undecided


@dataclass
class Inspection:
    """What :func:`inspect_file` found in an export."""

    path: Path
    kind: str
    headers: list[str]
    samples: dict[str, list[str]]
    settings: dict[str, Any] = field(default_factory=dict)  # delimiter, encoding, decimal, sheet, header_row
    date_formats: dict[str, str] = field(default_factory=dict)  # column -> format, for columns holding dates
    numeric: set[str] = field(default_factory=set)  # columns holding numbers
    rows_sampled: int = 0


def inspect_file(path: str | Path, *, sample_rows: int = 5000) -> Inspection:
    """Read a sample of an export: format, header, sample values, which columns hold dates or numbers.

    Raises
    ------
    DataError
        For an unsupported, empty or unreadable file.
    """
    path = Path(path)
    kind = file_kind(path)
    if kind is None:
        raise DataError(f"{path}: unsupported file type '{path.suffix}'; use .csv/.txt, .xlsx/.xls/.ods, .parquet "
                        "or .mdb/.accdb.")
    if not path.is_file():
        raise DataError(f"{path}: file not found.")
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect()
        src = TableSource(path=str(path), columns={})
        opened = open_source(con, path, src, name="inspect", work_dir=Path(tmp))
        headers = [h for h in opened.columns if h and not h.startswith("column")] or list(opened.columns)
        view = f"(SELECT * FROM {opened.view} ORDER BY _row LIMIT {sample_rows})"
        rows_sampled = con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0]
        if rows_sampled == 0:
            raise DataError(f"{path}: no data rows below the header; export the data again.")
        samples, numeric, date_formats = {}, set(), {}
        for col in headers:
            q = '"' + col.replace('"', '""') + '"'
            values = [r[0] for r in con.execute(
                f"SELECT DISTINCT CAST({q} AS VARCHAR) FROM {view} WHERE {q} IS NOT NULL AND "
                f"trim(CAST({q} AS VARCHAR)) <> '' LIMIT 200").fetchall()]
            samples[col] = [v[:-9] if isinstance(v, str) and v.endswith(" 00:00:00") else v for v in values[:3]]
            ctype = opened.columns[col].upper()
            if ctype.startswith(("DATE", "TIMESTAMP")):
                date_formats[col] = "native"
                continue
            if not values:
                continue
            if not ctype.startswith("VARCHAR"):
                numeric.add(col)
                if all(19000101 <= float(v) <= 21001231 for v in values[:50]) or \
                        all(20000 <= float(v) <= 80000 and float(v).is_integer() for v in values[:50]):
                    date_formats[col] = "number"
                continue
            if _mostly_numbers(values):
                numeric.add(col)
            # A spreadsheet column mixing date cells with numbers: bare 5-digit numbers are serial days.
            serials = [v for v in values if kind == "excel" and re.fullmatch(r"[2-7][0-9]{4}(\.0+)?", v)]
            rest = [v for v in values if v not in serials]
            if not rest or _mostly_numbers(rest, plain=True):
                continue
            con.register("_inspect_sample", pd.DataFrame({"v": pd.Series(rest, dtype="object")}))
            try:
                formats, facts = detect_date_formats(con, "_inspect_sample", "v", given=None, label=str(path),
                                                     key="inspect")
                parsed = len(rest) - len(_unparsed(con, rest, formats))
                if len(serials) + parsed >= 0.9 * len(values):
                    # One format for every value can be written down; mixed notations stay auto-detected.
                    single = len(formats) == 1 and parsed == len(rest) and not serials
                    date_formats[col] = facts["format"] if single else "mixed"
                    numeric.discard(col)
            except DataError:
                pass
            finally:
                con.unregister("_inspect_sample")
        settings = {k: v for k, v in opened.file_format.items() if k in ("delimiter", "encoding", "sheet",
                                                                        "header_row", "table")}
        text_numbers = [v for c in numeric for v in samples.get(c, []) if isinstance(v, str)]
        if opened.file_format.get("kind") == "csv" and text_numbers:
            settings["decimal"] = detect_decimal(text_numbers, delimiter=settings.get("delimiter"))[0]
        con.close()
    return Inspection(path=path, kind=kind, headers=headers, samples=samples, settings=settings,
                      date_formats=date_formats, numeric=numeric, rows_sampled=rows_sampled)


_NUMBER = re.compile(r"^\s*[-+(]?\s*(€|EUR)?\s*[-+]?[0-9][0-9.,\s]*\)?-?\s*$")


def _mostly_numbers(values: list[str], *, plain: bool = False) -> bool:
    """Whether at least 90 % of the values read as amounts (``plain``: as bare integers, e.g. ids)."""
    if not values:
        return False
    pattern = re.compile(r"^\s*[0-9]+\s*$") if plain else _NUMBER
    return sum(bool(pattern.match(str(v))) for v in values) >= 0.9 * len(values)


def fitting_columns(found: Inspection, roles: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    """Per role the columns whose content fits it: dates for date roles, numbers for amounts."""
    fits: dict[str, set[str]] = {}
    for role in roles:
        if role in DATE_ROLES:
            fits[role] = set(found.date_formats)
        elif role in NUMBER_ROLES:
            fits[role] = found.numeric - set(found.date_formats)
    return fits


def params_yaml(*, client: str, language: str, transactions: Inspection, tx_mapping: dict[str, str],
                output_dir: str, params_dir: Path, customers: Inspection | None = None,
                cust_mapping: dict[str, str] | None = None) -> str:
    """The text of a commented params file for the inspected export(s)."""
    def rel(p: Path) -> str:
        relative = _relpath(p.resolve(), params_dir.resolve())
        # Relative paths keep a client folder movable; one that climbs far is clearer absolute.
        return str(p.resolve()) if relative.count("..") > 2 else relative

    def q(value: str) -> str:
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'

    def source(found: Inspection, mapping: dict[str, str], roles: dict[str, tuple[str, ...]]) -> list[str]:
        lines = [f"  path: {q(rel(found.path))}"]
        for key in ("sheet", "table"):
            if found.settings.get(key) is not None:
                lines.append(f"  {key}: {q(found.settings[key])}")
        if found.settings.get("delimiter"):
            lines.append(f"  delimiter: {q(found.settings['delimiter'])}      # detected")
        enc = str(found.settings.get("encoding", "")).replace(" (BOM)", "")
        if enc and enc != "utf-8":
            lines.append(f"  encoding: {enc}              # detected")
        if found.settings.get("decimal"):
            lines.append(f"  decimal: {q(found.settings['decimal'])}        # detected")
        date_col = mapping.get("date") or mapping.get("created")
        fmt = found.date_formats.get(date_col or "")
        if fmt and "%" in fmt and fmt != "mixed":
            lines.append(f"  date_format: {q(fmt)}   # detected from the values, e.g. {found.samples[date_col][0]!r}")
        lines.append("  columns:")
        for role in roles:
            if role in mapping:
                sample = ", ".join(repr(str(v)) for v in found.samples.get(mapping[role], [])[:2])
                lines.append(f"    {role}: {q(mapping[role])}" + (f"   # e.g. {sample}" if sample else ""))
            else:
                lines.append(f"    # {role}: <column>        # not found; map it to get more analyses")
        return lines

    out = [f"# Params for {client}, written by `klantpiramide init` on {dt.date.today().isoformat()}.",
           "# Check the guesses below, then: klantpiramide validate <this file>; klantpiramide run <this file>.",
           f"client: {q(client)}",
           f"language: {language}                      # nl | en",
           "# reference_date: 2025-12-31          # default: the last transaction date in the data",
           "period_months: 12                   # analysis period = (reference_date - 12 months, reference_date]",
           "pyramid_basis: revenue              # revenue | margin | profit (profit and margin need a margin "
           "column)",
           "transactions:", *source(transactions, tx_mapping, TRANSACTION_ROLES)]
    if customers is not None and cust_mapping is not None:
        out += ["customers:                          # prospects = customers in this file without purchases",
                *source(customers, cust_mapping, CUSTOMER_ROLES)]
    out.append(f"output_dir: {q(output_dir)}")
    return "\n".join(out) + "\n"


def _relpath(path: Path, start: Path) -> str:
    import os

    return os.path.relpath(path, start)


def slug(text: str) -> str:
    """A file-name-safe version of a name: ``"Acme B.V."`` -> ``"acme-b-v"``.

    Examples
    --------
    >>> slug("Tuincentrum De Groene Vingers B.V.")
    'tuincentrum-de-groene-vingers-b-v'
    """
    return re.sub(r"-+", "-", re.sub(r"[^0-9a-z]+", "-", text.lower())).strip("-") or "client"


ROLE_HELP = {
    "customer_id": "the customer number (klantnummer, debiteurnummer)",
    "date": "the transaction date (factuurdatum, orderdatum)",
    "amount": "the net amount per line, excluding VAT (omzet, bedrag excl. btw)",
}


@dataclass
class InitResult:
    """What :func:`init_params` decided, for the command line to print."""

    text: str
    tx_mapping: dict[str, str]
    cust_mapping: dict[str, str] | None
    transactions: Inspection
    customers: Inspection | None


def _apply_overrides(mapping: dict[str, str], overrides: dict[str, str], found: Inspection, label: str) -> None:
    for role, col in overrides.items():
        if col not in found.headers:
            raise DataError(f"--map {role}={col}: there is no column '{col}' in {found.path.name}; its columns are: "
                            f"{', '.join(found.headers)}.")
        mapping[role] = col


def _decide(found: Inspection, roles: dict[str, tuple[str, ...]], required: tuple[str, ...],
            overrides: dict[str, str], ask: Callable[[str], str] | None, label: str) -> dict[str, str]:
    mapping, undecided = guess_mapping(found.headers, roles, fits=fitting_columns(found, roles))
    for role in overrides:
        if role not in roles:
            raise DataError(f"--map {role}=...: unknown role; the roles of {label} are: {', '.join(roles)}.")
    _apply_overrides(mapping, overrides, found, label)
    open_roles = [r for r in required if r not in mapping]
    if not open_roles:
        return mapping
    if ask is None:
        lines = []
        for role in open_roles:
            options = undecided.get(role)
            hint = f" (candidates: {', '.join(repr(c) for c in options)})" if options else ""
            lines.append(f"{found.path.name}: could not decide which column holds {ROLE_HELP.get(role, role)}"
                         f"{hint}; pass --map {role}=<column>. Columns: {', '.join(found.headers)}.")
        raise DataError("\n".join(lines))
    for role in open_roles:
        options = [h for h in found.headers if h not in mapping.values()]
        menu = "\n".join(f"  {i}. {h}  (e.g. {', '.join(repr(str(v)) for v in found.samples.get(h, [])[:2])})"
                         for i, h in enumerate(options, 1))
        while True:
            answer = ask(f"Which column of {found.path.name} holds {ROLE_HELP.get(role, role)}?\n{menu}\n"
                         f"Number (1-{len(options)}): ").strip()
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                mapping[role] = options[int(answer) - 1]
                break
    return {r: mapping[r] for r in roles if r in mapping}


def init_params(datafile: str | Path, *, customers: str | Path | None = None, client: str | None = None,
                language: str = "nl", output: str | Path, tx_overrides: dict[str, str] | None = None,
                cust_overrides: dict[str, str] | None = None,
                ask: Callable[[str], str] | None = None) -> InitResult:
    """Inspect the export(s) and produce the text of a params file that validates as it is.

    Parameters
    ----------
    datafile : path-like
        The transactions export.
    customers : path-like, optional
        The customer master.
    client : str, optional
        The client's name (default: from the file name).
    language : {"nl", "en"}
    output : path-like
        Where the params file will be written (paths in it are relative to its folder).
    tx_overrides, cust_overrides : dict, optional
        Role -> column choices that win over the guesses (``--map``).
    ask : callable, optional
        Asks the user a question and returns the answer; None means no questions
        (an undecided required column is then an error).

    Raises
    ------
    DataError
        For an unreadable file, an unknown column in an override, or (without ``ask``)
        a required column that could not be decided.

    Examples
    --------
    >>> result = init_params("verkoop.csv", output="params/acme.yaml")  # doctest: +SKIP
    """
    output = Path(output)
    tx = inspect_file(datafile)
    tx_mapping = _decide(tx, TRANSACTION_ROLES, REQUIRED["transactions"], tx_overrides or {}, ask, "transactions")
    cust = cust_mapping = None
    if customers is not None:
        cust = inspect_file(customers)
        cust_mapping = _decide(cust, CUSTOMER_ROLES, REQUIRED["customers"], cust_overrides or {}, ask, "customers")
    name = client or Path(datafile).stem.replace("_", " ").replace("-", " ").strip().title()
    out_dir = _relpath((Path.cwd() / "outputs" / slug(name)).resolve(), output.parent.resolve() if
                       output.parent.exists() else (Path.cwd() / output.parent).resolve())
    text = params_yaml(client=name, language=language, transactions=tx, tx_mapping=tx_mapping,
                       output_dir=out_dir, params_dir=output.parent.resolve() if output.parent.exists()
                       else (Path.cwd() / output.parent), customers=cust, cust_mapping=cust_mapping)
    return InitResult(text=text, tx_mapping=tx_mapping, cust_mapping=cust_mapping, transactions=tx, customers=cust)
