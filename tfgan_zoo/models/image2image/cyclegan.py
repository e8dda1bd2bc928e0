"""CycleGAN: Zhu, Park, Isola & Efros 2017, "Unpaired Image-to-Image
Translation using Cycle-Consistent Adversarial Networks".

Two generators, G: A -> B and F: B -> A (here `generator` and
`generator_ba`), and two discriminators, D_B and D_A, learn from unpaired
collections. The full objective (eq. 3) adds cycle consistency to the two
adversarial losses,

    L = L_GAN(G, D_B) + L_GAN(F, D_A) + lambda (E|F(G(a)) - a|_1 + E|G(F(b)) - b|_1)

with lambda = 10, the least-squares GAN loss (sec. 4, "Training details"),
and, as in the photo<->painting experiments (sec. 5.2), an identity loss
0.5 lambda (E|G(b) - b|_1 + E|F(a) - a|_1) that keeps colours. Networks:
the ResNet generator (9 blocks at 256 px, 6 at 128) and the 70x70 PatchGAN
with instance norm. The discriminators learn from a history of 50
generated images (`ImagePool`), and Adam(2e-4, beta_1=0.5) decays linearly
to 0 over the second half of training (`decay_after=0.5`).
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import l1_loss
from tfgan_zoo.models.image2image.base import UnpairedImageToImageModel
from tfgan_zoo.networks import image2image as nets
from tfgan_zoo.networks.image2image import ImagePool


@keras.saving.register_keras_serializable("tfgan_zoo")
class CycleGAN(UnpairedImageToImageModel):
    """Cycle-consistent unpaired translation.

    Args:
        ngf: width of the generators' first layer (64 in the paper).
        ndf: width of the discriminators' first layer (64).
        n_blocks: residual blocks per generator (9 at 256 px, 6 at 128 px).
        d_layers: PatchGAN stride-2 layers; 3 is the 70x70 PatchGAN.
        norm: normalization of every net: instance (paper), batch or none.
        cycle_weight: lambda of the cycle-consistency loss (10).
        identity_weight: identity loss weight as a fraction of lambda (0.5;
            0 turns it off; needs domains with the same channels).
        pool_size: generated images kept for the discriminators (50; 0 = off).
        decay_after: fraction of the run after which the learning rates
            decay linearly to 0 (0.5; None keeps them constant).
    """

    loss_names = ("d_loss", "g_loss", "g_gan", "cycle", "identity")
    test_config = {"ngf": 4, "ndf": 8, "n_blocks": 1, "d_layers": 2, "latent_dim": 0}

    def __init__(self, *, ngf=64, ndf=64, n_blocks=9, d_layers=3, norm="instance",
                 cycle_weight=10.0, identity_weight=0.5, pool_size=50,
                 decay_after=0.5, **kwargs):
        super().__init__(decay_after=decay_after, **kwargs)
        self.ngf, self.ndf, self.n_blocks, self.d_layers = ngf, ndf, n_blocks, d_layers
        self.norm = norm
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        if self.identity_weight and self.input_shape[-1] != self.image_shape[-1]:
            raise UserError(
                f"the identity loss needs domains with the same channels, got "
                f"{self.input_shape[-1]} (A) and {self.image_shape[-1]} (B): pass "
                "--identity-weight 0 or --channels")
        a, b = self.input_shape, self.image_shape
        self.generator = nets.resnet_generator(a, b[-1], ngf, n_blocks, norm=norm,
                                               name="generator")
        self.generator_ba = nets.resnet_generator(b, a[-1], ngf, n_blocks, norm=norm,
                                                  name="generator_ba")
        self.discriminator = nets.patch_discriminator(b, ndf, d_layers, norm,
                                                      name="discriminator")
        self.discriminator_a = nets.patch_discriminator(a, ndf, d_layers, norm,
                                                        name="discriminator_a")
        self.pool_a = ImagePool(a, pool_size, name="pool_a")
        self.pool_b = ImagePool(b, pool_size, name="pool_b")

    def train_step(self, data):
        real_a, real_b = self.unpack(data)
        # Generators: fool both discriminators (LSGAN: (D(fake) - 1)^2),
        # come back to where they started, and leave target-domain images be.
        with tf.GradientTape() as tape:
            fake_b, rec_a, fake_a, rec_b = self.cycle(real_a, real_b, training=True)
            # The reference's MSE against 1, i.e. twice Mao et al.'s 0.5 (D - c)^2.
            g_gan = 2.0 * self.adversarial_g(losses.least_squares_generator_loss,
                                             fake_a, fake_b)
            cycle = self.cycle_loss(l1_loss, real_a, rec_a, real_b, rec_b)
            identity = tf.constant(0.0)
            if self.identity_weight:
                identity = (
                    l1_loss(self.translate(real_b, training=True), real_b)
                    + l1_loss(self.translate_back(real_a, training=True), real_a))
            g_loss = (g_gan + self.cycle_weight * cycle
                      + self.identity_weight * self.cycle_weight * identity)
        self.minimize(self.g_optimizer, tape, g_loss,
                      [self.generator, self.generator_ba])
        # Discriminators: 0.5 [(D(real) - 1)^2 + D(fake)^2], on fakes drawn
        # from the history pools.
        seed_a, seed_b = tf.unstack(
            tf.random.experimental.stateless_split(self.next_seed(), 2))
        pooled_a = self.pool_a(fake_a, seed_a)
        pooled_b = self.pool_b(fake_b, seed_b)
        with tf.GradientTape() as tape:
            d_loss = self.adversarial_d(losses.least_squares_discriminator_loss,
                                        real_a, pooled_a, real_b, pooled_b)
        self.minimize(self.d_optimizer, tape, d_loss,
                      [self.discriminator_a, self.discriminator])
        return self.track(d_loss=d_loss, g_loss=g_loss, g_gan=g_gan, cycle=cycle,
                          identity=identity)
