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
