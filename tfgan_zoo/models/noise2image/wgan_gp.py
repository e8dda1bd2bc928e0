"""WGAN-GP: Gulrajani et al. 2017, "Improved Training of Wasserstein GANs".

WGAN's Algorithm 1 with the weight clipping replaced by a gradient penalty:
the critic loss is D(G(z)) - D(x) + lambda (||grad D(x_hat)|| - 1)^2 at
x_hat = a x + (1 - a) G(z), with one uniform a per example; n_critic = 5
fresh real batches per generator step; Adam(1e-4, beta_1=0, beta_2=0.9).
The penalty is per example, so the critic must not use batch norm (§4): its
normalization is "none" (or "layer", which the paper recommends).

`--gp-every N` (a project option, off by default: N = 1 is the paper's)
computes the penalty on every N-th critic update only, weighted N times:
the lazy regularisation Karras et al. 2020 use for R1, here for the
penalty's double backward, which is most of a critic update's cost.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.wgan import WGAN


@keras.saving.register_keras_serializable("tfgan_zoo")
class WGANGP(WGAN):
    """Wasserstein GAN with gradient penalty.

    Args:
        gp_weight: weight of the gradient penalty (the paper's lambda).
        d_norm: critic normalization, "none" or "layer" (never batch norm).
        gp_every: compute the penalty on every N-th critic update only, weighted N
            (lazy); 1 (the paper) computes it on every update.
    """

    loss_names = ("d_loss", "g_loss", "gradient_penalty", "wasserstein_estimate")
    unused_hyperparameters = WGAN.derived_arguments + ("clip",)

    def __init__(self, *, gp_weight=10.0, d_norm="none", gp_every=1, **kwargs):
        super().__init__(d_norm=d_norm, clip=None, **kwargs)
        self.gp_weight = gp_weight
        if int(gp_every) != gp_every or gp_every < 1:
            raise UserError(f"gp_every must be a whole number >= 1, got {gp_every}: "
                            f"pass e.g. --gp-every 4, or leave it out for the paper's 1")
        self.gp_every = int(gp_every)

    def critic_loss(self, real, fake, labels=None):
        critic_loss, logs = super().critic_loss(real, fake, labels)
        seed = self.next_seed()

        def penalty_now():
            return losses.gradient_penalty(
                lambda x: self.discriminator(x, training=True), real, fake, seed=seed)

        if self.gp_every == 1:
            penalty = penalty_now()
            weighted = penalty
        else:
            # The penalty times N on every N-th critic update, 0 on the others;
            # the logged value is the penalty itself where it was computed.
            due = tf.equal(self.d_optimizer.iterations % self.gp_every, 0)
            penalty = tf.cond(due, penalty_now, lambda: tf.zeros([], tf.float32))
            weighted = self.gp_every * penalty
        return (critic_loss + self.gp_weight * weighted,
                {**logs, "gradient_penalty": penalty})

    def constrain_critic(self):
        """No clipping: the penalty keeps the critic near 1-Lipschitz."""
