"""WGAN-GP: Gulrajani et al. 2017, "Improved Training of Wasserstein GANs".

WGAN's Algorithm 1 with the weight clipping replaced by a gradient penalty:
the critic loss is D(G(z)) - D(x) + lambda (||grad D(x_hat)|| - 1)^2 at
x_hat = a x + (1 - a) G(z), with one uniform a per example; n_critic = 5
fresh real batches per generator step; Adam(1e-4, beta_1=0, beta_2=0.9).
The penalty is per example, so the critic must not use batch norm (§4): its
normalization is "none" (or "layer", which the paper recommends).
"""

import keras

from tfgan_zoo import losses
from tfgan_zoo.models.noise2image.wgan import WGAN


@keras.saving.register_keras_serializable("tfgan_zoo")
class WGANGP(WGAN):
    """Wasserstein GAN with gradient penalty.

    Args:
        gp_weight: weight of the gradient penalty (the paper's lambda).
        d_norm: critic normalization, "none" or "layer" (never batch norm).
    """

    loss_names = ("d_loss", "g_loss", "gradient_penalty", "wasserstein_estimate")
    unused_hyperparameters = WGAN.derived_arguments + ("clip",)

    def __init__(self, *, gp_weight=10.0, d_norm="none", **kwargs):
        super().__init__(d_norm=d_norm, clip=None, **kwargs)
        self.gp_weight = gp_weight

    def critic_loss(self, real, fake, labels=None):
        critic_loss, logs = super().critic_loss(real, fake, labels)
        penalty = losses.gradient_penalty(
            lambda x: self.discriminator(x, training=True), real, fake,
            seed=self.next_seed())
        return (critic_loss + self.gp_weight * penalty,
                {**logs, "gradient_penalty": penalty})

    def constrain_critic(self):
        """No clipping: the penalty keeps the critic near 1-Lipschitz."""
