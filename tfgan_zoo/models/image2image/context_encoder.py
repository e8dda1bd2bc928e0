"""Context Encoder: Pathak et al. 2016, "Context Encoders: Feature Learning
by Inpainting".

An encoder-decoder F fills the hole of an image whose masked region M̂ has
been removed (set to 0, mid-grey in [-1, 1]):

    encoder   4x4 stride-2 convolutions, LeakyReLU(0.2), batch norm, down to ~4x4
    bottleneck  channel-wise fully connected layer + stride-1 convolution (§3.1),
              or a plain 4x4 convolution to a vector (`bottleneck="conv"`, as
              in the authors' released code)
    decoder   4x4 stride-2 up-convolutions, ReLU, batch norm, tanh

and is trained on the joint loss of §3.2:

    L = 0.999 * L_rec + 0.001 * L_adv
    L_rec = ||M̂ ⊙ (x - F((1 - M̂) ⊙ x))||²   (the mean over the hole's pixels)
    L_adv = -log D(completed image)

where the discriminator sees real images and completed ones (F's output
pasted into the hole, the context kept), so it judges whether the fill fits
its surroundings. Masks are drawn fresh every step: the centred square of
§4 (`mask="center"`, a quarter of the image) or several random blocks
covering up to a quarter of it (`mask="random"`, §3.3). The paper's random
*region* masks come from PASCAL segmentations, which are not available here.

With `fill="diffusion"` (a project option, not the paper's) the generator
also takes the mask, sees the hole pre-filled by a smooth diffusion from
the context (`networks.restoration.DiffusionFill`, a cheap stand-in for
biharmonic inpainting) and predicts a residual over that fill: it starts
as the classical fill and learns what a smooth fill misses. With
`fill="biharmonic"` (also a project option) the start is the exact
biharmonic inpainting of the centre hole (`networks.restoration.
BiharmonicFill`: the linear map from the context to the hole, solved once
in numpy, one matmul in the graph), so the network starts at the
classical baseline itself; random masks are refused. With
`generator="unet"` (also a project option) the bottleneck encoder-decoder
is replaced by a U-Net with skips (`networks.restoration.inpainting_unet`),
so the pixels next to the hole reach the output at full resolution.

The model only needs complete images: it trains on any image dataset, and on
image-to-image pairs it uses the targets. Generator inputs, as served and
exported: `image` and `mask` ([B, H, W, 1], 1 = missing); the output is the
image with its hole filled.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.augment import symmetry_augment
from tfgan_zoo.core import Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.masks import center_mask, random_block_masks
from tfgan_zoo.models.image2image.base import ImageToImageModel
from tfgan_zoo.networks.image2image import conv_discriminator
from tfgan_zoo.networks.restoration import (GENERATORS, context_encoder_generator,
                                            encoder_depth, inpainting_unet)

MASKS = ("center", "random")
RECONSTRUCTIONS = ("mse", "log_mse")


@keras.saving.register_keras_serializable("tfgan_zoo")
class ContextEncoder(ImageToImageModel):
    """Inpainting GAN with an encoder-decoder generator.

    Args:
        mask: holes to fill: center (a centred square) or random (random blocks).
        mask_fraction: side of the centred hole as a fraction of the image side (0.5 in the paper).
        num_blocks: rectangles per random mask (together at most a quarter of the image).
        ngf: width of the generator's first layer (64 in the paper).
        ndf: width of the discriminator's first layer.
        bottleneck: channel_fc (the paper's channel-wise FC) or conv (a 4x4 convolution).
        bottleneck_units: width of the conv bottleneck.
        rec_weight: weight of the masked L2 reconstruction loss (0.999 in the paper).
        adv_weight: weight of the adversarial loss (0.001 in the paper).
        reconstruction: mse (the paper's masked L2) or log_mse (the hole's MSE in dB per image, i.e. minus its PSNR).
        augment: train on images randomly flipped, transposed, channel-permuted and inverted (not in the paper: False).
        fill: none (the paper: the hole is 0), diffusion (G sees the hole filled smoothly from the context and the mask, and predicts a residual over that fill) or biharmonic (the same over scikit-image's exact biharmonic fill, solved once for the centre hole; --mask center only).
        generator: encoder_decoder (the paper's, with the bottleneck) or unet (a U-Net with skips; not in the paper).
        residual_gate: with a fill, none (the residual as predicted) or detail (the residual scaled by the context's fine detail, so smooth contexts get almost none; not in the paper).
    """

    loss_names = ("d_loss", "g_loss", "rec_loss", "adv_loss")
    # The recipe's loss and augmentation; the diffusion fill (about 1,300 small
    # ops) is left out to keep the registry tests fast: its own tests and the
    # recipe's export cover it.
    test_config = {"ngf": 8, "ndf": 8, "mask": "random", "latent_dim": 0,
                   "reconstruction": "log_mse", "augment": True}
    # Only complete images are needed: any dataset will do.
    needs_pairs = False

    def __init__(self, *, mask="center", mask_fraction=0.5, num_blocks=4, ngf=64,
                 ndf=64, bottleneck="channel_fc", bottleneck_units=512,
                 rec_weight=0.999, adv_weight=0.001, reconstruction="mse", fill="none",
                 augment=False, generator="encoder_decoder", residual_gate="none", **kwargs):
        super().__init__(**kwargs)
        if mask not in MASKS:
            raise UserError(f"unknown mask '{mask}': choose {', '.join(MASKS)}")
        if self.input_shape != self.image_shape:
            raise UserError(f"the Context Encoder fills holes in place: source and "
                            f"target shapes must match, got {self.input_shape} and "
                            f"{self.image_shape}")
        if int(num_blocks) < 1:
            raise UserError(f"num_blocks must be at least 1, got {num_blocks}")
        self.mask, self.mask_fraction = mask, float(mask_fraction)
        self.num_blocks = int(num_blocks)
        self.ngf, self.ndf = ngf, ndf
        self.bottleneck, self.bottleneck_units = bottleneck, bottleneck_units
        self.rec_weight, self.adv_weight = float(rec_weight), float(adv_weight)
        self.fill = fill
        self.augment = bool(augment)
        if reconstruction not in RECONSTRUCTIONS:
            raise UserError(f"unknown reconstruction '{reconstruction}': choose "
                            f"{', '.join(RECONSTRUCTIONS)}")
        self.reconstruction = reconstruction
        self.center = tf.constant(
            center_mask(*self.image_shape[:2], self.mask_fraction)[..., None], tf.float32)
        if generator not in GENERATORS:
            raise UserError(f"unknown generator '{generator}': choose {', '.join(GENERATORS)}")
        self.generator_kind = generator
        if fill == "biharmonic" and mask != "center":
            raise UserError(f"fill 'biharmonic' is solved once for the fixed centre hole: "
                            f"pass --mask center with it, or --fill diffusion for {mask} masks")
        if residual_gate != "none" and fill == "none":
            raise UserError(f"residual gate '{residual_gate}' scales a residual over a fill: "
                            "pass --fill diffusion or --fill biharmonic with it")
        self.residual_gate = residual_gate
        hole = center_mask(*self.image_shape[:2], self.mask_fraction)
        self.generator = (inpainting_unet(self.image_shape, ngf, fill, hole=hole,
                                          gate=residual_gate)
                          if generator == "unet"
                          else context_encoder_generator(self.image_shape, ngf, bottleneck,
                                                         bottleneck_units, fill, hole=hole,
                                                         gate=residual_gate))
        self.discriminator = conv_discriminator(self.image_shape, ndf,
                                                encoder_depth(self.image_shape))

    # --------------------------------------------------------------- masks
    def masks(self, batch, seed):
        """[batch, H, W, 1] training masks (1 = hole) of the model's kind."""
        if self.mask == "center":
            return tf.tile(self.center[None], [batch, 1, 1, 1])
        return random_block_masks(batch, *self.image_shape[:2], seed=seed,
                                  num_blocks=self.num_blocks)

    # ------------------------------------------------------ generator inputs
    def generator_inputs(self):
        mask = Input((*self.image_shape[:2], 1), example=lambda n, seed: self.masks(
            n, tf.constant([seed, 1])).numpy(), minimum=0.0, maximum=1.0)
        return {**super().generator_inputs(), "mask": mask}

    def generate_from(self, inputs, training=False):
        return self.inpaint(inputs["image"], inputs["mask"], training=training)

    def translate(self, images, masks=None, training=False):
        """Fill the holes of `images`. Without `masks`, the hole is where every
        channel is exactly 0 (how the `inpaint` datasets mark it: mid grey,
        a value uint8 pixels never map to)."""
        images = tf.cast(images, tf.float32)
        if masks is None:
            masks = tf.cast(tf.reduce_all(tf.equal(images, 0.0), axis=-1, keepdims=True),
                            tf.float32)
        return self.inpaint(images, masks, training=training)

    def inpaint(self, images, masks, training=False):
        """Images with their masked region (mask 1) filled by the generator."""
        images = tf.cast(images, tf.float32)
        masks = tf.cast(masks, tf.float32)
        filled = self.fill_holes(images * (1.0 - masks), masks, training=training)
        return masks * filled + (1.0 - masks) * images

    def fill_holes(self, context, masks, training=False):
        """F's output (the whole image) for the context (hole set to 0)."""
        inputs = context if self.fill == "none" else [context, masks]
        return tf.cast(self.generator(inputs, training=training), tf.float32)

    # ------------------------------------------------------------- training
    def unpack(self, data):
        """(None, complete images): targets of pairs, or plain images (with or
        without labels)."""
        return None, self.complete_images(data)

    def train_step(self, data):
        _, real = self.unpack(data)
        if self.augment:
            real, = symmetry_augment((real,), self.next_seed())
        masks = self.masks(tf.shape(real)[0], self.next_seed())
        context = real * (1.0 - masks)
        # D: real images against completed ones.
        fake = self.inpaint(real, masks, training=True)
        d_loss = self.minimax_discriminator_step(real, fake)
        # G: 0.999 * ||M ⊙ (x - F((1 - M) ⊙ x))||² + 0.001 * -log D(completed)
        with tf.GradientTape() as tape:
            filled = self.fill_holes(context, masks, training=True)
            rec = (losses.log_mse_loss(filled, real, masks) if self.reconstruction == "log_mse"
                   else losses.masked_mse(filled, real, masks))
            completed = masks * filled + context
            adv = losses.non_saturating_generator_loss(
                self.discriminator(completed, training=True))
            g_loss = self.rec_weight * rec + self.adv_weight * adv
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, rec_loss=rec, adv_loss=adv)
