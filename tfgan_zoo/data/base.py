"""What every dataset loader shares: the `Source` a loader returns, the
`Data` a pipeline returns, and public helpers for decoding, resizing and
probing the network.

A loader is `fn(arg, *, split, data_dir, image_size) -> Source`; the one
table of loaders is `tfgan_zoo.data.DATASETS`. Family loaders (digits,
folders, TFDS, photo pairs, captioned shapes, ...) import from here and
never from each other or from the table.
"""

from __future__ import annotations

import dataclasses
import numbers
import os
import socket

import numpy as np
import tensorflow as tf
from PIL import Image

from tfgan_zoo.errors import UserError


IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")


# TFDS downloads retry with backoff for minutes when offline; probing one host
# first turns that into an immediate, clear error.
PROBE_HOST = ("storage.googleapis.com", 443)


@dataclasses.dataclass(frozen=True)
class Data:
    """A batched dataset and what a model needs to know about it."""
    dataset: tf.data.Dataset
    image_shape: tuple
    num_classes: int | None
    num_examples: int
    name: str
    class_names: tuple | None = None
    # Model constructor arguments the data implies beyond image_shape and
    # num_classes (e.g. input_shape for image-to-image data).
    model_args: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Source:
    """What a loader returns: in-memory `images` (uint8 in 0..255, or float32
    already in [-1, 1]) with optional `labels`, or a TFDS `stream` of uint8
    images, or of (image, int32 label) pairs when `num_classes` is set."""
    name: str
    image_shape: tuple                  # (H, W, C); H, W None if they vary
    num_examples: int
    images: np.ndarray | None = None
    labels: np.ndarray | None = None
    stream: tf.data.Dataset | None = None
    num_classes: int | None = None
    class_names: tuple | None = None


def only_train(name, split):
    if split != "train":
        raise UserError(f"dataset '{name}' has only a 'train' split, got split '{split}'")


def online():
    """True unless a direct connection to Google Cloud Storage fails.
    Behind a proxy the direct probe proves nothing, so trust the proxy."""
    if any(os.environ.get(v) for v in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")):
        return True
    try:
        socket.create_connection(PROBE_HOST, timeout=3).close()
        return True
    except OSError:
        return False


def one_line(error):
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200] if text else ''}"


def visible_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        yield from (os.path.join(dirpath, f) for f in sorted(filenames)
                    if not f.startswith("."))


def is_image_name(path):
    return path.lower().endswith(IMAGE_EXTENSIONS)


def decode_image(path):
    """The first frame as uint8 HxWx1 or HxWx3 (alpha dropped), or None when
    PIL cannot decode the whole file."""
    try:
        with Image.open(path) as im:
            im.load()  # decodes everything, so truncated files fail here
            if im.mode.startswith("I") or im.mode == "F":  # 16/32-bit grey
                a = np.asarray(im, np.float64)
                a = a / 257.0 if a.max() > 255 else a
                return np.clip(np.rint(a), 0, 255).astype(np.uint8)[..., None]
            if im.mode in ("1", "L", "LA"):
                return np.asarray(im.convert("L"))[..., None]
            # Via RGBA: PIL warns when a palette with transparency goes straight to RGB.
            rgb = np.asarray(im.convert("RGBA").convert("RGB"))
            return rgb[..., :1] if im.mode == "P" and (rgb == rgb[..., :1]).all() else rgb
    except Exception:  # PIL raises OSError, SyntaxError, ValueError, ... for bad data
        return None


def resize(images, size):
    """Bilinear resize to size x size. The antialias filter matters when
    shrinking (thin strokes survive) and equals plain bilinear when growing,
    so it is always on, which also suits sizes unknown until run time."""
    return tf.image.resize(images, (size, size), antialias=True)


def round_to_uint8(images):
    return tf.cast(tf.clip_by_value(tf.round(images), 0, 255), tf.uint8)


def part_and_count(name, arg, split, parts, counted, example):
    """(part, count or None) of a procedural source's `arg` "part", "N" or
    "part:N" (split is the part when arg names none); a one-line error
    otherwise, e.g. part_and_count("heads", "x", "train", PARTS,
    "identities", "heads:test:20")."""
    part, count = split, None
    for item in (arg or "").split(":"):
        if not item:
            continue
        if item in parts:
            part = item
        elif item.isdigit() and int(item) > 0:
            count = int(item)
        else:
            raise UserError(f"{name} takes a part ({', '.join(parts)}) and/or a number of "
                            f"{counted}, e.g. {example}; got '{arg}'")
    if part not in parts:
        raise UserError(f"{name} has parts {', '.join(parts)}, got '{part}'")
    return part, count


def check_positive_int(what, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise UserError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def batched_arrays(tensors, *, name, batch_size, shuffle, seed, repeat, drop_remainder,
                   convert=None):
    """A tf.data pipeline over in-memory arrays (a tuple, first axis the
    examples): shuffled, repeated, batched, then `convert`ed per batch, and
    sharded by data; a one-line error for a batch larger than the data."""
    count = len(tensors[0])
    if drop_remainder and batch_size > count:
        raise UserError(f"batch size {batch_size} is larger than dataset '{name}' "
                        f"({count} examples): lower --batch-size")
    ds = tf.data.Dataset.from_tensor_slices(tensors)
    if shuffle:
        ds = ds.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if convert is not None:
        ds = ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA)
    return ds.prefetch(tf.data.AUTOTUNE).with_options(options)


def labelled_data(name, samples, labels, *, class_names, image_shape, channels, requested,
                  what, batch_size, shuffle, seed, repeat, drop_remainder, convert=None,
                  model_args=None):
    """The batched `Data` of in-memory (samples, labels) that have
    `channels` channels: refuses another `requested` --channels with a
    one-line error naming `what` the samples are."""
    if requested not in (None, channels):
        raise UserError(f"{what} have {channels} channel{'s' * (channels > 1)}, got "
                        f"--channels {requested}")
    ds = batched_arrays((samples, labels), name=name.split(":")[0], batch_size=batch_size,
                        shuffle=shuffle, seed=seed, repeat=repeat,
                        drop_remainder=drop_remainder, convert=convert)
    return Data(dataset=ds, image_shape=tuple(image_shape), num_classes=len(class_names),
                num_examples=len(samples), name=name, class_names=tuple(class_names),
                model_args=dict(model_args or {}))

