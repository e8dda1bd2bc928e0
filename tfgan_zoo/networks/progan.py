"""Progressive GAN's networks (Karras et al. 2018) and their layers:
equalized learning rate, pixel norm, minibatch standard deviation, and the
level of detail that fades each new resolution in.

The networks are built once at full resolution, as the official code's
"linear" structure does (tkarras/progressive_growing_of_gans, networks.py):
every resolution's block runs, and a non-trainable `lod` weight in each
network chooses what they see or show. At lod = L - r (L = log2 of the full
size, r = log2 of a block's size) the r block is fully in; between two
integers the higher block is blended with the upsampled lower one,

    out = new + (old - new) * clip(lod - (L - r), 0, 1)         ("lerp_clip")

so the weight of the new block, alpha = 1 - clip(lod - (L - r), 0, 1), rises
from 0 to 1 as lod falls by one. The generator always outputs full-size
images (lower levels upsampled by nearest neighbour), and the real images
are faded the same way (`fade_images`), so the discriminator, the
checkpoints, the replicas and the exported graph never change shape.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.layers import MinibatchStddev
from tfgan_zoo.networks.pyramid import downsample, upsample

SQRT2 = math.sqrt(2.0)


def lerp_clip(new, old, t):
    """new + (old - new) * clip(t, 0, 1) (the official code's lerp_clip)."""
    return new + (old - new) * tf.clip_by_value(t, 0.0, 1.0)


# --------------------------------------------------------------- layers
class _Equalized(layers.Layer):
    """Weights drawn from N(0, 1) and multiplied at run time by He's
    constant gain / sqrt(fan_in) (§4.1). Adam's update then moves every
    weight at the same relative speed, whatever its layer's fan-in."""

    def __init__(self, units, gain=SQRT2, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.units, self.gain, self.use_bias = int(units), float(gain), use_bias

    def make_weights(self, kernel_shape, fan_in):
        self.kernel = self.add_weight(shape=kernel_shape, name="kernel",
                                      initializer=keras.initializers.RandomNormal(0.0, 1.0))
        self.bias = (self.add_weight(shape=(self.units,), name="bias", initializer="zeros")
                     if self.use_bias else None)
        self.scale = self.gain / math.sqrt(fan_in)

    def add_bias(self, x):
        return x if self.bias is None else x + self.bias

    def get_config(self):
        return {**super().get_config(), "units": self.units, "gain": self.gain,
                "use_bias": self.use_bias}


@keras.saving.register_keras_serializable("tfgan_zoo")
class EqualizedDense(_Equalized):
    """A dense layer with the equalized learning rate."""

    def build(self, input_shape):
        fan_in = int(np.prod(input_shape[1:]))
        self.make_weights((fan_in, self.units), fan_in)

    def call(self, x):
        x = tf.reshape(x, [-1, self.kernel.shape[0]])
        return self.add_bias(tf.matmul(x, self.kernel * self.scale))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)


@keras.saving.register_keras_serializable("tfgan_zoo")
class EqualizedConv2D(_Equalized):
    """A stride-1 'same' convolution with the equalized learning rate."""

    def __init__(self, filters, kernel_size, gain=SQRT2, use_bias=True, **kwargs):
        super().__init__(filters, gain, use_bias, **kwargs)
        self.kernel_size = int(kernel_size)

    def build(self, input_shape):
        channels = int(input_shape[-1])
        k = self.kernel_size
        self.make_weights((k, k, channels, self.units), k * k * channels)

    def call(self, x):
        return self.add_bias(tf.nn.conv2d(x, self.kernel * self.scale, 1, "SAME"))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        config = super().get_config()
        config["filters"] = config.pop("units")
        return {**config, "kernel_size": self.kernel_size}


@keras.saving.register_keras_serializable("tfgan_zoo")
class PixelNorm(layers.Layer):
    """x / sqrt(mean over channels of x^2 + eps) at every pixel (§4.2): keeps
    the generator's feature magnitudes from spiralling upward. Computed in
    float32 under mixed precision."""

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)

    def call(self, x):
        x32 = tf.cast(x, tf.float32)
        norm = tf.math.rsqrt(tf.reduce_mean(tf.square(x32), axis=-1, keepdims=True)
                             + self.epsilon)
        return tf.cast(x32 * norm, x.dtype)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable("tfgan_zoo")
