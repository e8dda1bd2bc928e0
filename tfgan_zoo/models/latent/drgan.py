"""DR-GAN: Tran, Yin & Liu 2017, "Disentangled Representation Learning GAN
for Pose-Invariant Face Recognition" (single-image DR-GAN, §3.1-3.2).

G is an encoder-decoder: G_enc(x) = f(x), the identity representation,
and G_dec(f(x), c, z) draws the face at the pose c (one-hot of Np bins)
with noise z. D is multi-task (eq. 3): D^d, Nd + 1 logits (the Nd
training identities, then "fake"), and D^p, Np pose logits:

    max_D  E_real[log D^d_{y_d}(x) + log D^p_{y_p}(x)]
           + E[log D^d_{Nd+1}(G(x, c, z))]                              (3)
    max_G  E[log D^d_{y_d}(G(x, c, z)) + log D^p_{y_t}(G(x, c, z))]     (4)

with y_t the requested pose. Labels carry identity and pose together,
label = identity * num_poses + pose (the `heads` dataset's layout). The
served `edit` turns a face to a pose (z = 0); `encode` returns f(x), the
pose-invariant feature that identity verification compares by cosine.

Deviations, named: the noise z has the feature's size, latent_dim (the
paper: Nf = 320, Nz = 50), so every served code is latent_dim wide;
DCGAN-sized players (the paper uses CASIA-Net, 96x96);
D's "fake" logit is the DCGAN discriminator's realness logit, placed as
the (Nd+1)-th class.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from tfgan_zoo import losses
from tfgan_zoo.core import Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.base import LatentModel, checked_groups, identities_of
from tfgan_zoo.networks.dcgan import dcgan_discriminator, dcgan_generator
from tfgan_zoo.networks.layers import label_input
from tfgan_zoo.networks.latent import conv_encoder
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs


@keras.saving.register_keras_serializable("tfgan_zoo")
class DRGAN(LatentModel):
    """Face rotation: an encoder-decoder G (identity feature + pose code +
    noise) against a multi-task identity/pose discriminator.

    Args:
        num_poses: pose bins Np; labels are identity * num_poses + pose.
        ngf, ndf, nef: widths of the decoder, discriminator and encoder.
    """

    loss_names = ("d_loss", "g_loss", "d_pose_acc", "g_pose_acc")
    players = ("generator", "discriminator")
    test_config = {"num_poses": 2, "ngf": 4, "ndf": 4, "nef": 4}
    # `--ema-decay` edits and frontalises through an average of G's weights
    # (encoder and decoder; the core's generator EMA), not in the paper.
    supports_ema = True

    def __init__(self, *, num_poses=13, ngf=64, ndf=64, nef=64, **kwargs):
        super().__init__(**kwargs)
        self.num_identities = identities_of(self, num_poses, "heads")
        self.num_poses = int(num_poses)
        self.noise_dim = self.latent_dim
        self.ngf, self.ndf, self.nef = ngf, ndf, nef
        self.encoder = conv_encoder(self.image_shape, self.latent_dim, nef)
        self.decoder = dcgan_generator(self.latent_dim + self.noise_dim, self.image_shape,
                                       ngf, num_classes=self.num_poses, name="decoder")
        image = keras.Input(self.image_shape, name="image")
        pose, _ = label_input(self.num_poses, name="pose")
        z = keras.Input((self.noise_dim,), name="z")
        code = layers.Concatenate()([self.encoder(image), z])
        self.generator = keras.Model([image, pose, z], self.decoder([code, pose]),
                                     name="generator")
        self.discriminator = dcgan_discriminator(
            self.image_shape, ndf, classes=(self.num_identities, self.num_poses))

    def generator_inputs(self):
        return {"image": self.image_input(), "pose": Input.label(self.num_poses),
                "z": Input.noise(self.noise_dim)}

    def generate_from(self, inputs, training=False):
        return tf.cast(self.inference_generator(training)(
            [inputs["image"], inputs["pose"], inputs["z"]], training=training), tf.float32)

    def heads(self, images, training=False):
        """(D^d logits [B, Nd + 1], the last one "fake"; D^p logits [B, Np])."""
        realness, classes = self.discriminator(images, training=training)
        identity, pose = tf.split(tf.cast(classes, tf.float32),
                                  [self.num_identities, self.num_poses], axis=1)
        return tf.concat([identity, -tf.cast(realness, tf.float32)], axis=1), pose

    def discriminate(self, images, inputs=None, training=False):
        return self.heads(images, training)

    def train_step(self, data):
        real, labels = self.unpack(data)
        if labels is None:
            raise UserError("DRGAN needs identity and pose labels (the heads dataset)")
        labels = tf.cast(labels, tf.int32)
        identity, pose = labels // self.num_poses, labels % self.num_poses
        n = tf.shape(real)[0]
        target = tf.random.stateless_uniform([n], self.next_seed(), 0, self.num_poses,
                                             tf.int32)
        z = self.sample_noise(n)
        fake_class = tf.fill([n], self.num_identities)
        with tf.GradientTape() as tape:
            fake = self.generate_from({"image": real, "pose": target, "z": z}, True)
            real_id, real_pose = self.heads(real, training=True)
            fake_id, _ = self.heads(tf.stop_gradient(fake), training=True)
            d_loss = (losses.classification_loss(real_id, identity)
                      + losses.classification_loss(real_pose, pose)
                      + losses.classification_loss(fake_id, fake_class))     # eq. (3)
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        with tf.GradientTape() as tape:
            fake = self.generate_from({"image": real, "pose": target, "z": z}, True)
            fake_id, fake_pose = self.heads(fake, training=True)
            g_loss = (losses.classification_loss(fake_id, identity)
                      + losses.classification_loss(fake_pose, target))       # eq. (4)
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        accuracy = (lambda logits, y: tf.reduce_mean(tf.cast(
            tf.equal(tf.argmax(logits, -1, output_type=tf.int32), y), tf.float32)))
        return self.track(d_loss=d_loss, g_loss=g_loss,
                          d_pose_acc=accuracy(real_pose, pose),
                          g_pose_acc=accuracy(fake_pose, target))

    def player_networks(self):
        # G_enc is part of G: one optimizer for the encoder-decoder.
        return {"generator": [self.generator], "discriminator": [self.discriminator]}

    # ------------------------------------------------------------ editing
    def edit(self, images, poses):
        """G(x, c, z = 0): each face turned to pose bin `poses`."""
        images = self.check_images(images)
        poses = tf.broadcast_to(checked_groups(poses, self.num_poses, "poses are bins"),
                                tf.shape(images)[:1])
        z = tf.zeros([tf.shape(images)[0], self.noise_dim])
        return self.generate_from({"image": images, "pose": poses, "z": z})

    def frontalize(self, images, landmarks=None):
        """G(x, frontal bin, z = 0); DR-GAN reads no landmarks."""
        return self.edit(images, self.num_poses // 2)

    def latent_endpoints(self, batch_size=None):
        encode = super().latent_endpoints(batch_size)[0]
        pose = tf.TensorSpec([batch_size], tf.int32, name="pose")

        def edit(inputs):
            return serving_outputs(self.edit(inputs["image"], inputs["pose"]))

        example = {**encode.example, "pose": (np.arange(2) % self.num_poses).astype("int32")}
        return [encode,
                Endpoint("edit", edit, {**encode.inputs, "pose": pose},
                         image_outputs(self.image_shape, batch_size), example,
                         "image, pose bin c -> G(x, c, z = 0): the face turned to pose c "
                         "(DR-GAN's rotation; the frontal bin frontalises)")]
