"""PixelDTGAN: Yoo, Kim, Park, Paek & Kweon 2016, "Pixel-Level Domain
Transfer" (ECCV).

A converter C maps a source image (a dressed person) to the target domain
(the product photo of what the person wears), with no reconstruction loss:
two discriminators carry the whole signal (sec. 3.2).

- D_R, the real/fake discriminator, sees products: associated and
  non-associated real products are real, converted images fake.
- D_A, the domain (association) discriminator, sees a source beside a
  product: (source, its product) is associated; (source, another product)
  and (source, C(source)) are not.

Each discriminator averages its three cross-entropy terms; the converter
minimises the mean of the two adversarial terms (eq. 2-5):

    L_DR = 1/3 [BCE(D_R(y), 1) + BCE(D_R(y'), 1) + BCE(D_R(C(x)), 0)]
    L_DA = 1/3 [BCE(D_A(x, y), 1) + BCE(D_A(x, y'), 0) + BCE(D_A(x, C(x)), 0)]
    L_C  = 1/2 [BCE(D_R(C(x)), 1) + BCE(D_A(x, C(x)), 1)]

with y' the product of another example in the batch. The paper trains with
Adam (2e-4, beta_1 0.5) at 64x64; the Lua port's default optimizer is SGD
with its state never set (fxia22/PixelDTGAN, main.lua), so the paper's
Adam is followed. `--no-association` drops D_A (the paper's D_R-only
ablation): nothing then ties the product to the person. `--ema-decay`
(a project option, not the paper's) converts through an average of C's
weights outside training (the core's generator EMA): which garment class
the raw converter draws for a kind of figure moves between checkpoints
(benchmarks/RESULTS.md). `--pixel-weight W` (a project option, off in the
model: the paper has no reconstruction loss) adds W times the L1 distance
of C(x) to the paired product to C's loss; with `--no-adversarial` it is
C's whole loss and no discriminator trains: the paper's "C + MSE" baseline,
with L1 in place of the MSE:

    L_C  = [1/2 (BCE(D_R(C(x)), 1) + BCE(D_A(x, C(x)), 1))] + W |C(x) - y|_1
"""

import keras
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import binary_cross_entropy, l1_loss
from tfgan_zoo.models.image2image.base import ImageToImageModel
from tfgan_zoo.networks.domain import converter
from tfgan_zoo.networks.image2image import conv_discriminator


@keras.saving.register_keras_serializable("tfgan_zoo")
class PixelDTGAN(ImageToImageModel):
    """Pixel-level domain transfer with a real/fake and an association
    discriminator.

    Args:
        ngf: width of the converter's first layer (96 in the Lua port).
        ndf: width of the discriminators' first layer (96).
        association: train the association discriminator D_A (the paper);
            off is the D_R-only ablation.
        pixel_weight: weight of an L1 term between C(x) and the paired product
            in C's loss; 0 (the paper) leaves it out.
        adversarial: train the discriminators and ask them in C's loss (the
            paper); off trains C on the pixel term alone (needs
            `pixel_weight` > 0), the paper's "C + MSE" baseline with L1.
    """

    loss_names = ("d_loss", "g_loss", "real_fake", "association", "pixel")
    # `--ema-decay` averages C; training reads the raw C (`translate`).
    supports_ema = True
    test_config = {"ngf": 4, "ndf": 4, "latent_dim": 0}

    def __init__(self, *, ngf=64, ndf=64, association=True, pixel_weight=0.0,
                 adversarial=True, decay_after=None, **kwargs):
        super().__init__(decay_after=decay_after, **kwargs)
        self.association = bool(association)
        self.pixel_weight, self.adversarial = float(pixel_weight), bool(adversarial)
        if not self.adversarial and not self.pixel_weight:
            raise UserError("--no-adversarial trains C on the pixel term alone: pass "
                            "--pixel-weight > 0 (e.g. 1), or drop --no-adversarial")
        self.generator = converter(self.input_shape, self.image_shape, ngf)
        depth = max(1, min(4, (self.image_shape[0] // 4).bit_length() - 1))
        self.discriminator = conv_discriminator(self.image_shape, ndf, depth, name="d_real")
        pair = self.image_shape[:2] + (self.input_shape[-1] + self.image_shape[-1],)
        self.association_discriminator = conv_discriminator(pair, ndf, depth,
                                                            name="d_association")

    def player_networks(self):
        return {"generator": [self.generator],
                "discriminator": [self.discriminator, self.association_discriminator]}

    def associate(self, source, product, training=True):
        """D_A's logits for a source beside a product (the source resized to
        the product's size)."""
        source = tf.image.resize(tf.cast(source, tf.float32), self.image_shape[:2],
                                 antialias=True)
        return self.association_discriminator(tf.concat([source, product], -1),
                                              training=training)

    def train_step(self, data):
        source, product = self.unpack(data)
        d_loss = real_fake = association = tf.constant(0.0)
        if self.adversarial:
            d_loss = self.discriminator_steps(source, product)
        with tf.GradientTape() as tape:
            fake = self.translate(source, training=True)
            pixel = l1_loss(fake, product)
            g_loss = self.pixel_weight * pixel
            if self.adversarial:
                real_fake = binary_cross_entropy(self.discriminator(fake, training=True), 1.0)
                if self.association:
                    association = binary_cross_entropy(self.associate(source, fake), 1.0)
                    g_loss += 0.5 * (real_fake + association)
                else:  # the ablation: D_A is never asked
                    g_loss += real_fake
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, real_fake=real_fake,
                          association=association, pixel=pixel)

    def discriminator_steps(self, source, product):
        """One update of D_R (and D_A, unless ablated) on eq. 2-3; returns
        their summed loss."""
        other = tf.roll(product, shift=1, axis=0)  # a product the person does not wear
        fake = self.translate(source, training=True)
        with tf.GradientTape() as tape:
            d_loss = (binary_cross_entropy(self.discriminator(product, training=True), 1.0)
                      + binary_cross_entropy(self.discriminator(other, training=True), 1.0)
                      + binary_cross_entropy(self.discriminator(fake, training=True), 0.0)) / 3
            if self.association:
                d_loss += (binary_cross_entropy(self.associate(source, product), 1.0)
                           + binary_cross_entropy(self.associate(source, other), 0.0)
                           + binary_cross_entropy(self.associate(source, fake), 0.0)) / 3
        judges = [self.discriminator] + ([self.association_discriminator]
                                         if self.association else [])  # ablation: D_R alone
        self.minimize(self.d_optimizer, tape, d_loss, judges)
        return d_loss
