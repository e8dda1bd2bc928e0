"""UV-GAN: Deng, Cheng, Xue, Zhou & Zafeiriou 2018, "UV-GAN: Adversarial
Facial UV Map Completion for Pose-invariant Face Recognition" (§3).

A face seen from one side shows only part of its UV texture; the rest is
self-occluded. G, an encoder-decoder with skip connections, takes the
incomplete UV map joined to its horizontally flipped copy (the symmetry
prior: a face's left half is a mirror of its right) and returns the
complete map. It is trained with

    L = L_pixel + w_g L_adv(D_global) + w_l L_adv(D_local) + w_id L_id
        + w_sym L_sym

L_pixel: L1 to the complete map over the MISSING texels only (the served
output keeps the seen ones, so a loss on them only dilutes the one that
matters; `pixel_loss="l1"` is the earlier L1 over every texel;
`pixel_loss="log-mse"`, a project option, is each map's missing-texel MSE
in dB, `losses.log_mse_loss`: minus its PSNR, the figure the check
averages over maps); L_sym:
mean |C - flip(C)| of the completed map C (the textures here are exactly
left-right symmetric in u; TP-GAN's symmetry loss without its Laplacian,
an addition to the paper's terms, off with sym_weight 0); D_global judges the
whole completed map, D_local its face-centre region (u, v within
[-pi/2, pi/2] x [-pi/4, pi/4], the middle half of each side); L_id: mean
|phi(G) - phi(y)| over the last two layers (features, logits) of an
identity network. The served output keeps the seen texels and takes G's
where the mask says missing.

Deviations, named: the paper's identity network is a face-recognition
DCNN applied to renders of the completed texture; none ships offline, so
L_id's network is a small CNN that learns the training identities from
REAL textures (complete and partial) during the same run (its own
optimizer; never trained on G's outputs), and reads the texture itself.
G also reads the missing mask (and its flip) beside the two textures.
The paper's loss weights are not stated in a form verified here: the
defaults (1, 1e-2, 1e-2, 1e-1, 0.3) are this project's, every one a
constructor argument, set and tested explicitly. `pixel_loss="l2"` with
the adversarial and identity weights at 0 is the Context-Encoder-style
L2-only generator (masked MSE over the missing texels) that
benchmarks/uvgan_checks.py compares against.
"""

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import AdversarialModel, Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.base import (IdentityPreserving, as_uint8, checked_images,
                                          identities_of)
from tfgan_zoo.networks.dcgan import dcgan_discriminator
from tfgan_zoo.networks.image2image import unet_generator
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs

PIXEL_LOSSES = ("l1-missing", "l1", "l2", "log-mse")


