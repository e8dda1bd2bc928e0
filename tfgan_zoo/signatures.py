"""What a model declares about the functions it serves: an `Endpoint` is
one exported signature (a function of named tensors, its specs, an example
request and a line for the model card). Models declare the endpoints they
add beyond the standard ones (`export_endpoints`); `tfgan_zoo.export.graph`
builds every SavedModel signature from them."""

from __future__ import annotations

import dataclasses
from typing import Callable

import tensorflow as tf


SERVING_METHOD = "tensorflow/serving/predict"


DEFAULT_SIGNATURE = "serving_default"


def serving_outputs(images):
    """`images` uint8 (the rounding of `tfgan_zoo.images.to_uint8`) and
    `images_float` in [-1, 1] from generated float images."""
    images = tf.cast(images, tf.float32)
    as_uint8 = tf.cast(tf.clip_by_value(tf.round((images + 1.0) * 127.5), 0, 255),
                       tf.uint8)
    return {"images": as_uint8, "images_float": images}


@dataclasses.dataclass
class Endpoint:
    """One exported signature: a function of named tensors, its input specs,
    a valid example request (numpy) and a line for the model card."""

    name: str
    function: Callable
    inputs: dict
    outputs: dict
    example: dict
    description: str


def image_outputs(image_shape, batch_size=None):
    """The output specs of every image endpoint: `images` uint8 and
    `images_float` float32, NHWC."""
    shape = [batch_size, *image_shape]
    return {"images": tf.TensorSpec(shape, tf.uint8, name="images"),
            "images_float": tf.TensorSpec(shape, tf.float32, name="images_float")}
