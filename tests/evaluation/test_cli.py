"""`python -m tfgan_zoo.evaluate` (tfgan_zoo.evaluate, evaluation.samples)
on a tiny stand-in generator, and the metric callback during `fit`. The
FID/KID run needs the FID weights and is skipped without them."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import evaluate
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import MetricCallback
from tests.evaluation.test_inception import weights_or_skip


@pytest.fixture(scope="module", autouse=True)
def cache_dir(tmp_path_factory):
    """A private cache, so classifiers and reference statistics are built
    fresh (once per module) and never touch the user's."""
    path = tmp_path_factory.mktemp("tfgan_zoo_cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TFGAN_ZOO_CACHE", str(path))
        yield path


# ------------------------------------------------------------ command line

class TinyGenerator(tf.Module):
    """Exposes the project's serving signature: z [N, 8] (+ label) ->
    images uint8 and images_float in [-1, 1], 28x28x1."""

    def __init__(self, conditional=False):
        super().__init__()
        rng = np.random.default_rng(0)
        self.w = tf.Variable(rng.normal(size=(8, 28 * 28)).astype(np.float32))
        spec = {"z": tf.TensorSpec([None, 8], tf.float32, name="z")}
        if conditional:
            spec["label"] = tf.TensorSpec([None], tf.int32, name="label")
        self.serve = tf.function(self._serve, input_signature=[spec])

    def _serve(self, inputs):
        logits = inputs["z"] @ self.w
        if "label" in inputs:
            logits += tf.cast(inputs["label"], tf.float32)[:, None] / 10.0
        images = tf.reshape(tf.tanh(logits), [-1, 28, 28, 1])
        as_uint8 = tf.cast(tf.round((images + 1) * 127.5), tf.uint8)
        return {"images": as_uint8, "images_float": images}


def make_run_dir(root, conditional=False):
    generator = TinyGenerator(conditional)
    tf.saved_model.save(generator, str(root / "export"),
                        signatures={"serving_default": generator.serve})
    config = {"recipe": "test", "model": "cgan" if conditional else "dcgan",
              "dataset": "mnist5k", "image_size": 28, "channels": 1,
              "data_dir": None, "seed": 0}
    (root / "config.json").write_text(json.dumps(config))
    return root


def test_cli_prints_protocol_and_writes_json(tmp_path, capsys, cache_dir):
    weights_or_skip()
    run = make_run_dir(tmp_path)
    out = tmp_path / "result.json"
    argv = [str(run), "--metrics", "fid,kid,pr,dc,fd[digits-cnn]", "--num-samples", "8",
            "--batch-size", "8", "--kid-subsets", "5", "--output", str(out)]
    assert evaluate.main(argv) == 0
    printed = capsys.readouterr().out
    for fragment in ("fid", "kid", "precision", "coverage", "fd[digits-cnn]",
                     "8 real (mnist5k, split train", "vs 8 fake (seed 0)",
                     "inception-2015-12-05", "sha256", "resize_bilinear",
                     "half_pixel_centers=False"):
        assert fragment in printed
    result = json.loads(out.read_text())
    assert result["metrics"]["fid"] > 0 and 0 <= result["metrics"]["precision"] <= 1
    assert result["protocol"]["num_real"] == result["protocol"]["num_fake"] == 8
    assert len(result["protocol"]["inception"]["weights_sha256"]) == 12
    cached = sorted((cache_dir / "fid_stats").glob("*.npz"))
    assert len(cached) == 2  # inception and classifier features of the real side
    # The cached reference is reused, so a second run gives the same number.
    assert evaluate.main(argv) == 0
    assert json.loads(out.read_text())["metrics"]["fid"] == pytest.approx(
        result["metrics"]["fid"], rel=1e-6)
    assert sorted((cache_dir / "fid_stats").glob("*.npz")) == cached


def test_cli_conditional_savedmodel_dir(tmp_path, capsys):
    run = make_run_dir(tmp_path, conditional=True)
    out = tmp_path / "r.json"
    argv = [str(run / "export"), "--dataset", "mnist5k", "--metrics",
            "score[digits-cnn]", "--num-samples", "20", "--output", str(out)]
    assert evaluate.main(argv) == 0
    result = json.loads(out.read_text())
    assert result["protocol"]["labels"] == "uniform over 10 classes"
    assert result["metrics"]["score[digits-cnn]"] >= 1.0
    assert "IS" not in result["metrics"]
    assert "classifier[digits-cnn]" in capsys.readouterr().out


