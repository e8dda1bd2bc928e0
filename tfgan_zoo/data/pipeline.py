"""One tf.data pipeline for every in-memory or streamed image `Source`:
convert channels and resize once, cache, shuffle, repeat, batch, scale to
[-1, 1], prefetch."""

from __future__ import annotations

import functools

import numpy as np
import tensorflow as tf

from tfgan_zoo.data.base import Data, resize, round_to_uint8
from tfgan_zoo.errors import UserError


# Streamed (TFDS) datasets can be far larger than memory allows for a full buffer.
MAX_STREAM_SHUFFLE = 10_000


def convert_images(images, native_channels, image_size, channels):
    """Channel conversion and resize on float images (HWC or NHWC). Greyscale
    conversion runs before resizing and colour tiling after, so the resize
    always sees the fewer channels."""
    if channels == 1 and native_channels == 3:
        images = tf.image.rgb_to_grayscale(images)
    if image_size and tuple(images.shape[-3:-1]) != (image_size, image_size):  # static shape
        images = resize(images, image_size)
    if channels == 3 and native_channels == 1:
        images = tf.image.grayscale_to_rgb(images)
    return images


def build_pipeline(src, *, batch_size, image_size, channels, shuffle, seed, repeat,
           drop_remainder, cache):
    if hasattr(src, "build"):  # a loader's own pipeline, e.g. image-to-image pairs
        return src.build(batch_size=batch_size, image_size=image_size, channels=channels,
                         shuffle=shuffle, seed=seed, repeat=repeat,
                         drop_remainder=drop_remainder, cache=cache)
    h, w, c = src.image_shape
    if image_size is None and (h is None or w is None):
        raise UserError(f"dataset '{src.name}' has images of different sizes: "
                        "pass --image-size")
    shape = (image_size or h, image_size or w, channels or c)
    if drop_remainder and batch_size > src.num_examples:
        raise UserError(f"batch size {batch_size} is larger than dataset '{src.name}' "
                        f"({src.num_examples} examples): lower --batch-size")
    convert = functools.partial(convert_images, native_channels=c, image_size=image_size,
                                channels=channels)
    labeled = src.num_classes is not None

    def on_images(fn):
        return (lambda x, y: (fn(x), y)) if labeled else fn

    options = tf.data.Options()
    if src.stream is not None:
        ds = src.stream.map(on_images(lambda x: tf.ensure_shape(
            round_to_uint8(convert(tf.cast(x, tf.float32))), shape)),
            num_parallel_calls=tf.data.AUTOTUNE)
        if cache:
            ds = ds.cache()
        buffer = min(src.num_examples, MAX_STREAM_SHUFFLE)
        uint8 = True
    else:
        images, uint8 = src.images, src.images.dtype == np.uint8
        if images.shape[1:] != shape:
            # Converted once up front, in chunks to bound peak memory.
            chunks = [convert(tf.cast(images[i:i + 4096], tf.float32))
                      for i in range(0, len(images), 4096)]
            images = np.concatenate([(round_to_uint8(x) if uint8 else
                                      tf.clip_by_value(x, -1.0, 1.0)).numpy() for x in chunks])
        # Already in memory, so no cache; not file-based, so shard by data.
        ds = tf.data.Dataset.from_tensor_slices((images, src.labels) if labeled else images)
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA)
        buffer = src.num_examples
    if shuffle:
        ds = ds.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if uint8:  # scaling whole batches keeps the held data 4x smaller than float32
        ds = ds.map(on_images(lambda x: tf.cast(x, tf.float32) / 127.5 - 1.0),
                    num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.prefetch(tf.data.AUTOTUNE)
    return Data(dataset=ds.with_options(options), image_shape=tuple(int(s) for s in shape),
                num_classes=src.num_classes, num_examples=int(src.num_examples),
                name=src.name, class_names=src.class_names)
