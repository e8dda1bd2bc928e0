"""Latent-space tools (tfgan_zoo.latent): spherical interpolation and
class-mean arithmetic with a known classifier."""

import numpy as np

from tfgan_zoo import latent, registry


def test_interpolation_hits_both_ends_and_keeps_the_norm():
    rng = np.random.default_rng(0)
    z0, z1 = rng.standard_normal((2, 64))
    path = latent.interpolate(z0, z1, steps=7)
    assert path.shape == (7, 64)
    np.testing.assert_allclose(path[0], z0, rtol=1e-5)
    np.testing.assert_allclose(path[-1], z1, rtol=1e-5)
    # slerp stays near the shell where Gaussian latents live; lerp cuts inside.
    norms = np.linalg.norm(path, axis=1)
    assert norms.min() > 0.9 * min(np.linalg.norm(z0), np.linalg.norm(z1))
    assert np.linalg.norm(latent.interpolate(z0, z1, 3, spherical=False)[1]) < norms[3]


def test_slerp_is_pair_major_and_falls_back_to_a_line_for_parallel_pairs():
    rng = np.random.default_rng(1)
    starts, ends = rng.standard_normal((2, 3, 8)).astype("float32")
    path = latent.slerp(starts, ends, 4).numpy()
    assert path.shape == (12, 8)
    for i in range(3):
        np.testing.assert_allclose(path[4 * i:4 * i + 4],
                                   latent.interpolate(starts[i], ends[i], 4), atol=1e-5)
    z = starts[:1]
    np.testing.assert_allclose(latent.slerp(z, 2 * z, 3).numpy(),
                               [z[0], 1.5 * z[0], 2 * z[0]], atol=1e-5)


def classify_by_brightness(images):
    """"Class" = which third of the brightness range the mean pixel is in."""
    means = images.mean(axis=(1, 2, 3))
    return np.eye(3)[np.digitize(means, np.quantile(means, [1 / 3, 2 / 3]))]


def tiny_dcgan():
    model = registry.build_model("dcgan", image_shape=(16, 16, 1), latent_dim=8,
                                 ngf=8, ndf=8)
    model.build_networks()
    return model


def test_class_means_and_arithmetic_with_a_known_classifier():
    model = tiny_dcgan()
    means, counts = latent.class_mean_latents(model, classify_by_brightness, num_samples=300)
    assert sorted(means) == [0, 1, 2] and sum(counts.values()) == 300
    for z in means.values():
        assert np.isclose(np.linalg.norm(z), np.sqrt(8), rtol=1e-4)
    z = latent.arithmetic(means, 2, 1, 0)
    expected = means[2] - means[1] + means[0]
    np.testing.assert_allclose(z / np.linalg.norm(z), expected / np.linalg.norm(expected),
                               rtol=1e-5)
