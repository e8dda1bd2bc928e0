"""The adversarial core: one Keras model base that every GAN in the zoo extends.

A GAN subclasses `AdversarialModel`, builds its networks in `__init__` and writes
its own `train_step`, which should read like the paper's algorithm box. The
machinery every GAN needs lives here, once:

- one optimizer per player, built inside the strategy scope before the first
  step (`build_for_training`), because lazy slot creation inside a replica
  function fails under `tf.distribute`;
- a `keras.metrics.Mean` tracker for every loss the model declares;
- seeded noise from a `keras.random.SeedGenerator`, decorrelated per replica;
- `critic_batches`, which hands the n_critic discriminator steps of one
  generator step a fresh real batch each (WGAN, Algorithm 1);
- `minimize`, one optimizer step that also handles mixed-precision loss
  scaling, and keeps the exponential moving average of the generator's
  weights where `ema_decay` asks for one, from `ema_start` of the run on
  (`recalibrate_ema` re-estimates its batch-norm statistics);
- `sample`, and `generator_inputs`, the one table of the generator's named
  inputs that sampling, sample grids, export signatures and the LiteRT view
  all read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from typing import Callable

import numpy as np
import tensorflow as tf
import keras

from tfgan_zoo import losses
from tfgan_zoo.checks import check_values, constructor_defaults, is_number
from tfgan_zoo.errors import UserError
from tfgan_zoo.optimizers import (ConstantRate, copy_optimizer_state, linear_decay, run_length,
                                  with_learning_rate, with_other_rate_layout)
from tfgan_zoo.samples import sample_kind


@dataclasses.dataclass(frozen=True)
class Input:
    """One named input of a generator, as sampled, served and exported.

    `shape` is the per-example shape (None for a size the generator takes
    at any value) and `example(n, seed)` gives n example values (numpy) for
    sample grids, tests and warmup requests. `lite` is the input as a LiteRT
    model takes it where that differs: a static shape, or another input
    altogether, named `lite_name`, computed from this one by `to_lite`
    (a caption's embedding instead of its string). `calibration(n, seed)`
    gives the values int8 calibration sees where served values range wider
    than the examples (a truncation that sample grids fix at one value).

    What a valid value is, which every exported signature asserts in its
    graph (`tfgan_zoo.export.graph`) so a malformed request fails rather
    than drawing a garbage image: `minimum` and `maximum` bound a number
    (a label's class range, an image's [-1, 1]); `max_words` bounds a
    string's words (a caption longer than the text encoder reads is
    refused, not cut). Floats must also be finite and strings non-empty."""

    shape: tuple
    dtype: str = "float32"
    example: Callable | None = None
    lite: "Input | None" = None
    lite_name: str | None = None
    to_lite: Callable | None = None
    calibration: Callable | None = None
    # The distribution a sampler draws this input from, in words a reader of
    # the model card can parse: "normal", "uniform(-1, 1)", "categorical(10)";
    # None for data (an image, a caption), which only a dataset supplies.
    prior: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_words: int | None = None

    def spec(self, name, batch_size=None):
        return tf.TensorSpec([batch_size, *self.shape], self.dtype, name=name)

    @classmethod
    def noise(cls, dim, seed_offset=0):
        """z ~ N(0, I) of size `dim`; examples from numpy's generator at
        seed + `seed_offset`."""
        dim = int(dim)
        return cls((dim,), example=lambda n, seed: np.random.default_rng(
            seed + seed_offset).standard_normal((n, dim)).astype("float32"),
            prior="normal")

    @classmethod
    def label(cls, num_classes):
        """An int32 class label in [0, num_classes); examples cycle through
        the classes in order, so a grid shows every class."""
        return cls((), "int32", example=lambda n, seed: (np.arange(n) % num_classes)
                   .astype("int32"), prior=f"categorical({int(num_classes)})",
                   minimum=0, maximum=num_classes - 1)

    @classmethod
    def uniform(cls, dim, low=-1.0, high=1.0, seed_offset=0):
        """A code c ~ U(low, high) of size `dim` (e.g. InfoGAN's continuous
        codes); examples from numpy's generator at seed + `seed_offset`.
        Unbounded when served: the paper sweeps such codes beyond the
        training range (InfoGAN's Fig. 2 goes to +-2)."""
        dim = int(dim)
        return cls((dim,), example=lambda n, seed: np.random.default_rng(
            seed + seed_offset).uniform(low, high, (n, dim)).astype("float32"),
            prior=f"uniform({low:g}, {high:g})")

    @classmethod
    def image(cls, shape, seed_offset=0, lite_shape=None):
        """A float32 image in [-1, 1]; examples are uniform noise (recipes
        show real held-out images in their reports). `lite_shape` fixes free
        sizes for LiteRT."""
        shape = tuple(shape)
        example_shape = tuple(lite_shape or shape)
        return cls(shape, example=lambda n, seed: np.random.default_rng(
            seed + seed_offset).uniform(-1, 1, (n, *example_shape)).astype("float32"),
            lite=None if lite_shape is None else cls(tuple(lite_shape)),
            minimum=-1.0, maximum=1.0)


def draw_prior(prior, shape, rng):
    """n values of an input from its `Input.prior` description, with a numpy
    generator: `shape` is (n, *per-example shape). UserError for a prior
    that is not a distribution ("data")."""
    match = re.fullmatch(r"\s*(\w+)\s*(?:\(([^)]*)\))?\s*", prior or "")
    name, args = (match.group(1), match.group(2)) if match else (None, None)
    values = [float(a) for a in args.split(",")] if args else []
    if name == "normal" and not values:
        return rng.standard_normal(shape).astype("float32")
    if name == "uniform" and len(values) == 2:
        return rng.uniform(values[0], values[1], shape).astype("float32")
    if name == "categorical" and len(values) == 1:
        return rng.integers(0, int(values[0]), shape).astype("int32")
    raise UserError(f"cannot draw an input with prior {prior!r}: only normal, "
                    "uniform(a, b) and categorical(k) inputs are sampled; pass "
                    "the others (images, captions) from a dataset")


def cross_replica_sum(share):
    """The global value of a per-replica share (a loss from `losses`, whose
    shares sum to the global-batch mean), the same on every replica; the
    value itself outside a strategy or on one replica."""
    return losses.replica_sum(share)


def replica_seed(seed_generator):
    """The next stateless seed of a `keras.random.SeedGenerator`, different
    on every replica: the generator's state is one mirrored variable, so
    every replica would otherwise draw the same numbers."""
    seed = tf.cast(seed_generator.next(), tf.int32)
    context = tf.distribute.get_replica_context()
    if context is not None:
        replica = tf.cast(context.replica_id_in_sync_group, tf.int32)
        seed = tf.random.experimental.stateless_fold_in(seed, replica)
    return seed


# The averaged generator's batch-norm statistics are re-estimated on this
# many batches of this many inputs (`AdversarialModel.recalibrate_ema`).
# Measured on dcgan's 9,372-step EMA G (benchmarks/ema_bn.py, RESULTS'
# fidelity section): FID 31.1 with the copied statistics, 29.5 / 29.2 / 29.3
# re-estimated on 1 / 4 / 16 batches (precision 0.457 -> 0.485 at 4), for
# 0.27 CPU-s per checkpoint at 4 batches.
EMA_BN_BATCHES = 4
EMA_BN_BATCH_SIZE = 256


def schedule_maker(make_schedule, player):
    """`player`'s schedule maker from `schedule_learning_rates`' argument:
    one maker for every player, or a dict of one per player."""
    return make_schedule[player] if isinstance(make_schedule, dict) else make_schedule


class AdversarialModel(keras.Model):
    """Base class of every GAN.

    Subclasses set `loss_names` (the losses `train_step` reports), create
    `self.generator` and `self.discriminator` in `__init__`, and implement
    `train_step`. A generator that takes more than noise declares its inputs
    in `generator_inputs` and reads them in `generate_from`.

    Args:
        image_shape: (height, width, channels) of generated images.
        latent_dim: size of the noise vector z.
        num_classes: number of classes for conditional models, else None.
        n_critic: discriminator steps per generator step.
        ema_decay: keep an exponential moving average of the generator's
            weights with this decay (e.g. 0.999) and sample, export and
            evaluate with it (Yazici et al. 2019; Karras et al. 2018); None
            or 0 turns it off. Models whose `supports_ema` is set.
        ema_start: start the EMA at this fraction of --steps, e.g. 0.67.
            Before it the average copies G at every update, so that it
            holds only late generators; None averages from the first update.
        ema_bn_recalibrate: with an EMA, re-estimate the averaged
            generator's batch-norm statistics on its own activations before
            every checkpoint (so sampling, export and evaluation use them):
            the mean of this many batches' moments, each of 256 inputs drawn
            from their priors; 0 copies the raw generator's statistics,
            which belong to other weights.
        total_steps: length of the run in generator steps, for `ema_start`;
            the trainer passes --steps to every model that supports an EMA.
        seed: seed of the training noise.
    """

    loss_names: tuple[str, ...] = ("d_loss", "g_loss")
    # Which players own an optimizer; `player_networks` maps each to networks.
    players: tuple[str, ...] = ("generator", "discriminator")
    # Constructor arguments of a parent class that a subclass fixes itself
    # (e.g. WGAN-GP has no clipping); they are not offered as flags.
    unused_hyperparameters: tuple[str, ...] = ()
    # What a hyperparameter added later (or whose default changed in a way
    # that changes the networks) was in runs saved before: a run whose
    # config.json / model.json lacks it is loaded and resumed with this
    # value, not today's default, so its checkpoint still fits.
    defaults_before: dict = {}
    # Whether sampling goes through `inference_generator`, so that an EMA of
    # the generator can stand in for it.
    supports_ema = False
    # What `generate_from` returns and how it is served and previewed:
    # `sample_kind` names one of `tfgan_zoo.samples.KINDS` (images, tokens,
    # series, pianoroll, video, voxels), whose served outputs, output specs,
    # parity output and preview every model of that kind shares; a model
    # only says its `sample_shape` when it is not `image_shape`. A model
    # that serves something else altogether (a domain-adapted classifier's
    # class probabilities) overrides `sample_shape`, `output_spec`,
    # `serving_outputs`, `output_docs`, `float_output` (the float output
    # that export parity is measured on) and sets `draws_images = False`
    # (no previews while training).
    sample_kind = "images"
    draws_images = True
    # How many examples `build_networks` runs the networks on (a model whose
    # D reads its batch in groups, as 3D-GAN's `--pack`, asks for whole ones).
    build_batch = 2

    @property
    def float_output(self):
        return sample_kind(self.sample_kind).float_output

    @property
    def output_docs(self):
        return sample_kind(self.sample_kind).output_docs

    # Constructor arguments that are paths (a trained text encoder, another
    # run): a run directory stores them relative to itself (rundir.run).
    path_hyperparameters: tuple[str, ...] = ()

    def __new__(cls, *args, **kwargs):
        # Every number a constructor takes is checked here, before any
        # __init__ uses it: learning rates, loss weights, clip values, ...
        # by name (`tfgan_zoo.checks`), whatever the model.
        check_values(kwargs, constructor_defaults(cls))
        instance = super().__new__(cls, *args, **kwargs)
        # GAN constructors are keyword-only, so the keywords are the config.
        object.__setattr__(instance, "_hyperparameters", dict(kwargs))
        return instance

    def get_config(self):
        return {"name": self.name, **self._hyperparameters}

    def __init__(self, *, image_shape=(28, 28, 1), latent_dim=100,
                 num_classes=None, n_critic=1, ema_decay=None, ema_start=None,
                 ema_bn_recalibrate=EMA_BN_BATCHES, total_steps=None, seed=None, name=None,
                 **kwargs):
        super().__init__(name=name, **kwargs)
        if n_critic < 1:
            raise UserError(f"n_critic must be at least 1, got {n_critic}")
        if ema_decay and not (self.supports_ema and 0 < float(ema_decay) < 1):
            raise UserError(f"--ema-decay must be in (0, 1) (e.g. 0.999) or 0 to turn it off, "
                            f"and {type(self).__name__} must support it; got {ema_decay}")
        self.ema_decay = float(ema_decay) if ema_decay else None
        if ema_start is not None and not (self.ema_decay and is_number(ema_start)
                                          and 0 <= ema_start < 1):
            raise UserError(f"--ema-start is a fraction of the run in [0, 1) and needs "
                            f"--ema-decay (e.g. --ema-decay 0.99 --ema-start 0.67); got "
                            f"ema_start {ema_start!r}, ema_decay {ema_decay!r}")
        self.ema_start = None if ema_start is None else float(ema_start)
        # The noise-to-image and StackGAN bases check it against their
        # `decay_after` (`optimizers.decay_settings`) and keep the checked value.
        self.total_steps = run_length(total_steps)
        self.ema_bn_recalibrate = int(ema_bn_recalibrate)
        # True while `recalibrate_ema` runs the averaged generator in
        # training mode (`inference_generator`).
        self._calibrating = False
        self.image_shape = tuple(int(d) for d in image_shape)
        self.latent_dim = int(latent_dim)
        self.num_classes = None if num_classes is None else int(num_classes)
        self.n_critic = int(n_critic)
        self.seed = seed
        self.noise_seed = keras.random.SeedGenerator(seed)
        self.trackers = {n: keras.metrics.Mean(name=n) for n in self.loss_names}

    # ------------------------------------------------------------------ setup
    def compile(self, *, g_optimizer, d_optimizer, jit_compile=False,
                steps_per_execution=1, **player_optimizers):
        """Give each player its optimizer: `g_optimizer`, `d_optimizer`, and
        `<player>_optimizer` for any extra player named in `players`."""
        # No single `optimizer`: Keras would otherwise build one over all
        # weights and checkpoint a useless copy.
        super().compile(optimizer=None, jit_compile=jit_compile,
                        steps_per_execution=steps_per_execution)
        given = {"generator": g_optimizer, "discriminator": d_optimizer}
        for player in self.players:
            if player not in given:
                given[player] = player_optimizers.pop(f"{player}_optimizer")
        if player_optimizers:
            raise UserError(f"unexpected optimizers {sorted(player_optimizers)}"
                            f" for {type(self).__name__}")
        self._set_optimizers(given)
        # A model that decays its learning rates linearly over the end of the
        # run sets `decay_after` (a fraction) and `total_steps` (--steps), and
        # may set `decay_floor_fraction` (the decay's end, a fraction of each rate),
        # and either one per player (`player_decay_after`, `player_decay_floor`).
        if getattr(self, "decay_after", None) is not None and getattr(self, "total_steps", None):
            floor = getattr(self, "decay_floor_fraction", 0.0)
            self.schedule_learning_rates({
                player: linear_decay(self.total_steps,
                                     self.player_decay_after.get(player, self.decay_after),
                                     self.player_decay_floor.get(player, floor))
                for player in self.players})

    def _set_optimizers(self, optimizers):
        self.player_optimizers = optimizers
        self.g_optimizer = optimizers["generator"]
        self.d_optimizer = optimizers["discriminator"]
        # Checkpoints see attributes, not the dict's values: an extra
        # player's optimizer (BicycleGAN's encoder, ...) is one too.
        for player in self.players[2:]:
            setattr(self, f"{player}_optimizer", optimizers[player])

    def updates_per_step(self, player):
        """Optimizer updates `player` makes per generator step (for schedules)."""
        return self.n_critic if player == "discriminator" else 1

    # The players whose rates `schedule_learning_rates` schedules (None:
    # every player); a model may name fewer (noise-to-image's decay shape).
    decayed_players = None
    # A player's own start (a fraction of the run) or floor (a fraction of
    # its rate) of the `decay_after` decay, {player: value}; a player not
    # named has the model's `decay_after` / `decay_floor_fraction`.
    player_decay_after = {}
    player_decay_floor = {}

    def schedule_learning_rates(self, make_schedule):
        """After `compile`: every player's optimizer becomes a fresh copy
        whose learning rate is `make_schedule(lr0, updates_per_step)`, lr0
        its constant rate (`tfgan_zoo.optimizers.linear_decay`, DANN's
        `AnnealedDecay`). A schedule counts optimizer updates, so a player
        updated n_critic times a generator step gets a schedule n_critic
        times as long. `make_schedule` may be a dict of one per player (the
        core's decay with a player's own start or floor). A player left out
        of `decayed_players` keeps lr0 as a `ConstantRate` schedule, so that
        its optimizer checkpoints the variables a scheduled one does (a run
        resumes with either shape)."""
        def schedule(player, optimizer):
            rate = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
            if self.decayed_players is None or player in self.decayed_players:
                return schedule_maker(make_schedule, player)(rate, self.updates_per_step(player))
            return ConstantRate(rate)
        self._set_optimizers({player: with_learning_rate(optimizer, schedule(player, optimizer))
                              for player, optimizer in self.player_optimizers.items()})

    @contextlib.contextmanager
    def other_rate_layout(self, players):
        """For the duration, built optimizers whose learning rate is the other
        kind (`optimizers.with_other_rate_layout`) stand in for `players`'
        own, so that a checkpoint of a run with a decay reads into a run
        without one, and the other way round (`rundir.checkpoint`). On a
        normal exit their state (update counts, slots) is copied into the
        model's own optimizers, which are back either way."""
        own = dict(self.player_optimizers)
        others = {player: with_other_rate_layout(own[player]) for player in players}
        for player, optimizer in others.items():
            optimizer.build(self.player_variables(player))
        self._set_optimizers({**own, **others})
        try:
            yield
        finally:
            self._set_optimizers(own)
        for player, optimizer in others.items():
            copy_optimizer_state(optimizer, own[player])

    def player_networks(self):
        """Map each player to the networks its optimizer updates."""
        return {"generator": [self.generator],
                "discriminator": [self.discriminator]}

    def player_variables(self, player):
        return [v for net in self.player_networks()[player]
                for v in net.trainable_variables]

    def build_for_training(self):
        """Create every weight and optimizer slot. Call inside strategy scope."""
        self.build_networks()
        for player, optimizer in self.player_optimizers.items():
            optimizer.build(self.player_variables(player))
        self.built = True

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Keras's pre-fit symbolic build reduces the first batch across
        # replicas, which fails under MultiWorkerMirroredStrategy when the
        # batch is a tuple such as (images, labels) ("Attempt to convert a
        # value (PerReplica...) to a Tensor", Keras 3.15). A model built by
        # `build_for_training` has nothing left for it to build.
        if not self.built:
            super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    def build_networks(self):
        """Create all weights by running the networks once on example input."""
        inputs = {k: tf.convert_to_tensor(v)
                  for k, v in self.example_inputs(self.build_batch, seed=0).items()}
        fake = self.generate_from(inputs)
        self.discriminate(fake, inputs)
        self.build_ema()
        self.built = True

    # --------------------------------------------------------- generator EMA
    def build_ema(self):
        """The averaged generator, a frozen copy that starts equal to it, and
        `ema_start_step`, the last generator update it copies (`ema_start`)."""
        if self.ema_decay and getattr(self, "generator_ema", None) is None:
            if self.ema_start is not None and not self.total_steps:
                raise UserError("ema_start needs the run's length: pass total_steps "
                                "(the trainer passes --steps)")
            self.ema_start_step = int((self.ema_start or 0) * (self.total_steps or 0))
            self.generator_ema = keras.models.clone_model(self.generator)
            self.generator_ema.set_weights(self.generator.get_weights())
            self.generator_ema.trainable = False

    def update_ema(self):
        """w_ema <- d w_ema + (1 - d) w after each generator update; batch
        norm's statistics are copied as they are. Until the update
        `ema_start_step` d is 0, a copy: the count is the G optimizer's,
        which a checkpoint restores, so a resumed run goes on averaging."""
        decay = self.ema_decay
        if self.ema_start_step:
            late = self.g_optimizer.iterations > self.ema_start_step
            decay = tf.where(late, decay, 0.0)
        for average, weight in zip(self.generator_ema.weights, self.generator.weights):
            value = tf.cast(weight, average.dtype)
            average.assign(decay * average + (1.0 - decay) * value
                           if weight.trainable else value)

    def inference_generator(self, training=False):
        """The network that generates: the averaged one outside training
        once it is built (and while its statistics are re-estimated), else
        the generator."""
        if (self.ema_decay and (not training or self._calibrating)
                and getattr(self, "generator_ema", None)):
            return self.generator_ema
        return self.generator

    def calibration_batches(self, count, batch_size=EMA_BN_BATCH_SIZE, seed=0):
        """`count` batches of generator inputs drawn with numpy's generator
        at `seed` (the training noise is not touched): each input with a
        prior from it, the others from `calibration_draws`; None when an
        input has neither (an image, a caption the model cannot draw)."""
        inputs = self.generator_inputs()
        rng = np.random.default_rng(seed)
        batches = []
        for _ in range(count):
            batch = {name: draw_prior(spec.prior, (batch_size, *spec.shape), rng)
                     for name, spec in inputs.items() if spec.prior is not None}
            batch.update(self.calibration_draws(batch_size, rng))
            if any(name not in batch for name in inputs):
                return None
            batches.append({name: tf.constant(value) for name, value in batch.items()})
        return batches

    def calibration_draws(self, batch_size, rng):
        """For `calibration_batches`: the generator inputs that have no prior
        (and any training-time noise the generator takes besides them),
        drawn with `rng` as training would see them; none by default."""
        return {}

    def recalibrate_ema(self, batches=None):
        """Re-estimate the averaged generator's batch-norm statistics on its
        own activations: each moving mean and variance becomes the mean of
        its batch moments over `batches` (default `ema_bn_recalibrate`)
        training-mode passes of `calibration_batches`, as SWA's update_bn
        does (Izmailov et al. 2018). The EMA copies the raw generator's
        statistics, which were measured on other weights. Deterministic
        (fixed inputs), so a checkpoint's statistics are a function of its
        averaged weights; the trainer calls it before every checkpoint, and
        the next EMA update overwrites the statistics again, so training
        itself is unchanged. Returns whether anything was re-estimated."""
        batches = self.ema_bn_recalibrate if batches is None else int(batches)
        network = getattr(self, "generator_ema", None)
        if not (self.ema_decay and network is not None and batches > 0):
            return False
        norms = [layer for layer in network._flatten_layers(include_self=False)
                 if isinstance(layer, keras.layers.BatchNormalization)]
        inputs = self.calibration_batches(batches) if norms else None
        if inputs is None:
            return False
        saved = [(layer.momentum, layer.trainable) for layer in norms]
        sums = [[tf.zeros_like(layer.moving_mean), tf.zeros_like(layer.moving_variance)]
                for layer in norms]
        noise_state = tf.identity(self.noise_seed.state.value)
        self._calibrating = True
        try:
            for layer in norms:  # momentum 0: the moving values are the batch's
                layer.momentum, layer.trainable = 0.0, True
            for batch in inputs:
                self.generate_from(batch, training=True)
                for total, layer in zip(sums, norms):
                    total[0] += layer.moving_mean
                    total[1] += layer.moving_variance
            for (mean, variance), layer in zip(sums, norms):
                layer.moving_mean.assign(mean / batches)
                layer.moving_variance.assign(variance / batches)
        finally:
            self._calibrating = False
            for layer, (momentum, trainable) in zip(norms, saved):
                layer.momentum, layer.trainable = momentum, trainable
            self.noise_seed.state.assign(noise_state)
        return True

    # ------------------------------------------------------- generator inputs
    def generator_inputs(self):
        """The generator's named inputs, {name: `Input`}: the one table that
        sampling, sample grids, export signatures and the LiteRT view read."""
        return {"z": Input.noise(self.latent_dim)}

    def generator_input_spec(self, batch_size=None):
        """Named `tf.TensorSpec`s of the generator's inputs, as served."""
        return {k: v.spec(k, batch_size) for k, v in self.generator_inputs().items()}

    def example_inputs(self, n, seed=0):
        """A fixed batch of generator inputs (numpy), e.g. for sample grids."""
        return {k: v.example(n, seed) for k, v in self.generator_inputs().items()}

    def generate_from(self, inputs, training=False):
        """Images in [-1, 1] from a dict of named generator inputs."""
        return self.generate(inputs["z"], training=training)

    def generate(self, z, labels=None, training=False):
        """Images in [-1, 1], float32, NHWC."""
        return tf.cast(self.inference_generator(training)(z, training=training), tf.float32)

    def discriminate(self, images, inputs=None, training=False):
        """Discriminator output for images (conditional models use `inputs`)."""
        return self.discriminator(images, training=training)

    # ----------------------------------------------------- what is served
    @property
    def sample_shape(self):
        """Per-example shape of what `generate_from` returns."""
        return self.image_shape

    @property
    def draws_previews(self):
        """Whether the trainer writes previews of samples: every generator
        (an image grid, a text, plots, a GIF, ...), not a classifier."""
        return self.draws_images or self.sample_kind != "images"

    def preview_info(self):
        """What this model's preview needs beyond the samples (a token
        model's vocabulary, a piano-roll's lowest pitch)."""
        return {}

    def output_spec(self, batch_size=None):
        """Named `tf.TensorSpec`s of every served function's outputs."""
        return sample_kind(self.sample_kind).output_spec(self.sample_shape, batch_size)

    def serving_outputs(self, result):
        """The served outputs (`output_spec`) of a `generate_from` result."""
        return sample_kind(self.sample_kind).outputs(result)

    def export_networks(self):
        """The networks an exported generator needs (not the discriminator)."""
        return [self.inference_generator()]

    def export_endpoints(self, batch_size=None):
        """SavedModel signatures beyond serving_default, sample and
        interpolate (a list of `tfgan_zoo.export.saved_model.Endpoint`)."""
        return []

    def card_notes(self):
        """{topic: sentence} that the model card should say about this model
        (what a term defaults to, what the phone model takes, ...)."""
        return {}

    def lite_networks(self):
        """The networks a LiteRT model needs (a text model leaves its string
        tokenizer and text encoder to the server)."""
        return self.export_networks()

    def call(self, inputs, training=False):
        if not isinstance(inputs, dict):
            inputs = {"z": inputs}
        return self.generate_from(inputs, training=training)

    def sample(self, num, seed=0, **inputs):
        """Generate `num` images as a numpy array in [-1, 1].

        Named inputs (e.g. `labels=`) override the example inputs."""
        batch = self.example_inputs(num, seed=seed)
        batch.update(inputs)
        batch = {k: tf.convert_to_tensor(v) for k, v in batch.items()}
        return self.generate_from(batch).numpy()

    # ------------------------------------------------ helpers for train_step
    def unpack(self, data):
        """Split a dataset element into (images, labels or None)."""
        if isinstance(data, (tuple, list)):
            return data[0], data[1]
        return data, None

    def critic_batches(self, *tensors):
        """Split the step's data into `n_critic` fresh batches, one for each
        discriminator update (the trainer feeds n_critic batches per step)."""
        if self.n_critic == 1:
            return [tensors]
        splits = [tf.split(t, self.n_critic) if t is not None
                  else [None] * self.n_critic for t in tensors]
        return list(zip(*splits))

    def next_seed(self):
        """A fresh stateless seed, different on every replica."""
        return replica_seed(self.noise_seed)

    def sample_noise(self, batch_size):
        """z ~ N(0, I), seeded, and different on every replica."""
        return tf.random.stateless_normal([batch_size, self.latent_dim],
                                          self.next_seed())

    def minimax_discriminator_step(self, real, fake):
        """One update of D: maximise log D(x) + log(1 - D(G(.))) on a real
        and a fake batch (Goodfellow et al. 2014, eq. 1). Returns D's loss."""
        with tf.GradientTape() as tape:
            d_loss = losses.minimax_discriminator_loss(
                self.discriminator(real, training=True),
                self.discriminator(fake, training=True))
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        return d_loss

    def minimize(self, optimizer, tape, loss, networks):
        """One optimizer step on `loss` for the weights of `networks`.

        Under mixed float16 the optimizer is a LossScaleOptimizer: seeding the
        backward pass with the loss scale equals differentiating the scaled
        loss, and `apply_gradients` unscales and skips non-finite steps. For
        a plain optimizer the scale is 1."""
        if not isinstance(networks, (list, tuple)):
            networks = [networks]
        variables = [v for net in networks for v in net.trainable_variables]
        scale = optimizer.scale_loss(tf.ones_like(loss))
        grads = tape.gradient(loss, variables, output_gradients=scale)
        optimizer.apply_gradients(zip(grads, variables))
        if self.ema_decay and optimizer is self.g_optimizer:
            self.update_ema()

    def minimize_if(self, condition, optimizer, tape, loss, networks):
        """`minimize`, but only where the scalar bool `condition` holds: a
        skipped step leaves the weights, the optimizer's moments and its
        step count as they were (3D-GAN updates D only while its accuracy is
        at most 80 %). `condition` must be the same on every replica (reduce
        it with `cross_replica_sum`). Under several replicas the branch runs
        in cross-replica context, as Keras's LossScaleOptimizer does:
        `apply_gradients` merges across replicas, which a cond inside one
        replica may not."""
        if not isinstance(networks, (list, tuple)):
            networks = [networks]
        variables = [v for net in networks for v in net.trainable_variables]
        scale = optimizer.scale_loss(tf.ones_like(loss))
        grads = tape.gradient(loss, variables, output_gradients=scale)

        def apply(grads):
            optimizer.apply_gradients(zip(grads, variables))

        context = tf.distribute.get_replica_context()
        if context is None or not tf.distribute.has_strategy():
            tf.cond(condition, lambda: apply(grads), lambda: None)
            return

        def cross_replica(strategy, condition, grads):
            first = strategy.experimental_local_results(condition)[0]
            tf.cond(first, lambda: strategy.extended.call_for_each_replica(
                apply, args=(grads,)), lambda: None)

        context.merge_call(cross_replica, args=(condition, grads))

    def track(self, **values):
        """Update the loss trackers; returns the logs for Keras.

        Values are global-batch averaged, i.e. each replica holds its share;
        scaling by the replica count makes every replica's tracker hold the
        full value, and Keras averages trackers across replicas. Logs are
        shape [1]: scalars break MultiWorkerMirrored's cross-worker reduction
        (tensorflow/tensorflow#72388)."""
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        for name, value in values.items():
            self.trackers[name].update_state(tf.cast(value, tf.float32) * replicas)
        return {name: tf.reshape(t.result(), [1])
                for name, t in self.trackers.items()}

    def shares(self, **values):
        """Values every replica holds in full (a balance term, a schedule's
        level of detail) as the per-replica shares `track` expects."""
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        return {name: tf.cast(value, tf.float32) / replicas for name, value in values.items()}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def train_step(self, data):  # pragma: no cover - every GAN overrides it
        raise NotImplementedError(f"{type(self).__name__} must define train_step")


class ConditionalModel(AdversarialModel):
    """An `AdversarialModel` whose generator also takes a class label."""

    def __init__(self, *, num_classes=10, **kwargs):
        if num_classes is None or num_classes < 2:
            raise UserError("a conditional model needs a labelled dataset with at "
                            f"least 2 classes, got num_classes={num_classes}")
        super().__init__(num_classes=num_classes, **kwargs)

    def generator_inputs(self):
        return {**super().generator_inputs(), "label": Input.label(self.num_classes)}

    def generate_from(self, inputs, training=False):
        return self.generate(inputs["z"], inputs["label"], training=training)

    def generate(self, z, labels=None, training=False):
        labels = tf.cast(labels, tf.int32)
        return tf.cast(self.inference_generator(training)([z, labels], training=training),
                       tf.float32)

    def discriminate(self, images, inputs=None, training=False):
        labels = inputs["label"] if isinstance(inputs, dict) else inputs
        return self.discriminator([images, tf.cast(labels, tf.int32)],
                                  training=training)

    def sample(self, num, seed=0, labels=None, **inputs):
        if labels is not None:
            inputs["label"] = np.asarray(labels, dtype="int32")
        return super().sample(num, seed=seed, **inputs)

    def unpack(self, data):
        images, labels = super().unpack(data)
        if labels is None:
            raise UserError(f"{type(self).__name__} is conditional and needs a "
                            "labelled dataset (e.g. mnist5k or a folder with "
                            "one sub-folder per class)")
        return images, labels
