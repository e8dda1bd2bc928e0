"""DCGAN: Radford, Metz & Chintala 2015, "Unsupervised Representation Learning
with Deep Convolutional Generative Adversarial Networks".

All-convolutional players with batch norm and no pooling (see
`tfgan_zoo.networks.dcgan`), trained with Algorithm 1 (one D step per G
step) and the non-saturating GAN loss, Adam(2e-4, beta_1=0.5). 28, 32 and
64 px (and 128, ...) share one builder.
The latent-space tools of §6 are in `tfgan_zoo.latent`.
"""

import keras

from tfgan_zoo.models.noise2image.base import NoiseToImageGAN
from tfgan_zoo.networks.dcgan import dcgan_discriminator, dcgan_generator


@keras.saving.register_keras_serializable("tfgan_zoo")
class DCGAN(NoiseToImageGAN):
    """Deep convolutional GAN.

    Args:
        ngf, ndf: width of the last generator / first discriminator stage.
        d_norm: discriminator normalization: "batch", "layer" or "none".
        synchronized_bn: batch statistics averaged across replicas.
    """

    def __init__(self, *, ngf=64, ndf=64, d_norm="batch", synchronized_bn=False,
                 **kwargs):
        super().__init__(**kwargs)
        self.ngf, self.ndf, self.d_norm = ngf, ndf, d_norm
        self.synchronized_bn = synchronized_bn
        self.generator = dcgan_generator(
            self.latent_dim, self.image_shape, ngf, synchronized_bn)
        self.discriminator = dcgan_discriminator(
            self.image_shape, ndf, d_norm, synchronized_bn)
