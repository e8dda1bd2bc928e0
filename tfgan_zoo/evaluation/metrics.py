"""Metric functions on features or images: pure numpy (and scipy-free).

Distribution metrics take two feature matrices [N, D] (real, fake); image
metrics take float NHWC images in [-1, 1]. Bad input raises a one-line
UserError. Features come from `inception.FIDInception` or a project
classifier (`classifiers.load_classifier`); these functions don't care which.
"""

from __future__ import annotations

import numpy as np

from tfgan_zoo.errors import UserError


def _features(x, name, min_rows=1):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise UserError(f"{name} features must be a [N, D] matrix, got shape {x.shape}")
    if len(x) < min_rows:
        raise UserError(f"{name}: {len(x)} samples, need at least {min_rows}")
    if not np.all(np.isfinite(x)):
        raise UserError(f"{name} features contain NaN or inf")
    return x


def _pair(real, fake, min_rows=1):
    real, fake = _features(real, "real", min_rows), _features(fake, "fake", min_rows)
    if real.shape[1] != fake.shape[1]:
        raise UserError(f"real and fake features differ in width: "
                        f"{real.shape[1]} vs {fake.shape[1]}")
    return real, fake


# ------------------------------------------------------------ Fréchet distance

def feature_statistics(features):
    """Mean and covariance (unbiased, N-1) of [N, D] features, in float64."""
    x = _features(features, "features", min_rows=2)
    return x.mean(axis=0), np.cov(x, rowvar=False)


def _sqrt_psd(matrix):
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
    """Fréchet (2-Wasserstein) distance between N(mu1, sigma1) and N(mu2, sigma2)
    (Dowson & Landau 1982), the formula of FID (Heusel et al. 2017, eq. 6):

        |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^{1/2}).

    tr((S1 S2)^{1/2}) is computed as the sum of square roots of the
    eigenvalues of the symmetric PSD matrix S1^{1/2} S2 S1^{1/2}, which has
    the same spectrum; unlike scipy's sqrtm of the non-symmetric S1 S2, it
    needs no epsilon on singular covariances and never turns complex."""
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    sigma1, sigma2 = np.asarray(sigma1, np.float64), np.asarray(sigma2, np.float64)
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape or \
            sigma1.shape != mu1.shape * 2:
        raise UserError(f"mismatched statistics: means {mu1.shape} and {mu2.shape}, "
                        f"covariances {sigma1.shape} and {sigma2.shape}")
    root1 = _sqrt_psd(sigma1)
    middle = root1 @ sigma2 @ root1
    cross = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * cross)


def fid_from_features(real, fake) -> float:
    """FID (Heusel et al. 2017) between two feature sets (each N >= 2).

    With fewer samples than dimensions (e.g. 1000 x 2048) it avoids the
    D x D eigendecompositions: for centred features A (n1 x D), B (n2 x D),
    S1 = A'A/(n1-1), S2 = B'B/(n2-1) and the eigenvalues of S1 S2 are the
    squared singular values of A B' / sqrt((n1-1)(n2-1)), so
    tr((S1 S2)^{1/2}) is that matrix's nuclear norm."""
    real, fake = _pair(real, fake, min_rows=2)
    if min(len(real), len(fake)) > real.shape[1]:
        return frechet_distance(*feature_statistics(real), *feature_statistics(fake))
    a, b = real - real.mean(axis=0), fake - fake.mean(axis=0)
    n1, n2 = len(a) - 1, len(b) - 1
    cross = np.linalg.svd(a @ b.T, compute_uv=False).sum() / np.sqrt(n1 * n2)
    diff = real.mean(axis=0) - fake.mean(axis=0)
    return float(diff @ diff + (a * a).sum() / n1 + (b * b).sum() / n2 - 2 * cross)


# ------------------------------------------------------------------------ KID

