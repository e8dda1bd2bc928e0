"""Reflection separation: Zhang, Ng & Chen 2018, "Single Image Reflection
Separation with Perceptual Losses" (CVPR).

A photo through glass is a blend I of a transmission layer T (the scene)
and a reflection layer R. A context-aggregation network (dilated 3x3
convolutions, sec. 3; T's output identity-initialised, so T_hat starts as
I, where the reference starts it as a random colour mix; its adaptive
normalisations use each image's own statistics, in training and at
inference, as the reference's batch of one does) maps I to both,
(T_hat, R_hat), trained on synthetic blends (`reflection` dataset: the
reference's `syn_data`) with, as the
reference main.py weighs them,

    L = 100 (L1(R_hat, R) + 0.2 L_feat + L_excl + w_mean L_mean) + L_adv

- L_feat (eq. 3): feature loss on T_hat against T and on R_hat against R.
  The paper's features are VGG19 (input, conv1_2 ... conv5_2). No ImageNet
  weights are available offline, so the features come from a network this
  model trains itself: a small convolutional auto-encoder of the clean
  photos (the `features` player, trained at every step on the batch's T
  and R; its weights are frozen inside the generator's step). This is a
  "feature loss [photo auto-encoder]", not a VGG loss. Its layers: the
  image itself in 0..255 units (the reference's "input" layer, i.e. an L1
  on the pixels), then each encoder stage as an L1 relative to the mean
  magnitude of the target's activations (an auto-encoder's activations
  have no fixed scale), times `feature_layer_weight`. For the same reason
  the generator takes no hypercolumn features (the reference's
  `--is_hyper 0`).
- L_excl (eqs. 5-6): the gradient exclusion loss over 3 scales
  (`losses.exclusion_loss`), on [0, 1] images as in the reference.
- L_mean (not in the paper; `mean_colour_weight`, 0 = off): an L1
  between T_hat's and T's mean colours in 0..255 units, the units of the
  feature loss's pixel layer, inside the x100. The held-out error left by
  the paper's terms is mostly each T_hat's mean colour (RESULTS): the pixel
  L1 pulls a uniform offset to the median of the pixel errors, this term to
  their mean.
- L_adv: -log D(I, T_hat) against a conditional PatchGAN on (I, T) pairs,
  whose own loss is halved (the reference's discriminator.py: pix2pix's
  70x70 PatchGAN).

`transmission` (a project option; "direct", the paper's, is the default):
"from_reflection" keeps G's two outputs but derives T_hat from the blend
and R_hat by inverting the data's own blend model in linear light,

    T_hat = ((B_lin - R_hat_lin) / attenuation) ^ (1 / 2.2),  x_lin = x ^ 2.2

(x in [0, 1]; `attenuation` 0.9, the mean of the 1 - U(0, 0.2) that
`syn_data` scales T by). G then only has to estimate the blurred,
vignetted, low-frequency reflection layer, and T_hat keeps the blend's
detail; every T term (feature, adversarial, exclusion) trains R_hat
through the inversion. With the true R it gives 39.4 dB on the held-out
blends, but trained at the recipe's settings for 500 steps it gave +0.80 dB
over the blend (the default: +1.32 at 500 steps): R_hat is a dim copy of
the blend's structure, 17.6 dB, and T_hat inherits its errors (RESULTS).

Adam: G 2e-4, D 1e-4 in the reference. On pairs without a reflection layer
(real photos, `paired:DIR`) only the T terms apply, as the reference treats
its real images.

Generator input, as served and exported: `image`, the blend in [-1, 1];
`serving_default` returns T_hat, and the SavedModel's `separate` returns
T_hat and R_hat.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.data.degradations import GAMMA
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.image2image.base import ConditionalDiscriminator, ImageToImageModel
from tfgan_zoo.networks.image2image import patch_discriminator
from tfgan_zoo.networks.restoration import context_aggregation_network, feature_autoencoder
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs

# The reference's weights: L1 on R, feature loss, exclusion, inside x100.
LOSS_SCALE = 100.0
# How T_hat is made: G's own output (the paper) or the blend minus R_hat in linear light.
TRANSMISSIONS = ("direct", "from_reflection")
# The darkest linear value of a derived T_hat (0..1 units; 1e-4 ^ (1 / 2.2) is
# 3.9 / 255): keeps the gradient of x ^ (1 / 2.2) finite at black.
LINEAR_EPS = 1e-4


@keras.saving.register_keras_serializable("tfgan_zoo")
class ReflectionSeparation(ConditionalDiscriminator, ImageToImageModel):
    """Single-image reflection separation with exclusion and feature losses.

    Args:
        width: channels of every context-aggregation layer (64 in the paper).
        rates: dilation rates of its 3x3 layers (1, 2, 4, ..., 64, 1 in the paper).
        norm: the layers' adaptive normalisation: "instance" (each image's own statistics,
            in training and at inference, as the reference's batch of one) or "batch".
        ndf: width of the PatchGAN's first layer (64).
        d_layers: PatchGAN stride-2 layers (3).
        feature_widths: channels of the feature auto-encoder's stages.
        adversarial_weight: weight of -log D(I, T_hat) (1).
        reflection_weight: weight of L1(R_hat, R) inside the x100 (1).
        feature_weight: weight of the feature loss inside the x100 (0.2).
        exclusion_weight: weight of the exclusion loss inside the x100 (1); 0 for the ablation.
        feature_layer_weight: weight of each auto-encoder stage's relative L1 in the feature loss.
        mean_colour_weight: weight of the mean-colour L1 of T_hat inside the x100 (0: off).
            Not in the paper; the L1 is between T_hat's and T's mean colours in 0..255 units.
        transmission: "direct" (the paper: T_hat is G's first output) or "from_reflection"
            (not in the paper: T_hat = ((B_lin - R_hat_lin) / attenuation) ^ (1/2.2), the
            data's blend model inverted in linear light; G's first output is unused).
        attenuation: the transmission's scale in the blend model, for "from_reflection"
            (0.9: the mean of syn_data's 1 - U(0, 0.2)).
    """

    loss_names = ("d_loss", "g_loss", "g_adv", "reflection_l1", "feature", "exclusion",
                  "autoencoder_l1", "mean_colour")
    players = ("generator", "discriminator", "features")
    # `--ema-decay` (a project option, off in the paper) separates, reports
    # and exports through an average of G; training reads the raw G.
    supports_ema = True
    # Runs saved before `norm` existed used batch norm's moving averages.
    defaults_before = {"norm": "batch"}
    test_config = {"width": 8, "rates": (1, 2, 1), "ndf": 8, "d_layers": 2,
                   "feature_widths": (4, 8), "latent_dim": 0}

    def __init__(self, *, width=64, rates=(1, 2, 4, 8, 16, 32, 64, 1), norm="instance",
                 ndf=64, d_layers=3,
                 feature_widths=(16, 32, 64), adversarial_weight=1.0, reflection_weight=1.0,
                 feature_weight=0.2, exclusion_weight=1.0, feature_layer_weight=5.0,
                 mean_colour_weight=0.0, transmission="direct", attenuation=0.9, **kwargs):
        super().__init__(**kwargs)
        if self.input_shape != self.image_shape:
            raise UserError(f"reflection separation keeps the image size: source and "
                            f"target shapes must match, got {self.input_shape} and "
                            f"{self.image_shape}")
        self.width, self.rates = int(width), tuple(int(r) for r in rates)
        self.norm = norm
        self.ndf, self.d_layers = ndf, d_layers
        self.feature_widths = tuple(int(w) for w in feature_widths)
        self.adversarial_weight = float(adversarial_weight)
        self.reflection_weight = float(reflection_weight)
        self.feature_weight = float(feature_weight)
        self.exclusion_weight = float(exclusion_weight)
        self.feature_layer_weight = float(feature_layer_weight)
        self.mean_colour_weight = float(mean_colour_weight)
        if transmission not in TRANSMISSIONS:
            raise UserError(f"unknown transmission {transmission!r}: choose "
                            f"{' or '.join(TRANSMISSIONS)}")
        if not 0 < float(attenuation) <= 1:
            raise UserError(f"attenuation must be in (0, 1] (the transmission's scale in the "
                            f"blend, e.g. 0.9), got {attenuation}")
        self.transmission, self.attenuation = transmission, float(attenuation)
        self.generator = context_aggregation_network(self.image_shape, self.width, self.rates,
                                                     norm)
        self.feature_encoder, self.feature_net = feature_autoencoder(
            self.image_shape, self.feature_widths)
        pair_shape = self.image_shape[:2] + (2 * self.image_shape[-1],)
        self.discriminator = patch_discriminator(pair_shape, ndf, d_layers)

    def player_networks(self):
        return {"generator": [self.generator], "discriminator": [self.discriminator],
                "features": [self.feature_net]}

    def card_notes(self):
        return {"feature_loss": "feature loss [photo auto-encoder]: L1 on the pixels and on "
                                "the stages of a convolutional auto-encoder the model trains "
                                "on clean photos; no VGG19 weights, no hypercolumns",
                "outputs": "serving_default returns the transmission layer; the "
                           "SavedModel's separate returns it and the reflection layer"}

    # ------------------------------------------------------------- layers
    def separate(self, images, training=False):
        """(T_hat, R_hat) of blends in [-1, 1], unbounded while training and
        clipped to [-1, 1] otherwise."""
        generator = self.inference_generator(training)
        out = tf.cast(generator(images, training=training), tf.float32)
        if not training:
            out = tf.clip_by_value(out, -1.0, 1.0)
        t_hat, r_hat = tf.split(out, 2, axis=-1)
        if self.transmission == "from_reflection":
            t_hat = self.transmission_from_reflection(images, r_hat)
        return t_hat, r_hat

    def transmission_from_reflection(self, blends, reflections):
        """T = ((B_lin - R_lin) / attenuation) ^ (1 / 2.2) for images in
        [-1, 1], linear light x_lin = ((x + 1) / 2) ^ 2.2: the blend model of
        the `reflection` data inverted (the blend's clipping is not)."""
        def linear(x):
            return tf.clip_by_value((tf.cast(x, tf.float32) + 1.0) / 2.0, 0.0, 1.0) ** GAMMA

        t_lin = (linear(blends) - linear(reflections)) / self.attenuation
        t_lin = tf.clip_by_value(t_lin, LINEAR_EPS, 1.0)
        return 2.0 * t_lin ** (1.0 / GAMMA) - 1.0

    def translate(self, images, training=False):
        return self.separate(images, training=training)[0]

    def export_endpoints(self, batch_size=None):
        found = super().export_endpoints(batch_size)
        spec = tf.TensorSpec([batch_size, *self.image_shape], tf.float32, name="image")
        outputs = {**image_outputs(self.image_shape, batch_size),
                   **{f"reflection{k[len('images'):]}": tf.TensorSpec(
                       v.shape, v.dtype, name=f"reflection{k[len('images'):]}")
                      for k, v in image_outputs(self.image_shape, batch_size).items()}}

        def separate(inputs):
            t, r = self.separate(inputs["image"])
            return {**serving_outputs(t), **{f"reflection{k[len('images'):]}": v
                                             for k, v in serving_outputs(r).items()}}

        found.append(Endpoint("separate", separate, {"image": spec}, outputs,
                              {"image": self.example_inputs(2, seed=0)["image"]},
                              "image (a blend, [-1, 1]) -> the transmission layer (images, "
                              "images_float) and the reflection layer (reflection, "
                              "reflection_float)"))
        return found

    # ------------------------------------------------------------ training
    def example_data(self, n, seed=0):
        """A (blend, transmission, reflection) training batch of random images."""
        rng = np.random.default_rng(seed)
        return tuple(rng.uniform(-1, 1, (n, *self.image_shape)).astype("float32")
                     for _ in range(3))

    def unpack(self, data):
        """(blend, transmission, reflection or None): synthetic data carries
        the reflection layer as a third element, real pairs do not."""
        if isinstance(data, (tuple, list)) and len(data) == 3:
            return tuple(data)
        source, target = super().unpack(data)
        return source, target, None

    def features(self, images, targets):
        """The feature loss's layers for predictions and targets in [-1, 1]:
        the pixels in 0..255 units, then each auto-encoder stage divided by
        the mean magnitude of the target's activations."""
        pred, true = [images * 127.5], [targets * 127.5]
        for a, b in zip(self.feature_encoder(images), self.feature_encoder(targets)):
            scale = tf.stop_gradient(tf.reduce_mean(tf.abs(b), [1, 2, 3], keepdims=True)) + 1e-6
            pred.append(a / scale)
            true.append(b / scale)
        weights = [1.0] + [self.feature_layer_weight] * len(self.feature_widths)
        return pred, true, weights

    def feature_loss(self, images, targets):
        return losses.feature_loss(*self.features(images, targets))

    def train_step(self, data):
        blend, transmission, reflection = self.unpack(data)
        synthetic = reflection is not None
        # The feature network: an auto-encoder of the clean layers.
        clean = tf.concat([transmission, reflection], 0) if synthetic else transmission
        with tf.GradientTape() as tape:
            autoencoder_l1 = losses.l1_loss(self.feature_net(clean, training=True), clean)
        self.minimize(self.player_optimizers["features"], tape, autoencoder_l1,
                      self.feature_net)
        # D: log D(I, T) + log(1 - D(I, T_hat)), halved.
        d_loss = self.discriminator_step(
            transmission, self.separate(blend, training=True)[0], blend, scale=0.5)
        # G: L_adv + 100 (L1_R + 0.2 L_feat + L_excl).
        zero = tf.constant(0.0)
        with tf.GradientTape() as tape:
            t_hat, r_hat = self.separate(blend, training=True)
            g_adv = losses.non_saturating_generator_loss(
                self.discriminate(t_hat, blend, training=True))
            feature = self.feature_loss(t_hat, transmission)
            mean_colour = losses.mean_colour_loss(t_hat * 127.5, transmission * 127.5)
            reflection_l1 = exclusion = zero
            if synthetic:
                feature += self.feature_loss(r_hat, reflection)
                # In [0, 1] units, as the reference.
                reflection_l1 = losses.l1_loss(r_hat, reflection) / 2.0
                exclusion = losses.exclusion_loss((t_hat + 1.0) / 2.0, (r_hat + 1.0) / 2.0)
            g_loss = self.adversarial_weight * g_adv + LOSS_SCALE * (
                self.reflection_weight * reflection_l1 + self.feature_weight * feature
                + self.exclusion_weight * exclusion + self.mean_colour_weight * mean_colour)
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, g_adv=g_adv,
                          reflection_l1=reflection_l1, feature=feature, exclusion=exclusion,
                          autoencoder_l1=autoencoder_l1, mean_colour=mean_colour)
