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

import numpy as np

import keras
import tensorflow as tf
from keras import layers

from tfgan_zoo.errors import UserError
from tfgan_zoo.images import LUMA
from tfgan_zoo.networks.layers import (NORMAL_002, InstanceNormalization, ReflectionPadding2D,
                                       normalization)

# pix2pix / CycleGAN reference code: init_type "normal", gain 0.02.
INIT = NORMAL_002


def _norm(x, kind):
    layer = normalization(kind)
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


def _output(x, channels, name, zero=False):
    x = (layers.Conv2DTranspose(channels, 4, 2, padding="same", kernel_initializer="zeros")
         if zero else _deconv(channels, 4))(x)
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
                   dropout=0.5, dropout_layers=3, zero_output=False, name="generator"):
    """pix2pix U-Net (Isola et al. 2017, sec. 3.2.1 and appendix 6.1.1).

    Encoder C64-C128-C256-C512-C512-... (4x4 convolutions, stride 2,
    LeakyReLU 0.2, no normalization on the first and the innermost layer),
    decoder mirrored with ReLU, each decoder stage concatenated with the
    encoder stage of the same size (the skips), dropout 0.5 on the first
    `dropout_layers` decoder stages, and a tanh output. Widths are
    ngf * min(2^i, 8). Dropout is pix2pix's only noise; it is active while
    training and off at inference, so exported models are deterministic.

    `zero_output` starts the last up-convolution at zero, so the network
    outputs 0 until it learns otherwise: for U-Nets that predict a residual
    over a starting image (the Context Encoder's `generator="unet"`).
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
    return keras.Model(image, _output(x, output_channels, name, zero_output), name=name)


def keep_luminance(chroma_net, name="generator"):
    """A colouriser that keeps its grey input as the output's luminance, as
    the pix2pix reference code's colorization model does (L in, ab out):
    `chroma_net` maps the grey image to two channels, R - Y and B - Y, and
    G - Y follows from Y = LUMA . (R, G, B), so the output's luminance is
    the input exactly (up to clipping to [-1, 1])."""
    grey = keras.Input(chroma_net.input_shape[1:], name="image")
    chroma = keras.ops.cast(chroma_net(grey), "float32")
    r, b = chroma[..., :1], chroma[..., 1:]
    g = -(LUMA[0] * r + LUMA[2] * b) / LUMA[1]
    rgb = keras.ops.concatenate([grey + r, grey + g, grey + b], axis=-1)
    return keras.Model(grey, keras.ops.clip(rgb, -1.0, 1.0), name=name)


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


@keras.saving.register_keras_serializable("tfgan_zoo")
class TileLatent(layers.Layer):
    """[image [B, H, W, C], z [B, nz]] -> [B, H, W, C + nz]: z copied to every
    pixel and concatenated (BicycleGAN's "add_to_input", §3.5)."""

    def call(self, inputs):
        image, z = inputs
        h, w = image.shape[1], image.shape[2]
        tiled = tf.tile(tf.cast(z, image.dtype)[:, None, None, :], [1, h, w, 1])
        return tf.concat([image, tiled], axis=-1)

    def compute_output_shape(self, input_shape):
        image, z = input_shape
        return (*image[:3], image[3] + z[1])


def latent_generator(input_shape, output_channels, latent_dim, ngf=64, depth=None,
                     norm="instance", name="generator"):
    """G(A, z): a U-Net (pix2pix, without dropout: z is the noise) on the
    source image with z tiled onto it."""
    image = keras.Input(input_shape, name="image")
    z = keras.Input((latent_dim,), name="z")
    unet = unet_generator((*input_shape[:2], input_shape[2] + latent_dim),
                          output_channels, ngf=ngf, depth=depth, norm=norm,
                          dropout=0.0, name=f"{name}_unet")
    return keras.Model([image, z], unet(TileLatent()([image, z])), name=name)


def latent_encoder(image_shape, latent_dim, nef=64, n_blocks=4, name="encoder"):
    """E(B) -> (mu, log variance), BicycleGAN's ResNet encoder (§3.5): a 4x4
    stride-2 convolution, `n_blocks` residual blocks that each halve the size
    (instance norm, LeakyReLU 0.2, two 3x3 convolutions and average pooling,
    with a pooled 1x1 convolution as the shortcut), global average pooling
    and two linear heads."""
    most = int(np.log2(min(image_shape[:2]))) - 1
    if not 1 <= n_blocks <= most:
        raise UserError(f"the encoder can halve {image_shape[0]}x{image_shape[1]} "
                        f"images in 1 to {most} blocks, got encoder_blocks={n_blocks}")
    image = keras.Input(image_shape, name="image")
    x = layers.Conv2D(nef, 4, 2, padding="same", kernel_initializer=INIT)(image)
    for i in range(1, n_blocks + 1):
        width = nef * min(i + 1, 4)
        y = layers.LeakyReLU(0.2)(InstanceNormalization()(x))
        y = layers.Conv2D(x.shape[-1], 3, padding="same", kernel_initializer=INIT)(y)
        y = layers.LeakyReLU(0.2)(InstanceNormalization()(y))
        y = layers.Conv2D(width, 3, padding="same", kernel_initializer=INIT)(y)
        y = layers.AveragePooling2D(2)(y)
        shortcut = layers.Conv2D(width, 1, kernel_initializer=INIT)(
            layers.AveragePooling2D(2)(x))
        x = layers.Add()([y, shortcut])
    x = layers.GlobalAveragePooling2D()(layers.LeakyReLU(0.2)(x))
    mu = layers.Dense(latent_dim, dtype="float32", name="mu")(x)
    log_var = layers.Dense(latent_dim, dtype="float32", name="log_var")(x)
    return keras.Model(image, [mu, log_var], name=name)


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