def _polynomial_kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def kernel_inception_distance(real, fake, num_subsets=100, subset_size=1000, seed=0):
    """KID (Bińkowski et al. 2018, "Demystifying MMD GANs", eq. 4): the
    unbiased MMD^2 estimate with the cubic polynomial kernel
    k(x, y) = (x.y / d + 1)^3, averaged over `num_subsets` random subsets of
    min(subset_size, N_real, N_fake) samples a side. Returns (mean, std)."""
    real, fake = _pair(real, fake, min_rows=2)
    m = min(int(subset_size), len(real), len(fake))
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(int(num_subsets)):
        x = real[rng.choice(len(real), m, replace=False)]
        y = fake[rng.choice(len(fake), m, replace=False)]
        kxx, kyy, kxy = _polynomial_kernel(x, x), _polynomial_kernel(y, y), \
            _polynomial_kernel(x, y)
        # Dropping the diagonals makes the within-set terms unbiased.
        within = (kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (m * (m - 1))
        estimates.append(within - 2 * kxy.mean())
    estimates = np.asarray(estimates)
    return float(estimates.mean()), float(estimates.std())


# --------------------------------------------------------------- k-NN metrics

def _distance_blocks(x, y, block=1024):
    """Yield (start, Euclidean distances [block, len(y)]) over row blocks of
    x, so 50k x 50k comparisons never hold the whole matrix."""
    y_sq = (y * y).sum(axis=1)
    for start in range(0, len(x), block):
        xb = x[start:start + block]
        sq = (xb * xb).sum(axis=1)[:, None] - 2 * xb @ y.T + y_sq[None, :]
        yield start, np.sqrt(np.clip(sq, 0, None))


def _knn_radii(x, k):
    """Distance from each row of x to its k-th nearest other row."""
    if len(x) <= k:
        raise UserError(f"k-NN metrics with k={k} need more than {k} samples a "
                        f"side, got {len(x)}")
    # Column 0 of the partition is the point itself (distance 0).
    return np.concatenate([np.partition(d, k, axis=1)[:, k]
                           for _, d in _distance_blocks(x, x)])


def _inside_any(points, centres, radii):
    """For each point: is it within radii[j] of some centre j?"""
    return np.concatenate([(d <= radii[None, :]).any(axis=1)
                           for _, d in _distance_blocks(points, centres)])


def precision_recall(real, fake, k=3):
    """Improved precision and recall (Kynkäänniemi et al. 2019, Sec. 2): each
    set's manifold is the union of balls reaching every sample's k-th nearest
    neighbour. Precision: fraction of fake samples inside the real manifold;
    recall: fraction of real samples inside the fake manifold."""
    real, fake = _pair(real, fake)
    precision = _inside_any(fake, real, _knn_radii(real, k)).mean()
    recall = _inside_any(real, fake, _knn_radii(fake, k)).mean()
    return float(precision), float(recall)


def density_coverage(real, fake, k=5):
    """Density and coverage (Naeem et al. 2020, eqs. 5-6), with k-NN balls
    around real samples only, so real outliers don't inflate them:
    density = 1/(kM) sum_j #{real balls containing fake_j} (can exceed 1);
    coverage = fraction of real balls containing at least one fake sample."""
    real, fake = _pair(real, fake)
    radii = _knn_radii(real, k)
    hits, covered = 0, []
    for start, d in _distance_blocks(real, fake):  # [real block, fake]
        inside = d <= radii[start:start + len(d), None]
        hits += inside.sum()
        covered.append(inside.any(axis=1))
    return float(hits / (k * len(fake))), float(np.concatenate(covered).mean())


# ----------------------------------------------------------- classifier score

def classifier_score(logits, splits=1):
    """exp(E_x KL(p(y|x) || p(y))) over a project classifier's logits -- the
    Inception Score's formula (Salimans et al. 2016) on another network, so
    it is reported as score[<classifier>], never as IS. Returns (mean, std)
    over `splits` equal parts."""
    logits = _features(logits, "logits", min_rows=int(splits))
    log_p = logits - logits.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    scores = []
    for part in np.array_split(log_p, int(splits)):
        log_marginal = np.log(np.exp(part).mean(axis=0))
        kl = (np.exp(part) * (part - log_marginal)).sum(axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))


def _log_softmax(logits):
    logits = _features(logits, "logits")
    log_p = logits - logits.max(axis=1, keepdims=True)
    return log_p - np.log(np.exp(log_p).sum(axis=1, keepdims=True))


def class_entropy(logits):
    """Mean normalised entropy H(p(y|x)) / ln K of a classifier's posterior
    over K classes: 0 when every image is read as one class with certainty,
    1 when every class is equally likely (CAN's style ambiguity, measured
    by a classifier that is not the discriminator). Returns (mean, the
    fraction of images whose top class has p < 0.5)."""
    log_p = _log_softmax(logits)
    p = np.exp(log_p)
    entropy = -(p * log_p).sum(axis=1) / np.log(log_p.shape[1])
    return float(entropy.mean()), float((p.max(axis=1) < 0.5).mean())


