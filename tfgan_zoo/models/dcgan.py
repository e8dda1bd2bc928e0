"""DCGAN: Radford, Metz & Chintala 2015, "Unsupervised Representation Learning
with Deep Convolutional Generative Adversarial Networks".

All-convolutional players with batch norm and no pooling (see
`networks.dcgan_generator`), trained with the non-saturating GAN loss and
Adam(2e-4, beta_1=0.5). 28, 32 and 64 px (and 128, ...) share one builder.
The latent-space tools of §6 are in `tfgan_zoo.latent`.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses, networks
from tfgan_zoo.core import AdversarialModel


@keras.saving.register_keras_serializable("tfgan_zoo")
class DCGAN(AdversarialModel):
    """Deep convolutional GAN.

    Args:
        ngf, ndf: width of the last generator / first discriminator stage.
        d_norm: discriminator normalization: "batch", "layer" or "none".
        synchronized_bn: batch statistics averaged across replicas.
    """

    def __init__(self, *, ngf=64, ndf=64, d_norm="batch", synchronized_bn=False,
                 **kwargs):
        super().__init__(**kwargs)
        self.ngf, self.ndf, self.d_norm = ngf, ndf, d_norm
        self.synchronized_bn = synchronized_bn
        self.generator = networks.dcgan_generator(
            self.latent_dim, self.image_shape, ngf, synchronized_bn)
        self.discriminator = networks.dcgan_discriminator(
            self.image_shape, ndf, d_norm, synchronized_bn)

    def train_step(self, data):
        real, _ = self.unpack(data)
        batch = keras.ops.shape(real)[0]
        # Discriminator: maximise log D(x) + log(1 - D(G(z))) (or the
        # objective a subclass such as LSGAN substitutes).
        z = self.sample_noise(batch)
        fake = self.generator(z, training=True)
        with tf.GradientTape() as tape:
            d_loss = self.discriminator_loss(
                self.discriminator(real, training=True),
                self.discriminator(fake, training=True))
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        # Generator: maximise log D(G(z)).
        z = self.sample_noise(batch)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            g_loss = self.generator_loss(self.discriminator(fake, training=True))
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss)

    def discriminator_loss(self, real_logits, fake_logits):
        return losses.minimax_discriminator_loss(real_logits, fake_logits,
                                                 reduce=self.reduce)

    def generator_loss(self, fake_logits):
        return losses.non_saturating_generator_loss(fake_logits, reduce=self.reduce)
