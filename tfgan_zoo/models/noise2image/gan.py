"""GAN: Goodfellow et al. 2014, "Generative Adversarial Nets".

Multilayer perceptrons for both players, trained with the paper's
Algorithm 1: k discriminator steps ascending log D(x) + log(1 - D(G(z))),
then one generator step. The paper notes that log(1 - D(G(z))) saturates
early in training and suggests maximising log D(G(z)) instead (§3); that is
the default here, and `generator_loss="minimax"` gives the original.
"""

import keras

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.base import NoiseToImageGAN
from tfgan_zoo.networks.dcgan import mlp_discriminator, mlp_generator

GENERATOR_LOSSES = {"minimax": losses.minimax_generator_loss,
                    "non_saturating": losses.non_saturating_generator_loss}


@keras.saving.register_keras_serializable("tfgan_zoo")
class GAN(NoiseToImageGAN):
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
        self.dropout, self.generator_loss_name = dropout, generator_loss
        self.generator = mlp_generator(
            self.latent_dim, self.image_shape, self.g_hidden)
        self.discriminator = mlp_discriminator(
            self.image_shape, self.d_hidden, dropout)

    def generator_loss(self, fake_logits):
        return GENERATOR_LOSSES[self.generator_loss_name](fake_logits)
