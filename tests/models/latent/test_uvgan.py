"""UV-GAN: the loss composition with explicit weights, the completion keeps
seen texels, the mirror-fill baseline and missing-texel PSNR by hand, the
heads2uv triples, and bad input."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.data import heads
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.uvgan import UVGAN
from tfgan_zoo.reports.uv import missing_psnr, mirror_fill

WEIGHTS = {"pixel_weight": 2.0, "global_weight": 0.5, "local_weight": 0.25, "ip_weight": 4.0,
           "sym_weight": 3.0}


def model(**kwargs):
    m = UVGAN(image_shape=(16, 16, 3), num_classes=6, num_poses=3, ngf=4, ndf=4, nif=4,
              seed=1, **kwargs)
    m.build_networks()
    return m


def test_loss_is_the_weighted_sum_and_seen_texels_are_kept():
    m = model(**WEIGHTS)
    partial, mask, complete, _ = m.example_data(2)
    raw, completed = m.complete(partial, mask)
    terms, total = m.generator_losses(raw, completed, mask, complete)
    assert sorted(terms) == ["global", "ip", "local", "pixel", "sym"]
    # The default pixel term is L1 over the missing texels only.
    missing = np.broadcast_to(mask == 1, partial.shape)
    assert float(terms["pixel"]) == pytest.approx(
        float(np.mean([np.abs(raw.numpy()[i] - complete[i])[missing[i]].mean()
                       for i in range(2)])), rel=1e-5)
    assert float(terms["sym"]) == pytest.approx(
        float(np.mean(np.abs(completed.numpy() - completed.numpy()[:, :, ::-1]))), rel=1e-5)
    expected = sum(WEIGHTS[f"{k}_weight"] * float(v) for k, v in terms.items())
    assert float(total) == pytest.approx(expected, rel=1e-5)
    assert all(float(v) > 0 for v in terms.values())
    seen = mask == 0
    assert np.allclose(completed.numpy()[np.broadcast_to(seen, partial.shape)],
                       partial[np.broadcast_to(seen, partial.shape)])
    l2 = model(pixel_loss="l2", global_weight=0.0, local_weight=0.0, ip_weight=0.0,
               sym_weight=0.0)
    terms, total = l2.generator_losses(raw, completed, mask, complete)
    assert float(total) == pytest.approx(float(terms["pixel"]))
    # log-mse: each map's missing-texel MSE in dB (minus its PSNR), averaged over maps
    terms, _ = model(pixel_loss="log-mse").generator_losses(raw, completed, mask, complete)
    assert float(terms["pixel"]) == pytest.approx(float(np.mean(
        [10 * np.log10(np.square(raw.numpy()[i] - complete[i])[missing[i]].mean() + 1e-5)
         for i in range(2)])), rel=1e-5)


def test_mirror_fill_and_missing_psnr_by_hand():
    partial = np.array([1.0, 0.0, 0.0, -1.0], np.float32).reshape(1, 1, 4, 1)
    mask = np.array([0, 1, 1, 1], np.float32).reshape(1, 1, 4, 1)
    # texel 3 mirrors seen texel 0; texels 1, 2 mirror unseen ones: the seen mean (1.0)
    assert mirror_fill(partial, mask).ravel().tolist() == [1.0, 1.0, 1.0, 1.0]
    truth = np.array([1.0, 1.0, 0.0, 1.0], np.float32).reshape(1, 1, 4, 1)
    # missing texels' MSE: (0 + 1 + 0) / 3
    assert missing_psnr(mirror_fill(partial, mask), truth, mask) == pytest.approx(
        10 * np.log10(4 / (1 / 3)))


def test_heads2uv_partial_is_the_seen_part_of_the_truth():
    partial, mask, complete, labels = heads.TexturePairs(2, 16, "test").arrays()
    assert partial.shape == complete.shape == (26, 16, 16, 3) and mask.shape == (26, 16, 16, 1)
    seen = np.broadcast_to(mask == 0, partial.shape)
    assert np.array_equal(partial[seen], complete[seen])
    assert 0.3 < mask.mean() < 0.7 and labels.max() == 25


def test_bad_input_one_line():
    m = model()
    mask = np.zeros([1, 16, 16, 1], np.float32)
    with pytest.raises(UserError, match="takes UV maps of shape"):
        m.fill(np.zeros([1, 8, 8, 3], np.float32), mask)
    with pytest.raises(UserError, match="takes masks of shape"):
        m.fill(np.zeros([1, 16, 16, 3], np.float32), mask[..., 0])
    with pytest.raises(UserError, match="1 where a texel is missing"):
        m.fill(np.zeros([1, 16, 16, 3], np.float32), mask + 0.5)
    with pytest.raises(UserError, match="pixel_loss is one of"):
        UVGAN(image_shape=(16, 16, 3), num_classes=6, num_poses=3, pixel_loss="l3")
    with pytest.raises(UserError, match="heads2uv"):
        m.unpack((tf.zeros([1, 16, 16, 3]), tf.zeros([1], tf.int32)))