@pytest.mark.parametrize("argv, fragment", [
    (["/nonexistent/run"], "neither a run directory"),
    (["{run}", "--metrics", "is"], "unknown metric"),
    (["{run}", "--metrics", "score[imagenet]"], "unknown metric"),
    (["{run}", "--num-samples", "1"], "at least 2"),
    (["{run}/export", "--metrics", "score[digits-cnn]"], "--dataset"),
    (["{run}", "--seed", "0", "--seeds", "0,1"], "not both"),
    (["{run}", "--seeds", "3"], "two or more distinct"),
    (["{run}", "--seeds", "0,0"], "two or more distinct"),
    (["{run}", "--seeds", "0,x"], "two or more distinct"),
])
def test_cli_errors_are_one_line(tmp_path, capsys, argv, fragment):
    run = make_run_dir(tmp_path)
    argv = [a.format(run=run) for a in argv]
    assert evaluate.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and fragment in err


def test_cli_seeds_writes_each_draw_and_their_spread(tmp_path, capsys):
    run = make_run_dir(tmp_path, conditional=True)
    argv = [str(run), "--metrics", "score[digits-cnn],acc[digits-cnn]", "--num-samples", "20"]
    assert evaluate.main(argv + ["--seeds", "0,2"]) == 0
    printed = capsys.readouterr().out
    assert "over 2 draws (seeds 0, 2)" in printed and printed.count("\nprotocol") == 1
    summary = json.loads((run / "eval" / "scoredigits-cnn-accdigits-cnn-n20-seeds0-2.json")
                         .read_text())
    each = [json.loads((run / "eval" / f"scoredigits-cnn-accdigits-cnn-n20-seed{s}.json")
                       .read_text())["metrics"]["score[digits-cnn]"] for s in (0, 2)]
    assert summary["seeds"] == [0, 2] and summary["protocol"]["seed"] == [0, 2]
    assert [d["metrics"]["score[digits-cnn]"] for d in summary["draws"]] == each
    assert each[0] != each[1]  # two draws of z, not one twice
    assert summary["mean"]["score[digits-cnn]"] == pytest.approx(sum(each) / 2)
    assert summary["std"]["score[digits-cnn]"] == pytest.approx(abs(each[0] - each[1]) / 2 ** 0.5)
    # A draw is the same evaluation a one-seed run makes with that seed.
    single = tmp_path / "single.json"
    assert evaluate.main(argv + ["--seed", "2", "--output", str(single)]) == 0
    assert json.loads(single.read_text())["metrics"]["score[digits-cnn]"] == pytest.approx(
        each[1], rel=1e-6)
    # --output names the summary; the draws sit beside it.
    assert evaluate.main(argv + ["--seeds", "0,2", "--output", str(tmp_path / "s.json")]) == 0
    assert {p.name for p in tmp_path.glob("s*.json")} == {
        "s.json", "s-seed0.json", "s-seed2.json", "single.json"}


def test_draw_spread_by_hand():
    spread = evaluate.draw_spread([{"fid": 20.0, "precision": 0.58, "only_here": 1.0},
                                   {"fid": 22.0, "precision": 0.56},
                                   {"fid": 21.0, "precision": 0.60}])
    assert spread["mean"] == pytest.approx({"fid": 21.0, "precision": 0.58})
    assert spread["std"] == pytest.approx({"fid": 1.0, "precision": 0.02})


# ------------------------------------------------------------ callback

class ToyGAN(keras.Model):
    latent_dim, num_classes = 4, None

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(28 * 28, activation="tanh")

    def call(self, z):
        return self.dense(z)

    def generate(self, z, labels=None):
        return keras.ops.reshape(self(z), (-1, 28, 28, 1))


def test_callback_logs_metric_every_n_steps(tmp_path):
    real = (np.random.default_rng(9).uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32),
            None)
    callback = MetricCallback("fd[digits-cnn]", every_steps=2, num_samples=16, real=real,
                              log_path=tmp_path / "metrics.jsonl")
    model = ToyGAN()
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((5, 4), np.float32)
    model.fit(x, np.zeros((5, 28 * 28), np.float32), batch_size=1, epochs=1,
              callbacks=[callback], verbose=0)
    assert [h["step"] for h in callback.history] == [2, 4]
    assert all(h["fd[digits-cnn]"] > 0 for h in callback.history)
    lines = (tmp_path / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["protocol"]["dataset"] == "given arrays"
    with pytest.raises(UserError):
        MetricCallback("inception_score")
