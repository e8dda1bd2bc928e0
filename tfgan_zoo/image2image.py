"""The image-to-image foundation: base models and the pieces several of them share.

An image-to-image GAN translates a source image x (domain A) into a target
image y (domain B). Every such model in the zoo extends one of two bases:

- `ImageToImageModel`: paired data, where each source comes with its target
  (pix2pix, BicycleGAN, SRGAN, Context Encoder). `self.generator` maps A -> B
  and `self.discriminator` judges B (or an (A, B) pair, see `discriminate`).
- `UnpairedImageToImageModel`: two unaligned collections (CycleGAN, DualGAN,
  DiscoGAN, MUNIT). It adds `generator_ba` (B -> A) and `discriminator_a`;
  the players are {generator: [G_AB, G_BA], discriminator: [D_A, D_B]}.

Data contract (see `tfgan_zoo.data_image2image`): every batch is a pair
`(source, target)` of float32 NHWC images in [-1, 1]; for unpaired data the
two halves are drawn independently. `Data.image_shape` is the target shape
(the trainer's `image_shape`) and `Data.model_args` carries the data-implied
constructor arguments `input_shape` (the source shape) and `paired`.

Generator inputs, as sampled, served and exported: `{"image": float32
[None, H, W, C_in] in [-1, 1]}` (`export_endpoints` adds `serving_uint8`,
the same with uint8 pixels, and for unpaired models `translate_back`, B -> A) (plus `z` for models with `uses_latent`,
e.g. MUNIT's style or BicycleGAN's z; those override the spec, example
inputs and `generate_from`). `latent_dim` defaults to 0, which the export
layer reads as "no `sample`/`interpolate` signatures".

Shared pieces:

- `ImagePool`: the 50-image history of generated images a discriminator is
  updated on (Shrivastava et al. 2017, sec. 2.3; CycleGAN sec. 4), a layer
  whose buffer is per replica and checkpointed.
- `LinearDecay`: a serializable learning-rate schedule, constant and then
  linearly to zero (CycleGAN sec. 4: 100 epochs at 2e-4, 100 decaying).
  Models take `total_steps` (filled in by the trainer from `--steps`) and
  `decay_after`, the fraction of the run before the decay starts.
- `l1_loss`: per-example mean absolute error, the reconstruction term of
  pix2pix (eq. 3), CycleGAN's cycle and identity losses (eq. 2, sec. 5.2),
  DualGAN and DiscoGAN; `squared_error_loss` for MSE-style terms.

Constructor arguments the trainer derives rather than exposes as flags are
listed in `derived_arguments`, and hidden from the command line through
`unused_hyperparameters` (a subclass using `latent_dim` or `n_critic` drops
them from that tuple). The trainer passes `total_steps` (= --steps) because
`takes_total_steps` is set.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
import keras

from tfgan_zoo import losses
from tfgan_zoo.core import AdversarialModel
from tfgan_zoo.errors import UserError


# ------------------------------------------------------------------ losses
def l1_loss(prediction, target, *, reduce=tf.reduce_mean):
    """Mean absolute error per example, then `reduce` over the batch.

        L1 = E |target - prediction|_1   (pix2pix eq. 3, CycleGAN eq. 2)

    Use it for reconstruction, cycle-consistency and identity terms; the
    caller multiplies by lambda."""
    diff = tf.abs(tf.cast(target, tf.float32) - tf.cast(prediction, tf.float32))
    return reduce(losses._per_example(diff))


def squared_error_loss(prediction, target, *, reduce=tf.reduce_mean):
    """Mean squared error per example, then `reduce` over the batch."""
    diff = tf.cast(target, tf.float32) - tf.cast(prediction, tf.float32)
    return reduce(losses._per_example(tf.square(diff)))


# ---------------------------------------------------------- learning rate
@keras.saving.register_keras_serializable("tfgan_zoo")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Constant `initial_learning_rate` for `decay_start` updates, then a
    straight line to 0 at `total_steps` (and 0 after).

        lr(t) = lr0 * (1 - max(0, t - decay_start) / (total_steps - decay_start))

    CycleGAN (Zhu et al. 2017, sec. 4) keeps 2e-4 for the first half of
    training and decays it linearly to zero over the second half."""

    def __init__(self, initial_learning_rate, total_steps, decay_start):
        if not 0 <= decay_start < total_steps:
            raise UserError(f"the learning-rate decay must start inside the run "
                            f"(0 <= decay_start < total_steps), got decay_start="
                            f"{decay_start}, total_steps={total_steps}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.total_steps = int(total_steps)
        self.decay_start = int(decay_start)

    def __call__(self, step):
        step = tf.cast(step, tf.float32)
        decayed = tf.maximum(0.0, step - self.decay_start)
        fraction = decayed / float(self.total_steps - self.decay_start)
        return self.initial_learning_rate * tf.maximum(0.0, 1.0 - fraction)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "total_steps": self.total_steps, "decay_start": self.decay_start}


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


