"""iGAN: the constraint loss by hand, an edit with no constraint stays at
its projection and a colour stroke pulls the masked pixels towards it,
the three projection methods, the exported project / edit / edit_z /
morph signatures (float and uint8) against Keras, the encoder as a LiteRT
model, and the bad inputs."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.export import tflite
from tfgan_zoo.export.graph import write_graph
from tfgan_zoo.latent import constraint_loss, edge_map, masked_mse
from tests.support.models import SHAPE, build_for_export, one_line_error


def test_constraint_loss_by_hand():
    images = tf.zeros([1, 2, 2, 1])
    mask = np.array([[[1.0, 0.0], [0.0, 0.0]]], np.float32)
    color = np.full((1, 2, 2, 1), 0.5, np.float32)
    np.testing.assert_allclose(masked_mse(images, color, mask), [0.25])
    # A flat image has no edges; the sketch asks 1 on one pixel of two.
    edge, edge_mask = np.ones((1, 2, 2), np.float32), np.array([[[1, 1], [0, 0]]], np.float32)
    np.testing.assert_allclose(edge_map(images), np.zeros((1, 2, 2)), atol=1e-3)
    loss = constraint_loss(images, {"color": color, "color_mask": mask, "edge": edge,
                                    "edge_mask": edge_mask}, edge_weight=0.2)
    np.testing.assert_allclose(loss, [0.25 + 0.2 * 1.0], atol=1e-3)


@pytest.fixture(scope="module")
def model():
    return build_for_export("igan", projection_steps=3, edit_steps=20, edit_lr=0.1,
                            pull_weight=0.0)


def constraints(model, n, masked):
    c = model.constraint_example(np.zeros((n, *SHAPE), np.float32))
    if not masked:
        c["color_mask"] = np.zeros_like(c["color_mask"])
    c["edge_mask"] = np.zeros_like(c["edge_mask"])
    return c


def test_edits_and_projections(model):
    x = np.random.default_rng(0).uniform(-1, 1, (3, *SHAPE)).astype("float32")
    z0 = model.project(x)["z"]
    # No constraint and no pull: the gradient is 0, so z stays z0.
    np.testing.assert_allclose(model.edit_codes(z0, constraints(model, 3, False))["z"], z0,
                               atol=1e-6)
    # A colour stroke moves the masked pixels towards its colour.
    c = constraints(model, 3, True)
    before = masked_mse(model.generate(z0), c["color"], c["color_mask"])
    after = model.edit_codes(z0, c)["loss"]
    assert np.all(after.numpy() < before.numpy())
    # P alone is the hybrid at 0 steps; every method keeps z in the bound.
    np.testing.assert_allclose(model.project(x, "encoder")["z"],
                               model.project(x, "hybrid", steps=0)["z"], atol=1e-6)
    for method in ("hybrid", "optimization", "encoder"):
        assert np.all(np.abs(model.project(x, method)["z"]) <= 3.0)
    assert model.morph(x[:2], x[1:]).shape == (16, *SHAPE)


def test_exported_signatures_match_keras(model, tmp_path):
    write_graph(model, tmp_path / "sm")
    loaded = tf.saved_model.load(str(tmp_path / "sm"))
    names = set(loaded.signatures)
    assert {"encode", "project", "edit", "edit_uint8", "project_uint8", "edit_z",
            "morph"} <= names
    pixels = np.random.default_rng(1).integers(0, 256, (2, *SHAPE)).astype(np.uint8)
    x = pixels.astype("float32") / 127.5 - 1.0
    c = constraints(model, 2, True)
    served = loaded.signatures["edit_uint8"](
        image=tf.constant(pixels), **{k: tf.constant(v) for k, v in c.items()})
    keras_out = model.edit(x, c)
    np.testing.assert_allclose(served["images_float"], keras_out["images"], atol=1e-4)
    served = loaded.signatures["edit_z"](z=keras_out["z"],
                                         **{k: tf.constant(v) for k, v in c.items()})
    np.testing.assert_allclose(served["images_float"],
                               model.edit_codes(keras_out["z"], c)["images"], atol=1e-4)
    served = loaded.signatures["project"](image=tf.constant(x))
    np.testing.assert_allclose(served["z"], model.project(x)["z"], atol=1e-4)
    # The phone's path: P alone, built-in ops, float32 parity.
    from ai_edge_litert.interpreter import Interpreter
    interpreter = Interpreter(model_content=tflite.convert_network(model.encoder, "image", "z"))
    runner = interpreter.get_signature_runner()
    np.testing.assert_allclose(runner(image=x[:1])["z"], model.encode(x[:1]), atol=1e-4)


def test_bad_inputs_are_one_line_errors(model):
    x = np.zeros((2, *SHAPE), np.float32)
    c = constraints(model, 2, True)
    with pytest.raises(UserError) as excinfo:
        model.edit(x, {**c, "color_mask": np.zeros((2, 5, 5), np.float32)})
    one_line_error(excinfo, "'color_mask'", "[2, 16, 16]")
    with pytest.raises(UserError) as excinfo:
        model.edit(x, {"color": c["color"]})
    one_line_error(excinfo, "missing color_mask, edge, edge_mask")
    with pytest.raises(UserError) as excinfo:
        model.project(x, "lbfgs")
    one_line_error(excinfo, "hybrid, optimization, encoder")
    with pytest.raises(UserError) as excinfo:
        type(model)(image_shape=SHAPE, edit_steps=0)
    one_line_error(excinfo, "--edit-steps")
