"""Optimizers of a run: one per player, and learning-rate schedules.

- `make_optimizer`: Adam, RMSProp, SGD with momentum or plain gradient
  descent by name, wrapped for
  float16 loss scaling where the run is mixed float16.
- `LinearDecay`: constant, then linearly to zero (CycleGAN sec. 4) or to
  a floor;
  `linear_decay` installs it on every player
  (`AdversarialModel.schedule_learning_rates`).
- `AnnealedDecay`: lr0 / (1 + alpha p)^beta over training progress p
  (DANN sec. 5.2.2).
- `with_learning_rate`: a fresh copy of an optimizer with a new schedule.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tfgan_zoo.errors import UserError

OPTIMIZERS = ("adam", "rmsprop", "sgd", "gd")
# SGD's momentum: the value of DANN (Ganin et al. 2016, sec. 5.2.2).
SGD_MOMENTUM = 0.9


def make_optimizer(kind, learning_rate, *, beta_1=0.5, beta_2=0.999, mixed_precision="none"):
    """Adam(learning_rate, beta_1, beta_2), RMSprop(learning_rate),
    SGD(learning_rate, momentum 0.9) or "gd", plain gradient descent (no
    momentum: RCGAN's discriminator); under mixed float16 wrapped in a
    LossScaleOptimizer (bfloat16 has float32's range and needs no loss
    scaling)."""
    if kind == "adam":
        opt = keras.optimizers.Adam(learning_rate, beta_1=beta_1, beta_2=beta_2)
    elif kind == "rmsprop":
        opt = keras.optimizers.RMSprop(learning_rate)
    elif kind == "sgd":
        opt = keras.optimizers.SGD(learning_rate, momentum=SGD_MOMENTUM)
    elif kind == "gd":
        opt = keras.optimizers.SGD(learning_rate, momentum=0.0)
    else:
        raise UserError(f"unknown optimizer '{kind}': choose {', '.join(OPTIMIZERS)}")
    if mixed_precision == "float16":
        opt = keras.optimizers.LossScaleOptimizer(opt)
    return opt


# ---------------------------------------------------------- learning rate
@keras.saving.register_keras_serializable("tfgan_zoo")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Constant `initial_learning_rate` for `decay_start` updates, then a
    straight line to `floor` times it at `total_steps` (and that after).

        lr(t) = lr0 * (floor + (1 - floor) * (1 - max(0, t - decay_start) / (total_steps - decay_start)))

    CycleGAN (Zhu et al. 2017, sec. 4) keeps 2e-4 for the first half of
    training and decays it linearly to zero (floor 0, the default) over
    the second half."""

    def __init__(self, initial_learning_rate, total_steps, decay_start, floor=0.0):
        if not 0 <= decay_start < total_steps:
            raise UserError(f"the learning-rate decay must start inside the run "
                            f"(0 <= decay_start < total_steps), got decay_start="
                            f"{decay_start}, total_steps={total_steps}")
        if not 0 <= float(floor) < 1:
            raise UserError(f"the learning-rate decay's floor is a fraction of the rate in "
                            f"[0, 1), got {floor}: pass e.g. --decay-floor-fraction 0.1")
        self.initial_learning_rate = float(initial_learning_rate)
        self.total_steps = int(total_steps)
        self.decay_start = int(decay_start)
        self.floor = float(floor)

    def __call__(self, step):
        step = tf.cast(step, tf.float32)
        decayed = tf.maximum(0.0, step - self.decay_start)
        fraction = decayed / float(self.total_steps - self.decay_start)
        left = tf.maximum(0.0, 1.0 - fraction)
        return self.initial_learning_rate * (self.floor + (1.0 - self.floor) * left)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "total_steps": self.total_steps, "decay_start": self.decay_start,
                "floor": self.floor}


@keras.saving.register_keras_serializable("tfgan_zoo")
class ConstantRate(keras.optimizers.schedules.LearningRateSchedule):
    """`learning_rate` at every update: a constant rate as a schedule, so
    that its optimizer checkpoints the same variables as a scheduled one
    (a player left out of a decay resumes from a run that decayed it)."""

    def __init__(self, learning_rate):
        self.learning_rate = float(learning_rate)

    def __call__(self, step):
        return tf.constant(self.learning_rate, tf.float32)

    def get_config(self):
        return {"learning_rate": self.learning_rate}


def decay_fraction(decay_after):
    """`decay_after` checked: None (no decay) or a fraction of the run in [0, 1)."""
    if decay_after is None:
        return None
    if not 0 <= float(decay_after) < 1:
        raise UserError(f"decay_after is a fraction of the run in [0, 1), "
                        f"got {decay_after}: pass e.g. --decay-after 0.5")
    return float(decay_after)


