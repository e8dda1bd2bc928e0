"""What the UV-completion recipe (UV-GAN) writes after training: on every
view of the held-out identities of `heads2uv:test` (never seen in
training), the texture that view sees is completed and compared with the
true texture on the MISSING texels only (PSNR of their mean squared
error, per map, averaged), and by SSIM over the whole map (seen texels are
kept by every method, so only the fill differs); beside it the mirror-fill
baseline: each missing texel takes its mirror (u -> -u) where that one is
seen, else the mean colour of the seen texels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo.data import heads
from tfgan_zoo.evaluation.metrics import ssim
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid


def mirror_fill(partial, mask):
    """The mirror-fill baseline: [N, H, W, C] maps in [-1, 1], mask [N, H, W, 1]
    with 1 = missing."""
    seen = 1.0 - mask
    mirrored, mirror_seen = partial[:, :, ::-1], seen[:, :, ::-1]
    mean = (partial * seen).sum((1, 2), keepdims=True) / np.maximum(
        seen.sum((1, 2), keepdims=True), 1)
    fill = np.where(mirror_seen > 0, mirrored, mean)
    return partial * seen + fill * mask


def missing_psnr(completed, truth, mask, data_range=2.0):
    """Mean over maps of the PSNR of the missing texels' squared error."""
    error = ((completed - truth) ** 2 * mask).sum((1, 2, 3))
    count = np.maximum(mask.sum((1, 2, 3)) * truth.shape[-1], 1)
    return float(np.mean(10 * np.log10(data_range ** 2 / np.maximum(error / count, 1e-12))))


def test_triples(size, identities=20):
    """(partial, mask, complete) float32 arrays of heads2uv:test."""
    partial, mask, complete, _ = heads.TexturePairs(identities, size, "test").arrays()
    as_float = lambda x: x.astype(np.float32) / 127.5 - 1.0  # noqa: E731
    return as_float(partial) * (1 - mask), mask, as_float(complete)


def completion_scores(completed, truth, mask):
    return {"missing_psnr": missing_psnr(completed, truth, mask),
            "ssim": float(np.mean(ssim(completed, truth)))}


def write_uv_report(model, config, identities=20):
    """Score held-out textures; write RUN/uv/report.json and grid.png."""
    out = Path(config.out) / "uv"
    partial, mask, truth = test_triples(model.image_shape[0], identities)
    completed = np.concatenate([model.fill(partial[i:i + 256], mask[i:i + 256]).numpy()
                                for i in range(0, len(partial), 256)])
    report = {"identities": identities, "maps": len(partial),
              "missing_fraction": float(mask.mean()),
              "model": completion_scores(completed, truth, mask),
              "mirror_fill": completion_scores(mirror_fill(partial, mask), truth, mask)}
    rows = np.concatenate([partial[:16], mirror_fill(partial[:16], mask[:16]),
                           completed[:16], truth[:16]])
    save_grid(out / "grid.png", rows, rows=4, scale=2)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report
