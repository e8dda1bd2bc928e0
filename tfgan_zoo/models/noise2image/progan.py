"""Progressive GAN: Karras, Aila, Laine & Lehtinen 2018, "Progressive Growing
of GANs for Improved Quality, Stability, and Variation".

Training starts at 4x4 and doubles the resolution, fading each new layer in
while alpha rises from 0 to 1 (§2), the real images faded alike. The loss
is WGAN-GP (lambda = 10, target 1) with one critic step per generator step
and the drift term eps * E[D(x)^2], eps = 0.001, that keeps the critic's
scores near zero (§A.1); equalized learning rate, pixel norm and the
minibatch-stddev feature are in `tfgan_zoo.networks.progan`; samples come
from an exponential moving average of the generator (decay 0.999, the
core's --ema-decay). Adam(1e-3, beta_1=0, beta_2=0.99) in the recipe.

Both networks are built once at full resolution and a non-trainable level
of detail (lod) chooses the resolution, set at every step from the step
count (the optimizer's, so checkpoints and resumed runs carry it):

    for each step t:
        lod <- schedule(t); alpha = 1 - frac(lod)
        x <- fade_images(x, lod)             (reals at the current resolution)
        update D on D(G(z)) - D(x) + lambda GP + eps D(x)^2
        update G on -D(G(z)); update the EMA of G

One departure, on by default (`--penalty-resolution current`): the penalty
asks for a unit gradient norm at the resolution the critic sees, 2^-lod
w.r.t. its full-size input, where the official code asks 1 at full size
(see `penalty_target`). Not built: the official code resets Adam's
moments when a new resolution arrives (`reset_opt_for_new_lod`) and grows
the minibatch per resolution.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.base import NoiseToImageGAN
from tfgan_zoo.networks.progan import (fade_alpha, fade_images, level_of_detail,
                                       lod_weights, progan_discriminator, progan_generator,
                                       resolution_levels)

GROWTH = ("progressive", "none")
PENALTY_RESOLUTIONS = ("current", "full")


@keras.saving.register_keras_serializable("tfgan_zoo")
class ProGAN(NoiseToImageGAN):
    """Progressive GAN (WGAN-GP + drift, one critic step).

    Args:
        growth: "progressive" grows from start_resolution; "none" trains at
            full resolution from the first step (the paper's baseline).
        start_resolution: the first resolution (a power of two, >= 4).
        stabilize_steps: steps at each resolution before the next fades in.
        fade_steps: steps over which a new resolution fades in (alpha 0 -> 1).
        fmap_base, fmap_max: feature maps of a block are
            min(fmap_base / resolution, fmap_max).
        mbstd_group_size: images per minibatch-stddev group (0: off).
        gp_weight: weight of the gradient penalty (lambda).
        drift_weight: weight of the drift term (epsilon_drift).
        penalty_resolution: "current" asks the critic for a unit gradient
            norm at the resolution it sees (2^-lod w.r.t. its full-size
            input); "full" asks it of the full-size input, as the official
            code does.
    """

    loss_names = ("d_loss", "g_loss", "gradient_penalty", "drift", "wasserstein_estimate",
                  "lod", "alpha")
    clip_output = True  # a linear last layer, as in the paper
    # Its own critic loss does not feed ADA's heuristic or CR's terms (the base
    # `critic_loss`).
    unused_hyperparameters = NoiseToImageGAN.derived_arguments + (
        "ada_target", "ada_kimg", "ada_until", "ada_reset",
        *NoiseToImageGAN.consistency_options)
    test_config = {"fmap_base": 64, "fmap_max": 8, "stabilize_steps": 1, "fade_steps": 1,
                   "mbstd_group_size": 2}

    def __init__(self, *, growth="progressive", start_resolution=4, stabilize_steps=600,
                 fade_steps=600, fmap_base=1024, fmap_max=128, mbstd_group_size=4,
                 gp_weight=10.0, drift_weight=0.001, penalty_resolution="current",
                 latent_dim=128, **kwargs):
        super().__init__(latent_dim=latent_dim, **kwargs)
        if growth not in GROWTH:
            raise UserError(f"unknown growth schedule '{growth}': choose "
                            f"{' or '.join(GROWTH)}")
        for name, value in (("stabilize_steps", stabilize_steps), ("fade_steps", fade_steps)):
            if not isinstance(value, int) or value < 0:
                raise UserError(f"{name} must be a whole number of steps >= 0, got {value!r}: "
                                f"pass --{name.replace('_', '-')} N")
        if growth == "progressive" and stabilize_steps + fade_steps == 0:
            raise UserError("progressive growth needs --stabilize-steps or --fade-steps > 0")
        if penalty_resolution not in PENALTY_RESOLUTIONS:
            raise UserError(f"unknown penalty resolution '{penalty_resolution}': choose "
                            f"{' or '.join(PENALTY_RESOLUTIONS)}")
        self.penalty_resolution = penalty_resolution
        if gp_weight < 0 or drift_weight < 0:
            raise UserError("--gp-weight and --drift-weight must be >= 0")
        self.full_log2, max_lod = resolution_levels(self.image_shape[0], start_resolution)
        self.growth, self.start_resolution = growth, int(start_resolution)
        self.max_lod = max_lod if growth == "progressive" else 0
        self.stabilize_steps, self.fade_steps = int(stabilize_steps), int(fade_steps)
        self.gp_weight, self.drift_weight = float(gp_weight), float(drift_weight)
        self.fmap_base, self.fmap_max = fmap_base, fmap_max
        self.mbstd_group_size = mbstd_group_size
        start = float(self.max_lod)
        self.generator = progan_generator(self.latent_dim, self.image_shape, fmap_base,
                                          fmap_max, initial_lod=start)
        self.discriminator = progan_discriminator(self.image_shape, fmap_base, fmap_max,
                                                  mbstd_group_size, initial_lod=start)

    # ------------------------------------------------------ level of detail
    def schedule(self, step):
        """lod at a step: max_lod - (phases done), minus the fade's progress."""
        if self.max_lod == 0:
            return tf.zeros([], tf.float32)
        return level_of_detail(step, self.max_lod, self.stabilize_steps, self.fade_steps)

    def level_of_detail(self):
        return lod_weights(self.generator)[0]

    def set_level_of_detail(self, lod):
        for weight in lod_weights(self.generator) + lod_weights(self.discriminator):
            weight.assign(lod)

    # ------------------------------------------------------------ the step
    def train_step(self, data):
        real, _ = self.unpack(data)
        lod = self.schedule(self.g_optimizer.iterations)
        self.set_level_of_detail(lod)
        logs = super().train_step(fade_images(real, lod, self.max_lod))
        return {**logs, **self.track(**self.shares(lod=lod, alpha=fade_alpha(lod)))}

    def penalty_target(self):
        """The gradient norm the penalty asks of D w.r.t. its full-size input.
        At lod l, D sees the image box-downsampled by 2^l, which divides the
        norm by 2^l: "current" asks 2^-l, a unit norm at the resolution D
        sees. With the official target 1, D must steepen 2^l-fold; its long
        phases (37k steps at batch 16) allow that, but in a CPU recipe's few
        hundred steps D stayed at a penalty of 0.65 and lost to G at 8 px
        (benchmarks/history/image_gans_ii.md)."""
        if self.penalty_resolution == "full":
            return 1.0
        return tf.pow(2.0, -self.level_of_detail())

    def critic_loss(self, real, fake, labels=None):
        """D(G(z)) - D(x) + lambda (||grad D(x_hat)|| - 2^-lod)^2 + eps D(x)^2"""
        real_scores = self.discriminator(real, training=True)
        fake_scores = self.discriminator(fake, training=True)
        critic = losses.wasserstein_discriminator_loss(real_scores, fake_scores)
        penalty = losses.gradient_penalty(
            lambda x: self.discriminator(x, training=True), real, fake,
            seed=self.next_seed(), target=self.penalty_target())
        drift = losses.drift_penalty(real_scores)
        loss = critic + self.gp_weight * penalty + self.drift_weight * drift
        return loss, {"gradient_penalty": penalty, "drift": drift,
                      "wasserstein_estimate": -critic}

    def generator_loss(self, fake_scores):
        """min_G -D(G(z))"""
        return losses.wasserstein_generator_loss(fake_scores)
