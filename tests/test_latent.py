"""DCGAN latent-space tools: interpolation and class-mean arithmetic."""

import json

import numpy as np

from tfgan_zoo import latent, registry
from tfgan_zoo.config import Config


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


def test_class_means_and_arithmetic_with_a_known_classifier(tmp_path):
    model = registry.build_model("dcgan", image_shape=(16, 16, 1), latent_dim=8,
                                 ngf=8, ndf=8)
    model.build_networks()

    def classify(images):
        # "Class" = which third of the brightness range the mean pixel is in.
        c = np.digitize(images.mean(axis=(1, 2, 3)), np.quantile(
            images.mean(axis=(1, 2, 3)), [1 / 3, 2 / 3]))
        return np.eye(3)[c]

    means, counts = latent.class_mean_latents(model, classify, num_samples=300)
    assert sorted(means) == [0, 1, 2] and sum(counts.values()) == 300
    for z in means.values():
        assert np.isclose(np.linalg.norm(z), np.sqrt(8), rtol=1e-4)
    z = latent.arithmetic(means, 2, 1, 0)
    expected = means[2] - means[1] + means[0]
    np.testing.assert_allclose(z / np.linalg.norm(z), expected / np.linalg.norm(expected),
                               rtol=1e-5)

    config = Config(out=str(tmp_path), seed=0)
    report = latent.write_latent_report(model, config, classify=classify,
                                        equations=[(2, 1, 0)])
    for name in ("interpolation.png", "class_means.png", "arithmetic.png"):
        assert (tmp_path / "latent" / name).stat().st_size > 0
    saved = json.loads((tmp_path / "latent" / "report.json").read_text())
    assert saved == json.loads(json.dumps(report))
    assert saved["arithmetic"][0]["equation"] == "mean[2] - mean[1] + mean[0]"
