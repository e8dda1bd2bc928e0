"""Networks of the image-to-image GANs: U-Net, ResNet and encoder-decoder
generators, the PatchGAN discriminator, instance normalization, reflection
padding.

Every builder returns a functional `keras.Model` taking NHWC images in
[-1, 1]; generators end in a float32 tanh and discriminators in a float32
linear layer, so losses stay float32 under mixed precision. Weights start
from N(0, 0.02), as in the pix2pix/CycleGAN reference code.

All of them convert to TFLite with built-in ops only, int8 included:
`InstanceNormalization` is written with `squared_difference` and `rsqrt`
(Keras' GroupNormalization(groups=-1) leaves float NEG/SQUARE ops under full
int8), and `ReflectionPadding2D` becomes MIRROR_PAD.

Normalization is chosen by name (`norm_layer`): "instance", "batch" or
"none". Spatial sizes must be divisible by 2 ** (number of stride-2 stages);
the builders say so with a `UserError` naming the fix.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf
from keras import layers

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks import batch_norm

# pix2pix / CycleGAN reference code: init_type "normal", gain 0.02.
INIT = keras.initializers.RandomNormal(0.0, 0.02)


@keras.saving.register_keras_serializable("tfgan_zoo")
class InstanceNormalization(layers.Layer):
    """Instance normalization (Ulyanov et al. 2016): each image and channel is
    normalised over its own spatial positions,

        y = (x - mean_hw(x)) * rsqrt(var_hw(x) + epsilon) [* gamma + beta],

    with no running statistics, so training and inference agree. `affine`
    adds the learned per-channel gamma and beta (the CycleGAN reference uses
    affine=False). Computed in float32 under mixed precision."""

    def __init__(self, epsilon=1e-5, affine=False, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)
        self.affine = bool(affine)

    def build(self, input_shape):
        if self.affine:
            channels = input_shape[-1]
            self.gamma = self.add_weight(shape=(channels,), initializer="ones",
                                         name="gamma")
            self.beta = self.add_weight(shape=(channels,), initializer="zeros",
                                        name="beta")

    def call(self, x):
        dtype = x.dtype
        x = tf.cast(x, tf.float32)
        mean = tf.reduce_mean(x, axis=[1, 2], keepdims=True)
        variance = tf.reduce_mean(tf.math.squared_difference(x, mean), axis=[1, 2],
                                  keepdims=True)
        y = (x - mean) * tf.math.rsqrt(variance + self.epsilon)
        if self.affine:
            y = y * tf.cast(self.gamma, tf.float32) + tf.cast(self.beta, tf.float32)
        return tf.cast(y, dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon, "affine": self.affine}


@keras.saving.register_keras_serializable("tfgan_zoo")
class ReflectionPadding2D(layers.Layer):
    """Pads height and width by mirroring the border (no edge repeat), as
    CycleGAN's ResNet generator does before its 7x7 and 3x3 convolutions."""

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(padding)

    def call(self, x):
        p = self.padding
        return tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="REFLECT")

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        grow = lambda d: None if d is None else d + 2 * self.padding  # noqa: E731
        return (n, grow(h), grow(w), c)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


NORMS = ("instance", "batch", "none")


def norm_layer(kind, synchronized=False):
    """A normalization layer by name, or None for "none"."""
    if kind == "instance":
        return InstanceNormalization()
    if kind == "batch":
        return batch_norm(synchronized)
    if kind == "none":
        return None
    raise UserError(f"unknown normalization '{kind}': choose {', '.join(NORMS)}")


def _norm(x, kind):
    layer = norm_layer(kind)
    return x if layer is None else layer(x)


def _check_divisible(shape, stages, what, hint):
    h, w = shape[:2]
    factor = 2 ** stages
    if h % factor or w % factor:
        raise UserError(f"{what} needs image sides divisible by {factor} "
                        f"({stages} stride-2 stages), got {h}x{w}: {hint}")


def _conv(filters, kernel, strides=1, padding="same", **kwargs):
    return layers.Conv2D(filters, kernel, strides=strides, padding=padding,
                         kernel_initializer=INIT, **kwargs)


def _deconv(filters, kernel, strides=2, **kwargs):
    return layers.Conv2DTranspose(filters, kernel, strides=strides, padding="same",
                                  kernel_initializer=INIT, **kwargs)


