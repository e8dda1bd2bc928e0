"""iGAN's manipulation report (Zhu et al. 2016 §3.1, §4): on held-out
mnist5k digits (`mnist5k:test`, never trained on by G or P):

- projection MSE ||x - G(z)||^2 of P alone, of optimisation alone from a
  seeded random z, and of the hybrid (P, then optimisation), the last two
  at equal Adam steps (the paper's Fig. 3 ranking: hybrid < optimisation
  < encoder);
- colour-stroke edits: each query's strokes are the pixels of another
  held-out digit inside a box (a stroke the manifold can satisfy); the
  masked error to the strokes before (at the projection) and after the
  edit, the change of the unmasked region, and the same for a naive
  paste of the strokes onto the projection with a feathered (blurred)
  mask; the discriminator's mean D(x) of projections, edits and pastes
  (an on-manifold edit keeps it);
- sketch edits: the same boxes with the other digit's edge map as the
  sketch, masked edge-map error before and after.

Writes `RUN/manipulation/report.json`, `edits.png` (rows: query,
projection, paste of the strokes, colour edit, sketch target, sketch
edit) and `morph.png` (projected pairs, 8 frames each)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid
from tfgan_zoo.latent import edge_map, masked_mse
from tfgan_zoo.reports.anomaly import held_out_digits


def stroke_boxes(n, height, width, size, seed=0):
    """One square mask [n, H, W] per query, `size` px, at a seeded random
    place that leaves a 2-px border."""
    rng = np.random.default_rng(seed)
    masks = np.zeros((n, height, width), np.float32)
    for mask, top, left in zip(masks, rng.integers(2, height - size - 1, n),
                               rng.integers(2, width - size - 1, n)):
        mask[top:top + size, left:left + size] = 1.0
    return masks


def feathered(masks, sigma=1.0):
    """Masks blurred by a 5x5 Gaussian (paste + blend's alpha)."""
    ax = np.arange(-2, 3, dtype=np.float32)
    kernel = np.exp(-(ax[:, None] ** 2 + ax[None] ** 2) / (2 * sigma ** 2))
    kernel = tf.constant((kernel / kernel.sum())[..., None, None])
    return tf.nn.conv2d(masks[..., None], kernel, 1, "SAME")[..., 0].numpy()


def projection_scores(model, images, steps):
    """MSE (mean over queries) and seconds per query of each projection
    method at `steps` Adam steps (P alone takes none)."""
    scores = {}
    for method in ("encoder", "optimization", "hybrid"):
        model.project(images[:2], method, steps=steps)  # trace outside the clock
        start = time.perf_counter()
        found = model.project(images, method, steps=steps)
        scores[method] = {"mse": float(np.mean(found["loss"])),
                          "seconds_per_query": (time.perf_counter() - start) / len(images)}
    scores["ranking_holds"] = bool(scores["hybrid"]["mse"] < scores["optimization"]["mse"]
                                   < scores["encoder"]["mse"])
    return scores


def realism(model, images):
    return float(np.mean(tf.sigmoid(model.discriminator(images, training=False))))


def edit_scores(model, images, partners, box=10, seed=0):
    """Colour-stroke and sketch edits of `images` with strokes copied from
    `partners` inside a box each: a dict of measured figures and the
    arrays for the grid."""
    n, (h, w, _) = len(images), model.image_shape
    masks = stroke_boxes(n, h, w, box, seed)
    none = np.zeros_like(masks)
    start = model.project(images)
    z0, projection = start["z"], start["images"].numpy()
    colour = {"color": partners, "color_mask": masks, "edge": none, "edge_mask": none}
    t0 = time.perf_counter()
    edited = model.edit_codes(z0, colour)["images"].numpy()
    seconds = (time.perf_counter() - t0) / n
    alpha = feathered(masks)[..., None]
    pasted = alpha * partners + (1 - alpha) * projection
    outside = 1.0 - masks
    before = masked_mse(projection, partners, masks).numpy()
    after = masked_mse(edited, partners, masks).numpy()
    sketch_target = edge_map(partners).numpy()
    sketch = {"color": partners, "color_mask": none, "edge": sketch_target, "edge_mask": masks}
    sketched = model.edit_codes(z0, sketch)["images"].numpy()
    edge_before = masked_mse(edge_map(projection), sketch_target, masks).numpy()
    edge_after = masked_mse(edge_map(sketched), sketch_target, masks).numpy()
    figures = {
        "queries": n, "box": box, "edit_steps": model.edit_steps,
        "pull_weight": model.pull_weight, "edit_seconds_per_query": seconds,
        "color_masked_mse_before": float(before.mean()),
        "color_masked_mse_after": float(after.mean()),
        "color_masked_error_drop": float(1 - after.mean() / before.mean()),
        "color_queries_dropping_half": float(np.mean(after <= 0.5 * before)),
        "unmasked_change_edit": float(masked_mse(edited, projection, outside).numpy().mean()),
        "unmasked_change_paste_blend": float(
            masked_mse(pasted, projection, outside).numpy().mean()),
        "unmasked_error_to_query_projection": float(
            masked_mse(projection, images, outside).numpy().mean()),
        "unmasked_error_to_query_edit": float(
            masked_mse(edited, images, outside).numpy().mean()),
        "d_projection": realism(model, projection), "d_edit": realism(model, edited),
        "d_paste_blend": realism(model, pasted), "d_real": realism(model, images),
        "edge_masked_mse_before": float(edge_before.mean()),
        "edge_masked_mse_after": float(edge_after.mean()),
        "edge_masked_error_drop": float(1 - edge_after.mean() / edge_before.mean())}
    arrays = {"projection": projection, "pasted": pasted, "edited": edited,
              "sketch": sketch_target[..., None] * 2 - 1, "sketched": sketched}
    return figures, arrays


def write_manipulation_report(model, config, queries=200):
    """Project and edit held-out digits; write the report and grids."""
    out = Path(config.out) / "manipulation"
    images, labels = held_out_digits()
    rng = np.random.default_rng(config.seed or 0)
    pick = rng.choice(len(images), queries, replace=False)
    x = images[pick]
    # Each query's strokes come from a held-out digit of another class.
    partners = np.array([rng.choice(np.flatnonzero(labels != labels[i])) for i in pick])
    report = {"dataset": "mnist5k:test", "projection_steps": model.projection_steps}
    for steps in sorted({25, model.projection_steps}):
        report[f"projection_{steps}_steps"] = projection_scores(model, x, steps)
    figures, arrays = edit_scores(model, x, images[partners], seed=config.seed or 0)
    report["edit"] = figures
    k = 8
    save_grid(out / "edits.png", np.concatenate(
        [x[:k], *(arrays[name][:k] for name in ("projection", "pasted", "edited", "sketch",
                                                "sketched"))]), rows=6, scale=3)
    save_grid(out / "morph.png", model.morph(x[:4], images[partners[:4]]).numpy(),
              rows=4, scale=3)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report
