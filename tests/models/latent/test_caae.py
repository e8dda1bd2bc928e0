"""CAAE: the loss composition with explicit (non-zero) weights, the aged
heads source, and bad input."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.data import heads
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.caae import CAAE, tiled_label

WEIGHTS = {"rec_weight": 2.0, "img_weight": 0.5, "z_weight": 0.25, "tv_weight": 4.0}


def model(**kwargs):
    m = CAAE(image_shape=(16, 16, 3), num_classes=6, num_ages=3, latent_dim=4, ngf=4,
             ndf=4, nef=4, seed=1, **kwargs)
    m.build_networks()
    return m


def test_eg_loss_is_the_weighted_sum_and_no_term_is_dropped():
    m = model(**WEIGHTS)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    ages = np.array([0, 2], np.int32)
    z = m.encoder(x)
    assert float(np.abs(z).max()) <= 1.0                      # tanh codes
    terms, total = m.eg_losses(x, z, m.generate_from({"z": z, "age": ages}), ages)
    assert sorted(terms) == ["img", "rec", "tv", "z"]
    expected = sum(WEIGHTS[f"{k}_weight"] * float(v) for k, v in terms.items())
    assert float(total) == pytest.approx(expected, rel=1e-5)
    # The reference port's pitfall: adversarial weights silently 0.000.
    assert m.term_weights["img"] == 0.5 and m.term_weights["z"] == 0.25
    assert CAAE.__init__.__kwdefaults__["img_weight"] > 0
    assert CAAE.__init__.__kwdefaults__["z_weight"] > 0


def test_aged_heads_keep_identity_cues_and_change_age_cues():
    young, old = heads.aged_params(3, 1), heads.aged_params(3, 3)
    assert np.array_equal(young["skin"], old["skin"]) and old["wrinkles"] > young["wrinkles"]
    grey = lambda p: np.linalg.norm(p["hair"] - heads.GREY)  # noqa: E731
    assert grey(old) == pytest.approx(0.15 * grey(young))     # 85 % grey
    images, labels = heads.generate_aged(2, 16, "test")
    assert images.shape == (8, 16, 16, 3) and labels.tolist() == list(range(8))


def test_bad_input_one_line():
    m = model()
    with pytest.raises(UserError, match="age groups are 0-2"):
        m.edit(np.zeros([1, 16, 16, 3], np.float32), 3)
    with pytest.raises(UserError, match="takes images of shape"):
        m.edit(np.zeros([1, 16, 16, 1], np.float32), 0)
    with pytest.raises(UserError, match="age groups are 0-3"):
        heads.aged_params(0, 4)
    with pytest.raises(UserError, match="heads_aged"):
        CAAE(image_shape=(16, 16, 3), num_classes=7, num_ages=3)


def test_label_joins_z_as_repeated_signs():
    code = tiled_label(tf.constant([1, 0]), 3, 2).numpy()
    assert code.tolist() == [[-1, 1, -1, -1, 1, -1], [1, -1, -1, 1, -1, -1]]