def _output(x, channels, name):
    x = _deconv(channels, 4)(x)
    return layers.Activation("tanh", dtype="float32", name=f"{name}_tanh")(x)


# ---------------------------------------------------------------- U-Net
def unet_depth(shape, depth=None):
    """Stride-2 stages of a U-Net: by default down to 1x1 (8 at 256 px, as
    in pix2pix), and never more than the sides allow."""
    most = int(math.log2(min(shape[:2]))) if min(shape[:2]) > 0 else 0
    if depth is None:
        return most
    if not 1 <= depth <= most:
        raise UserError(f"U-Net depth must be between 1 and {most} for "
                        f"{shape[0]}x{shape[1]} images, got {depth}")
    return int(depth)


def unet_generator(input_shape, output_channels, ngf=64, depth=None, norm="batch",
                   dropout=0.5, dropout_layers=3, name="generator"):
    """pix2pix U-Net (Isola et al. 2017, sec. 3.2.1 and appendix 6.1.1).

    Encoder C64-C128-C256-C512-C512-... (4x4 convolutions, stride 2,
    LeakyReLU 0.2, no normalization on the first and the innermost layer),
    decoder mirrored with ReLU, each decoder stage concatenated with the
    encoder stage of the same size (the skips), dropout 0.5 on the first
    `dropout_layers` decoder stages, and a tanh output. Widths are
    ngf * min(2^i, 8). Dropout is pix2pix's only noise; it is active while
    training and off at inference, so exported models are deterministic.
    """
    depth = unet_depth(input_shape, depth)
    _check_divisible(input_shape, depth, "the U-Net",
                     "pass --image-size with a power of two or a smaller --depth")
    widths = [ngf * min(2 ** i, 8) for i in range(depth)]
    image = keras.Input(input_shape, name="image")
    x, skips = image, []
    for i, width in enumerate(widths):
        x = _conv(width, 4, 2, use_bias=norm != "batch" or i in (0, depth - 1))(x)
        if 0 < i < depth - 1:  # innermost output may be 1x1: no statistics there
            x = _norm(x, norm)
        x = layers.LeakyReLU(0.2)(x) if i < depth - 1 else layers.ReLU()(x)
        skips.append(x)
    for i, width in enumerate(reversed(widths[:-1])):
        x = _deconv(width, 4, use_bias=norm != "batch")(x)
        x = _norm(x, norm)
        if dropout and i < dropout_layers:
            x = layers.Dropout(dropout)(x)
        x = layers.ReLU()(x)
        x = layers.Concatenate()([x, skips[depth - 2 - i]])
    return keras.Model(image, _output(x, output_channels, name), name=name)


# --------------------------------------------------------------- ResNet
def resnet_generator(input_shape, output_channels, ngf=64, n_blocks=9,
                     n_downsampling=2, norm="instance", name="generator"):
    """CycleGAN's ResNet generator (Zhu et al. 2017, appendix 7.2, after
    Johnson et al. 2016): c7s1-64, d128, d256, R256 x n_blocks, u128, u64,
    c7s1-3. Reflection padding before the 7x7 and the residual 3x3
    convolutions, instance norm and ReLU; 9 blocks at 256 px, 6 at 128 px."""
    _check_divisible(input_shape, n_downsampling, "the ResNet generator",
                     "pass --image-size divisible by 4")
    bias = norm != "batch"
    image = keras.Input(input_shape, name="image")
    x = ReflectionPadding2D(3)(image)
    x = _conv(ngf, 7, padding="valid", use_bias=bias)(x)
    x = layers.ReLU()(_norm(x, norm))
    for i in range(n_downsampling):
        x = _conv(ngf * 2 ** (i + 1), 3, 2, use_bias=bias)(x)
        x = layers.ReLU()(_norm(x, norm))
    width = ngf * 2 ** n_downsampling
    for _ in range(n_blocks):
        y = ReflectionPadding2D(1)(x)
        y = _conv(width, 3, padding="valid", use_bias=bias)(y)
        y = layers.ReLU()(_norm(y, norm))
        y = ReflectionPadding2D(1)(y)
        y = _conv(width, 3, padding="valid", use_bias=bias)(y)
        x = layers.Add()([x, _norm(y, norm)])
    for i in reversed(range(n_downsampling)):
        x = layers.Conv2DTranspose(ngf * 2 ** i, 3, strides=2, padding="same",
                                   use_bias=bias, kernel_initializer=INIT)(x)
        x = layers.ReLU()(_norm(x, norm))
    x = ReflectionPadding2D(3)(x)
    x = _conv(output_channels, 7, padding="valid")(x)
    image_out = layers.Activation("tanh", dtype="float32", name=f"{name}_tanh")(x)
    return keras.Model(image, image_out, name=name)


