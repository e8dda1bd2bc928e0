"""The image-to-image foundation: base models and the pieces several of them share.

An image-to-image GAN translates a source image x (domain A) into a target
image y (domain B). Every such model in the zoo extends one of two bases:

- `ImageToImageModel`: paired data, where each source comes with its target
  (pix2pix, BicycleGAN, SRGAN, Context Encoder). `self.generator` maps A -> B
  and `self.discriminator` judges B (or an (A, B) pair, see `discriminate`).
- `UnpairedImageToImageModel`: two unaligned collections (CycleGAN, DualGAN,
  DiscoGAN, MUNIT). It adds `generator_ba` (B -> A) and `discriminator_a`;
  the players are {generator: [G_AB, G_BA], discriminator: [D_A, D_B]}.

Data contract (see `tfgan_zoo.data.photos`): every batch is a pair
`(source, target)` of float32 NHWC images in [-1, 1]; for unpaired data the
two halves are drawn independently. `Data.image_shape` is the target shape
(the trainer's `image_shape`) and `Data.model_args` carries the data-implied
constructor arguments `input_shape` (the source shape) and `paired`.

Generator inputs, as sampled, served and exported: `image`, float32
[None, H, W, C_in] in [-1, 1] (plus `z` or `style` for models with a code,
MUNIT and BicycleGAN, `mask` for the Context Encoder: each adds a row to
`generator_inputs`). `export_endpoints` adds `serving_uint8`, the same with
uint8 pixels, and for unpaired models `translate_back`, B -> A.
`latent_dim` defaults to 0, which the export layer reads as "no
`sample`/`interpolate` signatures".

Models with a schedule take `total_steps` (filled in by the trainer from
`--steps`) and `decay_after`, the fraction of the run before every learning
rate decays linearly to zero (`tfgan_zoo.optimizers.linear_decay`; CycleGAN
sec. 4). The unpaired base sums each loss over both domains
(`adversarial_g`, `adversarial_d`, `cycle_loss`), as CycleGAN, DualGAN
and DiscoGAN do.

Constructor arguments the trainer derives rather than exposes as flags are
listed in `derived_arguments`, and hidden from the command line through
`unused_hyperparameters` (a subclass using `latent_dim` or `n_critic` drops
them from that tuple). The trainer passes `total_steps` (= --steps) because
`takes_total_steps` is set.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfgan_zoo.core import AdversarialModel, Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import l1_loss, minimax_discriminator_loss
from tfgan_zoo.optimizers import decay_fraction
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs


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
        super().__init__(latent_dim=latent_dim, total_steps=total_steps, **kwargs)
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
        self.decay_after = decay_fraction(decay_after)

    # --------------------------------------------------- generator inputs
    def generator_inputs(self):
        return {"image": Input.image(self.input_shape)}

    def example_data(self, n, seed=0):
        """A (source, target) training batch of random images, for tests."""
        rng = np.random.default_rng(seed)
        return (rng.uniform(-1, 1, (n, *self.input_shape)).astype("float32"),
                rng.uniform(-1, 1, (n, *self.image_shape)).astype("float32"))

    def generate_from(self, inputs, training=False):
        return self.translate(inputs["image"], training=training)

    def translate(self, images, training=False):
        """Source images -> target images in [-1, 1], float32 NHWC; outside
        training through the generator's average where `ema_decay` keeps one."""
        return tf.cast(self.inference_generator(training)(images, training=training),
                       tf.float32)

    def generate(self, z, labels=None, training=False):
        raise UserError(f"{type(self).__name__} translates images: call "
                        "translate(images) or generate_from({'image': images})")

    # ------------------------------------------------------------- export
    def export_endpoints(self, batch_size=None):
        """`serving_uint8`: serving_default with `image` as uint8 pixels in
        0..255 (as decoded from a PNG or JPEG), scaled to [-1, 1] in the graph."""
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
                         image_outputs(self.image_shape, batch_size), example,
                         "as serving_default, with image as uint8 pixels in 0..255")]

    # ----------------------------------------------------------- training
    def discriminator_step(self, real, fake, condition=None, scale=1.0):
        """One update of D on the minimax loss, scaled (pix2pix halves it):
        scale * -[log D(real) + log(1 - D(fake))], each judged with
        `condition` (e.g. the source image of a conditional D). Returns the
        loss."""
        with tf.GradientTape() as tape:
            d_loss = scale * minimax_discriminator_loss(
                self.discriminate(real, condition, training=True),
                self.discriminate(fake, condition, training=True))
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        return d_loss

    @staticmethod
    def complete_images(data):
        """The complete images of a batch, for models that make their own
        inputs from them (the Context Encoder's holes, DAGAN's undersampling):
        the targets of (source, target) pairs, or the images of an image
        dataset (with or without labels)."""
        if isinstance(data, (tuple, list)):
            if len(data) == 2 and data[1].shape.rank == 4:
                return data[1]
            return data[0]
        return data

    def unpack(self, data):
        """Split a batch into (source, target) images."""
        if (not isinstance(data, (tuple, list)) or len(data) != 2
                or data[1].shape.rank != 4 or data[0].shape.rank != 4):
            raise UserError(f"{type(self).__name__} trains on (source, target) image "
                            "pairs: use an image-to-image dataset (edges2photo, "
                            "photo2recolor, paired:DIR, unpaired:DIR, cycle_gan/NAME)")
        return data[0], data[1]


