"""WGAN-GP: Gulrajani et al. 2017, "Improved Training of Wasserstein GANs".

Algorithm 1: the critic loss D(G(z)) - D(x) plus lambda times the gradient
penalty (||grad D(x_hat)|| - 1)^2 at x_hat = a x + (1 - a) G(z), with one
uniform a per example; n_critic = 5 fresh real batches per generator step;
Adam(1e-4, beta_1=0, beta_2=0.9). The penalty is per example, so the
critic must not use batch norm (§4): its normalization is "none" (or
"layer", which the paper recommends as a drop-in).
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.dcgan import DCGAN


@keras.saving.register_keras_serializable("tfgan_zoo")
class WGANGP(DCGAN):
    """Wasserstein GAN with gradient penalty (`gp_weight` is lambda)."""

    loss_names = ("d_loss", "g_loss", "gradient_penalty", "wasserstein_estimate")

    def __init__(self, *, gp_weight=10.0, n_critic=5, d_norm="none", **kwargs):
        super().__init__(n_critic=n_critic, d_norm=d_norm, **kwargs)
        self.gp_weight = gp_weight

    def train_step(self, data):
        real, _ = self.unpack(data)
        for (real_batch,) in self.critic_batches(real):
            z = self.sample_noise(keras.ops.shape(real_batch)[0])
            fake = self.generator(z, training=True)
            with tf.GradientTape() as tape:
                critic_loss = losses.wasserstein_discriminator_loss(
                    self.discriminator(real_batch, training=True),
                    self.discriminator(fake, training=True), reduce=self.reduce)
                penalty = losses.gradient_penalty(
                    lambda x: self.discriminator(x, training=True),
                    real_batch, fake, seed=self.next_seed(),
                    reduce=self.reduce)
                d_loss = critic_loss + self.gp_weight * penalty
            self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        z = self.sample_noise(keras.ops.shape(real_batch)[0])
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            g_loss = losses.wasserstein_generator_loss(
                self.discriminator(fake, training=True), reduce=self.reduce)
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, gradient_penalty=penalty,
                          wasserstein_estimate=-critic_loss)
