"""PG2: Ma, Jia, Sun, Schiele, Tuytelaars & Van Gool 2017, "Pose Guided
Person Image Generation" (NeurIPS).

Given a person's image I_A and a target pose P_B (one heat map per
keypoint), generate the person in pose B, in two stages (sec. 3):

- Stage I (`stage=1`): G1, a U-Net whose bottleneck is fully connected so
  every pixel sees the whole pose, maps (I_A, P_B) to a coarse I_B1,
  trained with the pose-mask loss (eq. 1) alone,

      L_G1 = |(G1(I_A, P_B) - I_B) * (1 + M_B)|_1,

  M_B the body mask of pose B, which weights the person over the
  background;
- Stage II (`stage=2`, G1 fixed, loaded from `stage1_run`): G2, a U-Net
  without the fully connected layer, sees (I_A, I_B1) and predicts a
  *difference map* that is added to I_B1: I_B2 = I_B1 + G2(I_A, I_B1). A
  discriminator conditioned on I_A judges the pair (I_A, I_B) real and
  (I_A, I_B2) fake, and G2 minimises L_adv + lambda L_G2 with the same
  masked L1 (eq. 2-4); lambda = 10 on Market-1501.

The reference code (charliememory/Pose-Guided-Person-Image-Generation,
trainer.py) weighs D's terms 1/2 real, 1/4 generated, 1/4 the condition
image itself as a negative, which keeps G2 from copying I_A;
`--condition-negative` (on) follows it. It trains at 128x64 with Adam 2e-5
for 60k steps; the recipe runs at 64x32 with a larger rate to fit a CPU.
"""

import numpy as np
import tensorflow as tf
import keras

from tfgan_zoo.core import Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import binary_cross_entropy, pose_mask_l1
from tfgan_zoo.models.image2image.base import ImageToImageModel
from tfgan_zoo.networks.domain import pose_unet
from tfgan_zoo.networks.image2image import conv_discriminator
from tfgan_zoo.rundir.run import load_run

LOSSES = {1: ("g_loss", "mask_l1"), 2: ("d_loss", "g_loss", "g_gan", "mask_l1")}