def run_length(total_steps):
    """`total_steps` checked: None or a positive integer (the trainer passes --steps)."""
    if total_steps is not None and int(total_steps) < 1:
        raise UserError(f"total_steps must be a positive integer, got {total_steps}")
    return None if total_steps is None else int(total_steps)


def decay_settings(decay_after, total_steps):
    """(decay_after, total_steps) checked, for a model whose rates may decay
    linearly over the end of the run: the decay needs the run's length."""
    fraction, steps = decay_fraction(decay_after), run_length(total_steps)
    if fraction is not None and steps is None:
        raise UserError("decay_after needs the run's length: pass total_steps "
                        "(the trainer passes --steps)")
    return fraction, steps


def decay_start(total_steps, decay_after, updates_per_step=1):
    """The update a `linear_decay` of a run of `total_steps` generator steps
    starts at, for a player updated `updates_per_step` times a step."""
    return int(decay_after * total_steps) * updates_per_step


def linear_decay(total_steps, decay_after, floor=0.0):
    """For `AdversarialModel.schedule_learning_rates`: every learning rate
    constant for the first `decay_after` of a run of `total_steps`
    generator steps, then linearly to 0 (or to `floor` times the rate;
    `LinearDecay`), counted in each player's own updates."""
    def make(learning_rate, updates_per_step):
        return LinearDecay(learning_rate, total_steps * updates_per_step,
                           decay_start(total_steps, decay_after, updates_per_step), floor)
    return make


@keras.saving.register_keras_serializable("tfgan_zoo")
class AnnealedDecay(keras.optimizers.schedules.LearningRateSchedule):
    """The annealing of DANN (Ganin et al. 2016, sec. 5.2.2):

        lr(t) = lr0 / (1 + alpha p)^beta,  p = min(t / total_steps, 1)

    with alpha = 10 and beta = 0.75 in the paper, where lr0 = 0.01."""

    def __init__(self, initial_learning_rate, total_steps, alpha=10.0, beta=0.75):
        if int(total_steps) < 1:
            raise UserError(f"the annealed learning rate needs total_steps >= 1, got "
                            f"{total_steps}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.total_steps = int(total_steps)
        self.alpha, self.beta = float(alpha), float(beta)

    def __call__(self, step):
        p = tf.minimum(tf.cast(step, tf.float32) / float(self.total_steps), 1.0)
        return self.initial_learning_rate / (1.0 + self.alpha * p) ** self.beta

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "total_steps": self.total_steps, "alpha": self.alpha, "beta": self.beta}


def with_learning_rate(optimizer, learning_rate):
    """A new, unbuilt copy of `optimizer` (a LossScaleOptimizer's inner one
    too) with `learning_rate`, e.g. a schedule. Setting a schedule on an
    existing optimizer would drop its learning-rate variable from a list
    that TF checkpoints require to be append-only."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        config = optimizer.get_config()
        return keras.optimizers.LossScaleOptimizer(
            with_learning_rate(optimizer.inner_optimizer, learning_rate),
            initial_scale=config["initial_scale"],
            dynamic_growth_steps=config["dynamic_growth_steps"])
    return type(optimizer).from_config({**optimizer.get_config(),
                                        "learning_rate": learning_rate})


def _rate_holder(optimizer):
    """The optimizer that owns the learning rate (a LossScaleOptimizer's inner one)."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer.inner_optimizer
    return optimizer


def with_other_rate_layout(optimizer):
    """An unbuilt copy of `optimizer` whose checkpoint has the other layout:
    a constant rate (which Keras keeps as a variable, checkpointed among the
    optimizer's variables) becomes a `ConstantRate` schedule (no variable),
    and a schedule becomes its rate at update 0 as a constant. A checkpoint
    written by a run with a decay reads into the first, one written without
    into the second."""
    rate = _rate_holder(optimizer)._learning_rate
    if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
        return with_learning_rate(optimizer, float(rate(0)))
    return with_learning_rate(optimizer, ConstantRate(float(rate.numpy())))


def copy_optimizer_state(source, target):
    """Assign `source`'s state (update count, slots, loss-scale state) to
    `target`, an optimizer of the same kind over the same variables whose
    learning rate may be the other kind: the learning-rate variable one of
    them has is left out, so the new run's rate or schedule stands."""
    def state(optimizer):
        rate = _rate_holder(optimizer)._learning_rate
        return [v for v in optimizer.variables if v is not rate]
    pairs = list(zip(state(source), state(target), strict=True))
    for a, b in pairs:
        if tuple(a.shape) != tuple(b.shape):
            raise ValueError(f"optimizer state {a.path} {tuple(a.shape)} does not fit "
                             f"{b.path} {tuple(b.shape)}")
    for a, b in pairs:
        b.assign(a)
