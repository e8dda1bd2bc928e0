"""BicycleGAN: Zhu et al. 2017, "Toward Multimodal Image-to-Image
Translation".

A generator G(A, z) maps a source image and a latent code to a target
image; an encoder E maps a target image back to a Gaussian over z. Two
cycles between z and B make the code matter (§3):

- cVAE-GAN (B -> z -> B̂, §3.2): z ~ E(B) by reparameterisation, G(A, z)
  must reconstruct B (L1, λ = 10), a discriminator must take it for real,
  and KL(E(B) || N(0, I)) (λ = 0.01) keeps the codes samplable;
- cLR-GAN (z -> B̂ -> ẑ, §3.3): z ~ N(0, I), a second discriminator judges
  G(A, z), and E must recover z from it: ||E(G(A, z)) - z||_1 (λ = 0.5).

As in the paper's code, the two halves have their own discriminators
(PatchGANs on B alone, least-squares loss), the latent regression updates
only G (E is frozen for that term, so it cannot cheat by encoding G's
artefacts), and z is tiled and concatenated to the U-Net's input. Both
cycles use the whole batch (the reference splits it in two halves).

Generator inputs, as served and exported: `image` and `z` [B, latent_dim];
the SavedModel's `sample` signature draws many z for one image.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import l1_loss
from tfgan_zoo.models.image2image.base import ImageToImageModel
from tfgan_zoo.networks.image2image import (latent_encoder, latent_generator,
                                            patch_discriminator)


@keras.saving.register_keras_serializable("tfgan_zoo")
class BicycleGAN(ImageToImageModel):
    """Multimodal paired translation: cVAE-GAN + cLR-GAN.

    Args:
        ngf: width of the U-Net generator's first layer.
        ndf: width of the PatchGAN discriminators' first layer.
        nef: width of the encoder's first layer.
        depth: U-Net stride-2 stages (default: down to 1x1).
        d_layers: PatchGAN layers (3 = 70x70 patches).
        encoder_blocks: residual blocks of the encoder.
        norm: normalization of G and D: instance, batch or none.
        l1_weight: weight of the cVAE-GAN's L1 reconstruction (10 in the paper).
        kl_weight: weight of the KL term (0.01 in the paper).
        latent_weight: weight of the cLR-GAN's latent regression (0.5 in the paper).
    """

    loss_names = ("d_loss", "g_loss", "gan_vae", "gan_lr", "l1", "kl", "z_l1")
    players = ("generator", "discriminator", "encoder")
    uses_latent = True
    unused_hyperparameters = ImageToImageModel.derived_arguments + ("n_critic",)
    test_config = {"ngf": 8, "ndf": 8, "nef": 8, "d_layers": 2, "encoder_blocks": 2}

    def __init__(self, *, latent_dim=8, ngf=64, ndf=64, nef=64, depth=None,
                 d_layers=3, encoder_blocks=4, norm="instance", l1_weight=10.0,
                 kl_weight=0.01, latent_weight=0.5, **kwargs):
        super().__init__(latent_dim=latent_dim, **kwargs)
        if self.latent_dim < 1:
            raise UserError(f"BicycleGAN needs a latent code: latent_dim must be >= 1, "
                            f"got {latent_dim}")
        self.ngf, self.ndf, self.nef, self.depth = ngf, ndf, nef, depth
        self.d_layers, self.encoder_blocks, self.norm = d_layers, encoder_blocks, norm
        self.l1_weight, self.kl_weight = float(l1_weight), float(kl_weight)
        self.latent_weight = float(latent_weight)
        self.generator = latent_generator(self.input_shape, self.image_shape[-1],
                                          self.latent_dim, ngf, depth, norm)
        self.encoder = latent_encoder(self.image_shape, self.latent_dim, nef,
                                      encoder_blocks)
        # One discriminator per cycle (the paper's code: netD and netD2).
        self.discriminator = patch_discriminator(self.image_shape, ndf, d_layers, norm,
                                                 name="discriminator_vae")
        self.discriminator_lr = patch_discriminator(self.image_shape, ndf, d_layers,
                                                    norm, name="discriminator_lr")

    def player_networks(self):
        return {"generator": [self.generator],
                "discriminator": [self.discriminator, self.discriminator_lr],
                "encoder": [self.encoder]}

    # ------------------------------------------------------ generator inputs
    def generator_inputs(self):
        return {**super().generator_inputs(), "z": Input.noise(self.latent_dim, 1)}

    def generate_from(self, inputs, training=False):
        return self.translate(inputs["image"], inputs["z"], training=training)

    def translate(self, images, z=None, training=False, seed=0):
        """G(A, z); z ~ N(0, I) (seeded) when not given."""
        images = tf.cast(images, tf.float32)
        if z is None:
            z = tf.random.stateless_normal([tf.shape(images)[0], self.latent_dim],
                                           [seed, 0])
        return tf.cast(self.generator([images, tf.cast(z, tf.float32)],
                                      training=training), tf.float32)

    def encode(self, images):
        """The mean code E(B) of target images, e.g. to reproduce a style."""
        mu, _ = self.encoder(tf.cast(images, tf.float32), training=False)
        return mu

    def sample_outputs(self, image, num, seed=0):
        """`num` translations of one source image ([H, W, C] or [1, H, W, C])
        with z ~ N(0, I) (seeded): the multimodal outputs, as numpy."""
        image = tf.reshape(tf.cast(image, tf.float32), [1, *self.input_shape])
        return self.translate(tf.repeat(image, num, axis=0), seed=seed).numpy()

    # ------------------------------------------------------------- training
    def reparameterize(self, mu, log_var):
        eps = tf.random.stateless_normal(tf.shape(mu), self.next_seed())
        return mu + tf.exp(0.5 * log_var) * eps

    def train_step(self, data):
        source, target = self.unpack(data)
        z_random = self.sample_noise(tf.shape(source)[0])
        # D: real B against G(A, E(B)) (cVAE-GAN) and G(A, z) (cLR-GAN).
        z_encoded = self.reparameterize(*self.encoder(target, training=True))
        fake_encoded = self.translate(source, z_encoded, training=True)
        fake_random = self.translate(source, z_random, training=True)
        with tf.GradientTape() as tape:
            d_loss = (losses.least_squares_discriminator_loss(
                          self.discriminator(target, training=True),
                          self.discriminator(fake_encoded, training=True))
                      + losses.least_squares_discriminator_loss(
                          self.discriminator_lr(target, training=True),
                          self.discriminator_lr(fake_random, training=True)))
        self.minimize(self.d_optimizer, tape, d_loss,
                      [self.discriminator, self.discriminator_lr])
        # G and E: both cycles; the latent regression trains G alone.
        with tf.GradientTape(persistent=True) as tape:
            mu, log_var = self.encoder(target, training=True)
            fake_encoded = self.translate(source, self.reparameterize(mu, log_var),
                                          training=True)
            fake_random = self.translate(source, z_random, training=True)
            gan_vae = losses.least_squares_generator_loss(
                self.discriminator(fake_encoded, training=True))
            gan_lr = losses.least_squares_generator_loss(
                self.discriminator_lr(fake_random, training=True))
            l1 = l1_loss(fake_encoded, target)
            kl = losses.gaussian_kl(mu, log_var)
            eg_loss = gan_vae + gan_lr + self.l1_weight * l1 + self.kl_weight * kl
            mu_random, _ = self.encoder(fake_random, training=True)
            z_l1 = l1_loss(mu_random, z_random)
            g_loss = eg_loss + self.latent_weight * z_l1
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        self.minimize(self.player_optimizers["encoder"], tape, eg_loss, self.encoder)
        del tape
        return self.track(d_loss=d_loss, g_loss=g_loss, gan_vae=gan_vae,
                          gan_lr=gan_lr, l1=l1, kl=kl, z_l1=z_l1)
