"""benchmarks/pixeldtgan_association.py: its argument errors, the summary
read from run directories (means, spread and drop by hand), and a complete
run read rather than retrained."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support.scripts import load_benchmark, usage_error

STEPS = 3000


@pytest.fixture(scope="module")
def assoc():
    return load_benchmark("pixeldtgan_association")


def fake_run(root, arm, seed, accuracy, ssim, step=STEPS, cpu_s=None, association=None,
             pixel_weight=100.0):
    """A run directory as the script leaves it: a complete checkpoint at
    `step`, the product report's metrics.json and (with cpu_s) timing.json."""
    run = root / f"{arm}-seed{seed}"
    (run / "checkpoints" / f"ckpt-{step:08d}").mkdir(parents=True)
    (run / "checkpoints" / f"ckpt-{step:08d}" / "state.json").write_text("{}")
    (run / "metrics.json").write_text(json.dumps({
        "association_discriminator": arm == "with" if association is None else association,
        "pixel_weight": pixel_weight,
        "reader_accuracy": {"C(figure)": accuracy, "true product": 0.847},
        "ssim_to_product": ssim}))
    if cpu_s is not None:
        (run / "timing.json").write_text(json.dumps({"cpu_s": cpu_s, "wall_s": 2 * cpu_s}))
    return run


@pytest.mark.parametrize("argv, message", [
    (["--arms", "with,bogus"], "--arms: unknown 'bogus'; choose from with, without"),
    (["--arms", "with,with"], "--arms: 'with' given twice"),
    (["--seeds", "0,x"], "--seeds: 'x' is not an integer"),
    (["--steps", "0"], "--steps must be at least 1, got 0"),
    (["--mixed-precision", "bf16"], "--mixed-precision: invalid choice: 'bf16'"),
    (["--pixel-weight", "-1"], "--pixel-weight must be at least 0, got -1"),
    (["--pixel-weight", "nan"], "--pixel-weight must be at least 0, got nan"),
])
def test_bad_arguments_are_one_line_errors(assoc, capsys, tmp_path, argv, message):
    line = usage_error(assoc.main, capsys, "--out", str(tmp_path), "--summary", *argv)
    assert ": error: " in line and message in line
    assert not (tmp_path / "results.json").exists()


def test_summary_reads_the_run_directories_and_computes_the_drop(assoc, tmp_path, capsys):
    for seed, (with_, without) in enumerate([(0.80, 0.60), (0.70, 0.70), (0.75, 0.65)]):
        fake_run(tmp_path, "with", seed, with_, 0.40 + seed / 100, cpu_s=1200 + 60 * seed)
        fake_run(tmp_path, "without", seed, without, 0.30, cpu_s=600)
    summary = assoc.main(["--out", str(tmp_path), "--summary", "--steps", str(STEPS)])
    arms = summary["arms"]
    assert arms["with"]["accuracy"] == [0.80, 0.70, 0.75]
    assert arms["with"]["mean"] == 0.75 and arms["without"]["mean"] == 0.65
    # std over seeds, ddof 0: sqrt((0.05^2 + 0.05^2 + 0) / 3) = 0.0408
    assert arms["with"]["std"] == 0.0408 and arms["without"]["std"] == 0.0408
    assert arms["with"]["range"] == [0.70, 0.80]
    assert arms["with"]["ssim_mean"] == 0.41 and arms["without"]["ssim_mean"] == 0.30
    assert arms["with"]["cpu_minutes"] == [20.0, 21.0, 22.0]
    assert summary["drop_points"] == 10.0 and summary["drop_at_least_5_points"] is True
    assert summary["missing"] == []
    assert json.loads((tmp_path / "results.json").read_text()) == summary
    out = capsys.readouterr().out
    assert "| 0 | 0.8000 | 0.4000 | 20.0 | 0.6000 | 0.3000 | 10.0 |" in out
    assert "| mean | 0.7500 | 0.4100 |  | 0.6500 | 0.3000 | |" in out
    assert "Drop without D_A: +10.0 points; issue #21's test (>= 5 points): met" in out


