"""ID-CGAN: Zhang, Sindagi & Patel 2017, "Image De-raining Using a
Conditional Generative Adversarial Network" (arXiv 1701.05957; IEEE TCSVT
2020), the "denoising GAN" of the lecture decks.

A densely connected symmetric encoder-decoder G maps a degraded image x
(rainy, noisy) to a clean one; a conditional discriminator D judges
(x, y) pairs, here the 3-layer PatchGAN of the authors' code (`defineD_n_
layers(..., 3)` with ndf 48 in train.lua; the paper's later version adds a
multi-scale pooling head). The refined loss (sec. III-D, eq. 4):

    L = L_E + lambda_a L_A + lambda_p L_P

- L_E: the per-pixel Euclidean loss ||G(x) - y||^2 (mean);
- L_A: the adversarial loss -log D(x, G(x)), non-saturating;
- L_P: a perceptual loss, the MSE of VGG16 relu2_2 features. It needs a
  VGG16 weights file (`feature_weights`), which cannot be downloaded here,
  so it is off by default: the default objective is the decks' "denoising
  GAN", BCE(D(G(x)), 1) + X * MSE(G(x), y).

Weights: the paper's lambda_a = 6.6e-3 and lambda_p = 1 relative to L_E;
the code's GAN 1, MSE 150, perceptual 150 are the same ratios (1/150 =
6.7e-3). D's objective is halved, as in the code (errD = (real + fake) / 2).
Adam (2e-4, beta_1 0.5).

Setting `adversarial_weight` to 0 trains the same G on L_E alone (the
L2-only baseline of `benchmarks/restoration_medical.py`).
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.image2image.base import ConditionalDiscriminator, ImageToImageModel
from tfgan_zoo.networks.image2image import patch_discriminator
from tfgan_zoo.networks.restoration import VGGContent, dense_encoder_decoder

# ID-CGAN's perceptual layer: VGG16 relu2_2.
VGG_LAYER = "block2_conv2"


@keras.saving.register_keras_serializable("tfgan_zoo")
class IDCGAN(ConditionalDiscriminator, ImageToImageModel):
    """Image de-raining / denoising conditional GAN.

    Args:
        ngf: width of the generator's stem (64 in the code).
        growth: channels each dense-block layer adds.
        block_layers: layers per dense block.
        depth: down-sampling levels of the encoder (and up-sampling of the decoder).
        residual: add G's output to its input (DnCNN's residual learning; not in the
            paper): G learns the degradation, the identity keeps the colours.
        ndf: width of the PatchGAN's first layer (48 in the code).
        d_layers: PatchGAN stride-2 layers (3 in the code).
        adversarial_weight: lambda_a relative to the per-pixel loss (6.6e-3); 0 trains G on L2 alone.
        feature_weight: lambda_p, the weight of the VGG16 relu2_2 MSE (1); needs --feature-weights.
        feature_weights: a Keras VGG16(include_top=False) .weights.h5; without it there is no feature term.
    """

    loss_names = ("d_loss", "g_loss", "g_adv", "pixel_mse", "feature_mse")
    test_config = {"ngf": 8, "growth": 4, "block_layers": 2, "ndf": 8, "d_layers": 2,
                   "latent_dim": 0}

    def __init__(self, *, ngf=64, growth=16, block_layers=4, depth=2, residual=False,
                 ndf=48, d_layers=3,
                 adversarial_weight=6.6e-3, feature_weight=1.0, feature_weights=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.ngf, self.growth, self.block_layers, self.depth = ngf, growth, block_layers, depth
        self.residual = bool(residual)
        self.ndf, self.d_layers = ndf, d_layers
        self.adversarial_weight = float(adversarial_weight)
        self.feature_weight = float(feature_weight)
        self.vgg = None
        if feature_weights:
            # Not a tracked attribute: frozen, and kept out of checkpoints.
            object.__setattr__(self, "vgg", VGGContent(feature_weights, VGG_LAYER, "vgg16"))
        self.generator = dense_encoder_decoder(self.input_shape, self.image_shape[-1], ngf,
                                               growth, block_layers, depth, self.residual)
        pair_shape = self.image_shape[:2] + (self.input_shape[-1] + self.image_shape[-1],)
        self.discriminator = patch_discriminator(pair_shape, ndf, d_layers)

    def card_notes(self):
        return {"feature_term": (f"VGG16 relu2_2 MSE, weight {self.feature_weight:g}"
                                 if self.vgg is not None else
                                 "off: no VGG16 weights were supplied (--feature-weights "
                                 "PATH turns it on); the loss is per-pixel MSE + "
                                 f"{self.adversarial_weight:g} x adversarial")}

    def train_step(self, data):
        source, target = self.unpack(data)
        # D: maximise log D(x, y) + log(1 - D(x, G(x))), halved as in the code.
        d_loss = tf.constant(0.0)
        if self.adversarial_weight:
            d_loss = self.discriminator_step(target, self.translate(source, training=True),
                                             source, scale=0.5)
        # G: L_E + lambda_a L_A (+ lambda_p L_P), eq. 4.
        with tf.GradientTape() as tape:
            fake = self.translate(source, training=True)
            pixel = losses.squared_error_loss(fake, target)
            g_adv = feature = tf.constant(0.0)
            if self.adversarial_weight:
                g_adv = losses.non_saturating_generator_loss(
                    self.discriminate(fake, source, training=True))
            if self.vgg is not None:
                feature = losses.squared_error_loss(self.vgg(fake), self.vgg(target))
            g_loss = pixel + self.adversarial_weight * g_adv + self.feature_weight * feature
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, g_adv=g_adv, pixel_mse=pixel,
                          feature_mse=feature)
