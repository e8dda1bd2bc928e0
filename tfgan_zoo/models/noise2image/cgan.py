"""CGAN: Mirza & Osindero 2014, "Conditional Generative Adversarial Nets".

The class label y conditions both players: the generator maps (z, y) to an
image and the discriminator scores (x, y) pairs, so the minimax game of
eq. 2 is over log D(x|y) + log(1 - D(G(z|y)|y)). As in the paper's MNIST
experiment, both players are MLPs that take the one-hot label beside their
input. Fakes are drawn for the labels of the real batch, so both sides of
the discriminator's loss see the same label distribution.
"""

import keras

from tfgan_zoo.core import ConditionalModel
from tfgan_zoo.models.noise2image.base import NoiseToImageGAN
from tfgan_zoo.networks.dcgan import mlp_discriminator, mlp_generator


@keras.saving.register_keras_serializable("tfgan_zoo")
class CGAN(ConditionalModel, NoiseToImageGAN):
    """Conditional GAN with label-conditioned MLP players.

    Args:
        g_hidden, d_hidden: widths of the hidden layers.
        dropout: dropout rate in the discriminator.
    """

    def __init__(self, *, g_hidden=(256, 512, 1024), d_hidden=(512, 256),
                 dropout=0.3, **kwargs):
        super().__init__(**kwargs)
        self.g_hidden, self.d_hidden = tuple(g_hidden), tuple(d_hidden)
        self.dropout = dropout
        self.generator = mlp_generator(
            self.latent_dim, self.image_shape, self.g_hidden, self.num_classes)
        self.discriminator = mlp_discriminator(
            self.image_shape, self.d_hidden, dropout, self.num_classes)
