"""The metrics of tfgan_zoo.evaluation.metrics on small random features and
images (no network): Fréchet distance against closed forms, KID's
unbiasedness, precision/recall and density/coverage at their extremes, the
classifier score's bounds, and PSNR, SSIM and the Y-channel protocol."""

import numpy as np
import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import (classifier_score, density_coverage, feature_statistics,
                                  fid_from_features, frechet_distance, image_metrics,
                                  kernel_inception_distance, mae, precision_recall, psnr,
                                  rgb_to_y, ssim)
from tests.support.models import one_line_error


# ------------------------------------------------------------ Fréchet distance

def test_fid_of_identical_features_is_zero():
    x = np.random.default_rng(0).normal(size=(200, 16))
    assert fid_from_features(x, x) == pytest.approx(0, abs=1e-8)


def test_frechet_distance_closed_form_commuting_gaussians():
    # Same eigenvectors: FD = |mu1 - mu2|^2 + sum (sqrt(a) - sqrt(b))^2.
    rotation, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(4, 4)))
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([4.0, 1.0, 9.0, 0.25])
    mu1, mu2 = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 1.0, 0.0, 3.0])
    sigma1, sigma2 = rotation @ np.diag(a) @ rotation.T, rotation @ np.diag(b) @ rotation.T
    expected = 5.0 + ((np.sqrt(a) - np.sqrt(b)) ** 2).sum()
    assert frechet_distance(mu1, sigma1, mu2, sigma2) == pytest.approx(expected, rel=1e-10)


def test_frechet_distance_non_commuting_and_singular():
    scipy_linalg = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(2)
    s1, s2 = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    sigma1, sigma2 = s1 @ s1.T, s2 @ s2.T
    mu1, mu2 = rng.normal(size=5), rng.normal(size=5)
    cross = scipy_linalg.sqrtm(sigma1 @ sigma2).real
    expected = ((mu1 - mu2) ** 2).sum() + np.trace(sigma1 + sigma2 - 2 * cross)
    assert frechet_distance(mu1, sigma1, mu2, sigma2) == pytest.approx(expected, rel=1e-8)
    # Rank-deficient covariances (fewer samples than dimensions) stay finite.
    low_rank = rng.normal(size=(3, 5))
    assert np.isfinite(fid_from_features(low_rank, rng.normal(size=(4, 5))))


def test_fid_low_rank_route_matches_covariance_route():
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(20, 30)), rng.normal(0.5, 2.0, size=(25, 30))
    expected = frechet_distance(*feature_statistics(real), *feature_statistics(fake))
    # Rank-deficient covariances: the eigen route's clipped tiny eigenvalues
    # contribute ~sqrt(machine eps) each, hence not 1e-12.
    assert fid_from_features(real, fake) == pytest.approx(expected, rel=1e-6)
    wide = rng.normal(size=(40, 6))  # more samples than dimensions
    assert fid_from_features(wide, wide + 1.0) == pytest.approx(6.0, rel=1e-9)


def test_feature_statistics_need_two_samples():
    with pytest.raises(UserError) as e:
        feature_statistics(np.zeros((1, 8)))
    one_line_error(e, "at least 2")
    with pytest.raises(UserError):
        fid_from_features(np.zeros((1, 8)), np.zeros((5, 8)))


def test_mismatched_feature_widths():
    with pytest.raises(UserError) as e:
        fid_from_features(np.zeros((5, 8)), np.zeros((5, 9)))
    one_line_error(e, "8 vs 9")
    with pytest.raises(UserError):
        precision_recall(np.zeros((5, 8)), np.zeros((5, 9)))
    with pytest.raises(UserError):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))


# ------------------------------------------------------------------------ KID

def test_kid_is_unbiased_on_identical_distributions():
    rng = np.random.default_rng(3)
    draws = [kernel_inception_distance(rng.normal(size=(30, 8)), rng.normal(size=(30, 8)),
                                       num_subsets=1, seed=i)[0] for i in range(300)]
    mean, sem = np.mean(draws), np.std(draws) / np.sqrt(len(draws))
    assert abs(mean) < 3 * sem
    # ... and clearly positive when the distributions differ.
    shifted = kernel_inception_distance(rng.normal(size=(30, 8)),
                                        rng.normal(1.0, size=(30, 8)), num_subsets=10)
    assert shifted[0] > 10 * sem