# -------------------------------------------------------- encoder-decoder
def encoder_decoder_generator(input_shape, output_channels, ngf=64, depth=4,
                              norm="batch", name="generator"):
    """DiscoGAN's generator (Kim et al. 2017, sec. 4): an encoder of 4x4
    stride-2 convolutions with LeakyReLU 0.2 (64-128-256-512 at 64 px) and a
    decoder of 4x4 stride-2 deconvolutions with ReLU back to the image, batch
    norm on every layer but the first and the output; no skips, so all
    information passes the bottleneck."""
    _check_divisible(input_shape, depth, "the encoder-decoder generator",
                     "pass --image-size divisible by 2^depth or a smaller --depth")
    widths = [ngf * min(2 ** i, 8) for i in range(depth)]
    bias = norm != "batch"
    image = keras.Input(input_shape, name="image")
    x = image
    for i, width in enumerate(widths):
        x = _conv(width, 4, 2, use_bias=bias or i == 0)(x)
        if i:
            x = _norm(x, norm)
        x = layers.LeakyReLU(0.2)(x)
    for width in reversed(widths[:-1]):
        x = _deconv(width, 4, use_bias=bias)(x)
        x = layers.ReLU()(_norm(x, norm))
    return keras.Model(image, _output(x, output_channels, name), name=name)


# ------------------------------------------------------- discriminators
def patch_receptive_field(n_layers):
    """Receptive field (pixels) of one PatchGAN output: 70 for n_layers=3."""
    field = 1
    for stride in reversed([2] * n_layers + [1, 1]):
        field = field * stride + (4 - stride)
    return field


def patch_discriminator(input_shape, ndf=64, n_layers=3, norm="batch",
                        name="discriminator"):
    """PatchGAN (Isola et al. 2017, sec. 3.2.2): a fully convolutional net
    whose every output judges one N x N patch; n_layers=3 gives the 70x70
    PatchGAN (C64-C128-C256-C512, 4x4 kernels, the first three stride 2,
    then a 1-channel 4x4 convolution). 'same' padding keeps at least one
    output per 2^n_layers pixels, so small images work with fewer layers.
    Returns raw logits [B, h, w, 1] (float32)."""
    _check_divisible(input_shape, n_layers, "the PatchGAN",
                     "pass --image-size divisible by 2^n_layers or fewer --d-layers")
    bias = norm != "batch"
    image = keras.Input(input_shape, name="image")
    x = layers.LeakyReLU(0.2)(_conv(ndf, 4, 2)(image))
    for i in range(1, n_layers + 1):
        strides = 2 if i < n_layers else 1
        x = _conv(ndf * min(2 ** i, 8), 4, strides, use_bias=bias)(x)
        x = layers.LeakyReLU(0.2)(_norm(x, norm))
    logits = _conv(1, 4, dtype="float32", name="logits")(x)
    return keras.Model(image, logits, name=name)


def conv_discriminator(input_shape, ndf=64, depth=4, norm="batch",
                       name="discriminator"):
    """DiscoGAN's discriminator (Kim et al. 2017, sec. 4): the generator's
    encoder (4x4 stride-2 convolutions, LeakyReLU 0.2, batch norm after the
    first) and a final convolution over the whole remaining map, giving one
    logit per image [B, 1, 1, 1] (float32)."""
    _check_divisible(input_shape, depth, "the discriminator",
                     "pass --image-size divisible by 2^depth or a smaller --depth")
    bias = norm != "batch"
    image = keras.Input(input_shape, name="image")
    x = image
    for i in range(depth):
        x = _conv(ndf * min(2 ** i, 8), 4, 2, use_bias=bias or i == 0)(x)
        if i:
            x = _norm(x, norm)
        x = layers.LeakyReLU(0.2)(x)
    h, w = input_shape[0] // 2 ** depth, input_shape[1] // 2 ** depth
    logits = layers.Conv2D(1, (h, w), padding="valid", kernel_initializer=INIT,
                           dtype="float32", name="logits")(x)
    return keras.Model(image, logits, name=name)