class LevelOfDetail(layers.Layer):
    """Owns the network's `lod` weight (non-trainable, float32; set by the
    model from its growth schedule) and outputs it as a [B, 1, 1, 1] tensor
    for the fades. Identical on every replica, hence aggregated as the first
    replica's value."""

    def __init__(self, initial=0.0, **kwargs):
        super().__init__(**kwargs)
        self.initial = float(initial)

    def build(self, input_shape):
        self.lod = self.add_weight(
            shape=(), name="lod", trainable=False, dtype="float32", autocast=False,
            initializer=keras.initializers.Constant(self.initial),
            aggregation="only_first_replica")

    def call(self, x):
        ones = tf.ones([tf.shape(x)[0], 1, 1, 1], tf.float32)
        return ones * self.lod

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1, 1, 1)

    def get_config(self):
        return {**super().get_config(), "initial": self.initial}


@keras.saving.register_keras_serializable("tfgan_zoo")
class Fade(layers.Layer):
    """lerp_clip(new, old, lod - level): `new` once lod <= level, `old` once
    lod >= level + 1, blended in between."""

    def __init__(self, level, **kwargs):
        super().__init__(**kwargs)
        self.level = float(level)

    def call(self, inputs):
        new, old, lod = inputs
        t = tf.cast(lod, tf.float32) - self.level
        return tf.cast(lerp_clip(tf.cast(new, tf.float32), tf.cast(old, tf.float32), t),
                       new.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "level": self.level}


@keras.saving.register_keras_serializable("tfgan_zoo")
class Resample(layers.Layer):
    """2x nearest-neighbour upsampling (factor 2) or box downsampling
    (factor 0.5), the official code's upscale2d / downscale2d."""

    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = float(factor)

    def call(self, x):
        if self.factor > 1:
            return upsample(x, int(self.factor), method="nearest")
        return downsample(x, int(round(1 / self.factor)))

    def compute_output_shape(self, input_shape):
        h, w = (None if d is None else int(d * self.factor) for d in input_shape[1:3])
        return (input_shape[0], h, w, input_shape[3])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


# ------------------------------------------------------------ schedule
def resolution_levels(image_size, start_resolution=4):
    """log2 of the full size, and the highest lod (the start resolution's)."""
    full = math.log2(image_size)
    start = math.log2(start_resolution) if start_resolution else float("nan")
    if not full.is_integer() or image_size < 4:
        raise UserError(f"Progressive GAN grows to a power-of-two size of at least 4 px, "
                        f"got {image_size}: pass --image-size 32 (or 16, 64, ...)")
    if not start.is_integer() or not 4 <= start_resolution <= image_size:
        raise UserError(f"start_resolution must be a power of two from 4 to the image size "
                        f"{image_size}, got {start_resolution}: pass --start-resolution 4")
    return int(full), int(full - start)


def level_of_detail(step, max_lod, stabilize_steps, fade_steps):
    """The official TrainingSchedule in steps: at each resolution, first
    `stabilize_steps` at an integer lod, then `fade_steps` in which lod falls
    by one as the next resolution fades in; lod never drops below 0. Works
    on Python numbers and on tensors."""
    step = tf.cast(step, tf.float32)
    phase = float(stabilize_steps + fade_steps)
    index = tf.floor(step / phase)
    within = step - index * phase
    fading = tf.clip_by_value((within - stabilize_steps) / max(float(fade_steps), 1.0),
                              0.0, 1.0)
    return tf.maximum(float(max_lod) - index - fading, 0.0)


def fade_alpha(lod):
    """The weight of the newest resolution at `lod`: 1 - frac(lod) while a
    fade is under way, 1 when lod is an integer."""
    lod = tf.cast(lod, tf.float32)
    return 1.0 - (lod - tf.floor(lod))


def fade_images(images, lod, max_lod):
    """Real images as the networks see them at `lod` (the official
    process_reals): box-downsampled to the current resolution and upsampled
    back by nearest neighbour, blended between two resolutions mid-fade.
    With P_l = up^l(down^l(x)), this is sum_l max(0, 1 - |lod - l|) P_l."""
    lod = tf.cast(lod, tf.float32)
    out = tf.zeros_like(images)
    low = images
    for level in range(max_lod + 1):
        shown = upsample(low, 2 ** level, method="nearest") if level else images
        weight = tf.maximum(0.0, 1.0 - tf.abs(lod - level))
        out += tf.cast(weight, images.dtype) * shown
        low = downsample(low)
    return out


