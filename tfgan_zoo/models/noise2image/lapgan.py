"""LAPGAN: Denton, Chintala, Szlam & Fergus 2015, "Deep Generative Image
Models using a Laplacian Pyramid of Adversarial Networks", class-conditional.

An image is its Laplacian pyramid (`tfgan_zoo.networks.pyramid`): the
coarsest low-pass image I_K and the band-pass residuals h_k = I_k - u(I_{k+1}).
Each level has its own conditional GAN (`tfgan_zoo.networks.lapgan`): level
K draws I_K from noise and the class; each finer level k draws a residual
from a noise plane, the class and the upsampled coarser image l_k = u(I_{k+1}).
The levels are trained independently on the pyramids of real images (§3.2):

    for each step:
        build the pyramid of a real batch x, with labels y
        for every level k (in one update; their weights are disjoint):
            D_k:  log D_k(h_k + l_k, y) + log(1 - D_k(G_k(z_k, l_k, y) + l_k, y))
            G_k:  -log D_k(G_k(z_k, l_k, y) + l_k, y)   (fresh noise)

and sampled coarse to fine (§3.1): I_K = G_K(z_K, y), then
I_k = u(I_{k+1}) + G_k(z_k, u(I_{k+1}), y). The recipe's 32 px digits use
8 -> 16 -> 32. The levels' noises travel as one vector z (the coarse
level's, then one flattened noise plane per finer level), drawn N(0, 1)
where the paper draws U(-1, 1). The reference trains with SGD and momentum;
the recipe uses Adam.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import ConditionalModel
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.base import NoiseToImageGAN
from tfgan_zoo.networks.lapgan import (NoiseSplit, coarse_discriminator, coarse_generator,
                                       pyramid_discriminator, residual_discriminator,
                                       residual_generator, sampling_chain)
from tfgan_zoo.networks.pyramid import gaussian_pyramid, pyramid_sizes, upsample


@keras.saving.register_keras_serializable("tfgan_zoo")
class LAPGAN(ConditionalModel, NoiseToImageGAN):
    """Laplacian pyramid of class-conditional GANs.

    Args:
        levels: pyramid levels (3: 8 -> 16 -> 32 for 32 px images).
        coarse_hidden: hidden widths of the coarsest level's MLPs.
        filters: width of the finer levels' convolutions.
        dropout: dropout rate in the discriminators.
    """

    test_config = {"coarse_hidden": (16,), "filters": 4}
    # Its own train_step: the shared step's options do not apply.
    unused_hyperparameters = NoiseToImageGAN.derived_arguments + NoiseToImageGAN.step_options

    def __init__(self, *, levels=3, coarse_hidden=(512, 512), filters=64, dropout=0.5,
                 latent_dim=100, **kwargs):
        super().__init__(latent_dim=latent_dim, **kwargs)
        if not isinstance(levels, int) or levels < 2:
            raise UserError(f"LAPGAN needs at least 2 pyramid levels, got {levels!r}: "
                            "pass --levels 3")
        # dropout in [0, 1) is range-checked by name (tfgan_zoo.checks).
        height, width, channels = self.image_shape
        if height != width:
            raise UserError(f"LAPGAN's pyramid needs square images, got {height}x{width}")
        self.levels, self.coarse_hidden = levels, tuple(coarse_hidden)
        self.filters, self.dropout = filters, dropout
        self.noise_dim = self.latent_dim
        # Sizes coarse to fine, e.g. [8, 16, 32].
        self.sizes = pyramid_sizes(height, levels)[::-1]
        shapes = [(s, s, channels) for s in self.sizes]
        self.coarse = coarse_generator(self.noise_dim, shapes[0], self.num_classes,
                                       self.coarse_hidden)
        self.residual_generators = [
            residual_generator(shape, self.num_classes, filters, name=f"generator_{shape[0]}")
            for shape in shapes[1:]]
        self.discriminator = pyramid_discriminator(
            coarse_discriminator(shapes[0], self.num_classes, self.coarse_hidden, dropout),
            [residual_discriminator(shape, self.num_classes, filters, dropout,
                                    name=f"discriminator_{shape[0]}")
             for shape in shapes[1:]], shapes)
        self.generator = sampling_chain(self.coarse, self.residual_generators,
                                        self.noise_dim, self.sizes)
        # z holds every level's noise: the coarse vector and the planes.
        self.latent_dim = int(self.generator.inputs[0].shape[-1])
        self.splitter = NoiseSplit(self.noise_dim, self.sizes[1:])

    # ---------------------------------------------------------- sampling
    def generate(self, z, labels=None, training=False):
        return self.pyramid(z, labels, training)[-1]

    def pyramid(self, z, labels, training=False):
        """[I_K, h_{K-1}, I_{K-1}, ..., h_0, I_0] as sampled, coarse to fine."""
        outputs = self.inference_generator(training)([z, tf.cast(labels, tf.int32)],
                                                     training=training)
        return [tf.cast(o, tf.float32) for o in outputs]

    # ---------------------------------------------------------- training
    def real_levels(self, images):
        """The real pyramid, coarse to fine: I_K, then (h_k, l_k = u(I_{k+1}))
        for each finer level."""
        gaussian = gaussian_pyramid(images, self.levels)[::-1]
        levels = [gaussian[0]]
        for coarse, fine in zip(gaussian[:-1], gaussian[1:]):
            low = upsample(coarse)
            levels += [fine - low, low]
        return levels

    def fake_levels(self, real_levels, labels):
        """The real pyramid with every level's target replaced by what its
        generator draws from fresh noise, the class and the real l_k."""
        noises = self.splitter(self.sample_noise(tf.shape(labels)[0]))
        fakes = [self.coarse([noises[0], labels], training=True)]
        for k, (network, noise) in enumerate(zip(self.residual_generators, noises[1:])):
            low = real_levels[2 + 2 * k]
            fakes += [network([noise, low, labels], training=True), low]
        return fakes

    def discriminate(self, pyramid, inputs=None, training=False):
        """Each level's logit for a pyramid (a full image is first taken
        apart into its real pyramid)."""
        if not isinstance(pyramid, (list, tuple)):
            pyramid = self.real_levels(pyramid)
        labels = inputs["label"] if isinstance(inputs, dict) else inputs
        return self.discriminator([*pyramid, tf.cast(labels, tf.int32)], training=training)

    def train_step(self, data):
        real, labels = self.unpack(data)
        labels = tf.cast(labels, tf.int32)
        levels = self.real_levels(real)
        # every D_k on the real pyramid against G_k's levels
        fakes = self.fake_levels(levels, labels)
        with tf.GradientTape() as tape:
            d_loss = sum(map(losses.minimax_discriminator_loss,
                             self.discriminate(levels, labels, training=True),
                             self.discriminate(fakes, labels, training=True)))
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        # every G_k on fresh noise
        with tf.GradientTape() as tape:
            fakes = self.fake_levels(levels, labels)
            g_loss = sum(map(losses.non_saturating_generator_loss,
                             self.discriminate(fakes, labels, training=True)))
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss)
