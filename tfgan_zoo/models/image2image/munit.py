"""MUNIT: Huang, Liu, Belongie & Kautz 2018, "Multimodal Unsupervised
Image-to-Image Translation".

Each domain's images are split into a content code c (spatial, shared by
both domains) and a style code s ~ N(0, I) (8 numbers, domain-specific).
Per domain there is a content encoder E^c, a style encoder E^s, a decoder G
whose residual blocks normalise with AdaIN parameters computed by an MLP from
the style (§3), and a multi-scale least-squares discriminator. Translating
A -> B keeps x_a's content and draws a B style:

    x_ab = G_b(E^c_a(x_a), s_b),  s_b ~ N(0, I)

so one input gives as many outputs as styles drawn (`sample_styles`).

Training minimises (eq. 5, with the paper's weights λ_x = 10, λ_c = λ_s = 1)

    L_GAN(x_ab) + L_GAN(x_ba)                    least squares, every scale
    + λ_x (|G_a(E_a(x_a)) - x_a|_1 + same for b)  image reconstruction (eq. 1)
    + λ_c (|E^c_b(x_ab) - c_a|_1 + same for b)    content reconstruction (eq. 2)
    + λ_s (|E^s_b(x_ab) - s_b|_1 + same for a)    style reconstruction (eq. 2)
    [+ λ_cyc |x_aba - x_a|_1 + ...]              explicit cycle, off by default

against the discriminators' least-squares loss. One optimizer updates all
six generator networks (encoders and decoders), another both discriminators.

Generator inputs, as served and exported (A -> B): `image` [B, H, W, C] and
`style` [B, style_dim], a B style code (draw it from N(0, I), or encode an
example B image with `encode_style`).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import l1_loss
from tfgan_zoo.models.image2image.base import ImageToImageModel, UnpairedImageToImageModel
from tfgan_zoo.networks.munit import (multiscale_discriminator, munit_content_encoder,
                                      munit_decoder, munit_style_encoder, translator)
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs


@keras.saving.register_keras_serializable("tfgan_zoo")
class MUNIT(UnpairedImageToImageModel):
    """Multimodal unsupervised translation with content and style codes.

    Args:
        style_dim: size of the style code (8 in the paper).
        dim: width of the encoders' first layer (64 in the paper).
        n_downsample: stride-2 stages of the content encoder (2 in the paper).
        n_res: residual blocks in content encoder and decoder (4 in the paper).
        style_downsample: stride-2 stages of the style encoder (4 in the paper).
        mlp_dim: width of the MLP that maps styles to AdaIN parameters (256).
        ndf: width of the discriminators' first layer (64 in the paper).
        d_layers: stride-2 layers per discriminator scale (4 in the paper).
        d_scales: scales of the multi-scale discriminator (3 in the paper).
        gan_weight: weight of the adversarial losses (1).
        image_weight: λ_x, image reconstruction (10 in the paper).
        content_weight: λ_c, content reconstruction (1 in the paper).
        style_weight: λ_s, style reconstruction (1 in the paper).
        cycle_weight: λ_cyc, explicit cycle reconstruction (0 in the paper's main runs).
    """

    loss_names = ("d_loss", "g_loss", "gan", "recon_x", "recon_c", "recon_s")
    test_config = {"style_dim": 4, "dim": 4, "n_res": 1, "style_downsample": 2,
                   "mlp_dim": 8, "ndf": 4, "d_layers": 2, "d_scales": 2, "latent_dim": 0}

    def __init__(self, *, style_dim=8, dim=64, n_downsample=2, n_res=4,
                 style_downsample=4, mlp_dim=256, ndf=64, d_layers=4, d_scales=3,
                 gan_weight=1.0, image_weight=10.0, content_weight=1.0,
                 style_weight=1.0, cycle_weight=0.0, **kwargs):
        # The style code is served as `style`, not as a noise input `z`:
        # latent_dim stays 0 (no `sample`/`interpolate` signatures).
        super().__init__(**kwargs)
        if self.input_shape[:2] != self.image_shape[:2]:
            raise UserError(f"MUNIT translates between images of one size, got "
                            f"{self.input_shape} and {self.image_shape}")
        sides = self.image_shape[:2]
        if min(sides) < 2 ** style_downsample or any(s % 2 ** n_downsample for s in sides):
            raise UserError(f"MUNIT needs sides divisible by {2 ** n_downsample} and at "
                            f"least {2 ** style_downsample}, got {sides[0]}x{sides[1]}: "
                            "pass --image-size or smaller --n-downsample/--style-downsample")
        self.style_dim = int(style_dim)
        self.dim, self.n_downsample, self.n_res = dim, n_downsample, n_res
        self.style_downsample, self.mlp_dim = style_downsample, mlp_dim
        self.ndf, self.d_layers, self.d_scales = ndf, d_layers, d_scales
        self.gan_weight, self.image_weight = float(gan_weight), float(image_weight)
        self.content_weight, self.style_weight = float(content_weight), float(style_weight)
        self.cycle_weight = float(cycle_weight)
        if self.cycle_weight:
            self.loss_names = MUNIT.loss_names + ("recon_cyc",)
            self.trackers["recon_cyc"] = keras.metrics.Mean(name="recon_cyc")
        for d, shape in {"a": self.input_shape, "b": self.image_shape}.items():
            # Plain attributes (not a dict): TF checkpoints track only those.
            content = munit_content_encoder(shape, dim, n_downsample, n_res,
                                            name=f"content_encoder_{d}")
            setattr(self, f"content_encoder_{d}", content)
            setattr(self, f"style_encoder_{d}", munit_style_encoder(
                shape, self.style_dim, dim, style_downsample, name=f"style_encoder_{d}"))
            setattr(self, f"decoder_{d}", munit_decoder(
                content.output.shape[1:], shape[-1], self.style_dim, n_downsample,
                n_res, mlp_dim, name=f"decoder_{d}"))
        # The base class's names: G_AB, G_BA, D_B, D_A.
        self.generator = translator(self.content_encoder_a, self.decoder_b,
                                     self.input_shape, self.style_dim, "generator")
        self.generator_ba = translator(self.content_encoder_b, self.decoder_a,
                                        self.image_shape, self.style_dim, "generator_ba")
        self.discriminator = multiscale_discriminator(
            self.image_shape, ndf, d_layers, d_scales, name="discriminator_b")
        self.discriminator_a = multiscale_discriminator(
            self.input_shape, ndf, d_layers, d_scales, name="discriminator_a")

    def networks(self, kind):
        """{"a": ..., "b": ...} of `kind`: content_encoder, style_encoder or decoder."""
        return {d: getattr(self, f"{kind}_{d}") for d in ("a", "b")}

    def player_networks(self):
        # The translators only combine these; listing them too would hand
        # the optimizer every shared weight twice.
        return {"generator": [getattr(self, f"{kind}_{d}") for d in ("a", "b")
                              for kind in ("content_encoder", "style_encoder", "decoder")],
                "discriminator": [self.discriminator_a, self.discriminator]}

    # ------------------------------------------------------ generator inputs
    def generator_inputs(self):
        return {**super().generator_inputs(), "style": Input.noise(self.style_dim, 1)}

    def generate_from(self, inputs, training=False):
        return self.translate(inputs["image"], inputs["style"], training=training)

    def _styles(self, images, styles, seed):
        if styles is None:  # a random style of the other domain, seeded
            return tf.random.stateless_normal([tf.shape(images)[0], self.style_dim],
                                              [seed, 0])
        return tf.cast(styles, tf.float32)

    def sample_noise(self, batch_size):
        """Style codes s ~ N(0, I), seeded and different on every replica."""
        return tf.random.stateless_normal([batch_size, self.style_dim], self.next_seed())

    def translate(self, images, styles=None, training=False, seed=0):
        """A -> B with B style codes `styles` (drawn from N(0, I) if None)."""
        images = tf.cast(images, tf.float32)
        return tf.cast(self.generator([images, self._styles(images, styles, seed)],
                                      training=training), tf.float32)

    def translate_back(self, images, styles=None, training=False, seed=0):
        """B -> A with A style codes `styles` (drawn from N(0, I) if None)."""
        images = tf.cast(images, tf.float32)
        return tf.cast(self.generator_ba([images, self._styles(images, styles, seed)],
                                         training=training), tf.float32)

    def encode_style(self, images, domain="b"):
        """Style codes of images of `domain` ("a" or "b"), e.g. to translate an
        A image into the style of one B example."""
        return self.networks("style_encoder")[domain](tf.cast(images, tf.float32),
                                                      training=False)

    def sample_styles(self, image, num_styles, seed=0):
        """One A image ([H, W, C] or [1, H, W, C]) translated with `num_styles`
        random B styles s ~ N(0, I) (seeded): [num_styles, H, W, C] numpy."""
        image = tf.reshape(tf.cast(image, tf.float32), [1, *self.input_shape])
        return self.translate(tf.repeat(image, num_styles, axis=0), seed=seed).numpy()

    def reconstruct(self, images, domain="a"):
        """Within-domain auto-encoding G(E^c(x), E^s(x)) (eq. 1)."""
        images = tf.cast(images, tf.float32)
        content = self.networks("content_encoder")[domain](images, training=False)
        style = self.encode_style(images, domain)
        return tf.cast(self.networks("decoder")[domain]([content, style], training=False),
                       tf.float32)

    def cycle_error(self, source, target):
        """Mean |x - x_aba| over A and over B, where x_aba translates x_a to B
        with a random style and back with x_a's own style (§3.1), images in
        [-1, 1]."""
        source, target = tf.cast(source, tf.float32), tf.cast(target, tf.float32)
        aba = self.translate_back(self.translate(source, seed=1),
                                  self.encode_style(source, "a"))
        bab = self.translate(self.translate_back(target, seed=2),
                             self.encode_style(target, "b"))
        return float(l1_loss(aba, source)), float(l1_loss(bab, target))

    def export_endpoints(self, batch_size=None):
        """`serving_uint8` (as serving_default, uint8 pixels) and
        `translate_back`: B `image` and an A `style` -> A images."""
        found = ImageToImageModel.export_endpoints(self, batch_size)
        inputs = {"image": tf.TensorSpec([batch_size, *self.image_shape], tf.float32,
                                         name="image"),
                  "style": tf.TensorSpec([batch_size, self.style_dim], tf.float32,
                                         name="style")}
        rng = np.random.default_rng(0)
        example = {"image": rng.uniform(-1, 1, (2, *self.image_shape)).astype("float32"),
                   "style": rng.standard_normal((2, self.style_dim)).astype("float32")}
        outputs = image_outputs(self.input_shape, batch_size)
        found.append(Endpoint(
            "translate_back",
            lambda x: serving_outputs(self.translate_back(x["image"], x["style"])),
            inputs, outputs, example,
            "image of domain B ([-1, 1]) and an A style code -> images of domain A"))
        return found

    def build_networks(self):
        # Functional networks own their weights from construction on.
        self.built = True

    # ------------------------------------------------------------- training
    def _gan_d(self, discriminator, real, fake):
        return tf.add_n([losses.least_squares_discriminator_loss(r, f)
                         for r, f in zip(discriminator(real, training=True),
                                         discriminator(fake, training=True))])

    def _gan_g(self, discriminator, fake):
        return tf.add_n([losses.least_squares_generator_loss(f)
                         for f in discriminator(fake, training=True)])

    def train_step(self, data):
        x_a, x_b = self.unpack(data)
        batch = tf.shape(x_a)[0]
        E_c, E_s = self.networks("content_encoder"), self.networks("style_encoder")
        G = self.networks("decoder")
        # D: real images against translations with random styles.
        s_a, s_b = self.sample_noise(batch), self.sample_noise(batch)
        x_ba = G["a"]([E_c["b"](x_b, training=True), s_a], training=True)
        x_ab = G["b"]([E_c["a"](x_a, training=True), s_b], training=True)
        with tf.GradientTape() as tape:
            d_loss = (self._gan_d(self.discriminator_a, x_a, x_ba)
                      + self._gan_d(self.discriminator, x_b, x_ab))
        self.minimize(self.d_optimizer, tape, d_loss,
                      [self.discriminator_a, self.discriminator])
        # G: adversarial + image, content and style reconstruction.
        s_a, s_b = self.sample_noise(batch), self.sample_noise(batch)
        with tf.GradientTape() as tape:
            c_a, own_s_a = E_c["a"](x_a, training=True), E_s["a"](x_a, training=True)
            c_b, own_s_b = E_c["b"](x_b, training=True), E_s["b"](x_b, training=True)
            recon_x = (l1_loss(G["a"]([c_a, own_s_a], training=True), x_a)
                       + l1_loss(G["b"]([c_b, own_s_b], training=True), x_b))
            x_ba = G["a"]([c_b, s_a], training=True)
            x_ab = G["b"]([c_a, s_b], training=True)
            c_b_again, s_a_again = E_c["a"](x_ba, training=True), E_s["a"](x_ba, training=True)
            c_a_again, s_b_again = E_c["b"](x_ab, training=True), E_s["b"](x_ab, training=True)
            recon_c = (l1_loss(c_a_again, c_a)
                       + l1_loss(c_b_again, c_b))
            recon_s = (l1_loss(s_a_again, s_a)
                       + l1_loss(s_b_again, s_b))
            gan = (self._gan_g(self.discriminator_a, x_ba)
                   + self._gan_g(self.discriminator, x_ab))
            g_loss = (self.gan_weight * gan + self.image_weight * recon_x
                      + self.content_weight * recon_c + self.style_weight * recon_s)
            logs = {}
            if self.cycle_weight:
                x_aba = G["a"]([c_a_again, own_s_a], training=True)
                x_bab = G["b"]([c_b_again, own_s_b], training=True)
                logs["recon_cyc"] = (l1_loss(x_aba, x_a)
                                     + l1_loss(x_bab, x_b))
                g_loss += self.cycle_weight * logs["recon_cyc"]
        self.minimize(self.g_optimizer, tape, g_loss, self.player_networks()["generator"])
        return self.track(d_loss=d_loss, g_loss=g_loss, gan=gan, recon_x=recon_x,
                          recon_c=recon_c, recon_s=recon_s, **logs)