def test_kid_reports_mean_and_std_over_subsets():
    rng = np.random.default_rng(4)
    mean, std = kernel_inception_distance(rng.normal(size=(100, 8)),
                                          rng.normal(size=(100, 8)), 20, 50)
    assert std > 0 and abs(mean) < 5 * std


# --------------------------------------------------------------- k-NN metrics

def test_precision_recall_density_coverage_extremes():
    rng = np.random.default_rng(5)
    real = rng.normal(size=(100, 4))
    assert precision_recall(real, real) == (1.0, 1.0)
    density, coverage = density_coverage(real, real)
    assert coverage == 1.0 and density == pytest.approx(1.0, abs=0.3)
    far = real + 100.0
    assert precision_recall(real, far) == (0.0, 0.0)
    assert density_coverage(real, far) == (0.0, 0.0)


def test_mode_collapse_keeps_precision_loses_recall():
    rng = np.random.default_rng(6)
    real = rng.normal(size=(300, 2))
    collapsed = real[np.linalg.norm(real - real[0], axis=1) < 0.5]  # one mode
    precision, recall = precision_recall(real, collapsed)
    density, coverage = density_coverage(real, collapsed)
    assert precision > 0.9 and recall < 0.3 and coverage < 0.3


def test_knn_metrics_need_more_than_k_samples():
    with pytest.raises(UserError) as e:
        precision_recall(np.zeros((3, 2)), np.zeros((10, 2)), k=3)
    one_line_error(e, "k=3")


# ----------------------------------------------------------- classifier score

def test_classifier_score_bounds():
    assert classifier_score(np.zeros((50, 10)))[0] == pytest.approx(1.0)
    confident = np.eye(10)[np.arange(100) % 10] * 50.0  # balanced, certain
    assert classifier_score(confident)[0] == pytest.approx(10.0, rel=1e-6)
    mean, std = classifier_score(confident, splits=5)
    assert mean == pytest.approx(10.0, rel=1e-6) and std < 1e-6


# ------------------------------------------------------------ image metrics

def test_psnr_of_constant_offset():
    target = np.random.default_rng(7).uniform(-0.5, 0.5, (2, 16, 16, 3))
    # MSE = 0.1^2 over a data range of 2: 10 log10(4 / 0.01).
    assert psnr(target + 0.1, target) == pytest.approx(10 * np.log10(400.0))
    assert mae(target + 0.1, target) == pytest.approx(0.1)
    assert psnr(target, target) == np.inf


def test_y_channel_protocol():
    white, black = np.ones((1, 4, 4, 3)), -np.ones((1, 4, 4, 3))
    assert rgb_to_y(white)[0, 0, 0, 0] == pytest.approx(235.0, abs=1e-3)
    assert rgb_to_y(black)[0, 0, 0, 0] == pytest.approx(16.0)
    # A grey offset of 10/255 in RGB moves Y by 10 * 219/255 on [0, 255].
    grey = np.zeros((1, 20, 20, 3))
    result = image_metrics(grey + 20 / 255, grey, y_channel=True, crop_border=4)
    assert result["psnr"] == pytest.approx(20 * np.log10(255 / (10 * 219 / 255)), rel=1e-6)
    assert result["mae"] == pytest.approx(10 * 219 / 255, rel=1e-6)


def test_ssim_identity_and_skimage_agreement():
    rng = np.random.default_rng(8)
    x = np.clip(rng.normal(0, 0.5, (2, 32, 32, 3)), -1, 1)
    y = np.clip(x + rng.normal(0, 0.2, x.shape), -1, 1)
    assert ssim(x, x) == pytest.approx(1.0)
    assert ssim(x, y) < 0.95
    metrics = pytest.importorskip("skimage.metrics")
    reference = np.mean([metrics.structural_similarity(
        a, b, data_range=2.0, channel_axis=-1, gaussian_weights=True, sigma=1.5,
        use_sample_covariance=False) for a, b in zip(x, y)])
    assert ssim(x, y) == pytest.approx(reference, abs=1e-6)


def test_image_metric_errors():
    with pytest.raises(UserError) as e:
        psnr(np.zeros((1, 8, 8, 3)), np.zeros((1, 8, 9, 3)))
    one_line_error(e, "shapes differ")
    with pytest.raises(UserError):
        ssim(np.zeros((1, 8, 8, 1)), np.zeros((1, 8, 8, 1)))  # under 11x11
    with pytest.raises(UserError):
        image_metrics(np.zeros((1, 8, 8, 3)), np.zeros((1, 8, 8, 3)), crop_border=4)
