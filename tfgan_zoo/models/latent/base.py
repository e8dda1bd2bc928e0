"""The latent family's base: a GAN with an encoder E (image -> code) as a
third player, and the export signatures that go through a code.

Every image endpoint a model declares (`latent_endpoints`) is exported
twice: as declared, with `image` float32 in [-1, 1], and as `<name>_uint8`
with `image` uint8 pixels in 0..255 (as decoded from a PNG or JPEG),
scaled in the graph. The base declares `encode` (image -> z, one pass of
E); models add `project`, `anomaly_score`, `edit`, ...
"""

from __future__ import annotations

import dataclasses

import numpy as np
import tensorflow as tf

from tfgan_zoo.core import AdversarialModel, Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.signatures import Endpoint


class LatentModel(AdversarialModel):
    """A GAN with an encoder player: subclasses build `generator`,
    `discriminator` and `encoder` (image -> z) and train all three."""

    players = ("generator", "discriminator", "encoder")

    def player_networks(self):
        return {**super().player_networks(), "encoder": [self.encoder]}

    def build_networks(self):
        super().build_networks()
        self.encoder(tf.zeros([2, *self.image_shape]))

    def image_input(self):
        """The `Input` every endpoint's `image` is checked against."""
        return Input.image(self.image_shape)

    def check_images(self, images):
        """`images` as float32, or a one-line error if their size or
        channels are not the model's."""
        shape = tuple(np.shape(images))
        if len(shape) != 4 or shape[1:] != self.image_shape:
            raise UserError(f"{type(self).__name__} takes images of shape "
                            f"[batch, {', '.join(map(str, self.image_shape))}], got "
                            f"{list(shape)}: resize them (and match the channels) first")
        return tf.cast(images, tf.float32)

    def encode(self, images):
        """E(x): the code of each image in one forward pass (inference mode)."""
        return tf.cast(self.encoder(self.check_images(images), training=False),
                       tf.float32)

    # ------------------------------------------------------------- export
    def export_networks(self):
        """The generator and the encoder the endpoints run; models whose
        endpoints read more (D's features, a label encoder) add them."""
        return [*super().export_networks(), self.encoder]

    def latent_endpoints(self, batch_size=None):
        """Endpoints whose input is `image` (float32 in [-1, 1])."""
        spec = self.image_input().spec("image", batch_size)

        def encode(inputs):
            return {"z": self.encode(inputs["image"])}

        return [Endpoint("encode", encode, {"image": spec},
                         {"z": tf.TensorSpec([batch_size, self.latent_dim], tf.float32,
                                             name="z")},
                         {"image": self.image_input().example(2, 0)},
                         "image [B, H, W, C] in [-1, 1] -> z [B, latent_dim], one pass "
                         "of the encoder (the path a phone runs: tfgan_zoo.export."
                         "tflite.convert_network(model.encoder, 'image', 'z'))")]

    def export_endpoints(self, batch_size=None):
        found = []
        for endpoint in self.latent_endpoints(batch_size):
            found += [endpoint, as_uint8(endpoint)]
        return found


def as_uint8(endpoint):
    """`endpoint` with its `image` input as uint8 pixels in 0..255."""
    def run(inputs):
        return endpoint.function(
            dict(inputs, image=tf.cast(inputs["image"], tf.float32) / 127.5 - 1.0))

    spec = endpoint.inputs["image"]
    example = np.rint((endpoint.example["image"] + 1.0) * 127.5).astype(np.uint8)
    return dataclasses.replace(
        endpoint, name=f"{endpoint.name}_uint8", function=run,
        inputs={**endpoint.inputs, "image": tf.TensorSpec(spec.shape, tf.uint8, name="image")},
        example={**endpoint.example, "image": example},
        description=f"as {endpoint.name}, with image as uint8 pixels in 0..255")
