"""The tag GAN's report after training, under `RUN/report/`:

- `hair_eye.png`: one face per (hair colour, eye colour) pair, a row per
  hair colour and a column per eye colour, z fixed per row; the held-out
  pairs (never asked of the generator in training) are among them;
- `yes_no.png`: the same z with long hair, blush and glasses switched on
  and off, column by column;
- `tags.json`: how the tag classifier (`evaluation.tags`) reads 500 faces
  generated for the tags of real test faces and 500 for the held-out
  pairs, per tag group, beside its reading of the real faces.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo.data import cartoon_faces as faces
from tfgan_zoo.evaluation.tags import cached_tag_classifier, read_tags, tag_accuracy
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid


def tag_scores(model, num=500, seed=0):
    """{part: per-group accuracy} of faces generated for the tags of `num`
    real faces of the test and held-out parts."""
    classifier = cached_tag_classifier(model.image_shape[0])
    scores = {}
    for part in ("test", "heldout"):
        _, tags = faces.generate(num, model.image_shape[0], part)
        images = model.sample(num, seed=seed, tags=tags)
        scores[part] = tag_accuracy(read_tags(classifier, images), tags)
    return scores, classifier.accuracy


def write_tag_report(model, config, num=500):
    out = Path(config.out) / "report"
    hair, eyes = len(faces.HAIR_COLOURS), len(faces.EYE_COLOURS)
    rng = np.random.default_rng(config.seed)
    z = np.repeat(rng.standard_normal((hair, model.latent_dim)), eyes, 0).astype("float32")
    tags = faces.sample_tags(hair * eyes, seed=config.seed)
    tags[:, :hair + eyes] = 0.0
    tags[np.arange(hair * eyes), np.arange(hair * eyes) // eyes] = 1.0
    tags[np.arange(hair * eyes), hair + np.arange(hair * eyes) % eyes] = 1.0
    save_grid(out / "hair_eye.png", model.sample(len(z), z=z, tags=tags), rows=hair, scale=3)
    base = np.repeat(faces.sample_tags(6, seed=config.seed + 1), 7, 0)
    switches = [(None, None)] + [(t, v) for t in range(hair + eyes, len(faces.TAGS))
                                 for v in (0.0, 1.0)]
    for i, (tag, value) in enumerate(switches * 6):
        if tag is not None:
            base[i, tag] = value
    z = np.repeat(rng.standard_normal((6, model.latent_dim)), 7, 0).astype("float32")
    save_grid(out / "yes_no.png", model.sample(len(z), z=z, tags=base), rows=6, scale=3)
    scores, real = tag_scores(model, num, config.seed)
    report = {"generated": scores, "real faces (classifier ceiling)": real,
              "held_out_pairs": [list(p) for p in faces.HELD_OUT],
              "yes_no.png columns": ["as drawn"] + [
                  f"{'with' if v else 'without'} {faces.TAGS[t]}" for t, v in switches[1:]]}
    write_atomic(out / "tags.json", json.dumps(report, indent=2).encode())
    for part, s in scores.items():
        print(f"tags read on {part} tags: " + ", ".join(f"{k} {v:.3f}" for k, v in s.items()))
    return report