def test_a_drop_under_5_points_fails_the_issues_test(assoc, tmp_path):
    for seed, (with_, without) in enumerate([(0.73, 0.70), (0.74, 0.72)]):
        fake_run(tmp_path, "with", seed, with_, 0.36)
        fake_run(tmp_path, "without", seed, without, 0.35)
    summary = assoc.main(["--out", str(tmp_path), "--summary", "--seeds", "0,1"])
    assert summary["drop_points"] == 2.5 and summary["drop_at_least_5_points"] is False


def test_incomplete_runs_are_missing_and_give_no_verdict(assoc, tmp_path, capsys):
    fake_run(tmp_path, "with", 0, 0.72, 0.36)
    fake_run(tmp_path, "without", 0, 0.60, 0.30)
    fake_run(tmp_path, "without", 1, 0.50, 0.30, step=STEPS - 500)  # still training
    summary = assoc.main(["--out", str(tmp_path), "--summary", "--seeds", "0,1"])
    assert summary["missing"] == ["with-seed1", "without-seed1"]
    assert summary["arms"]["without"]["accuracy"] == [0.60]
    assert summary["drop_points"] == 12.0 and "drop_at_least_5_points" not in summary
    assert "incomplete (missing with-seed1, without-seed1)" in capsys.readouterr().out


def test_a_report_of_the_other_arm_is_refused(assoc, tmp_path, capsys):
    fake_run(tmp_path, "without", 0, 0.60, 0.30, association=True)
    line = usage_error(assoc.main, capsys, "--out", str(tmp_path), "--summary", "--seeds", "0")
    assert line.startswith("error: ") and "without-seed0" in line
    assert "association_discriminator=True, not the 'without' arm's False" in line


def test_a_run_at_another_pixel_weight_is_refused(assoc, tmp_path, capsys):
    """The paper's objective (--pixel-weight 0) and the default's L1 x 100
    are different ablations: one --out holds one weight."""
    fake_run(tmp_path, "with", 0, 0.23, 0.10, pixel_weight=0.0)
    fake_run(tmp_path, "without", 0, 0.10, 0.04, pixel_weight=0.0)
    line = usage_error(assoc.main, capsys, "--out", str(tmp_path), "--summary", "--seeds", "0")
    assert "with-seed0" in line and "pixel_weight=0.0, not --pixel-weight 100" in line
    summary = assoc.main(["--out", str(tmp_path), "--summary", "--seeds", "0",
                          "--pixel-weight", "0"])
    assert summary["pixel_weight"] == 0.0 and summary["drop_points"] == 13.0


def test_complete_runs_are_read_and_only_the_rest_trained(assoc, tmp_path, monkeypatch):
    """Re-running the script trains only the runs not yet complete, and of
    the arms asked for; the summary still reads both arms."""
    fake_run(tmp_path, "with", 0, 0.72, 0.36)
    fake_run(tmp_path, "without", 0, 0.60, 0.30)
    fake_run(tmp_path, "without", 1, 0.50, 0.30, step=STEPS - 500)
    trained = []

    def train_run(args, arm, seed):
        trained.append((arm, seed, args.mixed_precision))
        fake_run(tmp_path, arm, seed, 0.58, 0.31, step=STEPS + 1)  # another checkpoint

    monkeypatch.setattr(assoc, "train_run", train_run)
    summary = assoc.main(["--out", str(tmp_path), "--seeds", "0,1", "--arms", "without",
                          "--mixed-precision", "bfloat16"])
    assert trained == [("without", 1, "bfloat16")]
    assert summary["arms"]["without"]["accuracy"] == [0.60, 0.58]
    assert summary["missing"] == ["with-seed1"]


def test_a_run_stopped_part_way_adds_its_time_to_timing_json(assoc, tmp_path, capsys,
                                                             monkeypatch):
    from tfgan_zoo.errors import UserError

    def stopped(config, verbose):
        assert config.mixed_precision == "bfloat16" and not config.model_args["association"]
        assert config.model_args["pixel_weight"] == 10.0
        raise UserError("training stopped by SIGTERM at step 10")

    monkeypatch.setattr("tfgan_zoo.training.trainer.train", stopped)
    run = tmp_path / "without-seed0"
    run.mkdir()
    (run / "timing.json").write_text(json.dumps({"cpu_s": 100.0, "wall_s": 300.0}))
    line = usage_error(assoc.main, capsys, "--out", str(tmp_path), "--seeds", "0", "--arms",
                       "without", "--mixed-precision", "bfloat16", "--pixel-weight", "10")
    assert line == "error: training stopped by SIGTERM at step 10"
    timing = json.loads((run / "timing.json").read_text())
    assert 100.0 <= timing["cpu_s"] < 160 and 300.0 <= timing["wall_s"] < 360
    assert timing["mixed_precision"] == "bfloat16"


