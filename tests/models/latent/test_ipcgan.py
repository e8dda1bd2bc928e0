"""IPCGAN: every loss weight applied (the reference port drops two), the
age net pre-trained then frozen, the age maps, and bad input."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.ipcgan import IPCGAN, age_maps
from tests.support.models import build, fit

WEIGHTS = {"gan_weight": 2.0, "id_weight": 0.5, "age_weight": 0.25, "pixel_weight": 0.75}


def model(**kwargs):
    m = IPCGAN(image_shape=(16, 16, 3), num_classes=6, num_ages=3, ngf=4, ndf=4, naf=4,
               seed=1, **kwargs)
    m.build_networks()
    return m


def test_g_loss_applies_every_weight():
    m = model(**WEIGHTS)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    targets = tf.constant([0, 2])
    fake = m.generate_from({"image": x, "age": targets})
    terms, total = m.g_losses(tf.constant(x), fake, targets)
    assert sorted(terms) == ["age", "gan", "id", "pixel"]
    assert float(terms["pixel"]) == pytest.approx(
        float(np.mean(np.square(fake.numpy() - x))), rel=1e-5)
    expected = sum(WEIGHTS[f"{k}_weight"] * float(v) for k, v in terms.items())
    assert float(total) == pytest.approx(expected, rel=1e-5)
    assert all(float(v) > 0 for v in terms.values())
    # Changing one weight changes the total by that term alone.
    m.term_weights["id"] = 1.5
    assert float(m.g_losses(tf.constant(x), fake, targets)[1]) == pytest.approx(
        expected + float(terms["id"]), rel=1e-5)
    # While the age net pre-trains, the age term does not count.
    assert float(m.g_losses(tf.constant(x), fake, targets, 0.0)[1]) == pytest.approx(
        expected + float(terms["id"]) - 0.25 * float(terms["age"]), rel=1e-5)


def test_age_net_trains_for_its_steps_then_is_frozen():
    m = build("ipcgan", age_net_steps=1)
    weights = [w.numpy() for w in m.identity.weights]
    generator = [w.numpy() for w in m.generator.trainable_weights]
    fit(m, steps=1)
    after_one = [w.numpy() for w in m.identity.weights]
    assert any(not np.array_equal(a, b) for a, b in zip(weights, after_one))
    fit(m, steps=2)
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(after_one, m.identity.weights))
    assert int(m.identity_optimizer.iterations) == 1
    assert any(not np.array_equal(a, w.numpy())
               for a, w in zip(generator, m.generator.trainable_weights))


def test_age_maps_are_tiled_one_hots():
    maps = age_maps(tf.constant([2, 0]), 3, tf.zeros([2, 4, 5, 1])).numpy()
    assert maps.shape == (2, 4, 5, 3)
    assert (maps[0, ..., 2] == 1).all() and (maps[0, ..., :2] == 0).all()
    assert (maps[1, ..., 0] == 1).all()


def test_bad_input_one_line():
    m = model()
    with pytest.raises(UserError, match="age groups are 0-2, got \\[5\\]"):
        m.edit(np.zeros([1, 16, 16, 3], np.float32), 5)
    with pytest.raises(UserError, match="takes images of shape"):
        m.edit(np.zeros([1, 32, 32, 3], np.float32), 0)
    with pytest.raises(UserError, match="heads_aged"):
        IPCGAN(image_shape=(16, 16, 3), num_classes=7, num_ages=3)
