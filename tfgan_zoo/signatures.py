"""What a model declares about the functions it serves: an `Endpoint` is
one exported signature (a function of named tensors, its specs, an example
request and a line for the model card). Models declare the endpoints they
add beyond the standard ones (`export_endpoints`); `tfgan_zoo.export.graph`
builds every SavedModel signature from them. Generators serve images
(`serving_outputs`, `image_outputs`); classifiers serve class
probabilities (`class_outputs`, `class_output_spec`)."""

from __future__ import annotations

import dataclasses
from typing import Callable

import tensorflow as tf


SERVING_METHOD = "tensorflow/serving/predict"


DEFAULT_SIGNATURE = "serving_default"


def as_uint8(values):
    """Float values in [-1, 1] of any rank -> uint8 in [0, 255], in the
    graph: the rounding of `tfgan_zoo.images.to_uint8`."""
    values = tf.cast(values, tf.float32)
    return tf.cast(tf.clip_by_value(tf.round((values + 1.0) * 127.5), 0, 255), tf.uint8)


def serving_outputs(images):
    """`images` uint8 (`as_uint8`) and `images_float` in [-1, 1] from
    generated float images."""
    images = tf.cast(images, tf.float32)
    return {"images": as_uint8(images), "images_float": images}


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


def class_outputs(probabilities):
    """`probabilities` float32 [B, classes] as given, and `classes`, int32
    [B], the most probable class of each row: what a classifier serves."""
    probabilities = tf.cast(probabilities, tf.float32)
    return {"probabilities": probabilities,
            "classes": tf.argmax(probabilities, axis=-1, output_type=tf.int32)}


def class_output_spec(num_classes, batch_size=None):
    """The output specs of a classifier's endpoints (`class_outputs`)."""
    return {"probabilities": tf.TensorSpec([batch_size, num_classes], tf.float32,
                                           name="probabilities"),
            "classes": tf.TensorSpec([batch_size], tf.int32, name="classes")}
