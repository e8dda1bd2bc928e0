"""DAGAN: Yang, Yu, Dong et al. 2018, "DAGAN: Deep De-Aliasing Generative
Adversarial Networks for Fast Compressed Sensing MRI Reconstruction" (IEEE
TMI 37(6)).

Sampling a fraction of k-space shortens an MRI scan; the zero-filled
reconstruction x_u = |IFFT(M . FFT(x))| is aliased. A refinement U-Net
removes the aliasing, x_hat = G(x_u) + x_u (sec. III-B), against a
discriminator that tells x_hat from fully sampled images. The generator
loss (eq. 10, the reference config's weights):

    L_G = 1 * L_adv + alpha * NMSE(x_hat, x) + beta * L_freq + gamma * L_VGG
    alpha = 15, beta = 0.1, gamma = 0.0025

- L_adv: the non-saturating -log D(x_hat);
- NMSE: ||x_hat - x|| / ||x|| on images in [-1, 1] (`losses.nmse_loss`);
- L_freq: the MSE of the 2-D DFT magnitudes of x_hat and x scaled to
  [0, 1] (`losses.frequency_loss`, as the reference computes it). The DFT
  is unnormalised, so the term grows with the pixel count; beta is scaled by
  256^2 / (H W) to keep its weight at the paper's 256 x 256 at any size;
- L_VGG: the MSE of VGG16 conv4 features (after pool4) on 244-px tiles,
  only with `perceptual_weights` (a Keras VGG16 weights file; no ImageNet
  weights are available offline). Off by default; the model card says so.

Adam (1e-4, beta_1 0.5) for both players in the reference. One fixed,
seeded k-space mask per model (`mask`, `sampling_rate`, `mask_seed`), as
the reference trains one model per mask; masks are `tfgan_zoo.kspace`'s
(the reference's Poisson masks were loaded from its Gaussian-1D folder, a
path bug; `poisson2d` here is a Poisson-disc mask). Training images are
undersampled in the graph after a light augmentation (`augment`: random
left-right flips and shifts of up to 1/16 of the side; the reference also
rotates, zooms, deforms and changes brightness).

The model only needs complete images (any image dataset; e.g. `mri_slices`,
split by slab). Generator input, as sampled, served and exported: `image`,
the zero-filled (aliased) image in [-1, 1]; that is also what the LiteRT
model takes, because LiteRT's built-in ops have RFFT2D but no inverse or
complex FFT. The SavedModel adds `reconstruct_with_mask` (a fully sampled
image and a centred k-space mask per image [N, H, W]: undersampled, then
reconstructed) and `reconstruct_with_preset` (the same with a named mask
such as `gaussian1d_30`); both also return the zero-filled image.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import kspace, losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.image2image.base import ImageToImageModel
from tfgan_zoo.networks.restoration import VGGContent, dagan_discriminator, refinement_unet
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs

# The reference's image side: beta is given at this size.
REFERENCE_SIDE = 256
# DAGAN's VGG16 term: conv4 after pooling, on 244 x 244 tiles.
VGG_LAYER, VGG_SIZE = "block4_pool", 244


@keras.saving.register_keras_serializable("tfgan_zoo")
class DAGAN(ImageToImageModel):
    """De-aliasing GAN for compressed-sensing MRI.

    Args:
        mask: k-space sampling pattern: gaussian1d (lines), gaussian2d or poisson2d (points).
        sampling_rate: fraction of k-space sampled, in (0, 1] (0.3 = 30 %).
        mask_seed: seed of the sampling pattern (one fixed mask per model).
        ngf: width of the U-Net's first stage (64 in the paper).
        ndf: width of the discriminator's first layer (64 in the paper).
        depth: U-Net stride-2 stages (default: down to 1x1, 8 at 256 px).
        refine: add the input to G's output, x_hat = G(x_u) + x_u (the paper's "refine" model).
        adversarial_weight: weight of -log D(x_hat) (1); 0 trains the same U-Net without D.
        nmse_weight: alpha, the weight of the NMSE (15).
        frequency_weight: beta, the weight of the k-space magnitude MSE at 256x256 (0.1).
        perceptual_weight: gamma, the weight of the VGG16 feature MSE (0.0025); needs --perceptual-weights.
        perceptual_weights: a Keras VGG16(include_top=False) .weights.h5; without it there is no VGG term.
        augment: random flips and shifts of the training images before undersampling.
    """

    loss_names = ("d_loss", "g_loss", "g_adv", "nmse", "frequency", "perceptual")
    needs_pairs = False
    test_config = {"ngf": 8, "ndf": 8, "latent_dim": 0}

    def __init__(self, *, mask="gaussian1d", sampling_rate=0.3, mask_seed=0, ngf=64, ndf=64,
                 depth=None, refine=True, adversarial_weight=1.0, nmse_weight=15.0,
                 frequency_weight=0.1, perceptual_weight=0.0025, perceptual_weights=None,
                 augment=True, **kwargs):
        super().__init__(**kwargs)
        if self.input_shape != self.image_shape:
            raise UserError(f"DAGAN reconstructs images in place: source and target "
                            f"shapes must match, got {self.input_shape} and "
                            f"{self.image_shape}")
        self.mask, self.mask_seed = kspace.check_kind(mask), int(mask_seed)
        self.sampling_rate = kspace.check_rate(sampling_rate)
        self.ngf, self.ndf, self.depth, self.refine = ngf, ndf, depth, bool(refine)
        self.adversarial_weight = float(adversarial_weight)
        self.nmse_weight = float(nmse_weight)
        self.frequency_weight = float(frequency_weight)
        self.perceptual_weight = float(perceptual_weight)
        self.augment = bool(augment)
        h, w = self.image_shape[:2]
        self.kspace_mask = tf.constant(kspace.sampling_mask(mask, h, w, self.sampling_rate,
                                                            self.mask_seed))
        self.vgg = None
        if perceptual_weights:
            # Not a tracked attribute: frozen, and kept out of checkpoints.
            object.__setattr__(self, "vgg", VGGContent(
                perceptual_weights, VGG_LAYER, "vgg16", size=VGG_SIZE))
        self.generator = refinement_unet(self.image_shape, ngf, depth, refine=self.refine)
        self.discriminator = dagan_discriminator(self.image_shape, ndf)

    # --------------------------------------------------------------- k-space
    def undersample(self, images, mask=None):
        """Zero-filled reconstructions of fully sampled images in [-1, 1]
        with the model's mask (or `mask`, centred [H, W])."""
        return kspace.undersample(images, self.kspace_mask if mask is None else mask)

    def reconstruct(self, zero_filled, training=False):
        """x_hat = G(x_u) (+ x_u with `refine`) in [-1, 1]."""
        return self.translate(zero_filled, training=training)

    def card_notes(self):
        return {
            "input": "serving_default and the LiteRT model take the zero-filled "
                     f"(aliased) image |IFFT(M . FFT(x))| of a {self.mask} mask at "
                     f"{self.sampling_rate:.0%} (seed {self.mask_seed}); LiteRT's "
                     "built-in ops have RFFT2D but no inverse or complex FFT, so the "
                     "phone model cannot undersample itself. The SavedModel's "
                     "reconstruct_with_mask / reconstruct_with_preset undersample a "
                     "fully sampled image in the graph.",
            "perceptual_term": ("VGG16 block4_pool MSE, weight "
                                f"{self.perceptual_weight:g}" if self.vgg is not None else
                                "off: no VGG16 weights were supplied (--perceptual-weights "
                                "PATH turns it on); the loss is adversarial + NMSE + "
                                "frequency"),
        }

    # ------------------------------------------------------------- export
    def export_endpoints(self, batch_size=None):
        found = super().export_endpoints(batch_size)
        h, w, c = self.image_shape
        names = kspace.preset_names()
        presets = tf.constant(np.stack([kspace.preset_mask(n, h, w) for n in names]))
        image = tf.TensorSpec([batch_size, h, w, c], tf.float32, name="image")
        outputs = {**image_outputs(self.image_shape, batch_size),
                   "zero_filled": tf.TensorSpec([batch_size, h, w, c], tf.float32,
                                                name="zero_filled")}
        example = {"image": self.example_inputs(2, seed=0)["image"]}

        def served(images, mask):
            zero_filled = self.undersample(images, mask)
            return {**serving_outputs(self.reconstruct(zero_filled)),
                    "zero_filled": zero_filled}

        def with_preset(inputs):
            name = tf.reshape(inputs["mask_preset"], [])
            hits = tf.equal(tf.constant(names), name)
            check = tf.debugging.Assert(tf.reduce_any(hits), [
                "unknown mask_preset; choose one of " + ", ".join(names), name])
            with tf.control_dependencies([check]):
                mask = tf.gather(presets, tf.argmax(tf.cast(hits, tf.int32)))
            return served(inputs["image"], mask)

        found.append(Endpoint(
            "reconstruct_with_mask", lambda x: served(x["image"], x["mask"]),
            {"image": image,
             "mask": tf.TensorSpec([batch_size, h, w], tf.float32, name="mask")},
            outputs, {**example, "mask": np.stack([np.asarray(self.kspace_mask)] * 2)},
            "image (fully sampled, [-1, 1]) and mask ([N, H, W]: one k-space sampling "
            "mask per image, zero frequency at the centre, 1 = sampled) -> the "
            "reconstruction of its "
            "zero-filled undersampling (images, images_float) and zero_filled"))
        found.append(Endpoint(
            "reconstruct_with_preset", with_preset,
            {"image": image, "mask_preset": tf.TensorSpec(None, tf.string,
                                                          name="mask_preset")},
            outputs, {**example, "mask_preset": np.array(names[0].encode())},
            "as reconstruct_with_mask, with a named mask: " + ", ".join(names)))
        return found

    # ------------------------------------------------------------ training
    def unpack(self, data):
        return None, self.complete_images(data)

    def augmented(self, images, seed):
        """Random left-right flips and shifts (up to 1/16 of the side, the
        background filling in), per example."""
        h, w = self.image_shape[:2]
        seeds = tf.random.experimental.stateless_split(seed, 2)
        images = tf.image.stateless_random_flip_left_right(images, seeds[0])
        ph, pw = max(1, h // 16), max(1, w // 16)
        padded = tf.pad(images, [[0, 0], [ph, ph], [pw, pw], [0, 0]], constant_values=-1.0)
        batch = tf.shape(images)[0]
        offsets = tf.cast(tf.random.stateless_uniform([batch, 2], seeds[1])
                          * tf.constant([2 * ph + 1.0, 2 * pw + 1.0]), tf.int32)
        return tf.map_fn(lambda a: a[0][a[1][0]:a[1][0] + h, a[1][1]:a[1][1] + w],
                         (padded, offsets), fn_output_signature=images.dtype)

    def generator_loss(self, fake, real):
        """The terms of L_G (eq. 10) except the adversarial one."""
        to_unit = lambda x: (x + 1.0) / 2.0  # noqa: E731
        h, w = self.image_shape[:2]
        terms = {"nmse": losses.nmse_loss(fake, real),
                 "frequency": losses.frequency_loss(to_unit(fake), to_unit(real))
                 * (REFERENCE_SIDE ** 2 / (h * w)),
                 "perceptual": tf.constant(0.0)}
        if self.vgg is not None:
            terms["perceptual"] = losses.squared_error_loss(self.vgg(fake), self.vgg(real))
        return terms

    def train_step(self, data):
        _, real = self.unpack(data)
        real = tf.cast(real, tf.float32)
        if self.augment:
            real = self.augmented(real, self.next_seed())
        zero_filled = self.undersample(real)
        # D: maximise log D(x) + log(1 - D(x_hat)), when there is a D term.
        d_loss = tf.constant(0.0)
        if self.adversarial_weight:
            d_loss = self.discriminator_step(real, self.reconstruct(zero_filled, training=True))
        # G: -log D(x_hat) + alpha NMSE + beta L_freq (+ gamma L_VGG), eq. 10.
        with tf.GradientTape() as tape:
            fake = self.reconstruct(zero_filled, training=True)
            terms = self.generator_loss(fake, real)
            g_adv = tf.constant(0.0)
            if self.adversarial_weight:
                g_adv = losses.non_saturating_generator_loss(
                    self.discriminator(fake, training=True))
            g_loss = (self.adversarial_weight * g_adv + self.nmse_weight * terms["nmse"]
                      + self.frequency_weight * terms["frequency"]
                      + self.perceptual_weight * terms["perceptual"])
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, g_adv=g_adv, **terms)