def class_accuracy(logits, labels):
    """Fraction of images a classifier reads as the class they were
    generated for (a conditional generator's class accuracy)."""
    logits = _features(logits, "logits")
    labels = np.asarray(labels).reshape(-1)
    if len(labels) != len(logits):
        raise UserError(f"{len(logits)} images but {len(labels)} labels")
    return float((logits.argmax(axis=1) == labels).mean())


def intra_class_fd(real, real_labels, fake, fake_labels, min_rows=2):
    """Fréchet distance between the real and fake features of each class,
    averaged over the classes both sides hold at least `min_rows` of
    (Miyato & Koyama 2018, §5.1, "intra-class FID"). Returns (mean,
    {class: distance})."""
    real, fake = _pair(real, fake)
    real_labels, fake_labels = np.asarray(real_labels), np.asarray(fake_labels)
    per_class = {}
    for c in np.unique(fake_labels):
        r, f = real[real_labels == c], fake[fake_labels == c]
        if len(r) >= min_rows and len(f) >= min_rows:
            per_class[int(c)] = fid_from_features(r, f)
    if not per_class:
        raise UserError("no class has at least 2 real and 2 fake images")
    return float(np.mean(list(per_class.values()))), per_class


# ------------------------------------------------------------ image-to-image

def _image_pair(pred, target):
    pred, target = np.asarray(pred, np.float64), np.asarray(target, np.float64)
    if pred.shape != target.shape:
        raise UserError(f"prediction and target shapes differ: {pred.shape} vs "
                        f"{target.shape}")
    if pred.ndim == 3:
        pred, target = pred[None], target[None]
    if pred.ndim != 4:
        raise UserError(f"expected NHWC (or HWC) images, got shape {pred.shape}")
    return pred, target


def rgb_to_y(images):
    """ITU-R BT.601 luma of RGB images in [-1, 1], on the [0, 255] scale
    (MATLAB's rgb2ycbcr, as in SR benchmarks): Y = 16 + (65.481 R + 128.553 G +
    24.966 B) / 255 with R, G, B in [0, 255]; Y lies in [16, 235]. Unrounded."""
    images = np.asarray(images, np.float64)
    if images.shape[-1] != 3:
        raise UserError(f"Y channel needs RGB images, got {images.shape[-1]} channels")
    rgb = (images + 1.0) * 127.5
    y = 16.0 + rgb @ np.array([65.481, 128.553, 24.966]) / 255.0
    return y[..., None]


def _crop(images, border):
    border = int(border)
    if border <= 0:
        return images
    if 2 * border >= min(images.shape[1:3]):
        raise UserError(f"crop border {border} leaves nothing of "
                        f"{images.shape[1]}x{images.shape[2]} images")
    return images[:, border:-border, border:-border]


def psnr(pred, target, data_range=2.0, per_image=True):
    """Mean over images of 10 log10(data_range^2 / MSE); data_range 2 for
    images in [-1, 1], 255 on the Y channel. `per_image=False` gives the
    PSNR of the MSE over all pixels of all images instead. Identical images
    give inf. Rows [N, values] (a classifier's probabilities) count as N
    one-pixel images."""
    if np.ndim(pred) == 2:
        pred, target = np.asarray(pred)[:, None, None], np.asarray(target)[:, None, None]
    pred, target = _image_pair(pred, target)
    mse = ((pred - target) ** 2).reshape(len(pred), -1).mean(axis=None if not per_image else 1)
    with np.errstate(divide="ignore"):
        return float(np.mean(10 * np.log10(data_range ** 2 / mse)))


def mae(pred, target):
    """Mean absolute error, in the images' own units."""
    pred, target = _image_pair(pred, target)
    return float(np.abs(pred - target).mean())


def _gaussian_filter_valid(x, window):
    """Separable 'valid' filtering of [N, H, W, C] along H then W."""
    size = len(window)
    h = sum(window[i] * x[:, i:x.shape[1] - size + 1 + i] for i in range(size))
    return sum(window[i] * h[:, :, i:h.shape[2] - size + 1 + i] for i in range(size))


