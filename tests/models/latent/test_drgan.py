"""DR-GAN: labels split into identity and pose, losses by hand, bad input."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.drgan import DRGAN
from tfgan_zoo.reports.rotation import verification_eer


def model():
    m = DRGAN(image_shape=(16, 16, 3), num_classes=6, num_poses=3, latent_dim=4,
              ngf=4, ndf=4, nef=4, seed=1)
    m.build_networks()
    return m


def test_heads_have_identities_plus_fake_and_poses():
    m = model()
    identity, pose = m.heads(tf.zeros([2, 16, 16, 3]))
    assert identity.shape == (2, 3) and pose.shape == (2, 3)   # Nd = 6 // 3 = 2, + fake
    out = m.edit(np.zeros([2, 16, 16, 3], np.float32), 1)
    assert out.shape == (2, 16, 16, 3)
    assert m.encode(np.zeros([2, 16, 16, 3], np.float32)).shape == (2, 4)


def test_bad_input_one_line():
    m = model()
    with pytest.raises(UserError, match="poses are bins 0-2"):
        m.edit(np.zeros([1, 16, 16, 3], np.float32), 3)
    with pytest.raises(UserError, match="takes images of shape"):
        m.edit(np.zeros([1, 8, 8, 3], np.float32), 0)
    with pytest.raises(UserError, match="multiple"):
        DRGAN(image_shape=(16, 16, 3), num_classes=7, num_poses=3)


def test_verification_eer_separates_identities():
    ids = np.repeat(np.arange(4), 3)
    features = np.eye(4)[ids] + 0.01 * np.random.default_rng(0).normal(size=(12, 4))
    assert verification_eer(features, ids) == 0.0


def test_edits_go_through_the_weight_average_when_asked():
    m = DRGAN(image_shape=(16, 16, 3), num_classes=6, num_poses=3, latent_dim=4,
              ngf=4, ndf=4, nef=4, seed=1, ema_decay=0.5)
    m.build_networks()
    m.build_ema()
    assert m.inference_generator() is m.generator_ema
    assert m.inference_generator(training=True) is m.generator
    # Perturb the averaged copy: edit() must change, the raw G's output must not.
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    raw = m.generator([x, np.ones(2, "int32"), np.zeros((2, 4), "float32")], training=False)
    before = m.edit(x, 1).numpy()
    np.testing.assert_allclose(before, raw, atol=1e-6)   # the copy starts equal
    kernels = [w for w in m.generator_ema.weights if "kernel" in w.path]
    assert kernels and not m.generator_ema.trainable_weights      # frozen copy
    for w in kernels:
        w.assign(w + 0.1)
    assert not np.allclose(m.edit(x, 1).numpy(), before, rtol=1e-2, atol=0)
    np.testing.assert_allclose(m.generator([x, np.ones(2, "int32"), np.zeros((2, 4), "float32")],
                                           training=False), raw, atol=1e-6)
    with pytest.raises(UserError, match="ema-decay"):
        DRGAN(image_shape=(16, 16, 3), num_classes=6, num_poses=3, ema_decay=1.5)