class ConditionalDiscriminator:
    """Mixin for models whose discriminator judges (source, target) pairs,
    the conditional D of pix2pix (Isola et al. 2017, sec. 3.2.2)."""

    def discriminate(self, images, inputs=None, training=False):
        """D(x, y): logits on the source image x and a target-side image y,
        stacked along the channels."""
        source = inputs["image"] if isinstance(inputs, dict) else inputs
        pair = tf.concat([tf.cast(source, images.dtype), images], axis=-1)
        return self.discriminator(pair, training=training)


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
        found = super().export_endpoints(batch_size)
        inputs = {"image": tf.TensorSpec([batch_size, *self.image_shape], tf.float32,
                                         name="image")}
        example = {"image": np.random.default_rng(0).uniform(
            -1, 1, (2, *self.image_shape)).astype("float32")}
        found.append(Endpoint(
            "translate_back",
            lambda x: serving_outputs(self.translate_back(x["image"], training=False)),
            inputs, image_outputs(self.input_shape, batch_size), example,
            "image of domain B ([-1, 1]) -> images of domain A (the inverse "
            "generator G_BA)"))
        return found

    def translate_back(self, images, training=False):
        """Domain-B images -> domain A, float32 NHWC."""
        return tf.cast(self.generator_ba(images, training=training), tf.float32)

    def adversarial_g(self, loss, fake_a, fake_b):
        """loss(D_B(fake_b)) + loss(D_A(fake_a)): the generators' adversarial
        terms, one per domain."""
        return (loss(self.discriminator(fake_b, training=True))
                + loss(self.discriminator_a(fake_a, training=True)))

    def adversarial_d(self, loss, real_a, fake_a, real_b, fake_b):
        """loss(D_B(b), D_B(fake_b)) + loss(D_A(a), D_A(fake_a)): both
        discriminators, real against translated."""
        return (loss(self.discriminator(real_b, training=True),
                     self.discriminator(fake_b, training=True))
                + loss(self.discriminator_a(real_a, training=True),
                       self.discriminator_a(fake_a, training=True)))

    @staticmethod
    def cycle_loss(distance, real_a, rec_a, real_b, rec_b):
        """distance(rec_a, a) + distance(rec_b, b): how far each domain's
        round trip lands from where it started (CycleGAN eq. 2)."""
        return distance(rec_a, real_a) + distance(rec_b, real_b)

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