def ssim(pred, target, data_range=2.0, window_size=11, sigma=1.5, k1=0.01, k2=0.03):
    """Mean SSIM (Wang et al. 2004, eq. 13) with their 11x11 Gaussian window
    (sigma 1.5), K1 = 0.01, K2 = 0.03, averaged over valid windows, channels and
    images; matches skimage's structural_similarity(gaussian_weights=True,
    sigma=1.5, use_sample_covariance=False) and tf.image.ssim."""
    pred, target = _image_pair(pred, target)
    if min(pred.shape[1:3]) < window_size:
        raise UserError(f"SSIM needs images of at least {window_size}x{window_size} "
                        f"pixels, got {pred.shape[1]}x{pred.shape[2]}")
    offsets = np.arange(window_size) - (window_size - 1) / 2
    window = np.exp(-offsets ** 2 / (2 * sigma ** 2))
    window /= window.sum()
    blur = lambda x: _gaussian_filter_valid(x, window)  # noqa: E731
    mu_x, mu_y = blur(pred), blur(target)
    var_x = blur(pred * pred) - mu_x ** 2
    var_y = blur(target * target) - mu_y ** 2
    cov = blur(pred * target) - mu_x * mu_y
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    index = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / \
        ((mu_x ** 2 + mu_y ** 2 + c1) * (var_x + var_y + c2))
    return float(index.mean())


def image_metrics(pred, target, y_channel=False, crop_border=0) -> dict:
    """PSNR, SSIM and MAE of predictions against targets (NHWC in [-1, 1]).

    With `y_channel` (the super-resolution protocol, e.g. SRGAN, Ledig et al.
    2017) both are converted to BT.601 Y in [0, 255] (`rgb_to_y`), `crop_border`
    pixels (usually the scale factor) are cut from each side, and PSNR/SSIM
    use data_range 255; MAE is then in Y units too."""
    pred, target = _image_pair(pred, target)
    data_range = 2.0
    if y_channel:
        pred, target, data_range = rgb_to_y(pred), rgb_to_y(target), 255.0
    pred, target = _crop(pred, crop_border), _crop(target, crop_border)
    return {"psnr": psnr(pred, target, data_range),
            "ssim": ssim(pred, target, data_range), "mae": mae(pred, target)}


# ------------------------------------------------------------ restoration

def nmse(pred, target):
    """Mean over images of ||pred - target||_2 / ||target||_2, DAGAN's NMSE
    (Yang et al. 2018, eq. 7); its reference evaluates it on images scaled
    to [0, 1], which the caller does."""
    pred, target = _image_pair(pred, target)
    error = np.sqrt(((pred - target) ** 2).reshape(len(pred), -1).sum(1))
    norm = np.sqrt((target ** 2).reshape(len(target), -1).sum(1))
    return float(np.mean(error / np.maximum(norm, 1e-12)))


def _high_pass(images, sigma):
    """images minus their Gaussian blur (separable, reflected borders)."""
    radius = max(1, int(np.ceil(3 * sigma)))
    offsets = np.arange(-radius, radius + 1)
    window = np.exp(-offsets ** 2 / (2 * sigma ** 2))
    window /= window.sum()
    padded = np.pad(images, ((0, 0), (radius, radius), (radius, radius), (0, 0)),
                    mode="reflect")
    blurred = _gaussian_filter_valid(padded, window)
    return images - blurred


def high_frequency_error(pred, target, sigma=1.0):
    """How well fine detail is restored: the mean absolute difference of
    the high-pass components (image minus its Gaussian blur of `sigma`
    pixels), `hf_error`, and the ratio of their mean magnitudes, `hf_ratio`
    (below 1: smoother than the target, i.e. blurred; above 1: more
    high-frequency content, e.g. noise or artefacts)."""
    pred, target = _image_pair(pred, target)
    hp_pred, hp_target = _high_pass(pred, sigma), _high_pass(target, sigma)
    return {"hf_error": float(np.abs(hp_pred - hp_target).mean()),
            "hf_ratio": float(np.abs(hp_pred).mean() / max(np.abs(hp_target).mean(), 1e-12))}


def gradient_correlation(images, reference):
    """Mean over images of the Pearson correlation between the gradients
    (forward differences along height and width, channels included) of
    `images` and of `reference`: e.g. how much of the true reflection
    layer's edges leak into an estimated transmission layer (0: none)."""
    images, reference = _image_pair(images, reference)

    def gradients(x):
        return np.concatenate([np.diff(x, axis=1)[:, :, :-1].reshape(len(x), -1),
                               np.diff(x, axis=2)[:, :-1].reshape(len(x), -1)], axis=1)

    a, b = gradients(images), gradients(reference)
    a = a - a.mean(1, keepdims=True)
    b = b - b.mean(1, keepdims=True)
    denominator = np.sqrt((a * a).sum(1) * (b * b).sum(1))
    return float(np.mean((a * b).sum(1) / np.maximum(denominator, 1e-12)))