# -------------------------------------------------------------- image pool
@keras.saving.register_keras_serializable("tfgan_zoo")
class ImagePool(keras.layers.Layer):
    """History of generated images for the discriminator (Shrivastava et al.
    2017, "Learning from Simulated and Unsupervised Images through Adversarial
    Training", sec. 2.3; CycleGAN sec. 4 with a pool of 50).

    `pool(images, seed)` returns a batch for the discriminator. While the
    pool is filling, every image is stored and returned as is. Once it is
    full, each image is, with probability 1/2, swapped with a uniformly drawn
    stored image (the stored one is returned, the new one takes its place),
    and otherwise returned as is. Images are processed one after another, as
    in the reference implementation, so a batch behaves like that many
    batch-1 queries.

    The buffer and its fill count are non-trainable variables synchronised
    on read: under tf.distribute each replica keeps the history of its own
    fakes, and a checkpoint stores the first replica's history (restored to
    every replica). Random choices are stateless draws from `seed` (the
    model's `next_seed()`, which differs per replica), so the pool works
    inside tf.function, XLA and MirroredStrategy. `size=0` disables it.
    """

    def __init__(self, image_shape, size=50, **kwargs):
        # A float32 buffer under any mixed-precision policy: with a float16
        # compute dtype Keras would autocast the buffer on read and the
        # swap's tf.where would mix float16 and float32.
        kwargs.setdefault("dtype", "float32")
        super().__init__(trainable=False, **kwargs)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.size = int(size)
        if self.size < 0:
            raise UserError(f"the image pool size must be >= 0, got {size}")
        if self.size:
            kw = dict(trainable=False, synchronization="on_read",
                      aggregation="only_first_replica")
            self.images = keras.Variable(
                np.zeros((self.size,) + self.image_shape, np.float32),
                dtype="float32", name="images", **kw)
            self.count = keras.Variable(0, dtype="int32", name="count", **kw)
        self.built = True

    def call(self, images, seed):
        if not self.size:
            return images
        images = tf.cast(images, tf.float32)
        n = tf.shape(images)[0]
        seed_swap, seed_pick = tf.unstack(
            tf.random.experimental.stateless_split(tf.cast(seed, tf.int32), 2))
        swap = tf.random.stateless_uniform([n], seed_swap) < 0.5
        pick = tf.random.stateless_uniform([n], seed_pick, 0, self.size, tf.int32)

        def query(i, buffer, count, out):
            image = images[i]
            filling = count < self.size
            index = tf.where(filling, count, pick[i])
            stored = buffer[index]
            give_stored = tf.logical_and(tf.logical_not(filling), swap[i])
            keep_new = tf.logical_or(filling, swap[i])
            buffer = tf.tensor_scatter_nd_update(
                buffer, [[index]], tf.where(keep_new, image, stored)[None])
            count = tf.where(filling, count + 1, count)
            return i + 1, buffer, count, out.write(i, tf.where(give_stored, stored, image))

        _, buffer, count, out = tf.while_loop(
            lambda i, *_: i < n, query,
            (tf.constant(0), tf.convert_to_tensor(self.images.value),
             tf.convert_to_tensor(self.count.value),
             tf.TensorArray(tf.float32, size=n, element_shape=self.image_shape)))
        self.images.assign(buffer)
        self.count.assign(count)
        # The pool holds past generator outputs: no gradient flows through it.
        return tf.stop_gradient(tf.ensure_shape(out.stack(), images.shape))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "image_shape": self.image_shape,
                "size": self.size}


# ------------------------------------------------------------- base models
def _image_outputs(shape, batch_size):
    images = [batch_size, *shape]
    return {"images": tf.TensorSpec(images, tf.uint8, name="images"),
            "images_float": tf.TensorSpec(images, tf.float32, name="images_float")}



def _shape(shape, what):
    try:
        shape = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        shape = ()
    if len(shape) != 3 or min(shape) <= 0:
        raise UserError(f"{what} must be (height, width, channels), got {shape!r}")
    return shape


