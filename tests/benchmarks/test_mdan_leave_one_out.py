"""benchmarks/mdan_leave_one_out.py: which runs a target gets (the extras
skippable), the table's best single source and verdict, and the records
a restarted benchmark reuses."""

import json

import pytest

from tests.support.scripts import load_benchmark


@pytest.fixture(scope="module")
def loo():
    return load_benchmark("mdan_leave_one_out")


def test_runs_leave_the_target_out_and_the_extras_are_optional(loo):
    every = loo.runs("mnistm", pooled=True, hard=True)
    assert set(every) == {"mdan-soft", "mdan-hard", "dann-mnist", "dann-syndigits",
                          "dann-ucidigits", "dann-pooled"}
    assert every["mdan-soft"] == ("mdan", ["mnist", "syndigits", "ucidigits"],
                                  {"combination": "soft"})
    # DANN's reversal defaults to MDAN's mu, at a constant rate like MDAN's.
    assert every["dann-syndigits"] == ("dann", ["syndigits"],
                                       {"anneal": False, "domain_weight": 0.01})
    assert every["dann-pooled"][1] == ["mnist", "syndigits", "ucidigits"]
    assert loo.runs("mnistm", dann_weight=1.0)["dann-mnist"][2]["domain_weight"] == 1.0
    required = loo.runs("ucidigits", pooled=False, hard=False)
    assert set(required) == {"mdan-soft", "dann-mnist", "dann-mnistm", "dann-syndigits"}


def test_plan_trains_every_targets_required_runs_before_any_extra(loo):
    order = [(target, name) for target, name, _ in
             loo.plan(["mnist", "ucidigits"], pooled=True, hard=True)]
    assert order == [("mnist", "mdan-soft"), ("mnist", "dann-mnistm"),
                     ("mnist", "dann-syndigits"), ("mnist", "dann-ucidigits"),
                     ("ucidigits", "mdan-soft"), ("ucidigits", "dann-mnist"),
                     ("ucidigits", "dann-mnistm"), ("ucidigits", "dann-syndigits"),
                     ("mnist", "mdan-hard"), ("mnist", "dann-pooled"),
                     ("ucidigits", "mdan-hard"), ("ucidigits", "dann-pooled")]
    assert len(loo.plan(["mnist"], pooled=False, hard=False)) == 4


def test_table_names_the_best_single_source_and_counts_the_wins(loo):
    accuracy = {
        "mnist": {"mdan-soft": 0.80, "dann-mnistm": 0.70, "dann-syndigits": 0.85,
                  "dann-ucidigits": 0.60, "dann-pooled": 0.90},
        "mnistm": {"mdan-soft": 0.60, "dann-mnist": 0.60, "dann-syndigits": 0.50,
                   "dann-ucidigits": 0.20, "mdan-hard": 0.55},
    }
    lines, wins = loo.table(accuracy)
    # mnist: best single is syndigits (0.85 > pooled's 0.90 is not a single
    # source), soft loses by 5 points; mnistm: soft ties mnist, which counts.
    assert wins == 1
    mnist, mnistm = lines[2], lines[3]
    assert "0.850 (syndigits)" in mnist and "-5.0 pts" in mnist and mnist.endswith("| no |")
    assert "0.600 (mnist)" in mnistm and "+0.0 pts" in mnistm and mnistm.endswith("| yes |")
    # The target's own column and the runs not trained read '–'.
    assert mnist.split(" | ")[2] == "–" and "| 0.550 | – |" in mnistm


def test_a_restart_reuses_records_only_with_the_same_settings(loo, tmp_path):
    settings = {"steps": 600, "batch_size": 32, "lr": 1e-3, "dann_weight": 0.01, "seed": 0}
    path = tmp_path / "results.json"
    assert loo.recorded(path, settings) == {}
    runs = {"mnistm/mdan-soft": {"accuracy": 0.6, "cpu_s": 60.0, "wall_s": 90.0}}
    path.write_text(json.dumps({**settings, "runs": runs}))
    assert loo.recorded(path, settings) == runs
    with pytest.raises(SystemExit, match="steps=600.*another --out"):
        loo.recorded(path, {**settings, "steps": 1500})
    with pytest.raises(SystemExit, match="dann_weight=0.01"):
        loo.recorded(path, {**settings, "dann_weight": 1.0})