@keras.saving.register_keras_serializable("tfgan_zoo")
class UVGAN(IdentityPreserving, AdversarialModel):
    """UV texture completion: a skip-connected encoder-decoder over the
    partial UV map and its mirror, a global and a local discriminator,
    and an identity-preserving loss.

    Args:
        num_poses: pose bins; labels are identity * num_poses + pose (the
            identity net learns label // num_poses).
        ngf, ndf, nif: widths of G, of each discriminator, of the identity net.
        pixel_loss: l1-missing (L1 over the missing texels), l1 (over
            every texel) or l2 (masked MSE over the missing texels: the
            L2-only baseline).
        pixel_weight, global_weight, local_weight, ip_weight, sym_weight:
            the weights of L_pixel, the global and local adversarial terms,
            L_id and L_sym.
    """

    loss_names = ("d_loss", "g_loss", "pixel", "ip", "id_loss")
    players = ("generator", "discriminator", "identity")
    unused_hyperparameters = ("latent_dim",)
    test_config = {"num_poses": 2, "ngf": 4, "ndf": 4, "nif": 4}
    batch_layout = ("partial", "mask", "complete", "label")
    dataset = "heads2uv"

    def __init__(self, *, num_poses=13, ngf=64, ndf=64, nif=32, pixel_loss="l1-missing",
                 pixel_weight=1.0, global_weight=1e-2, local_weight=1e-2, ip_weight=1e-1,
                 sym_weight=0.3, latent_dim=0, **kwargs):
        super().__init__(latent_dim=0, **kwargs)
        self.num_identities = identities_of(self, num_poses, self.dataset)
        if pixel_loss not in PIXEL_LOSSES:
            raise UserError(f"pixel_loss is one of {', '.join(PIXEL_LOSSES)}, got "
                            f"{pixel_loss!r}")
        height, width, channels = self.image_shape
        if height != width or height < 16 or height & (height - 1):
            raise UserError(f"UVGAN takes square UV maps of a power-of-two side >= 16, got "
                            f"{height}x{width}: pass e.g. --image-size 32")
        self.num_poses = int(num_poses)
        self.pixel_loss = pixel_loss
        self.term_weights = {"pixel": float(pixel_weight), "global": float(global_weight),
                             "local": float(local_weight), "ip": float(ip_weight),
                             "sym": float(sym_weight)}
        self.generator = unet_generator((height, width, 2 * channels + 2), channels, ngf,
                                        dropout=0)
        self.discriminator = dcgan_discriminator(self.image_shape, ndf)
        self.local_discriminator = dcgan_discriminator(
            (height // 2, width // 2, channels), ndf, name="local_discriminator")
        self.build_identity(self.num_identities, nif)

    # ----------------------------------------------------------- generator
    def generator_inputs(self):
        height, width, _ = self.image_shape
        mask = Input((height, width, 1), example=lambda n, seed: (np.random.default_rng(
            seed + 1).uniform(0, 1, (n, 1, width, 1)) < 0.5).repeat(height, 1).astype(
            "float32"), minimum=0.0, maximum=1.0)
        return {"image": Input.image(self.image_shape), "mask": mask}

    def complete(self, partial, mask, training=False):
        """(G's raw map, the completed map: seen texels kept, G's elsewhere)."""
        partial, mask = tf.cast(partial, tf.float32), tf.cast(mask, tf.float32)
        partial = partial * (1.0 - mask)             # unseen texels are exactly 0
        mirror = lambda t: tf.reverse(t, [2])         # noqa: E731  u -> -u
        raw = tf.cast(self.generator(tf.concat([partial, mirror(partial), mask, mirror(mask)],
                                               -1), training=training), tf.float32)
        return raw, partial + mask * raw

    def generate_from(self, inputs, training=False):
        return self.complete(inputs["image"], inputs["mask"], training)[1]

    def discriminate(self, images, inputs=None, training=False):
        return (self.discriminator(images, training=training),
                self.local_discriminator(self.face_centre(images), training=training))

    def face_centre(self, maps):
        """The local D's region: the middle half of each side."""
        h, w = self.image_shape[:2]
        return maps[:, h // 4:h - h // 4, w // 4:w - w // 4]

    def player_networks(self):
        return {"generator": [self.generator],
                "discriminator": [self.discriminator, self.local_discriminator],
                "identity": [self.identity]}

    def example_data(self, n, seed=0):
        """A (partial, mask, complete, label) training batch, for tests."""
        rng = np.random.default_rng(seed)
        maps = rng.uniform(-1, 1, (2, n, *self.image_shape)).astype("float32")
        mask = self.generator_inputs()["mask"].example(n, seed)
        return (maps[0] * (1 - mask), mask, maps[1],
                (np.arange(n) % self.num_classes).astype("int32"))

    # ------------------------------------------------------------ training
    def generator_losses(self, raw, completed, mask, complete):
        """The terms of L, unweighted, and their weighted sum."""
        global_logits, local_logits = self.discriminate(completed, training=True)
        pixel = {"l1-missing": losses.masked_l1, "l2": losses.masked_mse,
                 "log-mse": losses.log_mse_loss,
                 "l1": lambda raw, complete, _: losses.l1_loss(raw, complete)}
        terms = {
            "pixel": pixel[self.pixel_loss](raw, complete, mask),
            "global": losses.non_saturating_generator_loss(global_logits),
            "local": losses.non_saturating_generator_loss(local_logits),
            "ip": self.identity_loss(completed, complete),
            "sym": losses.symmetry_loss(completed, laplacian=False),
        }
        return terms, tf.add_n([self.term_weights[k] * v for k, v in terms.items()])

    def train_step(self, data):
        partial, mask, complete, labels = self.unpack(data)
        identity = tf.cast(labels, tf.int32) // self.num_poses
        id_loss = self.identity_step([partial, complete], identity)   # real textures only
        with tf.GradientTape() as tape:
            raw, completed = self.complete(partial, mask, training=True)
            terms, g_loss = self.generator_losses(raw, completed, mask, complete)
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        fake = tf.stop_gradient(completed)
        with tf.GradientTape() as tape:
            (real_g, real_l), (fake_g, fake_l) = (self.discriminate(complete, training=True),
                                                  self.discriminate(fake, training=True))
            d_loss = (losses.minimax_discriminator_loss(real_g, fake_g)
                      + losses.minimax_discriminator_loss(real_l, fake_l))
        self.minimize(self.d_optimizer, tape, d_loss,
                      [self.discriminator, self.local_discriminator])
        return self.track(d_loss=d_loss, g_loss=g_loss, pixel=terms["pixel"], ip=terms["ip"],
                          id_loss=id_loss)

    # ------------------------------------------------------------- serving
    def fill(self, partial, mask):
        """The completed UV maps of `partial` textures whose `mask` (1 =
        missing, [B, H, W, 1]) marks the unseen texels."""
        partial = checked_images(self, partial, what="UV maps")
        mask = checked_images(self, mask, (*self.image_shape[:2], 1), "masks")
        if tf.executing_eagerly() and not np.all((mask.numpy() == 0) | (mask.numpy() == 1)):
            raise UserError("the mask is 1 where a texel is missing and 0 where it is seen; "
                            "got other values")
        return self.complete(partial, mask)[1]

    def export_endpoints(self, batch_size=None):
        inputs = self.generator_inputs()
        specs = {name: inputs[name].spec(name, batch_size) for name in inputs}

        def fill(values):
            return serving_outputs(self.fill(values["image"], values["mask"]))

        endpoint = Endpoint("complete", fill, specs, image_outputs(self.image_shape, batch_size),
                            {name: inputs[name].example(2, 0) for name in inputs},
                            "partial UV map image [B, H, W, C] in [-1, 1], mask [B, H, W, 1] "
                            "(1 = missing) -> the completed UV map (seen texels kept)")
        return [endpoint, as_uint8(endpoint)]
