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

`--diff-augment color,translation,cutout` shows D only augmented images,
T(x) and T(G(z)), in both players' steps (DiffAugment, Zhao et al. 2020;
`tfgan_zoo.augment`); off by default, so Algorithm 1 is the paper's.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.augment import diff_augment, parse_policy
from tfgan_zoo.core import AdversarialModel


class NoiseToImageGAN(AdversarialModel):
    """A GAN that maps noise (and, for conditional models, a label) to an
    image, trained with Algorithm 1. Subclasses build `generator` and
    `discriminator` and override the losses they change.

    Args:
        diff_augment: DiffAugment policy for everything D sees, e.g.
            "color,translation,cutout" (comma-separated); None for none.
    """

    supports_ema = True

    def __init__(self, *, diff_augment=None, **kwargs):
        super().__init__(**kwargs)
        parse_policy(diff_augment)
        self.diff_augment = diff_augment or None

    def augment(self, images):
        """T(images): the DiffAugment policy, or the images unchanged."""
        if not self.diff_augment:
            return images
        return diff_augment(images, self.diff_augment, self.next_seed())

    def train_step(self, data):
        real, labels = self.unpack(data)
        # for k steps: update the discriminator on a fresh real batch
        for real_batch, label_batch in self.critic_batches(real, labels):
            z = self.sample_noise(keras.ops.shape(real_batch)[0])
            fake = self.generate(z, label_batch, training=True)
            with tf.GradientTape() as tape:
                d_loss, logs = self.critic_loss(
                    self.augment(real_batch), self.augment(fake), label_batch)
            self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
            self.constrain_critic()
        # update the generator
        z = self.sample_noise(keras.ops.shape(real_batch)[0])
        with tf.GradientTape() as tape:
            fake = self.generate(z, label_batch, training=True)
            g_loss = self.generator_loss(
                self.discriminate(self.augment(fake), label_batch, training=True))
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
