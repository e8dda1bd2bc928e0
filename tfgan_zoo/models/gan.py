"""GAN: Goodfellow et al. 2014, "Generative Adversarial Nets".

Multilayer perceptrons for both players, trained with the paper's
Algorithm 1: k discriminator steps ascending log D(x) + log(1 - D(G(z))),
then one generator step. The paper notes that log(1 - D(G(z))) saturates
early in training and suggests maximising log D(G(z)) instead (§3); that is
the default here, and `generator_loss="minimax"` gives the original.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses, networks
from tfgan_zoo.core import AdversarialModel
from tfgan_zoo.errors import UserError

GENERATOR_LOSSES = {"minimax": losses.minimax_generator_loss,
                    "non_saturating": losses.non_saturating_generator_loss}


@keras.saving.register_keras_serializable("tfgan_zoo")
class GAN(AdversarialModel):
    """The original GAN with MLP generator and discriminator.

    Args:
        g_hidden, d_hidden: widths of the hidden layers.
        dropout: dropout rate in the discriminator.
        n_critic: discriminator steps per generator step (Algorithm 1's k).
        generator_loss: "non_saturating" (default) or "minimax".
    """

    def __init__(self, *, g_hidden=(256, 512, 1024), d_hidden=(512, 256),
                 dropout=0.3, generator_loss="non_saturating", **kwargs):
        super().__init__(**kwargs)
        if generator_loss not in GENERATOR_LOSSES:
            raise UserError(f"unknown generator_loss '{generator_loss}': choose "
                            f"{' or '.join(GENERATOR_LOSSES)}")
        self.g_hidden, self.d_hidden = tuple(g_hidden), tuple(d_hidden)
        self.dropout, self.generator_loss = dropout, generator_loss
        self.generator_loss_fn = GENERATOR_LOSSES[generator_loss]
        self.generator = networks.mlp_generator(
            self.latent_dim, self.image_shape, self.g_hidden)
        self.discriminator = networks.mlp_discriminator(
            self.image_shape, self.d_hidden, dropout)

    def train_step(self, data):
        real, _ = self.unpack(data)
        # for k steps: update D by ascending its stochastic gradient
        for (real_batch,) in self.critic_batches(real):
            z = self.sample_noise(keras.ops.shape(real_batch)[0])
            fake = self.generator(z, training=True)
            with tf.GradientTape() as tape:
                d_loss = losses.minimax_discriminator_loss(
                    self.discriminator(real_batch, training=True),
                    self.discriminator(fake, training=True), reduce=self.reduce)
            self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        # update G by descending its stochastic gradient
        z = self.sample_noise(keras.ops.shape(real_batch)[0])
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            g_loss = self.generator_loss_fn(
                self.discriminator(fake, training=True), reduce=self.reduce)
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss)
