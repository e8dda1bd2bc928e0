"""Latent-space tools: spherical interpolation and, after Radford et al.
2015 §6, vector arithmetic on the mean latents of samples that share an
attribute (for MNIST the digit class, read off generated samples by a
classifier trained in the project). `tfgan_zoo.reports.latent` draws them.
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


