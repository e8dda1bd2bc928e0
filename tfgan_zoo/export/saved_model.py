"""SavedModel export of a generator, self-contained for TF Serving.

The `serving_default` signature takes the generator's named inputs (`z`, and
`label` for conditional models) and returns `images` (uint8 NHWC, ready to
encode) and `images_float` (float32 in [-1, 1]). Only the generator's
variables and stock TensorFlow ops are saved, so the directory loads with
plain `tf.saved_model.load`, without tfgan_zoo installed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import tensorflow as tf
import keras


def serving_outputs(images):
    images = tf.cast(images, tf.float32)
    as_uint8 = tf.cast(tf.clip_by_value(tf.round((images + 1.0) * 127.5), 0, 255),
                       tf.uint8)
    return {"images": as_uint8, "images_float": images}


def export_generator(model, path, config=None, overwrite=False):
    """Write `model`'s generator as a SavedModel at `path`, atomically.

    The directory is written under a temporary name beside `path` and then
    renamed, so `path` is never half-written. An existing `path` is kept
    unless `overwrite`, and then swapped out only once the new one is done."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True or a new path")
    spec = model.generator_input_spec()

    def serve(inputs):
        return serving_outputs(model.generate_from(inputs, training=False))

    archive = keras.export.ExportArchive()
    for network in model.export_networks():
        archive.track(network)
    archive.add_endpoint("serving_default", serve, input_signature=[spec])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    archive.write_out(str(tmp), verbose=False)
    if config is not None:
        (tmp / "assets.extra").mkdir(exist_ok=True)
        (tmp / "assets.extra" / "config.json").write_text(
            json.dumps(config, indent=2, default=str))
    if path.exists():
        old = path.with_name(f".{path.name}.old-{os.getpid()}")
        os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, path)
    return path
