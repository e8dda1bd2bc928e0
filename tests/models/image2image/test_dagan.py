"""DAGAN: trains on undersampled images of its own mask, the U-Net-only
baseline leaves D alone, the SavedModel's mask endpoints undersample in the
graph, and the VGG16 term is there only with weights."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.support.tiny_models import tiny_model, weights
from tfgan_zoo import kspace
from tfgan_zoo.errors import UserError

IMAGES = np.random.default_rng(0).uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
BATCH = (tf.constant(IMAGES), tf.constant(IMAGES))


def test_undersamples_with_its_own_mask():
    model = tiny_model("dagan", mask="poisson2d", sampling_rate=0.2, mask_seed=3)
    mask = kspace.sampling_mask("poisson2d", 16, 16, 0.2, seed=3)
    np.testing.assert_array_equal(model.kspace_mask, mask)
    np.testing.assert_allclose(model.undersample(IMAGES), kspace.undersample(IMAGES, mask))
    assert "poisson2d mask at 20%" in model.card_notes()["input"]
    assert model.card_notes()["perceptual_term"].startswith("off")


def test_without_the_adversarial_term_d_stays_untrained():
    model = tiny_model("dagan", adversarial_weight=0.0)
    before = weights(model.discriminator)
    logs = model.train_step(BATCH)
    assert float(logs["d_loss"][0]) == 0.0 and float(logs["nmse"][0]) > 0
    for a, b in zip(before, weights(model.discriminator)):
        np.testing.assert_array_equal(a, b)


def test_mask_endpoints_undersample_in_the_graph():
    model = tiny_model("dagan")
    endpoints = {e.name: e for e in model.export_endpoints()}
    expected = model.reconstruct(model.undersample(IMAGES)).numpy()
    out = endpoints["reconstruct_with_mask"].function(
        {"image": tf.constant(IMAGES), "mask": tf.stack([model.kspace_mask] * len(IMAGES))})
    np.testing.assert_allclose(out["images_float"], expected, atol=1e-6)
    out = endpoints["reconstruct_with_preset"].function(
        {"image": tf.constant(IMAGES), "mask_preset": tf.constant("gaussian1d_30")})
    np.testing.assert_allclose(out["images_float"], expected, atol=1e-6)
    np.testing.assert_allclose(out["zero_filled"], model.undersample(IMAGES), atol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="unknown mask_preset"):
        endpoints["reconstruct_with_preset"].function(
            {"image": tf.constant(IMAGES), "mask_preset": tf.constant("radial_30")})


@pytest.mark.parametrize("kwargs, message", [
    ({"sampling_rate": 0}, r"sampling rate must be in \(0, 1\]"),
    ({"mask": "spiral"}, "unknown k-space mask kind 'spiral'"),
])
def test_bad_masks(kwargs, message):
    with pytest.raises(UserError, match=message):
        tiny_model("dagan", **kwargs)


def test_vgg16_term_with_user_weights(tmp_path):
    path = tmp_path / "vgg16.weights.h5"
    keras.applications.VGG16(include_top=False, weights=None).save_weights(path)
    model = tiny_model("dagan", perceptual_weights=str(path))
    logs = model.train_step(BATCH)
    assert float(logs["perceptual"][0]) > 0
    assert model.card_notes()["perceptual_term"].startswith("VGG16 block4_pool")
    assert not any("vgg" in w.path for w in model.weights)  # kept out of checkpoints
