"""The noise-to-image family's base: Algorithm 1 of Goodfellow et al. 2014,
written once.

    for each training iteration:
        for k (n_critic) steps:
            sample a fresh real minibatch x and noise z
            update D on its loss for (x, G(z)); constrain D (WGAN clips)
        sample noise z; update G on its loss for D(G(z))

GAN, DCGAN, LSGAN, WGAN, WGAN-GP and CGAN differ only in their networks,
their two losses (`critic_loss` / `discriminator_loss`, `generator_loss`)
and the critic constraint. Conditional models (CGAN) feed the real batch's
labels to both players through `generate` and `discriminate`, so both sides
of D's loss see the same label distribution.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import AdversarialModel


class NoiseToImageGAN(AdversarialModel):
    """A GAN that maps noise (and, for conditional models, a label) to an
    image, trained with Algorithm 1. Subclasses build `generator` and
    `discriminator` and override the losses they change."""

    supports_ema = True
    # Generators whose last layer is linear in the paper (BEGAN, Progressive
    # GAN) train on their raw output; sampled and served images are clipped
    # to the data range [-1, 1].
    clip_output = False

    def generate(self, z, labels=None, training=False):
        images = super().generate(z, labels, training=training)
        if self.clip_output and not training:
            images = tf.clip_by_value(images, -1.0, 1.0)
        return images

    def train_step(self, data):
        real, labels = self.unpack(data)
        # for k steps: update the discriminator on a fresh real batch
        for real_batch, label_batch in self.critic_batches(real, labels):
            z = self.sample_noise(keras.ops.shape(real_batch)[0])
            fake = self.generate(z, label_batch, training=True)
            with tf.GradientTape() as tape:
                d_loss, logs = self.critic_loss(real_batch, fake, label_batch)
            self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
            self.constrain_critic()
        # update the generator
        z = self.sample_noise(keras.ops.shape(real_batch)[0])
        with tf.GradientTape() as tape:
            fake = self.generate(z, label_batch, training=True)
            g_loss = self.generator_loss(
                self.discriminate(fake, label_batch, training=True))
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, **logs)

    def critic_loss(self, real, fake, labels=None):
        """D's loss on a real and a fake batch, and extra values to log."""
        return self.discriminator_loss(
            self.discriminate(real, labels, training=True),
            self.discriminate(fake, labels, training=True)), {}

    def discriminator_loss(self, real_logits, fake_logits):
        """max_D log D(x) + log(1 - D(G(z))) (Goodfellow et al. eq. 1)."""
        return losses.minimax_discriminator_loss(real_logits, fake_logits)

    def generator_loss(self, fake_logits):
        """max_G log D(G(z)), the non-saturating loss of §3."""
        return losses.non_saturating_generator_loss(fake_logits)

    def constrain_critic(self):
        """Called after each discriminator update (WGAN clips its weights)."""
