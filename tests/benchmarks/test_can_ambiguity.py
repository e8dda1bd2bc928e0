"""benchmarks/can_ambiguity.py: its argument errors, the reader each
dataset gets, the runs it trains per seed (folders and flags), and the
figures against the same seed's lambda = 0 baseline, by hand."""

import json

import numpy as np
import pytest

from tests.support.scripts import load_benchmark, usage_error

BINARY, BASE = "lambda = 1 (binary, the paper's)", "lambda = 0 (baseline)"


@pytest.fixture(scope="module")
def can():
    return load_benchmark("can_ambiguity")


@pytest.mark.parametrize("argv, message", [
    (["--seeds", "0,x"], "--seeds: 'x' is not an integer: pass e.g. --seeds 0,1"),
    (["--seeds", "1,1"], "--seeds: seed 1 given twice"),
    (["--reader", "bogus"], "--reader: unknown 'bogus'; choose from "),
    (["--dataset", "digits"], "--reader: no default classifier for --dataset digits; pass "),
    (["--flags", "--seed 3"], "--flags: give --seed with this script's --seeds"),
    (["--flags", "--dataset mnist5k"], "--flags: give --dataset with this script's --dataset"),
])
def test_bad_arguments_are_one_line_errors(can, capsys, argv, message):
    line = usage_error(can.parse_args, capsys, *argv)
    assert ": error: " in line and message in line


@pytest.mark.parametrize("argv, readers", [
    ([], ["mnist-cnn"]),
    (["--dataset", "mnist5k:train"], ["mnist-cnn"]),
    (["--dataset", "fashion_mnist_local"], ["fashion-cnn", "mnist-cnn"]),
    (["--dataset", "fashion_mnist_local", "--reader", "mnist-cnn"], ["mnist-cnn"]),
])
def test_each_dataset_is_read_by_its_own_classifier_and_mnist_cnn(can, argv, readers):
    args = can.parse_args(argv)
    assert can.readers(args) == readers and args.seeds == [0]


def scores(entropy, fd):
    return {"entropy": entropy, "max_p_below_half": 0.1, "fd": fd, "nearest_train": 5.0}


# (seed, title) -> {reader: scores}: lambda = 1 is +0.25 / 1.4x on seed 0
# but +0.18 on seed 1; fd[mnist-cnn] 1.2x / 2.0x.
FAKE = {(0, BASE): {"fashion-cnn": scores(0.20, 100.0), "mnist-cnn": scores(0.5, 50.0)},
        (0, BINARY): {"fashion-cnn": scores(0.45, 140.0), "mnist-cnn": scores(0.6, 60.0)},
        (1, BASE): {"fashion-cnn": scores(0.10, 80.0), "mnist-cnn": scores(0.5, 40.0)},
        (1, BINARY): {"fashion-cnn": scores(0.28, 100.0), "mnist-cnn": scores(0.6, 80.0)}}


def test_figures_against_the_same_seeds_baseline_by_hand(can):
    compared = can.against_baseline(
        {seed: {title: FAKE[seed, title] for title in (BASE, BINARY)} for seed in (0, 1)},
        ["fashion-cnn", "mnist-cnn"])
    assert compared[0][BINARY]["fashion-cnn"]["entropy_gain"] == pytest.approx(0.25)
    assert compared[0][BINARY]["fashion-cnn"]["fd_ratio"] == pytest.approx(1.4)
    assert compared[1][BINARY]["mnist-cnn"]["fd_ratio"] == pytest.approx(2.0)
    assert compared[1][BASE]["fashion-cnn"]["fd_ratio"] == 1.0
    summary = can.over_seeds(compared, ["fashion-cnn", "mnist-cnn"])
    gain = summary[BINARY]["fashion-cnn"]["entropy_gain"]
    assert gain == pytest.approx((0.215, 0.18, 0.25))
    assert summary[BINARY]["fashion-cnn"]["fd_ratio"] == pytest.approx((1.325, 1.25, 1.4))
    assert summary[BINARY]["mnist-cnn"]["fd_ratio"] == pytest.approx((1.6, 1.2, 2.0))
    assert summary[BINARY]["met"] is False  # seed 1's +0.18 and its 2.0x
    one_seed = can.over_seeds({0: compared[0]}, ["fashion-cnn", "mnist-cnn"])
    assert one_seed[BINARY]["met"] is True  # +0.25, 1.4x and 1.2x
    assert can.over_seeds({0: compared[0]}, ["fashion-cnn"])[BINARY]["met"] is True