def test_another_reader_reads_each_run_again_once(assoc, tmp_path, monkeypatch):
    """--reader catalogue-cnn: a run read with products-cnn is read again
    from its newest checkpoint, into RUN/metrics-catalogue-cnn.json, which
    the next summary reads instead of reading the run a third time; the
    summary goes to results-catalogue-cnn.json, results.json stays the
    products-cnn one."""
    import tfgan_zoo.reports.cross_domain as reports
    import tfgan_zoo.rundir.run as rundir

    for seed, (with_, without) in enumerate([(0.72, 0.70), (0.74, 0.71)]):
        fake_run(tmp_path, "with", seed, with_, 0.36)
        fake_run(tmp_path, "without", seed, without, 0.35)
    assoc.main(["--out", str(tmp_path), "--summary", "--seeds", "0,1"])
    first = (tmp_path / "results.json").read_text()
    new = {"with-seed0": 0.80, "with-seed1": 0.84, "without-seed0": 0.70,
           "without-seed1": 0.72}
    reads = []

    def load_run(path):
        return Path(path).name, SimpleNamespace(out=str(path))

    def product_report(model, config, reader, metrics):
        reads.append((model, reader))
        report = json.loads((Path(config.out) / "metrics.json").read_text())
        report.update(reader={"classifier": reader},
                      reader_accuracy={"C(figure)": new[model], "true product": 0.93})
        (Path(config.out) / metrics).write_text(json.dumps(report))
        return report

    monkeypatch.setattr(rundir, "load_run", load_run)
    monkeypatch.setattr(reports, "product_report", product_report)
    argv = ["--out", str(tmp_path), "--summary", "--seeds", "0,1", "--reader", "catalogue-cnn"]
    summary = assoc.main(argv)
    assert sorted(reads) == [(run, "catalogue-cnn") for run in sorted(new)]
    assert summary["reader"] == "catalogue-cnn"
    assert summary["arms"]["with"]["accuracy"] == [0.80, 0.84]
    assert summary["drop_points"] == 11.0
    assert json.loads((tmp_path / "results-catalogue-cnn.json").read_text()) == summary
    assert (tmp_path / "results.json").read_text() == first
    assert json.loads((tmp_path / "with-seed0" / "metrics.json").read_text())[
        "reader_accuracy"]["C(figure)"] == 0.72  # the run's own report is kept
    reads.clear()
    assert assoc.main(argv)["arms"]["without"]["accuracy"] == [0.70, 0.72]
    assert reads == []  # read from metrics-catalogue-cnn.json


def test_a_run_reported_with_the_asked_reader_is_not_read_again(assoc, tmp_path, monkeypatch):
    """A run trained with --reader catalogue-cnn has that reading in its
    metrics.json already."""
    for arm, accuracy in (("with", 0.81), ("without", 0.70)):
        run = fake_run(tmp_path, arm, 0, accuracy, 0.36)
        report = json.loads((run / "metrics.json").read_text())
        report["reader"] = {"classifier": "catalogue-cnn"}
        (run / "metrics.json").write_text(json.dumps(report))
    monkeypatch.setattr(assoc, "reread", lambda *a: pytest.fail("read again"))
    summary = assoc.main(["--out", str(tmp_path), "--summary", "--seeds", "0",
                          "--reader", "catalogue-cnn"])
    assert summary["drop_points"] == 11.0


def test_an_unknown_reader_is_a_one_line_error(assoc, capsys, tmp_path):
    line = usage_error(assoc.main, capsys, "--out", str(tmp_path), "--summary",
                       "--reader", "mnist-cnn")
    assert "--reader: invalid choice: 'mnist-cnn'" in line