class ImageToImageModel(AdversarialModel):
    """Base of paired image-to-image GANs: `generator` maps a source image
    (`input_shape`) to a target image (`image_shape`).

    Args:
        input_shape: (H, W, C) of source images; defaults to `image_shape`.
            The trainer takes it from the data (`Data.model_args`).
        paired: whether the data pairs each source with its target; models
            with `needs_pairs` refuse unpaired data. From the data.
        total_steps: length of the run in generator steps, for learning-rate
            schedules; the trainer passes `--steps`.
        decay_after: with `total_steps`, the fraction of the run after which
            every learning rate decays linearly to 0 (`LinearDecay`); None
            keeps them constant.
        latent_dim: size of a noise/style code; 0 (the default) for models
            that take none (`uses_latent = False`).
    """

    # Paired models cannot learn from independently drawn (source, target).
    needs_pairs = True
    # Whether the generator takes a latent code `z` besides the image.
    uses_latent = False
    # Filled in by the trainer from the data (`Data.model_args`) and the run
    # (`takes_total_steps`: --steps), so they are not offered as flags.
    derived_arguments = ("input_shape", "paired", "total_steps")
    takes_total_steps = True
    # Models without a latent code (and with one critic step) hide those flags;
    # subclasses that use them redefine this tuple.
    unused_hyperparameters = derived_arguments + ("latent_dim", "n_critic")

    def __init__(self, *, input_shape=None, paired=True, total_steps=None,
                 decay_after=None, latent_dim=0, **kwargs):
        super().__init__(latent_dim=latent_dim, **kwargs)
        name = type(self).__name__
        if latent_dim and not self.uses_latent:
            raise UserError(f"{name} takes no latent code z: leave --latent-dim at 0")
        self.image_shape = _shape(self.image_shape, "image_shape")
        self.input_shape = _shape(input_shape if input_shape is not None
                                  else self.image_shape, "input_shape")
        self.paired = bool(paired)
        if self.needs_pairs and not self.paired:
            raise UserError(f"{name} learns from paired images but the dataset is "
                            "unpaired: use a paired dataset (e.g. edges2photo, "
                            "paired:DIR) or an unpaired model such as cyclegan")
        if total_steps is not None and int(total_steps) < 1:
            raise UserError(f"total_steps must be a positive integer, got {total_steps}")
        self.total_steps = None if total_steps is None else int(total_steps)
        if decay_after is not None and not 0 <= float(decay_after) < 1:
            raise UserError(f"decay_after is a fraction of the run in [0, 1), "
                            f"got {decay_after}: pass e.g. --decay-after 0.5")
        self.decay_after = None if decay_after is None else float(decay_after)

    # ------------------------------------------------------------- setup
    def updates_per_step(self, player):
        """Optimizer updates `player` makes per generator step (for schedules)."""
        return self.n_critic if player == "discriminator" else 1

    def compile(self, **kwargs):
        super().compile(**kwargs)
        if self.total_steps is not None and self.decay_after is not None:
            for player, optimizer in list(self.player_optimizers.items()):
                per_step = self.updates_per_step(player)
                schedule = LinearDecay(
                    float(keras.ops.convert_to_numpy(optimizer.learning_rate)),
                    self.total_steps * per_step,
                    int(self.decay_after * self.total_steps) * per_step)
                self.player_optimizers[player] = with_learning_rate(optimizer, schedule)
            self.g_optimizer = self.player_optimizers["generator"]
            self.d_optimizer = self.player_optimizers["discriminator"]

    # --------------------------------------------------- generator inputs
    def generator_input_spec(self):
        return {"image": tf.TensorSpec([None, *self.input_shape], tf.float32,
                                       name="image")}

    def example_inputs(self, n, seed=0):
        """Random source images in [-1, 1] (a stand-in where no data is at hand;
        recipes show real held-out images in their reports)."""
        rng = np.random.default_rng(seed)
        return {"image": rng.uniform(-1, 1, (n, *self.input_shape)).astype("float32")}

    def example_data(self, n, seed=0):
        """A (source, target) training batch of random images, for tests."""
        rng = np.random.default_rng(seed)
        return (rng.uniform(-1, 1, (n, *self.input_shape)).astype("float32"),
                rng.uniform(-1, 1, (n, *self.image_shape)).astype("float32"))

    def generate_from(self, inputs, training=False):
        return self.translate(inputs["image"], training=training)

    def translate(self, images, training=False):
        """Source images -> target images in [-1, 1], float32 NHWC."""
        return tf.cast(self.generator(images, training=training), tf.float32)

    def generate(self, z, labels=None, training=False):
        raise UserError(f"{type(self).__name__} translates images: call "
                        "translate(images) or generate_from({'image': images})")

    # ------------------------------------------------------------- export
    def export_endpoints(self, batch_size=None):
        """`serving_uint8`: serving_default with `image` as uint8 pixels in
        0..255 (as decoded from a PNG or JPEG), scaled to [-1, 1] in the graph."""
        from tfgan_zoo.export.saved_model import Endpoint, serving_outputs
        spec = self.generator_input_spec()

        def from_uint8(inputs):
            inputs = dict(inputs, image=tf.cast(inputs["image"], tf.float32) / 127.5 - 1.0)
            return serving_outputs(self.generate_from(inputs, training=False))

        inputs = {k: tf.TensorSpec([batch_size, *v.shape[1:]],
                                   tf.uint8 if k == "image" else v.dtype, name=k)
                  for k, v in spec.items()}
        example = self.example_inputs(2, seed=0)
        example["image"] = np.rint((example["image"] + 1.0) * 127.5).astype(np.uint8)
        return [Endpoint("serving_uint8", from_uint8, inputs,
                         _image_outputs(self.image_shape, batch_size), example,
                         "as serving_default, with image as uint8 pixels in 0..255")]

    # ----------------------------------------------------------- training
    def unpack(self, data):
        """Split a batch into (source, target) images."""
        if (not isinstance(data, (tuple, list)) or len(data) != 2
                or data[1].shape.rank != 4 or data[0].shape.rank != 4):
            raise UserError(f"{type(self).__name__} trains on (source, target) image "
                            "pairs: use an image-to-image dataset (edges2photo, "
                            "photo2recolor, paired:DIR, unpaired:DIR, cycle_gan/NAME)")
        return data[0], data[1]


