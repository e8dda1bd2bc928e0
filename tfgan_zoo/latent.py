"""Latent-space tools: spherical interpolation, BigGAN's truncation trick
(`truncate`, in the graph) and, after Radford et al. 2015 §6, vector
arithmetic on the mean latents of samples that share an attribute (for
MNIST the digit class, read off generated samples by a classifier trained
in the project). `tfgan_zoo.reports.latent` draws them.

The projection engine, `project`, inverts a generator: it finds z for
each image of a batch by optimisation (AnoGAN's Gamma-step search), by a
trained encoder (f-AnoGAN, IcGAN), or by both (iGAN's hybrid), with a
pixel, feature or combined loss (`projection_loss`).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfgan_zoo.errors import UserError


def slerp(z_start, z_end, steps):
    """Spherical interpolation (White 2016, "Sampling Generative Networks"):
    Gaussian latents live near a sphere, and the straight line between two
    of them passes through unlikely short vectors.

    [B, nz] x [B, nz] -> [B * steps, nz]: `steps` points from each start to
    its end along the great circle, pair-major, in the graph (the exported
    `interpolate` signature uses it too). Falls back to a straight line for
    (anti)parallel pairs, where the circle is undefined."""
    z_start = tf.convert_to_tensor(z_start, tf.float32)
    z_end = tf.convert_to_tensor(z_end, tf.float32)
    t = tf.linspace(0.0, 1.0, steps)[None, :]                          # [1, S]
    unit = lambda v: v / tf.maximum(tf.norm(v, axis=-1, keepdims=True), 1e-12)
    cos = tf.clip_by_value(tf.reduce_sum(unit(z_start) * unit(z_end), -1), -1.0, 1.0)
    omega = tf.acos(cos)[:, None]                                      # [B, 1]
    sin_omega = tf.sin(omega)
    straight = sin_omega < 1e-6
    safe = tf.where(straight, tf.ones_like(sin_omega), sin_omega)
    w_start = tf.where(straight, 1.0 - t, tf.sin((1.0 - t) * omega) / safe)
    w_end = tf.where(straight, t, tf.sin(t * omega) / safe)            # [B, S]
    path = (w_start[..., None] * z_start[:, None, :]
            + w_end[..., None] * z_end[:, None, :])                    # [B, S, nz]
    return tf.reshape(path, [-1, tf.shape(z_start)[-1]])


# A truncation at or above this leaves z as it is (P(|z| > 8) ~ 1e-15).
NO_TRUNCATION = 8.0
_SQRT2 = 2.0 ** 0.5


def _erf(x):
    """erf from TFLite built-in ops (no ERF kernel exists): Abramowitz &
    Stegun 7.1.26, absolute error below 1.5e-7."""
    a = tf.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (
        -1.453152027 + t * 1.061405429))))
    return tf.sign(x) * (1.0 - poly * tf.exp(-a * a))


def _erfinv(x):
    """erf^-1 on (-1, 1) from built-in ops: Giles 2010, "Approximating the
    erfinv function", single-precision branch (relative error ~1e-7)."""
    w = -tf.math.log((1.0 - x) * (1.0 + x))
    central, tail = w - 2.5, tf.sqrt(tf.maximum(w, 0.0)) - 3.0
    p, q = 2.81022636e-08, -0.000200214257
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
              -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
        p = c + p * central
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
              -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
        q = c + q * tail
    return tf.where(w < 5.0, p, q) * x


