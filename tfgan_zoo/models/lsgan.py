"""LSGAN: Mao et al. 2017, "Least Squares Generative Adversarial Networks".

DCGAN players whose discriminator output is scored with least squares
instead of the sigmoid cross-entropy (eq. 2 with a=0, b=1, c=1): the loss
keeps pulling fakes that are on the right side of the decision boundary but
far from the data, which gives the generator gradients where the
cross-entropy saturates.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.dcgan import DCGAN


@keras.saving.register_keras_serializable("tfgan_zoo")
class LSGAN(DCGAN):
    """Least-squares GAN on DCGAN networks (a, b, c are eq. 2's targets)."""

    def __init__(self, *, a=0.0, b=1.0, c=1.0, **kwargs):
        super().__init__(**kwargs)
        self.a, self.b, self.c = a, b, c

    def train_step(self, data):
        real, _ = self.unpack(data)
        batch = keras.ops.shape(real)[0]
        # D: min 1/2 (D(x) - b)^2 + 1/2 (D(G(z)) - a)^2
        z = self.sample_noise(batch)
        fake = self.generator(z, training=True)
        with tf.GradientTape() as tape:
            d_loss = losses.least_squares_discriminator_loss(
                self.discriminator(real, training=True),
                self.discriminator(fake, training=True),
                a=self.a, b=self.b, reduce=self.reduce)
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        # G: min 1/2 (D(G(z)) - c)^2
        z = self.sample_noise(batch)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            g_loss = losses.least_squares_generator_loss(
                self.discriminator(fake, training=True), c=self.c,
                reduce=self.reduce)
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss)
