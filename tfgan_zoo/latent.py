"""Latent-space tools: spherical interpolation, BigGAN's truncation trick
(`truncate`, in the graph) and, after Radford et al. 2015 §6, vector
arithmetic on the mean latents of samples that share an attribute (for
MNIST the digit class, read off generated samples by a classifier trained
in the project). `tfgan_zoo.reports.latent` draws them.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf


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