def truncate(z, truncation):
    """The truncation trick (Brock et al. 2019, §3.1) as a deterministic map
    in the graph: z ~ N(0, 1) goes through the normal CDF onto the normal
    truncated to [-psi, psi] (inverse-CDF sampling of the truncated normal),

        z' = sqrt(2) erfinv(erf(psi / sqrt(2)) erf(z / sqrt(2))),

    elementwise, so z' has exactly the truncated normal's distribution and
    keeps z's order (a smaller psi pulls every z towards 0). BigGAN resamples
    the values outside [-psi, psi] instead; that distribution is the same,
    but this one needs no randomness, so a served z and psi fix the image.
    `truncation` is psi, a scalar or one per row [B]; psi >= NO_TRUNCATION
    returns z unchanged. Built from TFLite built-in ops only."""
    z = tf.cast(z, tf.float32)
    psi = tf.cast(truncation, tf.float32)
    if psi.shape.rank == 1:
        psi = psi[:, None]
    psi = tf.maximum(psi, 1e-3)
    mass = _erf(tf.minimum(psi, NO_TRUNCATION) / _SQRT2)
    inside = tf.clip_by_value(mass * _erf(z / _SQRT2), -1.0 + 2 ** -23, 1.0 - 2 ** -23)
    return tf.where(psi >= NO_TRUNCATION, z, _SQRT2 * _erfinv(inside))


def interpolate(z0, z1, steps=10, spherical=True):
    """`steps` latents from z0 to z1 inclusive, numpy [steps, latent_dim]."""
    z0, z1 = np.asarray(z0, np.float32), np.asarray(z1, np.float32)
    if spherical:
        return slerp(z0[None], z1[None], steps).numpy()
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return (1 - t) * z0 + t * z1