@keras.saving.register_keras_serializable("tfgan_zoo")
class PG2(ImageToImageModel):
    """Pose-guided person image generation in two stages.

    Args:
        stage: 1 trains G1 (the pose-mask L1 alone), 2 trains G2 and D over
            the fixed G1 of `stage1_run`.
        pose_channels: keypoint heat maps in the pose input (from the data).
        ngf: width of the U-Nets' first stage (the reference: 64 at 128x64).
        ndf: width of the discriminator's first layer.
        depth: stride-2 stages of each U-Net.
        bottleneck: G1's fully connected bottleneck (64 in the reference).
        l1_weight: lambda of Stage II's masked L1 (10 on Market-1501).
        condition_negative: D also calls (I_A, I_A) fake, as the reference
            code does.
        stage1_run: run directory of the trained Stage I (stage 2).
    """

    loss_names = LOSSES[2]
    test_config = {"ngf": 4, "ndf": 4, "depth": 2, "bottleneck": 8, "latent_dim": 0}
    derived_arguments = ImageToImageModel.derived_arguments + ("pose_channels",)
    unused_hyperparameters = derived_arguments + ("latent_dim", "n_critic")

    def __init__(self, *, stage=2, pose_channels=14, ngf=32, ndf=32, depth=3, bottleneck=64,
                 l1_weight=10.0, condition_negative=True, stage1_run=None, **kwargs):
        super().__init__(**kwargs)
        if stage not in LOSSES:
            raise UserError(f"PG2 has stages 1 and 2, got {stage}: pass --stage 1 or 2")
        self.stage, self.pose_channels = int(stage), int(pose_channels)
        self.l1_weight, self.condition_negative = float(l1_weight), bool(condition_negative)
        self.stage1_run = stage1_run
        self.loss_names = LOSSES[self.stage]
        self.trackers = {n: keras.metrics.Mean(name=n) for n in self.loss_names}
        h, w, c = self.input_shape
        self.stage1 = pose_unet((h, w, c + self.pose_channels), self.image_shape[-1], ngf,
                                depth, bottleneck, name="stage1")
        self.stage2 = pose_unet((h, w, c + self.image_shape[-1]), self.image_shape[-1], ngf,
                                depth, None, activation=None, name="stage2")
        self.discriminator = conv_discriminator(self.image_shape[:2] + (c + self.image_shape[-1],),
                                                ndf, min(3, depth), name="discriminator")
        # The player that trains: G1 in Stage I, G2 (G1 fixed) in Stage II.
        self.generator = self.stage1 if self.stage == 1 else self.stage2
        if self.stage == 2:
            self.stage1.trainable = False

    # ----------------------------------------------------- generator inputs
    def generator_inputs(self):
        h, w, _ = self.input_shape
        channels = self.pose_channels
        return {"image": Input.image(self.input_shape),
                "pose": Input((h, w, channels), example=lambda n, seed: np.random.default_rng(
                    seed + 1).uniform(0, 1, (n, h, w, channels)).astype("float32"))}

    def example_data(self, n, seed=0):
        """(I_A, P_B, I_B, M_B) of random values, for tests."""
        rng = np.random.default_rng(seed)
        h, w, c = self.input_shape
        return (rng.uniform(-1, 1, (n, h, w, c)).astype("float32"),
                rng.uniform(0, 1, (n, h, w, self.pose_channels)).astype("float32"),
                rng.uniform(-1, 1, (n, *self.image_shape)).astype("float32"),
                (rng.uniform(0, 1, (n, h, w, 1)) > 0.5).astype("float32"))

    def unpack(self, data):
        if not isinstance(data, (tuple, list)) or len(data) != 4:
            raise UserError("PG2 trains on (image A, pose B, image B, mask B): use "
                            "--dataset poses")
        return tuple(data)

    def coarse(self, image, pose, training=False):
        """Stage I: I_B1 = G1(I_A, P_B)."""
        inputs = tf.concat([tf.cast(image, tf.float32), tf.cast(pose, tf.float32)], -1)
        return tf.cast(self.stage1(inputs, training=training), tf.float32)

    def refine(self, image, coarse, training=False):
        """Stage II: I_B2 = I_B1 + G2(I_A, I_B1), the difference map added."""
        difference = self.stage2(tf.concat([tf.cast(image, tf.float32), coarse], -1),
                                 training=training)
        return coarse + tf.cast(difference, tf.float32)

    def generate_from(self, inputs, training=False):
        coarse = self.coarse(inputs["image"], inputs["pose"], training=training and
                             self.stage == 1)
        if self.stage == 1:
            return coarse
        return tf.clip_by_value(self.refine(inputs["image"], coarse, training), -1.0, 1.0)

    def export_networks(self):
        return [self.stage1] if self.stage == 1 else [self.stage1, self.stage2]

    def judge(self, condition, image, training=True):
        """D's logits for the pair (I_A, image)."""
        return self.discriminator(tf.concat([condition, image], -1), training=training)

    def discriminate(self, images, inputs=None, training=False):
        return self.judge(inputs["image"], images, training=training)

    # --------------------------------------------------------------- setup
    def build_for_training(self):
        super().build_for_training()
        self.load_pretrained()

    def load_pretrained(self):
        """Stage II: the trained G1 from `stage1_run`."""
        if self.stage == 1 or not self.stage1_run:
            return
        source, _ = load_run(self.stage1_run)
        if not isinstance(source, PG2) or source.stage != 1 or \
                source.stage1.count_params() != self.stage1.count_params():
            raise UserError(f"{self.stage1_run} is not a PG2 Stage I run with these "
                            "settings: pass the Stage I run directory and the same --ngf, "
                            "--depth and --bottleneck")
        self.stage1.set_weights(source.stage1.get_weights())

    # ------------------------------------------------------------ training
    def train_step(self, data):
        image_a, pose_b, image_b, mask_b = self.unpack(data)
        if self.stage == 1:
            with tf.GradientTape() as tape:
                mask_l1 = pose_mask_l1(self.coarse(image_a, pose_b, training=True), image_b,
                                       mask_b)
            self.minimize(self.g_optimizer, tape, mask_l1, self.stage1)
            return self.track(g_loss=mask_l1, mask_l1=mask_l1)
        coarse = self.coarse(image_a, pose_b)
        with tf.GradientTape() as tape:
            fake = self.refine(image_a, coarse, training=True)
            real_term = binary_cross_entropy(self.judge(image_a, image_b), 1.0)
            fake_term = binary_cross_entropy(self.judge(image_a, fake), 0.0)
            if self.condition_negative:
                d_loss = 0.5 * real_term + 0.25 * fake_term + 0.25 * binary_cross_entropy(
                    self.judge(image_a, image_a), 0.0)
            else:
                d_loss = 0.5 * (real_term + fake_term)
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        with tf.GradientTape() as tape:
            fake = self.refine(image_a, coarse, training=True)
            g_gan = binary_cross_entropy(self.judge(image_a, fake), 1.0)
            mask_l1 = pose_mask_l1(fake, image_b, mask_b)
            g_loss = g_gan + self.l1_weight * mask_l1
        self.minimize(self.g_optimizer, tape, g_loss, self.stage2)
        return self.track(d_loss=d_loss, g_loss=g_loss, g_gan=g_gan, mask_l1=mask_l1)