class UnpairedImageToImageModel(ImageToImageModel):
    """Base of two-way translation between unpaired domains A and B.

    Subclasses create `generator` (G_AB: A -> B), `generator_ba` (G_BA:
    B -> A), `discriminator` (D_B, judges domain B) and `discriminator_a`
    (D_A). Each player's optimizer updates both of its networks, as in the
    reference CycleGAN, which chains their parameters into one Adam.
    Export serves A -> B.
    """

    needs_pairs = False

    def player_networks(self):
        return {"generator": [self.generator, self.generator_ba],
                "discriminator": [self.discriminator_a, self.discriminator]}

    def export_networks(self):
        return [self.generator, self.generator_ba]

    def export_endpoints(self, batch_size=None):
        """Adds `translate_back`: float32 `image` of domain B in [-1, 1] ->
        domain-A `images` (uint8) and `images_float`, through G_BA."""
        from tfgan_zoo.export.saved_model import Endpoint, serving_outputs
        found = super().export_endpoints(batch_size)
        inputs = {"image": tf.TensorSpec([batch_size, *self.image_shape], tf.float32,
                                         name="image")}
        example = {"image": np.random.default_rng(0).uniform(
            -1, 1, (2, *self.image_shape)).astype("float32")}
        found.append(Endpoint(
            "translate_back",
            lambda x: serving_outputs(self.translate_back(x["image"], training=False)),
            inputs, _image_outputs(self.input_shape, batch_size), example,
            "image of domain B ([-1, 1]) -> images of domain A (the inverse "
            "generator G_BA)"))
        return found

    def translate_back(self, images, training=False):
        """Domain-B images -> domain A, float32 NHWC."""
        return tf.cast(self.generator_ba(images, training=training), tf.float32)

    def cycle(self, real_a, real_b, training=True):
        """Both translations and their way back: (fake_b, rec_a, fake_a,
        rec_b) = (G_AB(a), G_BA(G_AB(a)), G_BA(b), G_AB(G_BA(b)))."""
        fake_b = self.translate(real_a, training=training)
        fake_a = self.translate_back(real_b, training=training)
        return (fake_b, self.translate_back(fake_b, training=training),
                fake_a, self.translate(fake_a, training=training))

    def build_networks(self):
        source, target = (tf.convert_to_tensor(x) for x in self.example_data(2))
        self.discriminator(self.translate(source), training=False)
        self.discriminator_a(self.translate_back(target), training=False)
        self.built = True

    def cycle_error(self, source, target):
        """Mean |x - G_BA(G_AB(x))| over A and over B (images in [-1, 1]), a
        measure of how much each translation keeps (CycleGAN eq. 2)."""
        forward = l1_loss(self.translate_back(self.translate(source)), source)
        backward = l1_loss(self.translate(self.translate_back(target)), target)
        return float(forward), float(backward)