class FakeReader:
    def __init__(self, name, dataset):
        self.name, self.dataset = name, dataset
        self.real = np.zeros((4, 28, 28, 1), np.float32)
        self.clf = self

    accuracy = 0.9

    def predict_logits(self, images):
        return np.zeros((len(images), 10), np.float32)


def test_main_trains_each_arm_per_seed_on_the_dataset(can, monkeypatch, tmp_path, capsys):
    trained, read = [], []

    def train_recipe(recipe, out, *flags):
        trained.append((recipe, out.relative_to(tmp_path).as_posix(), [str(f) for f in flags]))
        return {"cpu_s": 60.0, "wall_s": 120.0, "load": [1.0, 2.0]}

    def score_run(run_dir, reader, num):
        assert reader.dataset == "fashion_mnist_local" and num == 1000
        seed, arm = run_dir.relative_to(tmp_path).parts
        read.append((seed, arm, reader.name))
        title = BASE if arm == "baseline" else BINARY
        return FAKE[int(seed[-1]), title][reader.name]

    monkeypatch.setattr(can, "train_recipe", train_recipe)
    monkeypatch.setattr(can, "score_run", score_run)
    monkeypatch.setattr(can, "Reader", FakeReader)
    results = can.main(["--out", str(tmp_path), "--dataset", "fashion_mnist_local",
                        "--seeds", "0,1", "--steps", "50", "--flags", "--ema-decay 0.99"])
    assert trained == [
        ("can", f"seed{s}/{arm}", ["--steps", "50", "--dataset", "fashion_mnist_local",
                                   "--seed", str(s), "--ema-decay", "0.99", *extra])
        for s in (0, 1) for arm, extra in (("binary", []), ("baseline", ["--style-weight", "0"]))]
    assert sorted(read) == sorted((f"seed{s}", arm, name) for s in (0, 1)
                                  for arm in ("binary", "baseline")
                                  for name in ("fashion-cnn", "mnist-cnn"))
    assert results["readers"] == ["fashion-cnn", "mnist-cnn"]
    assert results["over_seeds"][BINARY]["met"] is False
    assert json.loads((tmp_path / "results.json").read_text())["dataset"] \
        == "fashion_mnist_local"
    out = capsys.readouterr().out
    assert ("| 0 | lambda = 1 (binary, the paper's) | 0.450 | +0.250 | 0.100 | 140.00 | 1.40× "
            "| 60.00 | 1.20× | 5.00 | 1.0 min | 2.0 min (1.0 / 2.0) |") in out
    assert ("| lambda = 1 (binary, the paper's) | 0.215 (0.180–0.250) | 1.325 (1.250–1.400) "
            "| 1.600 (1.200–2.000) | not met |") in out


def test_reader_scores_entropy_and_nearest_training_image_by_hand(can):
    class Clf:
        def features(self, images):
            return np.asarray(images, np.float32).reshape(len(images), -1)

        def predict_logits(self, images):  # sure of class 0, then even over 2
            return np.log(np.array([[1.0, 1e-12], [0.5, 0.5]]))

    reader = can.Reader.__new__(can.Reader)
    reader.clf, reader.real_f = Clf(), np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 0.0]])
    r = reader.score(np.array([[0.0, 1.0], [3.0, 4.0]]))
    assert r["nearest_train"] == pytest.approx(0.5)  # distances 1 and 0
    assert r["entropy"] == pytest.approx(0.5, abs=1e-9)  # (0 + ln 2 / ln 2) / 2
    assert r["max_p_below_half"] == 0.0
    assert "nearest_train" not in reader.score(np.array([[0.0, 1.0], [3.0, 4.0]]),
                                               nearest=False)
