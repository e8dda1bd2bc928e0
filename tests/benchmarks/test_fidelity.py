"""benchmarks/fidelity.py's CIFAR-10 anchor end to end on TFDS mock data:
both recipes train on tfds:cifar10 at 32 px, export, and are evaluated with
the peers' protocol (samples against the train split), offline."""

import json
import math

import pytest

tfds = pytest.importorskip("tensorflow_datasets")

from tests.support.scripts import load_benchmark  # noqa: E402
from tfgan_zoo.data import tfds as tfds_source  # noqa: E402


def test_cifar10_anchor_on_mock_data(tmp_path, monkeypatch):
    fidelity = load_benchmark("fidelity")
    # mock_data makes download_and_prepare a no-op; the probe is the only network use.
    monkeypatch.setattr(tfds_source, "online", lambda: True)
    monkeypatch.setenv("TFGAN_ZOO_CACHE", str(tmp_path / "cache"))
    with tfds.testing.mock_data(num_examples=16):
        results = fidelity.main(
            ["--cifar10", "--in-process", "--out", str(tmp_path), "--num-samples", "8",
             "--data-dir", str(tmp_path / "tfds"), "--flags", "--steps", "2",
             "--batch-size", "4", "--ngf", "4", "--ndf", "4"])
    assert set(results) == {"dcgan", "wgan_gp"}
    for recipe, r in results.items():
        assert r["training"]["steps"] == 2 and math.isfinite(r["fid"])
        p = r["protocol"]
        assert (p["dataset"], p["split"], p["num_fake"], p["num_real"]) == (
            "tfds:cifar10", "train", 8, 8)
        assert (p["image_size"], p["channels"]) == (32, 3)
        config = json.loads((tmp_path / f"cifar10_{recipe}" / "config.json").read_text())
        assert config["dataset"] == "tfds:cifar10" and config["batch_size"] == 4
    assert results["dcgan"]["peer"]["fid"] == 42.72
    assert json.loads((tmp_path / "cifar10.json").read_text()).keys() == results.keys()


def test_fid_target_is_an_upper_bound():
    targets_met = load_benchmark("fidelity").targets_met
    assert targets_met("lsgan", {"fid_train": 205.8}) == {"fid_train": False}
    assert targets_met("dcgan", {"fid_train": 19.0, "precision": 0.5}) == {
        "fid_train": True, "precision": False}


def measured(fid):
    return {"training": {"steps": 17000, "cpu_s": 1300, "wall_s": 1500, "load": [1, 2]},
            "fid_train": fid, "fid_test": fid + 5, "kid": 0.01, "precision": 0.6,
            "recall": 0.8, "rarest_class_share": 0.07, "targets": {"fid_train": True,
                                                                  "precision": True}}


def test_write_results_replaces_measured_rows_and_keeps_the_rest(tmp_path, monkeypatch):
    fidelity = load_benchmark("fidelity")
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "intro\n<!-- fidelity:begin -->\n" + fidelity.HEADER + "\n| --- |\n"
        "| [dcgan](x.png): old default | 17,000 | old |\n"
        "| [gan](y.png): hand-written row | 30,000 | kept |\n"
        "| real digits (floor, 28 px) | – | 11.1 |\n<!-- fidelity:end -->\noutro\n")
    monkeypatch.setattr(fidelity, "RESULTS", results)
    fidelity.write_results(fidelity.table({"dcgan": measured(19.5), "wgan": measured(30.0)},
                                          None))
    rows = results.read_text().split("<!-- fidelity:begin -->\n")[1].splitlines()
    assert [fidelity.row_key(r) for r in rows[2:6]] == ["dcgan", "gan", "wgan", "floor"]
    assert "**19.5** / 24.5" in rows[2] and rows[2].endswith("| – |")
    assert rows[3].endswith("| kept |") and rows[0] == fidelity.HEADER
    assert results.read_text().endswith("<!-- fidelity:end -->\noutro\n")
    assert rows[2].count("|") == fidelity.HEADER.count("|")


def test_write_results_without_markers_says_how_to_mend(tmp_path, monkeypatch):
    fidelity = load_benchmark("fidelity")
    (tmp_path / "RESULTS.md").write_text("no table here\n")
    monkeypatch.setattr(fidelity, "RESULTS", tmp_path / "RESULTS.md")
    with pytest.raises(SystemExit, match="restore them around the fidelity table"):
        fidelity.write_results("| a |")
