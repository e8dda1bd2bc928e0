"""IcGAN: Perarnau, van de Weijer, Raducanu & Álvarez 2016, "Invertible
Conditional GANs for image editing".

A conditional DCGAN, y at G's input and tiled into D's first convolutional
layer (§3.1, the paper's best placement), and two encoders (§3.2): E_z,
trained on generated pairs to return the z of G(z, y),

    L_ez = E_{z, y} ||z - E_z(G(z, y))||^2,

and E_y, trained on real labelled images to return their y (for a one-hot
y, the cross-entropy; the paper's attribute vectors use L2). An image is
edited by encoding it and decoding with a new label:

    x' = G(E_z(x), y'),      reconstruction: G(E_z(x), E_y(x)).

Deviation, named: the paper trains the encoders after the cGAN; here each
takes its step after every cGAN step (one run, one budget), E_z always on
pairs from the current G in inference mode.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import ConditionalModel
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.base import LatentModel
from tfgan_zoo.networks.dcgan import dcgan_discriminator, dcgan_generator
from tfgan_zoo.networks.latent import conv_encoder
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs


@keras.saving.register_keras_serializable("tfgan_zoo")
class IcGAN(ConditionalModel, LatentModel):
    """Conditional DCGAN with encoders E_z and E_y for label editing.

    Args:
        ngf, ndf, nef: widths of the generator, discriminator and encoders.
    """

    loss_names = ("d_loss", "g_loss", "ez_loss", "ey_loss")
    players = ("generator", "discriminator", "encoder", "label_encoder")
    test_config = {"ngf": 4, "ndf": 4, "nef": 4}

    def __init__(self, *, ngf=64, ndf=64, nef=64, **kwargs):
        super().__init__(**kwargs)
        self.ngf, self.ndf, self.nef = ngf, ndf, nef
        k = self.num_classes
        self.generator = dcgan_generator(self.latent_dim, self.image_shape, ngf,
                                         num_classes=k)
        self.discriminator = dcgan_discriminator(self.image_shape, ndf, num_classes=k)
        self.encoder = conv_encoder(self.image_shape, self.latent_dim, nef)
        self.label_encoder = conv_encoder(self.image_shape, k, nef, name="label_encoder")

    def player_networks(self):
        return {**super().player_networks(), "label_encoder": [self.label_encoder]}

    def build_networks(self):
        super().build_networks()
        self.label_encoder(tf.zeros([2, *self.image_shape]))

    def train_step(self, data):
        real, labels = self.unpack(data)
        n = keras.ops.shape(real)[0]
        # The cGAN (Mirza & Osindero's game with DCGAN players) ...
        fake = self.generate(self.sample_noise(n), labels, training=True)
        with tf.GradientTape() as tape:
            d_loss = losses.minimax_discriminator_loss(
                self.discriminate(real, labels, training=True),
                self.discriminate(fake, labels, training=True))
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        with tf.GradientTape() as tape:
            fake = self.generate(self.sample_noise(n), labels, training=True)
            g_loss = losses.non_saturating_generator_loss(
                self.discriminate(fake, labels, training=True))
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        # ... E_z on generated pairs (z, G(z, y)) ...
        z = self.sample_noise(n)
        generated = self.generate(z, labels)
        with tf.GradientTape() as tape:
            ez_loss = losses.squared_error_loss(self.encoder(generated, training=True), z)
        self.minimize(self.encoder_optimizer, tape, ez_loss, self.encoder)
        # ... and E_y on real labelled images.
        with tf.GradientTape() as tape:
            ey_loss = losses.auxiliary_classifier_loss(
                self.label_encoder(real, training=True), labels[:, None],
                (self.num_classes,))
        self.minimize(self.label_encoder_optimizer, tape, ey_loss, self.label_encoder)
        return self.track(d_loss=d_loss, g_loss=g_loss, ez_loss=ez_loss, ey_loss=ey_loss)

    # ----------------------------------------------------------- editing
    def encode_label(self, images):
        """E_y(x): the predicted class of each image (int32)."""
        logits = self.label_encoder(self.check_images(images), training=False)
        return tf.argmax(logits, axis=-1, output_type=tf.int32)

    def edit(self, images, labels=None):
        """x' = G(E_z(x), y'); with no `labels`, the reconstruction
        G(E_z(x), E_y(x))."""
        z = self.encode(images)
        if labels is None:
            labels = self.encode_label(images)
        return self.generate(z, self.checked_labels(labels))

    def checked_labels(self, labels):
        labels = tf.convert_to_tensor(labels, tf.int32)
        if tf.executing_eagerly():
            bad = labels.numpy()[(labels.numpy() < 0) | (labels.numpy() >= self.num_classes)]
            if bad.size:
                raise UserError(f"labels must be classes 0-{self.num_classes - 1}, got "
                                f"{bad.tolist()}")
        return labels

    # ------------------------------------------------------------- export
    def export_networks(self):
        return [*super().export_networks(), self.label_encoder]

    def latent_endpoints(self, batch_size=None):
        encode = super().latent_endpoints(batch_size)[0]
        b = batch_size
        label = tf.TensorSpec([b], tf.int32, name="label")

        def encode_both(inputs):
            return {"z": self.encode(inputs["image"]),
                    "label": self.encode_label(inputs["image"])}

        def edit(inputs):
            return serving_outputs(self.edit(inputs["image"], inputs["label"]))

        example = {**encode.example, "label": self.example_inputs(2)["label"]}
        return [
            Endpoint("encode", encode_both, encode.inputs,
                     {**encode.outputs, "label": label}, encode.example,
                     "image [B, H, W, C] in [-1, 1] -> z = E_z(x) and label = argmax "
                     "E_y(x), one pass of each encoder (the phone's path)"),
            Endpoint("edit", edit, {**encode.inputs, "label": label},
                     image_outputs(self.image_shape, b), example,
                     "image, label y' -> G(E_z(x), y'): the image redrawn as class y' "
                     "(IcGAN's attribute edit)")]
