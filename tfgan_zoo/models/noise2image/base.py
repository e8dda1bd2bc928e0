"""The noise-to-image family's base: Algorithm 1 of Goodfellow et al. 2014,
written once.

    for each training iteration:
        for k (n_critic) steps:
            sample a fresh real minibatch x and noise z
            update D on its loss for (x, G(z)); constrain D (WGAN clips)
        sample noise z; update G on its loss for D(G(z))

With `reuse_fake` (k = 1 only) one generator forward pass serves both
updates, as in pytorch/examples' DCGAN: D is updated on the fake batch G(z)
with G's gradient stopped, and G on the loss of the updated D on that same
G(z). The losses and gradients are those of Algorithm 1 with the one noise
batch z drawn for both updates (tests/models/noise2image/test_reuse_fake.py);
the step saves a generator forward pass (and G's batch-norm statistics move
once per step, as in the reference).

GAN, DCGAN, LSGAN, WGAN, WGAN-GP and CGAN differ only in their networks,
their two losses (`critic_loss` / `discriminator_loss`, `generator_loss`)
and the critic constraint. Conditional models (CGAN) feed the real batch's
labels to both players through `generate` and `discriminate`, so both sides
of D's loss see the same label distribution.

`--diff-augment color,translation,cutout` shows D only augmented images,
T(x) and T(G(z)), in both players' steps (DiffAugment, Zhao et al. 2020;
`tfgan_zoo.augment`); off by default, so Algorithm 1 is the paper's.
`--ada-target 0.6` makes that augmentation adaptive (ADA, Karras et al.
2020, `augment.AdaptiveAugment`): each transformation of the policy
(translation unless `--diff-augment` names one) reaches each image with a
probability p that starts at 0 and follows D's overfitting, E[sign(D(x))]
on the reals, towards the target, by up to 1 per `--ada-kimg` thousand
images. p is checkpointed and logged (`ada_p`, with the heuristic
`ada_r`); a project experiment, off by default. `--ada-until F` freezes p
from generator step F x `--steps` on (e.g. 0.75 with `--decay-after 0.75`:
the decay trains at the p the run had reached); the heuristic is still
logged. With `--ada-reset` p returns to 0 there instead, so D sees no
augmentation for the rest of the run (augmentation while D would overfit,
none while a decay's rates fall). The count is the G optimizer's, which a checkpoint restores. The heuristic reads the
side of D's "real" point (`real_threshold`: a logit's 0, LSGAN's (a + b)/2);
a Wasserstein critic has none, and refuses it.

`--r1-gamma G` adds Mescheder et al.'s (2018) R1 penalty to D's loss,
(G / 2) E ||grad_x D(x)||^2 on the real batch D sees: a zero-centred
gradient penalty that keeps D flat on the data it has memorised (a project
experiment here, off by default). `--r1-every N` computes it on every N-th
D update only, weighted N times (Karras et al. 2020's lazy regularisation),
for about 1/N of its cost. `--decay-r1-gamma G` weights it G instead from
the D update where D's learning rate starts to decay (`--decay-after`, or
`--decay-after-discriminator`) to the end: more R1 while the rates fall (a
project experiment, off by default; with `--r1-gamma 0` the penalty is
computed all run and weighted only in the decay).

`--decay-after F` keeps every learning rate constant for the first F of the
run (`--steps`) and then decays it linearly to 0 (`LinearDecay`, the
schedule CycleGAN uses; a project experiment here, off by default).

`--top-k-gamma G` trains G on the k fakes of its batch that D rates most
real (top-k training, Sinha et al. 2020, `losses.top_k_fakes`): k starts at
the batch B and falls to round(G^epoch B), down to `--top-k-min` of the
batch (the paper's gamma 0.99 and nu 0.5). An epoch is one pass of D's real
batches over the training set: epoch = floor(t B n_critic / N) after t
generator updates, N the dataset's size (the trainer passes it), so k is a
function of the G optimizer's step count, which a checkpoint restores: a
resumed run continues the schedule. Under tf.distribute, B is a replica's
batch and each replica keeps its own k best (G's loss averages the k times
replicas kept). k is logged (`top_k`). For the models whose G loss is a mean
over the fakes (GAN, DCGAN, LSGAN, WGAN, WGAN-GP, CGAN, SNGAN, ProGAN); a project
experiment, off by default.

`--consistency-weight L` adds consistency regularisation (CR, Zhang et al.
2020) to D's loss: L E (D(x) - D(T(x)))^2 on the real batch D sees, with T
a random translation by up to `--consistency-shift` of the image's size
(`augment.translation`, DiffAugment's op: whole pixels, zero fill; 1/8 by
default, as StudioGAN's CR; no flip, which would change a digit).
`--consistency-fake-weight L` adds the same on the fakes D sees, G's
gradient stopped (bCR, Zhao et al. 2021). D is trained on the images
themselves, and only these terms see T(x): G is not asked to match
augmented statistics, unlike DiffAugment. D's output is its last layer
(the logit before the sigmoid, a critic's score); the terms go into D's
loss only, and G's loss is unchanged. Both are logged unweighted
(`consistency_real`, `consistency_fake`); a project experiment, off by
default.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.augment import AdaptiveAugment, diff_augment, parse_policy, translation
from tfgan_zoo.checks import is_number
from tfgan_zoo.core import AdversarialModel
from tfgan_zoo.errors import UserError
from tfgan_zoo.optimizers import decay_settings, decay_start


def check_fraction(flag, value, example):
    """A decay setting checked: a number in [0, 1), else a one-line error
    naming `flag` and an `example` value."""
    if not (is_number(value) and 0 <= value < 1):
        raise UserError(f"{flag} is a fraction in [0, 1), got {value!r}: "
                        f"pass e.g. {flag} {example}")


class NoiseToImageGAN(AdversarialModel):
    """A GAN that maps noise (and, for conditional models, a label) to an
    image, trained with Algorithm 1. Subclasses build `generator` and
    `discriminator` and override the losses they change.

    Args:
        reuse_fake: one generator forward pass serves D's and G's update (needs n_critic 1).
            pytorch/examples' DCGAN does this; Algorithm 1 draws new noise for G.
        diff_augment: DiffAugment policy for everything D sees, e.g.
            "color,translation,cutout" (comma-separated); None for none.
        decay_after: learning rates decay linearly to 0 after this fraction of --steps.
            E.g. 0.67; None (the default) keeps them constant.
        decay_generator: with decay_after, G's rate decays; false keeps it constant.
        decay_discriminator: with decay_after, D's rate decays; false keeps it constant.
        decay_floor_fraction: with decay_after, the rates fall to this fraction of their own, not 0.
            E.g. 0.1; 0 (the default) decays them to 0.
        decay_after_discriminator: with decay_after, D's rate decays from this fraction of --steps
            instead, e.g. 0.6; None (the default) uses decay_after.
        decay_floor_generator: with decay_after, G's rate falls to this fraction of its own instead,
            e.g. 0.2; None (the default) uses decay_floor_fraction.
        total_steps: length of the run in generator steps, for the decay; the
            trainer passes `--steps`.
        r1_gamma: weight G of the R1 penalty (G / 2) ||grad_x D(x)||^2 on real images
            (Mescheder et al. 2018), added to D's loss; 0 (the default) for none.
        r1_every: compute the R1 penalty on every N-th D update only, weighted N (lazy
            regularisation); 1 computes it on every update.
        decay_r1_gamma: with decay_after, the R1 weight from the D update where D's rate starts
            to decay, e.g. 0.3; None (the default) keeps r1_gamma all run.
        ada_target: adaptive augmentation (ADA) steering E[sign(D(real))] to this, e.g. 0.6.
            It gates `diff_augment` (translation if none); None (the default) for none.
        ada_kimg: ADA's p can move from 0 to 1 over this many thousand images.
            500 is the paper's.
        ada_until: ADA's p stays at its value from this fraction of --steps on, e.g. 0.75.
            None (the default) lets it move all run.
        ada_reset: with `ada_until`, p returns to 0 at that step (no augmentation after it)
            instead of keeping its value. False (the default) keeps it.
        top_k_gamma: top-k training: G learns from the k fakes D rates best, k x this each epoch.
            E.g. 0.99 (Sinha et al. 2020); None (the default) keeps every fake.
        top_k_min: with top_k_gamma, k's floor as a fraction of the batch, in (0, 1].
            0.5 (the default) is the paper's.
        dataset_size: the training set's size, for top-k's epoch; the trainer passes it.
        consistency_weight: CR: D's loss + this x E (D(x) - D(T(x)))^2 on reals, e.g. 10; 0 off.
            T is a random translation (Zhang et al. 2020); 0 (the default) for none.
        consistency_fake_weight: bCR: the same term on the fakes D sees, e.g. 10; 0 off.
            Zhao et al. 2021; G's gradient is stopped, G's loss unchanged.
        consistency_shift: CR's translation: up to this fraction of the size in each axis.
            0.125 (the default) is DiffAugment's and StudioGAN's 1/8.
    """

    # The trainer passes --steps as `total_steps` (for `decay_after`) and the
    # dataset's size as `dataset_size` (for top-k's epoch); neither is a flag.
    takes_total_steps = True
    takes_dataset_size = True
    derived_arguments = ("total_steps", "dataset_size")
    unused_hyperparameters = derived_arguments

    # The options of the shared step (`train_step`, `one_forward_step`,
    # `critic_objective`). A model that writes its own step lists them in
    # its `unused_hyperparameters`, so that they are not offered as flags
    # that would do nothing.
    top_k_options = ("top_k_gamma", "top_k_min")
    consistency_options = ("consistency_weight", "consistency_fake_weight", "consistency_shift")
    step_options = ("reuse_fake", "diff_augment", "r1_gamma", "r1_every", "decay_r1_gamma",
                    "ada_target", "ada_kimg", "ada_until", "ada_reset", *top_k_options,
                    *consistency_options)

    supports_ema = True
    # D's output has a "real" side (`real_threshold`) for ADA's heuristic;
    # a Wasserstein critic's score, defined up to a constant, has none.
    has_real_side = True
    # Generators whose last layer is linear in the paper (BEGAN, Progressive
    # GAN) train on their raw output; sampled and served images are clipped
    # to the data range [-1, 1].
    clip_output = False

    def generate(self, z, labels=None, training=False):
        images = super().generate(z, labels, training=training)
        if self.clip_output and not training:
            images = tf.clip_by_value(images, -1.0, 1.0)
        return images

    def __init__(self, *, reuse_fake=False, diff_augment=None, decay_after=None,
                 decay_generator=True, decay_discriminator=True, decay_floor_fraction=0.0,
                 decay_after_discriminator=None, decay_floor_generator=None,
                 total_steps=None, r1_gamma=0.0, r1_every=1, decay_r1_gamma=None,
                 ada_target=None, ada_kimg=500.0, ada_until=None, ada_reset=False,
                 top_k_gamma=None, top_k_min=0.5, dataset_size=None, consistency_weight=0.0,
                 consistency_fake_weight=0.0, consistency_shift=0.125, **kwargs):
        super().__init__(**kwargs)
        if r1_gamma is not None and not float(r1_gamma) >= 0:
            raise UserError(f"r1_gamma must be a number >= 0, got {r1_gamma}: "
                            f"pass e.g. --r1-gamma 1, or leave it out for no penalty")
        self.r1_gamma = float(r1_gamma) if r1_gamma else None
        if int(r1_every) != r1_every or r1_every < 1:
            raise UserError(f"r1_every must be a whole number >= 1, got {r1_every}: "
                            f"pass e.g. --r1-every 4")
        self.r1_every = int(r1_every)
        self.decay_after, self.total_steps = decay_settings(decay_after, total_steps)
        self.decayed_players = self.decay_shape(decay_generator, decay_discriminator,
                                                decay_floor_fraction)
        self.decay_floor_fraction = float(decay_floor_fraction)
        self.player_decay_after, self.player_decay_floor = self.player_decay(
            decay_after_discriminator, decay_floor_generator)
        self.decay_r1_gamma, self.r1_decay_start = self.r1_in_decay(decay_r1_gamma)
        if self.r1_gamma or self.decay_r1_gamma is not None:
            self.trackers["r1_penalty"] = keras.metrics.Mean(name="r1_penalty")
        if reuse_fake and self.n_critic != 1:
            raise UserError(f"--reuse-fake needs --n-critic 1 (one D update per G "
                            f"update), got n_critic {self.n_critic}: drop --reuse-fake")
        self.reuse_fake = bool(reuse_fake)
        parse_policy(diff_augment)
        self.diff_augment = diff_augment or None
        self.ada = self.adaptive_augment(ada_target, ada_kimg)
        self.ada_until_step = self.ada_freeze_step(ada_until)
        if ada_reset and self.ada_until_step is None:
            raise UserError("ada_reset returns ADA's p to 0 at --ada-until, and none is set: "
                            "pass e.g. --ada-target 0.7 --ada-until 0.75 --ada-reset, "
                            "or leave out --ada-reset")
        self.ada_reset = bool(ada_reset)
        if self.ada is not None:
            self.trackers["ada_p"] = keras.metrics.Mean(name="ada_p")
            self.trackers["ada_r"] = keras.metrics.Mean(name="ada_r")
        self.top_k_gamma, self.top_k_min, self.dataset_size = self.top_k_settings(
            top_k_gamma, top_k_min, dataset_size)
        if self.top_k_gamma is not None:
            self.trackers["top_k"] = keras.metrics.Mean(name="top_k")
        self.consistency_weights, self.consistency_shift = self.consistency_settings(
            consistency_weight, consistency_fake_weight, consistency_shift)
        for side in self.consistency_weights:
            name = f"consistency_{side}"
            self.trackers[name] = keras.metrics.Mean(name=name)

    def decay_shape(self, generator, discriminator, floor):
        """The players whose rates `decay_after` decays, checked with the
        decay's floor: a shape given without a decay, or a decay of no
        player, is a one-line error."""
        players = tuple(p for p, on in (("generator", generator),
                                        ("discriminator", discriminator)) if on)
        if self.decay_after is None and (len(players) < 2 or floor):
            raise UserError("--no-decay-generator, --no-decay-discriminator and "
                            "--decay-floor-fraction shape the decay of --decay-after, and none "
                            "is set: pass e.g. --decay-after 0.75, or leave them out")
        if not players:
            raise UserError("--no-decay-generator with --no-decay-discriminator decays no rate: "
                            "leave out one of them, or --decay-after")
        check_fraction("--decay-floor-fraction", floor, "0.1")
        return players

    def player_decay(self, discriminator_after, generator_floor):
        """The core's per-player decay settings ({player: value}) from D's own
        start and G's own floor, checked: each needs the decay and its player
        in it, and is a fraction in [0, 1)."""
        own = {"--decay-after-discriminator": (discriminator_after, "discriminator", "0.6"),
               "--decay-floor-generator": (generator_floor, "generator", "0.2")}
        for name, (value, player, example) in own.items():
            if value is None:
                continue
            self.require_decay(name, player,
                               f"needs --decay-after with the {player}'s rate in the decay")
            check_fraction(name, value, example)
        after = {} if discriminator_after is None else {"discriminator": float(discriminator_after)}
        floor = {} if generator_floor is None else {"generator": float(generator_floor)}
        return after, floor

    def require_decay(self, flag, player, why):
        """A one-line error for `flag`, a setting of `player`'s part of the
        decay, when that player's rate does not decay: `why`, and the fix."""
        if self.decay_after is None or player not in self.decayed_players:
            raise UserError(f"{flag} {why}: pass e.g. --decay-after 0.75 (without "
                            f"--no-decay-{player}), or leave out {flag}")

    def r1_in_decay(self, gamma):
        """(R1 weight in the decay, the D update it starts at), checked: it
        needs D's rate in the decay and is a number >= 0; (None, None) by
        default. The start is D's schedule's own (`optimizers.linear_decay`)."""
        if gamma is None:
            return None, None
        self.require_decay("--decay-r1-gamma", "discriminator", "weights R1 from where D's "
                           "rate starts to decay, and D's rate does not decay")
        if not (is_number(gamma) and gamma >= 0):
            raise UserError(f"--decay-r1-gamma is an R1 weight >= 0, got {gamma!r}: "
                            f"pass e.g. --decay-r1-gamma 0.3")
        after = self.player_decay_after.get("discriminator", self.decay_after)
        return float(gamma), decay_start(self.total_steps, after, self.n_critic)

    def r1_weight(self):
        """R1's gamma for this D update: `r1_gamma`, or `decay_r1_gamma` from
        `r1_decay_start` completed D updates on."""
        if self.decay_r1_gamma is None:
            return self.r1_gamma
        late = self.d_optimizer.iterations >= self.r1_decay_start
        return tf.where(late, self.decay_r1_gamma, self.r1_gamma or 0.0)

    def top_k_settings(self, gamma, floor, dataset_size):
        """(gamma, floor, dataset size) of top-k training, checked: gamma and
        the floor in (0, 1], a floor without gamma refused, and the dataset's
        size known; gamma None is off."""
        if gamma is None:
            if floor != 0.5:
                raise UserError(f"--top-k-min is the floor of top-k training, and it is off: "
                                f"pass e.g. --top-k-gamma 0.99 --top-k-min {floor}, "
                                f"or leave out --top-k-min")
            return None, float(floor), dataset_size
        for name, value, example in (("--top-k-gamma", gamma, "0.99"),
                                     ("--top-k-min", floor, "0.5")):
            if not (is_number(value) and 0 < value <= 1):
                raise UserError(f"{name} is a fraction in (0, 1], got {value!r}: "
                                f"pass e.g. {name} {example}")
        if not (isinstance(dataset_size, int) and dataset_size > 0):
            raise UserError("--top-k-gamma counts epochs, and the dataset's size is unknown: "
                            "pass dataset_size (the trainer passes the training set's)")
        return float(gamma), float(floor), dataset_size

    def consistency_settings(self, real_weight, fake_weight, shift):
        """({"real": weight, "fake": weight} of the sides CR is on, shift),
        checked: the shift a fraction in (0, 0.5], and a shift of its own
        refused with CR off (the weights, numbers >= 0, `checks` checks for
        every loss weight)."""
        weights = {side: float(value) for side, value in (("real", real_weight),
                                                          ("fake", fake_weight)) if value}
        if not (is_number(shift) and 0 < shift <= 0.5):
            raise UserError(f"--consistency-shift is a fraction of the image in (0, 0.5], "
                            f"got {shift!r}: pass e.g. --consistency-shift 0.125")
        if not weights and shift != 0.125:
            raise UserError("--consistency-shift is the translation of consistency "
                            "regularisation, and it is off: pass e.g. --consistency-weight 10, "
                            "or leave out --consistency-shift")
        return weights, float(shift)

    def consistency_terms(self, images, outputs, labels=None):
        """{"consistency_SIDE": E (D(x) - D(T(x)))^2} for each side ("real",
        "fake") CR is on: `outputs` are D's outputs for `images`, each side's
        T a fresh random translation (CR's term, unweighted)."""
        terms = {}
        for side in self.consistency_weights:
            moved = translation(tf.cast(images[side], tf.float32), self.next_seed(),
                                self.consistency_shift)
            moved_outputs = self.discriminate(tf.cast(moved, images[side].dtype), labels,
                                              training=True)
            terms[f"consistency_{side}"] = losses.consistency_loss(outputs[side], moved_outputs)
        return terms

    def top_k_size(self, batch):
        """k for this G update: `losses.top_k_count` of this replica's fake
        `batch` at the epoch of the G updates done so far (every replica
        counts the real images of all of them)."""
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        seen = (tf.cast(self.g_optimizer.iterations, tf.int64)
                * tf.cast(batch, tf.int64) * self.n_critic * replicas)
        return losses.top_k_count(batch, seen // self.dataset_size, self.top_k_gamma,
                                  self.top_k_min)

    def generator_objective(self, fake_outputs):
        """What G's update minimises: its loss on D's outputs for the fakes
        (with `top_k_gamma`, on the k of them D rates most real); and the
        values to log (k)."""
        if self.top_k_gamma is None:
            return self.generator_loss(fake_outputs), {}
        k = self.top_k_size(tf.shape(fake_outputs)[0])
        kept = losses.top_k_fakes(fake_outputs, k, realness=self.realness)
        return self.generator_loss(kept), self.shares(top_k=k)

    def realness(self, outputs):
        """D's outputs in the order of "more real" (top-k's ranking): a logit
        or a critic score is higher for what D takes as real."""
        return outputs

    def real_threshold(self):
        """The D output between "fake" and "real" that ADA's heuristic
        E[sign(D(x) - threshold)] reads: 0 for a logit (minimax,
        non-saturating, hinge)."""
        return 0.0

    def adaptive_augment(self, target, kimg):
        """ADA over the DiffAugment policy (translation if none), or None
        without a target."""
        if target is None:
            return None
        if not self.has_real_side:
            raise UserError(f"{type(self).__name__}'s critic score has no real/fake threshold "
                            f"for ADA's heuristic E[sign(D(x))]: leave out --ada-target and "
                            f"use a fixed --diff-augment policy")
        if not (isinstance(target, (int, float)) and 0 < target < 1):
            raise UserError(f"ada_target is the share-of-reals heuristic E[sign(D(x))] that "
                            f"ADA steers to, in (0, 1), got {target!r}: pass e.g. "
                            f"--ada-target 0.6 (the paper's)")
        if not (isinstance(kimg, (int, float)) and kimg > 0):
            raise UserError(f"ada_kimg must be a number of thousand images > 0, got "
                            f"{kimg!r}: pass e.g. --ada-kimg 500 (the paper's)")
        return AdaptiveAugment(self.diff_augment or "translation", target, kimg,
                               name="adaptive_augment")

    def ada_freeze_step(self, until):
        """The generator step from which ADA's p stays put (`ada_until` of
        the run), or None."""
        if until is None:
            return None
        if self.ada is None:
            raise UserError(f"ada_until freezes ADA's p, and there is no ADA: pass "
                            f"--ada-target 0.6 with --ada-until {until}, or leave it out")
        if not (isinstance(until, (int, float)) and 0 < until < 1):
            raise UserError(f"ada_until is a fraction of the run in (0, 1), got {until!r}: "
                            f"pass e.g. --ada-until 0.75 (p frozen for the last quarter)")
        if self.total_steps is None:
            raise UserError("ada_until needs the run's length: pass total_steps "
                            "(the trainer passes --steps)")
        return int(until * self.total_steps)

    def ada_frozen(self):
        """Whether ADA's p stays put in this step: from `ada_until_step`
        completed generator updates on."""
        if self.ada_until_step is None:
            return False
        return self.g_optimizer.iterations >= self.ada_until_step

    def ada_off(self):
        """Whether ADA is switched off in this step: frozen with
        `ada_reset`, p is 0 from `ada_until_step` on."""
        return self.ada_reset and self.ada_frozen()

    def augment(self, images):
        """T(images): the DiffAugment policy (gated by ADA's p with
        `ada_target`), or the images unchanged."""
        if self.ada is not None:
            return self.ada.augment(images, self.next_seed(), off=self.ada_off())
        if not self.diff_augment:
            return images
        return diff_augment(images, self.diff_augment, self.next_seed())

    def train_step(self, data):
        if self.reuse_fake:
            return self.one_forward_step(data)
        real, labels = self.unpack(data)
        # for k steps: update the discriminator on a fresh real batch
        for real_batch, label_batch in self.critic_batches(real, labels):
            z = self.sample_noise(keras.ops.shape(real_batch)[0])
            fake = self.generate(z, label_batch, training=True)
            with tf.GradientTape() as tape:
                d_loss, logs = self.critic_objective(
                    self.augment(real_batch), self.augment(fake), label_batch)
            self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
            self.constrain_critic()
        # update the generator
        z = self.sample_noise(keras.ops.shape(real_batch)[0])
        with tf.GradientTape() as tape:
            fake = self.generate(z, label_batch, training=True)
            g_loss, g_logs = self.generator_objective(
                self.discriminate(self.augment(fake), label_batch, training=True))
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, **logs, **g_logs)

    def one_forward_step(self, data):
        """Algorithm 1 with k = 1 and one noise batch for both updates: G(z)
        is computed once, on G's tape; D's update sees it with the gradient
        stopped, G's update goes through the updated D."""
        real, labels = self.unpack(data)
        z = self.sample_noise(keras.ops.shape(real)[0])
        with tf.GradientTape() as g_tape:
            fake = self.generate(z, labels, training=True)
            with g_tape.stop_recording():
                with tf.GradientTape() as d_tape:
                    d_loss, logs = self.critic_objective(
                        self.augment(real), self.augment(tf.stop_gradient(fake)), labels)
                self.minimize(self.d_optimizer, d_tape, d_loss, self.discriminator)
                self.constrain_critic()
            g_loss, g_logs = self.generator_objective(
                self.discriminate(self.augment(fake), labels, training=True))
        self.minimize(self.g_optimizer, g_tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, **logs, **g_logs)

    def critic_objective(self, real, fake, labels=None):
        """What D's update minimises: its loss, CR's terms weighted (measured
        by `critic_loss`) and, with `r1_gamma`, the R1 penalty on the real
        images it saw; and the values to log (with ADA, its p after this
        update and this batch's E[sign(D(x))])."""
        d_loss, logs = self.critic_loss(real, fake, labels)
        if self.ada is not None:
            logs = {**logs, **self.shares(ada_p=self.ada.probability,
                                          ada_r=self.ada.heuristic)}
        for side, weight in self.consistency_weights.items():
            d_loss += weight * logs[f"consistency_{side}"]
        if self.r1_gamma or self.decay_r1_gamma is not None:
            penalty = self.lazy_r1_penalty(real, labels)
            d_loss += 0.5 * self.r1_weight() * penalty
            logs = {**logs, "r1_penalty": penalty}
        return d_loss, logs

    def lazy_r1_penalty(self, real, labels=None):
        """The R1 penalty times `r1_every` on every `r1_every`-th D update,
        0 on the others: the same penalty on average over the run."""
        if self.r1_every == 1:
            return self.r1_penalty(real, labels)
        due = tf.equal(self.d_optimizer.iterations % self.r1_every, 0)
        return tf.cond(due, lambda: self.r1_every * self.r1_penalty(real, labels),
                       lambda: tf.zeros([], tf.float32))

    def r1_penalty(self, real, labels=None):
        """E ||grad_x D(x)||^2 over the real batch (Mescheder et al. 2018,
        eq. 9 without the gamma / 2): the gradient penalty with target 0 at x."""
        ones = tf.ones(keras.ops.shape(real)[:1])
        return losses.gradient_penalty(
            lambda x: self.discriminate(x, labels, training=True), real, real,
            alpha=ones, target=0.0)

    def critic_loss(self, real, fake, labels=None):
        """D's loss on a real and a fake batch, and extra values to log.
        With ADA, D's logits on the (augmented) reals move p, and with CR
        its outputs are measured against those of the translated images
        (`consistency_terms`, logged; `critic_objective` weights them): a
        model whose own `critic_loss` does not call this one leaves
        `ada_target` and the CR options out of its flags
        (`unused_hyperparameters`)."""
        real_logits = self.discriminate(real, labels, training=True)
        if self.ada is not None:
            self.ada.observe(real_logits - self.real_threshold(), frozen=self.ada_frozen(),
                             reset=self.ada_off())
        fake_logits = self.discriminate(fake, labels, training=True)
        terms = self.consistency_terms({"real": real, "fake": fake},
                                       {"real": real_logits, "fake": fake_logits}, labels)
        return self.discriminator_loss(real_logits, fake_logits), terms

    def discriminator_loss(self, real_logits, fake_logits):
        """max_D log D(x) + log(1 - D(G(z))) (Goodfellow et al. eq. 1)."""
        return losses.minimax_discriminator_loss(real_logits, fake_logits)

    def generator_loss(self, fake_logits):
        """max_G log D(G(z)), the non-saturating loss of §3."""
        return losses.non_saturating_generator_loss(fake_logits)

    def constrain_critic(self):
        """Called after each discriminator update (WGAN clips its weights)."""