def generate(model, z, batch=256):
    """Images for latents z in batches (unconditional generators)."""
    return np.concatenate([model.sample(len(part), z=part)
                           for part in np.array_split(z, max(1, len(z) // batch))])


def class_mean_latents(model, classify, num_samples=2000, min_confidence=0.9,
                       seed=0):
    """Mean latent of the generated samples a classifier assigns to each class
    with at least `min_confidence`. Returns ({class: mean z}, {class: count}).

    A mean of Gaussian vectors is shorter than a typical sample, so each
    mean is rescaled to the typical norm sqrt(latent_dim) before decoding."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((num_samples, model.latent_dim)).astype("float32")
    probs = classify(generate(model, z))
    labels, confidence = probs.argmax(1), probs.max(1)
    means, counts = {}, {}
    for c in np.unique(labels):
        chosen = z[(labels == c) & (confidence >= min_confidence)]
        if len(chosen) == 0:
            continue
        mean = chosen.mean(0)
        means[int(c)] = mean / np.linalg.norm(mean) * np.sqrt(model.latent_dim)
        counts[int(c)] = int(len(chosen))
    return means, counts


def arithmetic(means, a, b, c):
    """mean[a] - mean[b] + mean[c] (Radford et al. Fig. 7's vector algebra)."""
    z = means[a] - means[b] + means[c]
    return (z / np.linalg.norm(z) * np.sqrt(len(z))).astype("float32")




# ------------------------------------------------------- projection engine
# z = Z_BOUND * tanh(w): the search moves w freely and z stays where the
# prior N(0, I) puts almost all its mass (Zhu et al. 2016 §3.1 clip a
# uniform z the same way).
Z_BOUND = 3.0
PROJECTION_LOSSES = ("pixel", "feature", "both")
PROJECTION_INITS = ("random", "encoder")


def residual_distance(x, x_hat, distance="l1"):
    """Per-example mean |x - x_hat| ("l1") or (x - x_hat)^2 ("l2") over all
    but the batch axis: [B, ...] x [B, ...] -> [B]."""
    diff = tf.cast(x, tf.float32) - tf.cast(x_hat, tf.float32)
    diff = tf.abs(diff) if distance == "l1" else tf.square(diff)
    return tf.reduce_mean(tf.reshape(diff, [tf.shape(diff)[0], -1]), axis=1)


def projection_loss(x, x_hat, features=None, loss="both", feature_weight=0.1,
                    distance="l1", x_features=None):
    """Per-example loss [B] of a projection G(z) = x_hat of x.

    "pixel": d(x, G(z)); "feature": d(f(x), f(G(z))); "both":
    (1 - lambda) d(x, G(z)) + lambda d(f(x), f(G(z))), Schlegl et al. 2017
    eq. 5 (AnoGAN, lambda = 0.1, f = an intermediate discriminator layer)
    with d the per-example mean L1 (the paper sums; a mean keeps lambda's
    meaning at any image size). `x_features` reuses f(x) across steps."""
    if loss not in PROJECTION_LOSSES:
        raise UserError(f"unknown projection loss '{loss}': choose "
                        f"{', '.join(PROJECTION_LOSSES)}")
    if loss == "pixel":
        return residual_distance(x, x_hat, distance)
    if features is None:
        raise UserError(f"projection loss '{loss}' needs a feature network")
    if x_features is None:
        x_features = features(x)
    feature = residual_distance(x_features, features(x_hat), distance)
    if loss == "feature":
        return feature
    return (1.0 - feature_weight) * residual_distance(x, x_hat, distance) \
        + feature_weight * feature


def project(generate, x, *, latent_dim, steps=100, lr=0.1, loss="both",
            features=None, feature_weight=0.1, distance="l1", encoder=None,
            init="random", seed=0, bound=Z_BOUND):
    """Find z for each image of a batch x so that G(z) matches it.

    `generate(z) -> images` and `features(images) -> [B, ...]` must run
    their networks in inference mode (batch norm on its moving statistics):
    in training mode each query's score would depend on the others in its
    batch (the pitfall tkwoo/anogan-keras reports). Every example has its
    own z and its own Adam moments, and the loss is a sum over examples,
    so each search is independent of the batch it runs in: hundreds run at
    once.

    init "random": z0 ~ N(0, I) seeded (optimisation only, AnoGAN);
    "encoder": z0 = encoder(x) (f-AnoGAN's one pass when steps = 0, the
    iGAN hybrid when steps > 0). z = bound * tanh(w) throughout. `steps`
    Adam steps (Kingma & Ba, beta 0.9 / 0.999) on w run in one
    `tf.while_loop`, so the search is also a SavedModel signature with a
    fixed step count.

    Returns {"z": [B, latent_dim], "images": G(z), "loss": [B]}, all in
    float32; `loss` is the projection loss at the final z."""
    if init not in PROJECTION_INITS:
        raise UserError(f"unknown projection init '{init}': choose "
                        f"{', '.join(PROJECTION_INITS)}")
    if init == "encoder" and encoder is None:
        raise UserError("init='encoder' needs a trained encoder (this model has none)")
    if int(steps) < 0 or (int(steps) == 0 and init == "random"):
        raise UserError(f"the search needs steps >= 1 (Gamma), got {steps}"
                        if init == "random" else f"steps must be >= 0, got {steps}")
    if loss not in PROJECTION_LOSSES or (loss != "pixel" and features is None):
        projection_loss(x, x, features, loss)  # raises its one-line error
    x = tf.cast(x, tf.float32)
    batch = tf.shape(x)[0]
    x_features = None if loss == "pixel" else features(x)
    if init == "encoder":
        z0 = tf.cast(encoder(x), tf.float32)
    else:
        z0 = tf.random.stateless_normal([batch, latent_dim], [seed, 0])
    w0 = unbounded(z0, bound)

    def step_loss(w):
        z = bound * tf.tanh(w)
        return projection_loss(x, generate(z), features, loss, feature_weight,
                               distance, x_features)

    w = adam_search(step_loss, w0, steps, lr)
    z = bound * tf.tanh(w)
    images = tf.cast(generate(z), tf.float32)
    return {"z": z, "images": images,
            "loss": projection_loss(x, images, features, loss, feature_weight,
                                    distance, x_features)}


def unbounded(z, bound=Z_BOUND):
    """w with z = bound * tanh(w), clipped so a code at the bound stays finite."""
    return tf.atanh(tf.clip_by_value(tf.cast(z, tf.float32) / bound, -0.999, 0.999))


def adam_search(loss, w0, steps, lr):
    """`steps` Adam steps (Kingma & Ba, beta 0.9 / 0.999) on w from w0,
    minimising sum(loss(w)) (loss: w -> [B], one term per example, so each
    row's search is independent of the batch) in one `tf.while_loop`: a
    SavedModel signature with a fixed step count. Returns the final w."""
    def body(t, w, m, v):
        with tf.GradientTape() as tape:
            tape.watch(w)
            total = tf.reduce_sum(loss(w))
        g = tape.gradient(total, w)
        t = t + 1.0
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * tf.square(g)
        m_hat, v_hat = m / (1.0 - 0.9 ** t), v / (1.0 - 0.999 ** t)
        return t, w - lr * m_hat / (tf.sqrt(v_hat) + 1e-8), m, v

    zeros = tf.zeros_like(w0)
    _, w, _, _ = tf.while_loop(lambda t, *_: t < float(steps), body,
                               (tf.constant(0.0), w0, zeros, zeros))
    return w


# ------------------------------------------------------------ latent editing
def edge_map(images):
    """Edge strength in [0, 1): tanh of the Sobel gradient magnitude of the
    grey image, [B, H, W, C] in [-1, 1] -> [B, H, W]. The sketch
    constraint of iGAN compares it with the user's strokes (1 = an edge);
    the paper compares HOG features (lib/HOGNet.py), whose cell histograms
    are pooled Sobel responses of the same kind."""
    grey = tf.reduce_mean(tf.cast(images, tf.float32), axis=-1, keepdims=True)
    sobel = tf.image.sobel_edges(grey)[..., 0, :]                        # [B, H, W, 2]
    return tf.tanh(tf.sqrt(tf.reduce_sum(tf.square(sobel), -1) + 1e-8))


def masked_mse(values, targets, mask):
    """Per-example mean of (values - targets)^2 over the pixels where
    mask [B, H, W] is 1 (0 where the mask is empty): [B]."""
    values, targets = tf.cast(values, tf.float32), tf.cast(targets, tf.float32)
    mask = tf.cast(mask, tf.float32)
    if values.shape.rank == 4:
        mask = mask[..., None] * tf.ones_like(values[:1])
    axes = tf.range(1, tf.rank(values))
    return tf.reduce_sum(mask * tf.square(values - targets), axes) / tf.maximum(
        tf.reduce_sum(mask, axes), 1.0)


def constraint_loss(images, constraints, edge_weight=0.2):
    """iGAN's user constraints on images G(z), per example [B] (Zhu et al.
    2016 eq. 5's sum over constraints g of ||f_g(G(z)) - v_g||^2):
    colour strokes, masked pixel L2 to `color` where `color_mask` is 1;
    sketch strokes, masked L2 of `edge_map(G(z))` to `edge` where
    `edge_mask` is 1, times `edge_weight` (0.2 in the paper's code)."""
    colour = masked_mse(images, constraints["color"], constraints["color_mask"])
    edges = masked_mse(edge_map(images), constraints["edge"], constraints["edge_mask"])
    return colour + edge_weight * edges


def edit_latent(generate, z0, constraints, *, steps=100, lr=0.05, pull_weight=0.1,
                edge_weight=0.2, bound=Z_BOUND):
    """iGAN's edit (Zhu et al. 2016 §4, eq. 5): from a projected z0, find

        z* = argmin_z  constraint_loss(G(z)) + lambda ||z - z0||^2 / nz

    by `steps` Adam steps on w (z = bound * tanh(w), `adam_search`), every
    example its own z; lambda = `pull_weight` keeps the edit close to the
    projected image where nothing is constrained. `constraints` holds
    color [B, H, W, C], color_mask, edge, edge_mask [B, H, W]. Returns
    {"z", "images", "loss"} (constraint loss at z*)."""
    z0 = tf.cast(z0, tf.float32)

    def step_loss(w):
        z = bound * tf.tanh(w)
        return (constraint_loss(generate(z), constraints, edge_weight)
                + pull_weight * tf.reduce_mean(tf.square(z - z0), -1))

    z = bound * tf.tanh(adam_search(step_loss, unbounded(z0, bound), steps, lr))
    images = tf.cast(generate(z), tf.float32)
    return {"z": z, "images": images,
            "loss": constraint_loss(images, constraints, edge_weight)}
