"""CAAE: Zhang, Song & Qi 2017, "Age Progression/Regression by Conditional
Adversarial Autoencoder" (§3).

An encoder E maps a face to z (tanh, in [-1, 1]); a generator G draws the
face back from z and an age group l (G(z, l) is DCGAN's decoder with l
joined to z). As in the reference code (ZZUTK/Face-Aging-CAAE, its
`concat_label` with tile_ratio 1), l joins z as a +-1 one-hot repeated
latent_dim // num_ages times, i.e. about as wide and as large as z: with
a 0/1 one-hot of 4 units beside 50 code units, G can ignore the label and
read the age from the code E leaks it into. Two discriminators: D_z pushes E's codes towards the
uniform prior on [-1, 1] (an adversarial auto-encoder), D_img tells real
(face, its age) pairs from (G(E(x), l), l), with l tiled over its first
convolution's output. E and G minimise (eq. 5)

    L_EG = w_rec |x - G(E(x), l)|_1 + w_img L_adv(D_img) + w_z L_adv(D_z)
           + w_tv TV(G(E(x), l))

and ageing is G(E(x), l') for another group l'.

Pitfall of the widely used port (ZZUTK/Face-Aging-CAAE, FaceAging.py):
its default train() weighs both adversarial terms by 0.000, i.e. trains a
conditional auto-encoder. Here every weight is a constructor argument,
set explicitly in the recipe and unit-tested in the composition: w_rec 1,
w_img 1e-2, w_tv 1e-3 and the recipe's w_z 1.0 (this project's values,
w_z measured against 0.01 and 0.1; the paper's lambda/gamma are not
verified here).

Generator inputs, as sampled and served: z ~ U(-1, 1) (the prior D_z
enforces) and `age`; `edit` serves G(E(x), age) and `encode` E(x).
Deviations, named: DCGAN-sized E/G/D for 32 px (the paper: 128 px, 5x5
kernels); D_z is 64-32-16-1 ReLU units without batch norm.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from tfgan_zoo import losses
from tfgan_zoo.core import Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.base import LatentModel, checked_groups
from tfgan_zoo.networks.dcgan import dcgan_discriminator, dcgan_generator
from tfgan_zoo.networks.latent import conv_encoder
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs


def tiled_label(ages, num_ages, repeats):
    """The reference's label code: one-hot groups as -1 / +1, repeated
    `repeats` times: [B] -> [B, repeats * num_ages]."""
    signs = 2.0 * tf.one_hot(tf.cast(ages, tf.int32), num_ages) - 1.0
    return tf.tile(signs, [1, repeats])


@keras.saving.register_keras_serializable("tfgan_zoo")
class CAAE(LatentModel):
    """Face aging: a conditional adversarial auto-encoder (E, G(z, age),
    D_z on codes, D_img on (face, age)).

    Args:
        num_ages: age groups; labels are identity * num_ages + age group
            (the heads_aged dataset's layout).
        ngf, ndf, nef: widths of G, D_img and E.
        rec_weight, img_weight, z_weight, tv_weight: the weights of the L1
            reconstruction, D_img's and D_z's adversarial terms and TV.
    """

    loss_names = ("d_loss", "eg_loss", "rec", "d_z_loss")
    players = ("generator", "discriminator")
    test_config = {"num_ages": 2, "ngf": 4, "ndf": 4, "nef": 4}

    def __init__(self, *, num_ages=4, ngf=64, ndf=64, nef=64, rec_weight=1.0, img_weight=1e-2,
                 z_weight=1e-2, tv_weight=1e-3, **kwargs):
        super().__init__(**kwargs)
        if not self.num_classes or self.num_classes % num_ages:
            raise UserError(f"CAAE needs labels identity * {num_ages} + age group, i.e. "
                            f"num_classes a multiple of num_ages={num_ages}; got "
                            f"num_classes={self.num_classes} (use the heads_aged dataset)")
        self.num_ages = int(num_ages)
        self.ngf, self.ndf, self.nef = ngf, ndf, nef
        self.term_weights = {"rec": float(rec_weight), "img": float(img_weight),
                             "z": float(z_weight), "tv": float(tv_weight)}
        code = conv_encoder(self.image_shape, self.latent_dim, nef)
        self.encoder = keras.Model(code.inputs, layers.Activation(
            "tanh", dtype="float32")(code.outputs[0]), name="encoder")
        self.label_repeats = max(1, self.latent_dim // self.num_ages)
        self.generator = dcgan_generator(
            self.latent_dim + self.label_repeats * self.num_ages, self.image_shape, ngf)
        self.discriminator = dcgan_discriminator(self.image_shape, ndf,
                                                 num_classes=self.num_ages)
        self.code_discriminator = keras.Sequential(
            [keras.Input((self.latent_dim,))]
            + [layers.Dense(units, activation="relu") for units in (64, 32, 16)]
            + [layers.Dense(1, dtype="float32")], name="code_discriminator")

    def generator_inputs(self):
        return {"z": Input.uniform(self.latent_dim), "age": Input.label(self.num_ages)}

    def generate_from(self, inputs, training=False):
        z = tf.cast(inputs["z"], tf.float32)
        label = tiled_label(inputs["age"], self.num_ages, self.label_repeats)
        return tf.cast(self.generator(tf.concat([z, label], -1), training=training),
                       tf.float32)

    def discriminate(self, images, inputs=None, training=False):
        ages = inputs["age"] if isinstance(inputs, dict) else inputs
        return self.discriminator([images, tf.cast(ages, tf.int32)], training=training)

    def build_networks(self):
        super().build_networks()
        self.code_discriminator(tf.zeros([2, self.latent_dim]))

    def player_networks(self):
        # E and G minimise one loss, L_EG; D_img and D_z take one step together.
        return {"generator": [self.encoder, self.generator],
                "discriminator": [self.discriminator, self.code_discriminator]}

    def export_networks(self):
        return [self.generator, self.encoder]

    # ------------------------------------------------------------ training
    def eg_losses(self, real, z, reconstruction, ages):
        """The terms of L_EG (eq. 5), unweighted, and their weighted sum."""
        terms = {
            "rec": losses.l1_loss(reconstruction, real),
            "img": losses.non_saturating_generator_loss(
                self.discriminate(reconstruction, ages, training=True)),
            "z": losses.non_saturating_generator_loss(
                self.code_discriminator(z, training=True)),
            "tv": losses.total_variation(reconstruction),
        }
        return terms, tf.add_n([self.term_weights[k] * v for k, v in terms.items()])

    def train_step(self, data):
        real, labels = self.unpack(data)
        if labels is None:
            raise UserError("CAAE needs age labels (the heads_aged dataset)")
        ages = tf.cast(labels, tf.int32) % self.num_ages
        prior = tf.random.stateless_uniform([tf.shape(real)[0], self.latent_dim],
                                            self.next_seed(), -1.0, 1.0)
        with tf.GradientTape() as tape:
            z = self.encoder(real, training=True)
            reconstruction = self.generate_from({"z": z, "age": ages}, True)
            terms, eg_loss = self.eg_losses(real, z, reconstruction, ages)
        self.minimize(self.g_optimizer, tape, eg_loss, [self.encoder, self.generator])
        with tf.GradientTape() as tape:
            d_z_loss = losses.minimax_discriminator_loss(
                self.code_discriminator(prior, training=True),
                self.code_discriminator(tf.stop_gradient(z), training=True))
            d_loss = losses.minimax_discriminator_loss(
                self.discriminate(real, ages, training=True),
                self.discriminate(tf.stop_gradient(reconstruction), ages, training=True))
            total = d_loss + d_z_loss
        self.minimize(self.d_optimizer, tape, total,
                      [self.discriminator, self.code_discriminator])
        return self.track(d_loss=d_loss, eg_loss=eg_loss, rec=terms["rec"], d_z_loss=d_z_loss)

    # ------------------------------------------------------------ editing
    def edit(self, images, ages):
        """G(E(x), age): each face at age group `ages`."""
        images = self.check_images(images)
        ages = tf.broadcast_to(checked_groups(ages, self.num_ages, "age groups are"),
                               tf.shape(images)[:1])
        return self.generate_from({"z": self.encode(images), "age": ages})

    def latent_endpoints(self, batch_size=None):
        encode = super().latent_endpoints(batch_size)[0]
        age = tf.TensorSpec([batch_size], tf.int32, name="age")

        def edit(inputs):
            return serving_outputs(self.edit(inputs["image"], inputs["age"]))

        example = {**encode.example, "age": (np.arange(2) % self.num_ages).astype("int32")}
        return [encode,
                Endpoint("edit", edit, {**encode.inputs, "age": age},
                         image_outputs(self.image_shape, batch_size), example,
                         "image, age group -> G(E(x), age): the face aged or rejuvenated")]
