"""benchmarks/restoration_medical.py: the seeded variants, the exclusion
dose-response's variants, bad lists, and the summary over seeds."""

import argparse

import pytest

from tests.support.scripts import load_benchmark


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("restoration_medical")


def test_exclusion_variants_are_one_reflection_run_per_weight_seed_major(bench):
    variants = bench.seeded(bench.exclusion_variants((0.0, 1.0, 10.0)), (0, 1))
    assert [v[0] for v in variants] == [
        "exclusion_0_seed0", "exclusion_1_seed0", "exclusion_10_seed0",
        "exclusion_0_seed1", "exclusion_1_seed1", "exclusion_10_seed1"]
    assert variants[2] == ("exclusion_10_seed0", "reflection",
                           ["--exclusion-weight", "10", "--seed", "0"])
    # Without seeds the variants keep their names and arguments.
    assert bench.seeded(bench.COMPARISONS["dagan"], ()) == bench.COMPARISONS["dagan"]
    assert bench.unseeded("exclusion_10_seed1") == "exclusion_10"
    assert bench.unseeded("no_exclusion") == "no_exclusion"


def test_bad_lists_are_refused_with_an_example(bench):
    assert bench.weight_list("0,1,2.5") == (0.0, 1.0, 2.5)
    assert bench.seed_list("3,4") == (3, 4)
    for bad in ("1,-1", "one", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="e.g. 0,1,10,30"):
            bench.weight_list(bad)
    with pytest.raises(argparse.ArgumentTypeError, match="e.g. 0,1"):
        bench.seed_list("0;1")


def record(variant, leak, t_psnr, cpu):
    return {"variant": variant, "timing": {"cpu_s": cpu},
            "metrics": {"reflection_leak": {"estimate": leak},
                        "transmission": {"psnr": t_psnr, "ssim": 0.5},
                        "reflection_psnr": 18.0}}


def test_summary_gives_each_variant_mean_and_sample_sd_over_its_seeds(bench):
    records = [record("exclusion_0_seed0", 0.25, 20.0, 100.0),
               record("exclusion_10_seed0", 0.20, 19.0, 120.0),
               record("exclusion_0_seed1", 0.27, 21.0, 110.0)]
    summary = bench.summarise(records, bench.SUMMARY_METRICS["exclusion"])
    assert list(summary) == ["exclusion_0", "exclusion_10"]
    leak = summary["exclusion_0"]["leak"]
    assert leak["mean"] == pytest.approx(0.26)
    assert leak["sd"] == pytest.approx(0.0141, abs=1e-4)  # sqrt(0.0002)
    assert (leak["n"], leak["values"]) == (2, [0.25, 0.27])
    assert summary["exclusion_0"]["t_psnr"]["sd"] == pytest.approx(0.7071, abs=1e-4)
    assert summary["exclusion_0"]["cpu_s"] == 105.0
    assert summary["exclusion_10"]["leak"] == {"mean": 0.2, "sd": 0.0, "n": 1, "values": [0.2]}
    lines = bench.summary_table(summary)
    assert lines[1].startswith("exclusion_0 ") and "0.2600 +- 0.0141 (2)" in lines[1]


def test_summary_leaves_out_figures_an_older_record_lacks_and_reads_other_fields(bench):
    metrics = bench.SUMMARY_METRICS["exclusion"]
    new = record("exclusion_1_seed0", 0.20, 20.0, 100.0)
    new["metrics"]["reflection_leak"]["against_estimated_reflection"] = 0.4
    new["metrics"]["exclusion"] = {"estimate": 0.05}
    old = record("exclusion_0_seed0", 0.25, 20.0, 100.0)  # written before those figures
    summary = bench.summarise([new, old], metrics)
    assert summary["exclusion_1"]["leak_r_hat"]["values"] == [0.4]
    assert summary["exclusion_1"]["exclusion"]["mean"] == 0.05
    assert "leak_r_hat" not in summary["exclusion_0"] and "leak" in summary["exclusion_0"]
    lines = bench.summary_table(summary)
    assert "leak_r_hat" in lines[0] and lines[2].split()[-2] == "-"
    new["metrics_float32"] = {"reflection_leak": {"estimate": 0.21}}
    assert bench.summarise([new], metrics, "metrics_float32")["exclusion_1"]["leak"][
        "values"] == [0.21]


def test_report_precision_is_refused_unless_float32(bench, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["restoration_medical.py", "exclusion",
                                     "--report-precision", "bfloat16"])
    with pytest.raises(SystemExit):
        bench.main()
    error = capsys.readouterr().err.splitlines()[-1]
    assert "--report-precision: invalid choice: 'bfloat16'" in error and "float32" in error


def test_measure_in_float32_builds_a_bfloat16_run_in_float32(bench, tmp_path, monkeypatch):
    """The remeasurement's model computes in float32 though its run trained
    in mixed bfloat16; its report lands in RUN/report-float32/; the
    process's policy is left as it was."""
    import keras

    from tfgan_zoo.config import Config
    from tfgan_zoo.models.image2image.reflection import ReflectionSeparation
    from tfgan_zoo.recipes import reflection
    from tfgan_zoo.training.trainer import train

    run = tmp_path / "run"
    trained = train(Config(model="reflection", dataset="reflection", image_size=16,
                           batch_size=4, steps=1, sample_every=100, checkpoint_every=100,
                           log_every=1, epoch_steps=1, num_samples=4, export=False,
                           report=False, mixed_precision="bfloat16",
                           model_args={k: v for k, v in ReflectionSeparation.test_config.items()
                                       if k != "latent_dim"}, out=str(run)),
                    verbose=0)
    assert trained.generator.compute_dtype == "bfloat16"
    seen = {}

    def spy(model, config):
        seen["dtypes"] = {layer.compute_dtype for layer in model.generator.layers}
        return reflection.reflection_report(model, config)

    monkeypatch.setattr(reflection, "after", spy)
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        metrics = bench.measure_in(run, "reflection", "float32")
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert seen["dtypes"] == {"float32"}
    assert metrics["num_blends"] > 0 and "reflection_leak" in metrics
    assert (run / "report-float32" / "metrics.json").is_file()
    assert (run / "report-float32" / "separations.png").is_file()
    assert not (run / "metrics.json").exists()  # the run's own report is left alone