# ------------------------------------------------------------ measurement
def evaluate_translation(model, dataset, *, image_size=None, channels=None,
                         data_dir=None, split="test", num=None, batch_size=32,
                         y_channel=False, crop_border=0):
    """Translate the held-out pairs of `dataset` and measure the result.

    Returns (metrics, (sources, outputs, targets)) with numpy images in
    [-1, 1]. Metrics: `num_pairs`; PSNR, SSIM and MAE of outputs against
    targets when the split is paired (`tfgan_zoo.evaluation.image_metrics`;
    `y_channel`/`crop_border` give the super-resolution protocol); for
    unpaired models also the cycle-reconstruction L1 of both domains,
    |G_BA(G_AB(a)) - a| and |G_AB(G_BA(b)) - b| (`cycle_l1_a`, `cycle_l1_b`)."""
    from tfgan_zoo.data import load_dataset
    from tfgan_zoo.evaluation.metrics import image_metrics

    data = load_dataset(dataset, batch_size=batch_size, image_size=image_size,
                        channels=channels, data_dir=data_dir, split=split,
                        shuffle=False, repeat=False, drop_remainder=False, cache=False)
    sources, outputs, targets = [], [], []
    seen = 0
    for source, target in data.dataset:
        if num is not None and seen >= num:
            break
        sources.append(source.numpy())
        targets.append(target.numpy())
        outputs.append(model.translate(source, training=False).numpy())
        seen += len(source)
    sources, outputs, targets = (np.concatenate(x)[:num] for x in
                                 (sources, outputs, targets))
    metrics = {"dataset": dataset, "split": split, "num_pairs": int(len(sources))}
    if data.model_args.get("paired", True):
        metrics.update(image_metrics(outputs, targets, y_channel=y_channel,
                                     crop_border=crop_border))
    if isinstance(model, UnpairedImageToImageModel):
        cycle = [], []
        for i in range(0, len(sources), batch_size):
            a, b = sources[i:i + batch_size], targets[i:i + batch_size]
            rec_a = model.translate_back(model.translate(a)).numpy()
            rec_b = model.translate(model.translate_back(b)).numpy()
            cycle[0].append(np.abs(rec_a - a).reshape(len(a), -1).mean(1))
            cycle[1].append(np.abs(rec_b - b).reshape(len(b), -1).mean(1))
        metrics["cycle_l1_a"] = float(np.concatenate(cycle[0]).mean())
        metrics["cycle_l1_b"] = float(np.concatenate(cycle[1]).mean())
    return metrics, (sources, outputs, targets)


def _display(images, shape):
    """Images resized (nearest) and tiled to `shape` for a side-by-side grid."""
    images = tf.convert_to_tensor(images)
    if tuple(images.shape[1:3]) != tuple(shape[:2]):
        images = tf.image.resize(images, shape[:2], method="nearest")
    if images.shape[-1] == 1 and shape[-1] == 3:
        images = tf.image.grayscale_to_rgb(images)
    return images.numpy()


def write_translation_report(model, config, num_shown=8, **kwargs):
    """After training: measure on the held-out split of the run's dataset and
    write RUN/metrics.json (read into exported model cards) and
    RUN/translations.png (rows: source, output, target). Returns the metrics."""
    import json
    from pathlib import Path

    from tfgan_zoo.images import save_grid, write_atomic

    metrics, (sources, outputs, targets) = evaluate_translation(
        model, config.dataset, image_size=config.image_size, channels=config.channels,
        data_dir=config.data_dir, **kwargs)
    out = Path(config.out)
    write_atomic(out / "metrics.json", json.dumps(metrics, indent=2).encode())
    shown = min(num_shown, len(sources))
    shape = model.image_shape
    grid = np.concatenate([_display(sources[:shown], shape), outputs[:shown],
                           _display(targets[:shown], shape)])
    save_grid(out / "translations.png", grid, rows=3,
              scale=max(1, 128 // shape[0]))
    summary = ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                        for k, v in metrics.items())
    print(f"Held-out translation ({summary}); grid in {out / 'translations.png'}")
    return metrics
