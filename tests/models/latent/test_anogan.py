"""AnoGAN / f-AnoGAN: the izif loss by hand, scores and residual maps, the
exported search and encoder signatures (float and uint8) against Keras,
the encoder as a LiteRT model, and the bad inputs."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.export import tflite
from tfgan_zoo.export.graph import write_graph
from tests.support.models import SHAPE, build_for_export, one_line_error


def test_izif_loss_by_hand():
    x, x_hat = tf.ones([2, 2, 2, 1]), tf.zeros([2, 2, 2, 1])
    f, f_hat = tf.fill([2, 3], 2.0), tf.zeros([2, 3])
    per_example = losses.izif_loss(x, x_hat, f, f_hat, feature_weight=0.5, reduce=tf.identity)
    np.testing.assert_allclose(per_example, [1.0 + 0.5 * 4.0] * 2)


@pytest.fixture(scope="module")
def model():
    return build_for_export("anogan", search_steps=3)


def test_scores_and_residuals(model):
    x = np.random.default_rng(0).uniform(-1, 1, (3, *SHAPE)).astype("float32")
    for method in ("search", "encoder"):
        out = model.anomaly_score(x, method)
        assert out["score"].shape == (3,) and out["residual"].shape == (3, *SHAPE)
        assert np.all(out["score"].numpy() >= 0)
    # f-AnoGAN's score is izif at z = E(x); its residual is |x - G(E(x))|.
    out = model.anomaly_score(x, "encoder")
    np.testing.assert_allclose(out["residual"], np.abs(x - model.generate(model.encode(x))),
                               atol=1e-6)
    # A query's AnoGAN score does not depend on the batch it is sent in.
    np.testing.assert_allclose(model.anomaly_score(x[:1])["score"],
                               model.anomaly_score(x)["score"][:1], atol=1e-5)


def test_exported_signatures_match_keras(model, tmp_path):
    write_graph(model, tmp_path / "sm")
    loaded = tf.saved_model.load(str(tmp_path / "sm"))
    names = set(loaded.signatures)
    for name in ("encode", "project", "anomaly_score", "anomaly_score_encoder"):
        assert {name, f"{name}_uint8"} <= names
    pixels = np.random.default_rng(1).integers(0, 256, (2, *SHAPE)).astype(np.uint8)
    x = pixels.astype("float32") / 127.5 - 1.0
    np.testing.assert_allclose(loaded.signatures["encode"](image=tf.constant(x))["z"],
                               model.encode(x), atol=1e-5)
    served = loaded.signatures["anomaly_score_uint8"](image=tf.constant(pixels))
    keras_out = model.anomaly_score(x)
    np.testing.assert_allclose(served["score"], keras_out["score"], atol=1e-5)
    np.testing.assert_allclose(served["residual"], keras_out["residual"], atol=1e-5)
    # The phone's path: the encoder alone, built-in ops, float32 parity.
    from ai_edge_litert.interpreter import Interpreter
    interpreter = Interpreter(model_content=tflite.convert_network(model.encoder, "image", "z"))
    runner = interpreter.get_signature_runner()
    np.testing.assert_allclose(runner(image=x[:1])["z"], model.encode(x[:1]), atol=1e-4)


def test_bad_inputs_are_one_line_errors(model):
    with pytest.raises(UserError) as excinfo:
        model.encode(np.zeros((1, 28, 28, 3), np.float32))
    one_line_error(excinfo, "shape [batch, 16, 16, 1]", "[1, 28, 28, 3]")
    with pytest.raises(UserError) as excinfo:
        model.anomaly_score(np.zeros((1, *SHAPE), np.float32), steps=0)
    one_line_error(excinfo, "Gamma", "at least 1")
    with pytest.raises(UserError) as excinfo:
        type(model)(image_shape=SHAPE, search_steps=0)
    one_line_error(excinfo, "--search-steps (Gamma)")
