"""DiscoGAN: Kim, Cha, Kim, Lee & Kim 2017, "Learning to Discover Cross-Domain
Relations with Generative Adversarial Networks".

Two coupled GANs, G_AB and G_BA, each an encoder-decoder with a bottleneck
(no skip connections, so a translation cannot copy its input through), and
two discriminators with the generator's encoder as their body and one logit
per image (sec. 4). Each generator is trained to fool its discriminator and
to be undone by the other one (sec. 3.2, eq. 5):

    L_G = L_GAN_B + L_CONST_A + L_GAN_A + L_CONST_B,
    L_CONST_A = d(G_BA(G_AB(x_A)), x_A),

with the standard (non-saturating) GAN loss and, as in the authors' code,
the mean squared error for the distance d. Adam(2e-4, betas (0.5, 0.999)).
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import l1_loss, squared_error_loss
from tfgan_zoo.models.image2image.base import UnpairedImageToImageModel
from tfgan_zoo.networks import image2image as nets


@keras.saving.register_keras_serializable("tfgan_zoo")
class DiscoGAN(UnpairedImageToImageModel):
    """Cross-domain relations with reconstruction-coupled GANs.

    Args:
        ngf: width of the generators' first layer (64 in the paper).
        ndf: width of the discriminators' first layer (64).
        depth: stride-2 stages of generators and discriminators (4 at 64 px).
        norm: normalization after every layer but the first: batch (paper),
            instance or none.
        reconstruction: the distance d of L_CONST: mse (authors' code) or l1.
        reconstruction_weight: weight of L_CONST (1 in eq. 5).
    """

    loss_names = ("d_loss", "g_loss", "g_gan", "reconstruction")
    test_config = {"ngf": 8, "ndf": 8, "depth": 2, "latent_dim": 0}

    def __init__(self, *, ngf=64, ndf=64, depth=4, norm="batch", reconstruction="mse",
                 reconstruction_weight=1.0, **kwargs):
        super().__init__(**kwargs)
        self.ngf, self.ndf, self.depth, self.norm = ngf, ndf, depth, norm
        self.distance = {"mse": squared_error_loss, "l1": l1_loss}.get(reconstruction)
        if self.distance is None:
            raise UserError(f"unknown reconstruction distance '{reconstruction}': "
                            "choose mse or l1")
        self.reconstruction = reconstruction
        self.reconstruction_weight = float(reconstruction_weight)
        a, b = self.input_shape, self.image_shape
        self.generator = nets.encoder_decoder_generator(a, b[-1], ngf, depth, norm,
                                                        name="generator")
        self.generator_ba = nets.encoder_decoder_generator(b, a[-1], ngf, depth, norm,
                                                           name="generator_ba")
        self.discriminator = nets.conv_discriminator(b, ndf, depth, norm,
                                                     name="discriminator")
        self.discriminator_a = nets.conv_discriminator(a, ndf, depth, norm,
                                                       name="discriminator_a")

    def train_step(self, data):
        real_a, real_b = self.unpack(data)
        # Generators: fool both discriminators and reconstruct both inputs.
        with tf.GradientTape() as tape:
            fake_b, rec_a, fake_a, rec_b = self.cycle(real_a, real_b, training=True)
            g_gan = self.adversarial_g(losses.non_saturating_generator_loss,
                                       fake_a, fake_b)
            reconstruction = self.cycle_loss(self.distance, real_a, rec_a,
                                                 real_b, rec_b)
            g_loss = g_gan + self.reconstruction_weight * reconstruction
        self.minimize(self.g_optimizer, tape, g_loss,
                      [self.generator, self.generator_ba])
        # Discriminators: real vs translated, in each domain.
        with tf.GradientTape() as tape:
            d_loss = self.adversarial_d(losses.minimax_discriminator_loss,
                                        real_a, fake_a, real_b, fake_b)
        self.minimize(self.d_optimizer, tape, d_loss,
                      [self.discriminator_a, self.discriminator])
        return self.track(d_loss=d_loss, g_loss=g_loss, g_gan=g_gan,
                          reconstruction=reconstruction)
