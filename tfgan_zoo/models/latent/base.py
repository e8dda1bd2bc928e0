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

from tfgan_zoo import losses
from tfgan_zoo.core import AdversarialModel, Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.latent import conv_encoder, feature_layer
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
        return checked_images(self, images)

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


def identities_of(model, num_poses, dataset):
    """The number of identities in labels identity * num_poses + pose, or a
    one-line error naming the dataset that has such labels."""
    if not model.num_classes or model.num_classes % num_poses or \
            model.num_classes < 2 * num_poses:
        raise UserError(f"{type(model).__name__} needs labels identity * {num_poses} + pose, "
                        f"i.e. num_classes a multiple (>= 2) of num_poses={num_poses}; got "
                        f"num_classes={model.num_classes} (use the {dataset} dataset)")
    return model.num_classes // num_poses


class IdentityPreserving:
    """The identity network behind an identity-preserving loss (TP-GAN's
    L_ip, UV-GAN's L_id), for models whose batches are (input, ..., target,
    label). The papers use a face-recognition net pre-trained on millions
    of faces; none ships offline, so this one is a small CNN (the `identity`
    player, with its own optimizer) that learns the training identities
    from REAL images during the same run and is never trained on G's
    outputs. The loss reads its last two layers (features, logits)."""

    # How many elements a batch has, and the dataset that gives them.
    batch_layout = ("input", "target", "label")
    dataset = None

    def build_identity(self, num_identities, width):
        self.identity = conv_encoder(self.image_shape, num_identities, width, norm="none",
                                     name="identity")
        self.identity_features = feature_layer(self.identity)

    def build_networks(self):
        super().build_networks()
        self.identity(tf.zeros([2, *self.image_shape]))

    def player_networks(self):
        # G's own parts (TP-GAN's encoder) train with G: one optimizer each.
        return {"generator": [self.generator], "discriminator": [self.discriminator],
                "identity": [self.identity]}

    def identity_layers(self, images):
        """phi(x): the identity net's features and logits (inference mode)."""
        return [self.identity_features(images, training=False),
                self.identity(images, training=False)]

    def identity_loss(self, images, targets):
        """mean |phi(images) - phi(targets)| over both layers, summed."""
        return losses.feature_loss(self.identity_layers(images), self.identity_layers(targets),
                                   (1.0, 1.0))

    def identity_step(self, real, classes):
        """One update of the identity net on the real `real` images (a list
        of batches sharing `classes`, its int class labels): cross-entropy."""
        with tf.GradientTape() as tape:
            logits = self.identity(tf.concat(real, 0), training=True)
            loss = losses.classification_loss(logits, tf.concat([classes] * len(real), 0))
        self.minimize(self.identity_optimizer, tape, loss, self.identity)
        return loss

    def unpack(self, data):
        if not (isinstance(data, (tuple, list)) and len(data) == len(self.batch_layout)):
            raise UserError(f"{type(self).__name__} trains on ({', '.join(self.batch_layout)})"
                            f" batches: use the {self.dataset} dataset")
        return data


def checked_groups(values, count, what):
    """int32 `values` (pose bins, age groups), or a one-line error naming
    those outside 0..count - 1: "<what> 0-3, got [4]"."""
    values = tf.convert_to_tensor(values, tf.int32)
    if tf.executing_eagerly():
        given = np.ravel(values.numpy())
        bad = given[(given < 0) | (given >= count)]
        if bad.size:
            raise UserError(f"{what} 0-{count - 1}, got {sorted(set(bad.tolist()))}")
    return values


def checked_images(model, images, shape=None, what="images"):
    """`images` as float32, or a one-line error if they are not
    [batch, *shape] (default: the model's image_shape)."""
    shape = tuple(shape or model.image_shape)
    given = tuple(np.shape(images))
    if len(given) != 4 or given[1:] != shape:
        raise UserError(f"{type(model).__name__} takes {what} of shape "
                        f"[batch, {', '.join(map(str, shape))}], got "
                        f"{list(given)}: resize them (and match the channels) first")
    return tf.cast(images, tf.float32)


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
