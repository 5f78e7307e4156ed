"""The analysis plug-in contract: aggregates once, customer columns merged, frames saved and loaded."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TX_HEADER, params_dict, write, write_params
from toolkit.analysis import Analysis, merge_columns, registered
from toolkit.display import open_run
from toolkit.errors import DataError
from toolkit.params import load_params
from toolkit.pipeline import RunResults, analyse

ROWS = "F1;1;01-02-2025;100,00;30\nF2;2;01-03-2025;50,00;10\nF3;2;02-03-2025;5,00;1\n"


def test_registered_analyses_are_sorted_and_unique():
    found = registered()
    assert [(a.order, a.key) for a in found] == sorted((a.order, a.key) for a in found)


def test_merge_columns_keeps_rows_and_order():
    customers = pd.DataFrame({"customer_id": pd.Series(["2", "1", "3"], dtype="string"), "revenue": [1.0, 2.0, 3.0]})
    a = Analysis(key="x", columns=("flag",))
    out = merge_columns(customers, pd.DataFrame({"customer_id": ["1", "2"], "flag": [True, False]}), a)
    assert out["customer_id"].tolist() == ["2", "1", "3"]
    assert out["flag"].tolist()[:2] == [False, True] and pd.isna(out["flag"].iloc[2])
    assert "flag" not in customers.columns  # input not mutated


@pytest.mark.parametrize(("extra", "message"), [
    (pd.DataFrame({"flag": [1]}), "must return a customer_id column"),
    (pd.DataFrame({"customer_id": ["1"], "other": [1]}), r"returned columns \['other'\], declared \('flag',\)"),
    (pd.DataFrame({"customer_id": ["1", "1"], "flag": [1, 2]}), "more than once"),
])
def test_merge_columns_rejects_contract_breaks(extra, message):
    customers = pd.DataFrame({"customer_id": pd.Series(["1"], dtype="string")})
    with pytest.raises(DataError, match=message):
        merge_columns(customers, extra, Analysis(key="x", columns=("flag",)))


def test_analysis_runs_once_and_its_frames_survive_save_and_load(tmp_path, monkeypatch):
    calls = []

    def aggregate(ctx):
        calls.append("aggregate")
        per_customer = ctx.lines.group_by("customer_id").aggregate(n=ctx.lines.count()).to_pandas()
        ctx.note("few_customers", n=len(per_customer))
        return {"lines_per_customer": per_customer.sort_values("customer_id").reset_index(drop=True)}

    def enrich(results):
        calls.append("enrich")
        counts = results.frames["lines_per_customer"]
        return counts.rename(columns={"n": "line_count"})

    fake = Analysis(key="fake", aggregate=aggregate, enrich=enrich, columns=("line_count",))
    monkeypatch.setattr("toolkit.pipeline.registered", lambda: [fake])
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    results = analyse(load_params(write_params(tmp_path, params_dict())))
    assert calls == ["aggregate", "enrich"]
    assert results.customers.set_index("customer_id")["line_count"].to_dict() == {"1": 1, "2": 2}
    assert {"code": "few_customers", "n": 2} in results.notes
    results.save(tmp_path / "work")
    loaded = RunResults.load(tmp_path / "work")
    pd.testing.assert_frame_equal(loaded.frames["lines_per_customer"], results.frames["lines_per_customer"])
    assert loaded.customers["line_count"].tolist() == results.customers["line_count"].tolist()


def test_saved_frames_read_only_the_columns_asked_for(tmp_path, monkeypatch):
    # A chapter comparing 4 columns of a 3.5M-row frame reads just those from its Parquet file.
    from toolkit.columns import frame_columns
    from toolkit.pipeline import SavedFrames

    pd.DataFrame({"customer_id": ["1", "2"], "a": [1.5, 2.5], "b": ["x", "y"], "c": [3, 4]}).to_parquet(
        tmp_path / "wide.parquet")
    frames = SavedFrames(tmp_path, ["wide"])
    read = []
    real = pd.read_parquet
    monkeypatch.setattr(pd, "read_parquet", lambda path, **kw: read.append(kw.get("columns")) or real(path, **kw))
    part = frame_columns(frames, "wide", ["customer_id", "c", "missing"])
    assert list(part.columns) == ["customer_id", "c"] and part["c"].tolist() == [3, 4]
    assert read == [["customer_id", "c"]]
    assert frame_columns(frames, "other", ["a"]) is None
    # Once the whole frame is loaded, its columns come from memory.
    assert frames["wide"].shape == (2, 4) and read == [["customer_id", "c"], None]
    assert frame_columns(frames, "wide", ["b"])["b"].tolist() == ["x", "y"] and len(read) == 2


def test_open_run_reads_a_saved_run_once_and_chapters_cannot_change_it_for_the_next(tmp_path, monkeypatch):
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    work = tmp_path / "work"
    analyse(load_params(write_params(tmp_path, params_dict()))).save(work)
    reads = []
    real_load = RunResults.load
    monkeypatch.setattr(RunResults, "load", classmethod(lambda cls, w: reads.append(w) or real_load(w)))
    first = open_run("", work)
    first.customers["revenue"] = 0.0  # a chapter changing its table in place
    first.customers.loc[0, "pyramid_layer"] = "small"
    first.customers["extra"] = 1
    first.notes.append({"code": "x"})
    first.frames["made_here"] = pd.DataFrame()
    second = open_run("", work)
    assert len(reads) == 1
    assert second.customers["revenue"].tolist() == [100.0, 55.0] and "extra" not in second.customers
    assert second.customers["pyramid_layer"].astype(str).tolist() == ["top", "small"]
    assert {"code": "x"} not in second.notes and "made_here" not in second.frames
    # A new run saved into the folder is read again.
    time.sleep(0.01)
    analyse(load_params(write_params(tmp_path, params_dict(pyramid_basis="revenue")))).save(work)
    open_run("", work)
    assert len(reads) == 2


def test_profit_basis_ranks_on_the_profit_an_analysis_adds(tmp_path, monkeypatch):
    # Customer 1: revenue 100, profit -5 (costly to serve); customer 2: revenue 55, profit 20.
    profit = Analysis(key="profit_fake", enrich=lambda r: pd.DataFrame(
        {"customer_id": ["1", "2"], "profit": [-5.0, 20.0]}), columns=("profit",))
    monkeypatch.setattr("toolkit.pipeline.registered", lambda: [profit])
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    results = analyse(load_params(write_params(tmp_path, params_dict(pyramid_basis="profit"))))
    assert results.customers[["customer_id", "basis_rank"]].values.tolist() == [["2", 1], ["1", 2]]
    assert results.customers["pyramid_layer"].astype(str).tolist() == ["top", "small"]


def test_enrich_waits_for_the_aggregates_up_to_its_order(tmp_path, monkeypatch):
    """Aggregates run on a background thread; an enrich step sees every frame of its order and below."""
    gate = threading.Event()
    seen = {}

    def slow_aggregate(ctx):
        gate.wait(5)  # the enrich of order 10 must not wait for this one (order 30)
        time.sleep(0.5)  # ... but the enrich of order 30 must
        ctx.note("few_customers", n=99)
        return {"late": pd.DataFrame({"x": [1]})}

    def early_enrich(results):
        seen["early"] = sorted(results.frames)
        gate.set()
        results.notes.append({"code": "from_enrich"})
        return results.customers[["customer_id"]].assign(a=1)

    def late_enrich(results):
        seen["late"] = sorted(results.frames)
        return results.customers[["customer_id"]].assign(b=2)

    analyses = [Analysis(key="one", order=10, aggregate=lambda ctx: {"first": pd.DataFrame({"x": [0]})},
                         enrich=early_enrich, columns=("a",)),
                Analysis(key="two", order=30, aggregate=slow_aggregate, enrich=late_enrich, columns=("b",))]
    monkeypatch.setattr("toolkit.pipeline.registered", lambda: analyses)
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    results = analyse(load_params(write_params(tmp_path, params_dict())))
    assert seen == {"early": ["first"], "late": ["first", "late"]}
    # Notes in run order: the run's own, the aggregates', then the enrich steps'.
    codes = [n["code"] for n in results.notes]
    assert codes.index("few_customers") < codes.index("from_enrich") == len(codes) - 1
    assert results.customers[["a", "b"]].values.tolist() == [[1, 2], [1, 2]]


def test_a_failing_aggregate_fails_the_run_with_its_own_error(tmp_path, monkeypatch):
    def broken(ctx):
        raise DataError("contacts.csv: column 'datum' holds no dates; map another column.")

    analyses = [Analysis(key="bad", order=10, aggregate=broken),
                Analysis(key="later", order=20, enrich=lambda r: r.customers[["customer_id"]].assign(c=1),
                         columns=("c",))]
    monkeypatch.setattr("toolkit.pipeline.registered", lambda: analyses)
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    with pytest.raises(DataError, match=r"contacts\.csv: column 'datum'"):
        analyse(load_params(write_params(tmp_path, params_dict())))
    assert not [t for t in threading.enumerate() if t.name.startswith("klantpiramide-aggregate")]


def test_a_failing_enrich_stops_the_aggregates_still_to_run(tmp_path, monkeypatch):
    started = []

    def slow(ctx):
        started.append("slow")
        # About two minutes of DuckDB work, unless interrupted when the enrich step fails.
        ctx.con.execute("SELECT sum(hash(i)) FROM range(10000000000) t(i)")
        return {}

    def never(ctx):
        started.append("never")
        return {}

    def failing(results):
        for _ in range(100):  # fail while the slow query runs
            if started:
                break
            time.sleep(0.05)
        time.sleep(0.5)
        raise DataError("enrich failed")

    analyses = [Analysis(key="fails", order=10, enrich=failing, columns=("x",)),
                Analysis(key="slow", order=20, aggregate=slow), Analysis(key="never", order=30, aggregate=never)]
    monkeypatch.setattr("toolkit.pipeline.registered", lambda: analyses)
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="enrich failed"):
        analyse(load_params(write_params(tmp_path, params_dict())))
    assert time.perf_counter() - t0 < 30  # the query was interrupted, not run to its end (minutes)
    assert started == ["slow"]


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 12), st.sampled_from(["{}", "k{}"]), st.data())
def test_merge_columns_equals_a_join_by_id(n, id_form, data):
    # Plain-number ids are matched as integers, others as text; every kind of column as a reindex by id gives it.
    ids = [id_form.format(i) for i in range(n)]
    customers = pd.DataFrame({"customer_id": pd.Series(ids, dtype="string"), "revenue": np.arange(n, dtype=float)})
    chosen = data.draw(st.one_of(st.just(ids), st.permutations(ids), st.lists(st.sampled_from(ids) if ids
                                                                              else st.nothing(), unique=True)))
    k = len(chosen)
    extra = pd.DataFrame({"customer_id": chosen, "f": np.arange(k) / 2, "i": pd.array(range(k), dtype="Int64"),
                          "s": pd.Series([f"t{j}" if j % 3 else None for j in range(k)], dtype="str"),
                          "n": pd.array([None if j % 2 else f"u{j}" for j in range(k)], dtype="string"),
                          "c": np.arange(k, dtype=np.int64), "b": np.arange(k) % 2 == 0,
                          "d": pd.to_datetime(["2025-01-01"] * k) + pd.to_timedelta(range(k), unit="D"),
                          "o": pd.Series([None if j % 2 else j for j in range(k)], dtype=object),
                          "g": pd.Categorical(["x" if j % 2 else "y" for j in range(k)], categories=["y", "x"])})
    columns = ("f", "i", "s", "n", "c", "b", "d", "o", "g")
    out = merge_columns(customers, extra, Analysis(key="x", columns=columns))
    keyed = extra.set_index(extra["customer_id"].astype("string")).drop(columns="customer_id")
    expected = customers.copy()
    for col in columns:
        expected[col] = keyed[col].reindex(customers["customer_id"]).to_numpy()
    pd.testing.assert_frame_equal(out, expected, check_exact=True)


def test_merge_columns_refuses_a_customer_twice():
    customers = pd.DataFrame({"customer_id": pd.Series(["1", "2"], dtype="string")})
    for ids in (["2", "2"], ["k", "k"], [None, None]):
        with pytest.raises(DataError, match="more than once"):
            merge_columns(customers, pd.DataFrame({"customer_id": ids, "v": [1, 2]}), Analysis(key="x", columns=("v",)))


def test_presaved_frames_are_the_final_ones_and_save_skips_them(tmp_path, demo_small, monkeypatch):
    # The report writes the aggregates' frames while the last enrich steps run. That is only right if no
    # enrich step changes a frame an aggregate returned: checked here for every registered analysis.
    import dataclasses

    from conftest import demo_params

    returned = {}

    def keeping(aggregate):
        def run(ctx):
            frames = aggregate(ctx)
            returned.update({name: frame.copy(deep=True) for name, frame in frames.items()})
            return frames
        return run

    analyses = [dataclasses.replace(a, aggregate=keeping(a.aggregate)) if a.aggregate else a for a in registered()]
    monkeypatch.setattr("toolkit.pipeline.registered", lambda: analyses)
    params = load_params(write_params(tmp_path, demo_params(demo_small, tmp_path / "out")))
    work = tmp_path / "work"
    results = analyse(params, work_dir=work, presave=True)
    assert len(results.presaved) >= 15 and "presave" in results.timings
    assert set(returned) == set(results.presaved)
    for name, frame in returned.items():  # no enrich step changed an aggregate's frame, whenever it ran
        pd.testing.assert_frame_equal(results.frames[name], frame, check_exact=True)
    for name, (path, frame_id) in results.presaved.items():
        assert path == work / "frames" / f"{name}.parquet" and frame_id == id(results.frames[name])
        results.frames[name].to_parquet(tmp_path / "final.parquet", index=False)  # what save() would write
        pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(tmp_path / "final.parquet"),
                                      check_exact=True)
    written = []
    real = pd.DataFrame.to_parquet
    monkeypatch.setattr(pd.DataFrame, "to_parquet", lambda self, path, **kw: written.append(path.name)
                        or real(self, path, **kw))
    results.save(work)
    assert not set(written) & {f"{name}.parquet" for name in results.presaved}  # not written twice
    assert {"contact_plan.parquet", "customers.parquet"} <= set(written)  # enrich steps' frames, the table
    results.save(tmp_path / "elsewhere")  # another folder: everything written
    assert {f"{name}.parquet" for name in results.presaved} <= set(written)
    loaded, elsewhere = RunResults.load(work), RunResults.load(tmp_path / "elsewhere")
    for name in results.frames:
        pd.testing.assert_frame_equal(loaded.frames[name], elsewhere.frames[name], check_exact=True)


def test_presave_needs_the_work_folder():
    with pytest.raises(ValueError, match="presave=True needs the work_dir"):
        analyse(None, presave=True)
