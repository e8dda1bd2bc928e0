"""pix2pix: Isola, Zhu, Zhou & Efros 2017, "Image-to-Image Translation with
Conditional Adversarial Networks".

A U-Net generator G translates a source image x into y' = G(x); dropout is
its only noise (sec. 3.1). A PatchGAN discriminator D sees the source and a
target side by side, (x, y) or (x, G(x)), and judges each 70x70 patch
(sec. 3.2.2). The objective (eq. 4) is the conditional GAN loss plus an L1
term that makes the output match the target at low frequencies:

    G* = arg min_G max_D  L_cGAN(G, D) + lambda E|y - G(x)|_1,  lambda = 100

trained with the non-saturating generator loss, D's objective halved to slow
it down relative to G, and Adam(2e-4, beta_1=0.5) (sec. 3.3).
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import l1_loss, log_mse_loss, squared_error_loss
from tfgan_zoo.models.image2image.base import ConditionalDiscriminator, ImageToImageModel
from tfgan_zoo.networks import image2image as nets


# The term lambda weighs (tracked as "l1" whichever it is).
RECONSTRUCTIONS = {"l1": l1_loss, "mse": squared_error_loss, "log_mse": log_mse_loss}


@keras.saving.register_keras_serializable("tfgan_zoo")
class Pix2Pix(ConditionalDiscriminator, ImageToImageModel):
    """Paired image-to-image translation with a conditional PatchGAN.

    Args:
        ngf: width of the U-Net's first stage (64 in the paper).
        ndf: width of the PatchGAN's first layer (64).
        depth: U-Net stride-2 stages; default down to 1x1 (8 at 256 px).
        d_layers: PatchGAN stride-2 layers; 3 is the 70x70 PatchGAN.
        norm: normalization of both nets: batch (paper), instance or none.
        dropout: dropout rate of the first three decoder stages (0.5).
        l1_weight: lambda of the reconstruction term (100, on the L1).
        keep_luminance: colourisation (a 1-channel source, an RGB target) as
            in the reference code's colorization model: the U-Net predicts
            only the chroma and the output keeps the source as its luminance
            (`networks.image2image.keep_luminance`).
        reconstruction: the term lambda weighs: l1 (the paper's), mse, or
            log_mse (each image's MSE in dB, i.e. minus its PSNR; not in the
            paper: every image counts the same in dB, so a wrong colour on a
            near-grey patch costs as much as on a vivid one).
    """

    loss_names = ("d_loss", "g_loss", "g_gan", "l1")
    test_config = {"ngf": 8, "ndf": 8, "d_layers": 2, "latent_dim": 0}

    def __init__(self, *, ngf=64, ndf=64, depth=None, d_layers=3, norm="batch",
                 dropout=0.5, l1_weight=100.0, keep_luminance=False, reconstruction="l1",
                 **kwargs):
        super().__init__(**kwargs)
        if reconstruction not in RECONSTRUCTIONS:
            raise UserError(f"unknown reconstruction '{reconstruction}': choose "
                            f"{', '.join(RECONSTRUCTIONS)}")
        self.reconstruction = reconstruction
        self.ngf, self.ndf, self.depth, self.d_layers = ngf, ndf, depth, d_layers
        self.norm, self.dropout, self.l1_weight = norm, dropout, float(l1_weight)
        self.keep_luminance = bool(keep_luminance)
        if self.keep_luminance:
            if self.input_shape[-1] != 1 or self.image_shape[-1] != 3:
                raise UserError("--keep-luminance colours grey images: it needs a "
                                "1-channel source and an RGB target (--dataset "
                                "gray2photo); pass --keep-luminance False for other data")
            self.generator = nets.keep_luminance(nets.unet_generator(
                self.input_shape, 2, ngf, depth, norm, dropout, name="chroma"))
        else:
            self.generator = nets.unet_generator(
                self.input_shape, self.image_shape[-1], ngf, depth, norm, dropout)
        pair_shape = self.image_shape[:2] + (self.input_shape[-1] + self.image_shape[-1],)
        self.discriminator = nets.patch_discriminator(pair_shape, ndf, d_layers, norm)

    def train_step(self, data):
        source, target = self.unpack(data)
        # D: maximise log D(x, y) + log(1 - D(x, G(x))); halved (sec. 3.3).
        fake = self.translate(source, training=True)
        with tf.GradientTape() as tape:
            d_loss = 0.5 * losses.minimax_discriminator_loss(
                self.discriminate(target, source, training=True),
                self.discriminate(fake, source, training=True))
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        # G: maximise log D(x, G(x)) and keep G(x) near y in L1 (eq. 4).
        with tf.GradientTape() as tape:
            fake = self.translate(source, training=True)
            g_gan = losses.non_saturating_generator_loss(
                self.discriminate(fake, source, training=True))
            l1 = RECONSTRUCTIONS[self.reconstruction](fake, target)
            g_loss = g_gan + self.l1_weight * l1
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, g_gan=g_gan, l1=l1)
