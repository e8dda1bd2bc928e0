"""TP-GAN: the loss composition with explicit weights, its two new losses by
hand, the landmark crop, and bad input."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.tpgan import TPGAN
from tfgan_zoo.networks.latent import LandmarkPatch
from tfgan_zoo.reports.rotation import cross_verification_eer

WEIGHTS = {"pixel_weight": 2.0, "sym_weight": 0.5, "adv_weight": 0.25, "ip_weight": 4.0,
           "tv_weight": 0.125}


def model(**kwargs):
    m = TPGAN(image_shape=(16, 16, 3), num_classes=6, num_poses=3, latent_dim=4,
              ngf=4, ndf=4, nlf=4, nif=4, seed=1, **kwargs)
    m.build_networks()
    return m


def test_generator_loss_is_the_weighted_sum_of_its_terms():
    m = model(**WEIGHTS)
    view, points, frontal, _ = m.example_data(2)
    fake, *patches = m.generator([view, points, np.zeros([2, 4], np.float32)])
    terms, total = m.generator_losses(fake, patches, frontal)
    assert sorted(terms) == ["adv", "ip", "pixel", "sym", "tv"]
    expected = sum(WEIGHTS[f"{k}_weight"] * float(v) for k, v in terms.items())
    assert float(total) == pytest.approx(expected, rel=1e-5)
    assert all(float(v) > 0 for v in terms.values())       # no term silently zero
    m0 = model(**{**WEIGHTS, "ip_weight": 0.0})
    assert m0.term_weights["ip"] == 0.0 and m.term_weights["sym"] == 0.5


def test_multiscale_l1_and_symmetry_by_hand():
    a = np.zeros([1, 4, 4, 1], np.float32)
    b = np.zeros_like(a)
    b[0, 0, 0, 0] = 4.0
    # full: 4/16; 2x2 pool: 1/4; 1x1 pool: 0.25/1
    assert float(losses.multiscale_l1(a, b)) == pytest.approx(0.25 + 0.25 + 0.25)
    row = np.array([1, 2, 3, 5], np.float32).reshape(1, 1, 4, 1)
    # |1-5| + |2-3| + |3-2| + |5-1| over 4 pixels
    assert float(losses.symmetry_loss(row, laplacian=False)) == pytest.approx(10 / 4)
    mirror = np.concatenate([row, row[:, :, ::-1]], 2)
    assert float(losses.symmetry_loss(np.tile(mirror, [1, 3, 1, 1]))) == pytest.approx(0)


def test_landmark_patch_crops_and_stays_inside():
    image = np.arange(64, dtype=np.float32).reshape(1, 8, 8, 1)
    points = np.array([[[0.5, 0.25], [0.0, 1.0]]], np.float32)    # (x, y)
    inside = LandmarkPatch(4, 0)(image, points).numpy()[0, ..., 0]
    assert np.array_equal(inside, image[0, 0:4, 2:6, 0])
    corner = LandmarkPatch(4, 1)(image, points).numpy()[0, ..., 0]
    assert np.array_equal(corner, image[0, 4:8, 0:4, 0])


def test_bad_input_one_line():
    m = model()
    points = np.full([1, 4, 2], 0.5, np.float32)
    with pytest.raises(UserError, match="fractions in \\[0, 1\\]"):
        m.frontalize(np.zeros([1, 16, 16, 3], np.float32), points + 1)
    with pytest.raises(UserError, match="takes images of shape"):
        m.frontalize(np.zeros([1, 16, 16, 1], np.float32), points)
    with pytest.raises(UserError, match="multiple"):
        TPGAN(image_shape=(16, 16, 3), num_classes=7, num_poses=3)
    with pytest.raises(UserError, match="power-of-two"):
        TPGAN(image_shape=(24, 24, 3), num_classes=6, num_poses=3)
    with pytest.raises(UserError, match="heads2frontal"):
        m.unpack((tf.zeros([1, 16, 16, 3]), tf.zeros([1], tf.int32)))


def test_cross_verification_eer_separates_identities():
    gallery_ids = np.arange(4)
    probe_ids = np.repeat(gallery_ids, 3)
    noise = 0.01 * np.random.default_rng(0).normal(size=(12, 4))
    assert cross_verification_eer(np.eye(4)[probe_ids] + noise, probe_ids, np.eye(4),
                                  gallery_ids) == 0.0
    # Features that ignore identity verify at chance.
    flat = np.ones((12, 4)) + noise
    assert cross_verification_eer(flat, probe_ids, np.ones((4, 4)), gallery_ids) > 0.2