# ------------------------------------------------------------ networks
def feature_maps(resolution, fmap_base, fmap_max):
    """Feature maps of a resolution's block: fmap_base / resolution, capped
    (the official nf(log2(res) - 1) with fmap_decay 1)."""
    return max(1, min(int(fmap_base // resolution), int(fmap_max)))


def _act(x):
    return layers.LeakyReLU(0.2)(x)


def progan_generator(latent_dim, image_shape, fmap_base=1024, fmap_max=128,
                     initial_lod=0.0, name="generator"):
    """G of Table 2 at any power-of-two size: z on the hypersphere (pixel
    norm of z), a dense 4x4 block, then per resolution upsample + two 3x3
    convs, each followed by leaky ReLU and pixel norm; a 1x1 toRGB per
    resolution, faded by `lod`. Linear output; images are clipped to
    [-1, 1] only when served."""
    size, channels = image_shape[0], image_shape[-1]
    full, _ = resolution_levels(size)
    z = keras.Input((latent_dim,), name="z")
    lod = LevelOfDetail(initial_lod, name="level_of_detail")(z)
    width = feature_maps(4, fmap_base, fmap_max)
    x = PixelNorm()(z)
    # The official code lowers this layer's gain to sqrt(2) / 4 to match
    # the original Theano implementation.
    x = EqualizedDense(16 * width, gain=SQRT2 / 4)(x)
    x = layers.Reshape((4, 4, width))(x)
    x = PixelNorm()(_act(x))
    x = PixelNorm()(_act(EqualizedConv2D(width, 3)(x)))
    image = EqualizedConv2D(channels, 1, gain=1.0, name="to_rgb_4")(x)
    for res in range(3, full + 1):
        width = feature_maps(2 ** res, fmap_base, fmap_max)
        x = Resample(2)(x)
        x = PixelNorm()(_act(EqualizedConv2D(width, 3)(x)))
        x = PixelNorm()(_act(EqualizedConv2D(width, 3)(x)))
        new = EqualizedConv2D(channels, 1, gain=1.0, name=f"to_rgb_{2 ** res}")(x)
        image = Fade(full - res, name=f"grow_{2 ** res}")([new, Resample(2)(image), lod])
    image = layers.Activation("linear", dtype="float32")(image)
    return keras.Model(z, image, name=name)


def progan_discriminator(image_shape, fmap_base=1024, fmap_max=128, mbstd_group_size=4,
                         initial_lod=0.0, name="discriminator"):
    """D of Table 2, the generator's mirror: fromRGB (1x1 conv + leaky ReLU)
    per resolution, faded by `lod`; per resolution two 3x3 convs then a 2x2
    box downsample; at 4x4 the minibatch stddev feature, a 3x3 conv, a
    dense layer and one linear score."""
    size = image_shape[0]
    full, _ = resolution_levels(size)
    image = keras.Input(image_shape, name="image")
    lod = LevelOfDetail(initial_lod, name="level_of_detail")(image)

    def from_rgb(img, res):
        width = feature_maps(2 ** res, fmap_base, fmap_max)
        return _act(EqualizedConv2D(width, 1, name=f"from_rgb_{2 ** res}")(img))

    img = image
    x = from_rgb(img, full)
    for res in range(full, 2, -1):
        x = _act(EqualizedConv2D(feature_maps(2 ** res, fmap_base, fmap_max), 3)(x))
        x = _act(EqualizedConv2D(feature_maps(2 ** (res - 1), fmap_base, fmap_max), 3)(x))
        x = Resample(0.5)(x)
        img = Resample(0.5)(img)
        x = Fade(full - res, name=f"grow_{2 ** res}")([x, from_rgb(img, res - 1), lod])
    width = feature_maps(4, fmap_base, fmap_max)
    if mbstd_group_size > 1:
        x = MinibatchStddev(mbstd_group_size)(x)
    x = _act(EqualizedConv2D(width, 3)(x))
    x = _act(EqualizedDense(feature_maps(2, fmap_base, fmap_max))(x))
    score = EqualizedDense(1, gain=1.0, dtype="float32", name="score")(x)
    return keras.Model(image, score, name=name)


def lod_weights(network):
    """The `lod` weights of a network's LevelOfDetail layers."""
    return [layer.lod for layer in network.layers if isinstance(layer, LevelOfDetail)]
