"""WGAN: Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN".

Algorithm 1: n_critic = 5 critic steps, each on a fresh real batch, that
minimise D(G(z)) - D(x) followed by clipping every critic weight to [-c, c]
(a crude way to keep the critic Lipschitz), then one generator step that
minimises -D(G(z)). RMSProp with lr 5e-5, since momentum made training
unstable (§4). Networks are DCGAN's; the critic's output is an unbounded
score, not a probability. WGAN-GP replaces the clipping with a penalty by
overriding `critic_loss` and `constrain_critic`.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.noise2image.dcgan import DCGAN


@keras.saving.register_keras_serializable("tfgan_zoo")
class WGAN(DCGAN):
    """Wasserstein GAN with weight clipping.

    Args:
        clip: critic weights are clipped to [-clip, clip] (the paper's c).
        n_critic: critic steps per generator step.
    """

    loss_names = ("d_loss", "g_loss", "wasserstein_estimate")

    # A critic's score is defined up to a constant: `--ada-target` is refused.
    has_real_side = False

    def __init__(self, *, clip=0.01, n_critic=5, **kwargs):
        super().__init__(n_critic=n_critic, **kwargs)
        self.clip = clip

    def discriminator_loss(self, real_scores, fake_scores):
        """min_D D(G(z)) - D(x)"""
        return losses.wasserstein_discriminator_loss(real_scores, fake_scores)

    def critic_loss(self, real, fake, labels=None):
        loss, logs = super().critic_loss(real, fake, labels)
        # -loss estimates the Wasserstein distance up to the Lipschitz
        # constant; the paper plots it as a measure of sample quality (§4.2).
        return loss, {**logs, "wasserstein_estimate": -loss}

    def constrain_critic(self):
        """w <- clip(w, -c, c)"""
        for w in self.discriminator.trainable_variables:
            w.assign(tf.clip_by_value(w, -self.clip, self.clip))

    def generator_loss(self, fake_scores):
        """min_G -D(G(z))"""
        return losses.wasserstein_generator_loss(fake_scores)
