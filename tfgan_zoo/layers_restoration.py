"""Layers and losses of the restoration and multimodal translation GANs:
MUNIT, BicycleGAN, SRGAN and the Context Encoder.

- `AdaptiveInstanceNorm` and `style_mlp`: MUNIT's decoder, whose
  normalisation statistics come from a style code (Huang et al. 2018, §3);
  `munit_content_encoder`, `munit_style_encoder`, `munit_decoder` and
  `multiscale_discriminator` (the paper's appendix B.2).
- `LayerNorm2D`: per-example normalisation over (H, W, C) with a per-channel
  affine, as in MUNIT's upsampling layers.
- `PixelShuffle`, `srresnet_generator`, `srgan_discriminator`: SRGAN
  (Ledig et al. 2017, Fig. 4); upsampling is sub-pixel convolution through
  `depth_to_space`, which TFLite runs as the built-in DEPTH_TO_SPACE.
- `VGGContent`: the φ5,4 VGG19 feature map of SRGAN's content loss, read
  from a local Keras weights file (nothing is downloaded).
- `total_variation`: SRGAN's TV regulariser.
- `center_mask`, `random_block_masks`, `ChannelwiseDense`: the Context
  Encoder's masks and channel-wise fully connected bottleneck
  (Pathak et al. 2016, §3.1 and §3.3).

Normalisations are written with `squared_difference` and `rsqrt`, not
Keras's GroupNormalization, so a full-int8 TFLite model keeps every op
integer (see NOTES.md). Every builder returns a functional `keras.Model`
whose output activation is float32, as in `tfgan_zoo.networks`.
"""

from __future__ import annotations

import os
import re
import warnings

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from tfgan_zoo.errors import UserError
from tfgan_zoo.layers_image2image import (INIT, InstanceNormalization,
                                          ReflectionPadding2D)


# ----------------------------------------------------------- normalisation
def _normalize(x, axes, epsilon):
    """(x - mean) / sqrt(var + eps) over `axes`, computed in float32."""
    dtype = x.dtype
    x = tf.cast(x, tf.float32)
    mean = tf.reduce_mean(x, axis=axes, keepdims=True)
    variance = tf.reduce_mean(tf.math.squared_difference(x, mean), axis=axes,
                              keepdims=True)
    return tf.cast((x - mean) * tf.math.rsqrt(variance + epsilon), dtype)


@keras.saving.register_keras_serializable("tfgan_zoo")
class AdaptiveInstanceNorm(layers.Layer):
    """Adaptive instance normalisation (Huang & Belongie 2017, eq. 8):

        AdaIN(x, gamma, beta) = gamma * (x - mu(x)) / sigma(x) + beta

    with mu, sigma the per-example, per-channel spatial statistics of x.
    Called on [x, params]: gamma is params[:, offset:offset + C] and beta
    params[:, offset + C:offset + 2C], so one MLP output can feed every
    AdaIN layer of a decoder (MUNIT, §3). No weights of its own."""

    def __init__(self, offset=0, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.offset, self.epsilon = int(offset), float(epsilon)

    def call(self, inputs):
        x, params = inputs
        channels = x.shape[-1]
        params = tf.cast(params, x.dtype)
        gamma = params[:, self.offset:self.offset + channels]
        beta = params[:, self.offset + channels:self.offset + 2 * channels]
        normalized = _normalize(x, [1, 2], self.epsilon)
        return gamma[:, None, None, :] * normalized + beta[:, None, None, :]

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "offset": self.offset, "epsilon": self.epsilon}


@keras.saving.register_keras_serializable("tfgan_zoo")
class LayerNorm2D(layers.Layer):
    """Layer normalisation of a feature map: statistics per example over
    (H, W, C), a learned scale and shift per channel (MUNIT's decoder
    upsampling layers; Ba et al. 2016)."""

    def __init__(self, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        channels = input_shape[-1]
        self.gamma = self.add_weight(shape=(channels,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(channels,), initializer="zeros", name="beta")

    def call(self, x):
        return (_normalize(x, [1, 2, 3], self.epsilon) * tf.cast(self.gamma, x.dtype)
                + tf.cast(self.beta, x.dtype))

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


def style_mlp(style_dim, num_params, units=256, num_layers=3, name="style_mlp"):
    """MUNIT's MLP (§3, "Decoder"): a style code -> every AdaIN parameter of
    the decoder, `num_layers` Dense layers with ReLU between them."""
    style = keras.Input((style_dim,), name="style")
    x = style
    for _ in range(num_layers - 1):
        x = layers.Dense(units, activation="relu")(x)
    params = layers.Dense(num_params, dtype="float32", name="adain_params")(x)
    return keras.Model(style, params, name=name)


# ------------------------------------------------------------------ SRGAN
@keras.saving.register_keras_serializable("tfgan_zoo")
class PixelShuffle(layers.Layer):
    """Sub-pixel convolution's shuffle (Shi et al. 2016): [B, H, W, C r^2] ->
    [B, H r, W r, C] via `depth_to_space`, a TFLite built-in."""

    def __init__(self, block_size=2, **kwargs):
        super().__init__(**kwargs)
        self.block_size = int(block_size)

    def call(self, x):
        return tf.nn.depth_to_space(x, self.block_size)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        r = self.block_size
        return (b, None if h is None else h * r, None if w is None else w * r, c // r ** 2)

    def get_config(self):
        return {**super().get_config(), "block_size": self.block_size}


def _prelu():
    # One slope per channel shared over space (so any image size works),
    # initialised at PyTorch's 0.25 as in the SRGAN reference code.
    return layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25),
                        shared_axes=[1, 2])


def _bn():
    return layers.BatchNormalization(momentum=0.9, epsilon=1e-5)


def srresnet_generator(channels=3, scale=4, filters=64, num_blocks=16,
                       name="generator"):
    """SRResNet (Ledig et al. 2017, Fig. 4, top): 9x9 conv + PReLU; B residual
    blocks (3x3 conv, BN, PReLU, 3x3 conv, BN, skip); 3x3 conv + BN and a
    skip over all blocks; log2(scale) sub-pixel x2 upsamplings (3x3 conv to
    4x the width, pixel shuffle, PReLU); 9x9 conv to the image, tanh.
    Fully convolutional: the input is [B, H, W, channels] for any H, W."""
    steps = int(np.log2(scale))
    if scale < 2 or 2 ** steps != scale:
        raise UserError(f"SRResNet scale must be a power of two >= 2, got {scale}")
    low_res = keras.Input((None, None, channels), name="image")
    x = layers.Conv2D(filters, 9, padding="same")(low_res)
    x = skip = _prelu()(x)
    for _ in range(num_blocks):
        y = layers.Conv2D(filters, 3, padding="same")(x)
        y = _prelu()(_bn()(y))
        y = _bn()(layers.Conv2D(filters, 3, padding="same")(y))
        x = layers.Add()([x, y])
    x = _bn()(layers.Conv2D(filters, 3, padding="same")(x))
    x = layers.Add()([x, skip])
    for _ in range(steps):
        x = layers.Conv2D(filters * 4, 3, padding="same")(x)
        x = _prelu()(PixelShuffle(2)(x))
    x = layers.Conv2D(channels, 9, padding="same")(x)
    image = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(low_res, image, name=name)


def srgan_discriminator(image_shape, ndf=64, dense_units=1024, name="discriminator"):
    """SRGAN's discriminator (Ledig et al. 2017, Fig. 4, bottom): 3x3 conv +
    LeakyReLU(0.2), then seven 3x3 conv-BN-LeakyReLU blocks whose width
    doubles every two blocks (64 -> 512) and whose stride alternates 2, 1;
    Dense(1024), LeakyReLU, Dense(1) -> one logit (the sigmoid is in the loss)."""
    image = keras.Input(image_shape, name="image")
    x = layers.LeakyReLU(0.2)(layers.Conv2D(ndf, 3, padding="same")(image))
    for i, (mult, stride) in enumerate([(1, 2), (2, 1), (2, 2), (4, 1), (4, 2),
                                        (8, 1), (8, 2)]):
        x = layers.Conv2D(ndf * mult, 3, strides=stride, padding="same")(x)
        x = layers.LeakyReLU(0.2)(_bn()(x))
    x = layers.Flatten()(x)
    x = layers.LeakyReLU(0.2)(layers.Dense(dense_units)(x))
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(image, logit, name=name)


# VGG19's ImageNet preprocessing ("caffe" mode): BGR in [0, 255] minus the
# ImageNet mean, the input the Keras VGG19 weights were trained on.
_VGG_MEAN_BGR = (103.939, 116.779, 123.68)


class VGGContent:
    """SRGAN's VGG feature map φ_i,j (Ledig et al. 2017, eq. 5): the
    activations of VGG19's `layer` (default φ5,4 = block5_conv4, after its
    ReLU) on ImageNet-preprocessed input. The paper's rescaling of the VGG
    loss (×1/12.75, §3.3.2) is the model's job (`SRGAN.vgg_loss_scale`).

    Weights come from `weights_path`, a Keras `.weights.h5` file of
    `keras.applications.VGG19(include_top=False)` (e.g. written once on a
    machine with internet by `VGG19(include_top=False,
    weights="imagenet").save_weights(path)`). The network is frozen and
    deliberately not a tracked attribute of the GAN, so checkpoints and
    exports never carry its 20M weights."""

    def __init__(self, weights_path, layer="block5_conv4"):
        path = os.path.expanduser(str(weights_path))
        if not os.path.isfile(path):
            raise UserError(f"VGG19 weights file not found: {weights_path} (pass "
                            "--vgg-weights PATH to a Keras .weights.h5 of "
                            "keras.applications.VGG19(include_top=False))")
        vgg = keras.applications.VGG19(include_top=False, weights=None,
                                       input_shape=(None, None, 3))
        try:
            with warnings.catch_warnings():  # Keras warns per skipped layer first
                warnings.simplefilter("ignore")
                vgg.load_weights(path)
        except Exception as e:  # Keras raises ValueError, h5py OSError/KeyError
            text = " ".join(str(e).split())
            shapes = re.search(r"variable\.shape=\(.*?\), Received: value\.shape=\(.*?\)",
                               text)
            reason = shapes.group(0) if shapes else (text or type(e).__name__)[:160]
            raise UserError(f"{weights_path} does not hold VGG19 weights of the "
                            f"expected shapes ({reason}): pass the .weights.h5 of "
                            "keras.applications.VGG19(include_top=False)") from None
        vgg.trainable = False
        self.layer = layer
        self.network = keras.Model(vgg.input, vgg.get_layer(layer).output,
                                   name=f"vgg19_{layer}")

    def __call__(self, images):
        """Features of RGB images in [-1, 1] ([B, H, W, 3])."""
        rgb = (tf.cast(images, tf.float32) + 1.0) * 127.5
        bgr = rgb[..., ::-1] - tf.constant(_VGG_MEAN_BGR)
        return tf.cast(self.network(bgr, training=False), tf.float32)


def total_variation(images, *, epsilon=1e-8, reduce=tf.reduce_mean):
    """Total-variation regulariser of SRGAN (Ledig et al. 2017, arXiv v1,
    eq. 7, after Aly & Dubois 2005): the mean over pixels and channels of the
    gradient magnitude

        TV(G) = mean_{x,y,c} sqrt((G[x+1,y,c] - G[x,y,c])^2 + (G[x,y+1,c] - G[x,y,c])^2)

    on forward differences over the (H-1) x (W-1) pixels that have both.
    `epsilon` under the root keeps the gradient finite on flat regions.
    Per-example values [B] go to `reduce`."""
    images = tf.cast(images, tf.float32)
    dy = images[:, 1:, :-1, :] - images[:, :-1, :-1, :]
    dx = images[:, :-1, 1:, :] - images[:, :-1, :-1, :]
    magnitude = tf.sqrt(dx * dx + dy * dy + epsilon)
    return reduce(tf.reduce_mean(magnitude, axis=[1, 2, 3]))


# ------------------------------------------------------- Context Encoder
def center_mask(height, width, fraction=0.5):
    """[H, W, 1] float32, 1 inside the centred hole of fraction x the image's
    sides (Pathak et al. 2016, §4: a 64x64 hole in a 128x128 image), else 0."""
    if not 0 < fraction < 1:
        raise UserError(f"mask fraction must be in (0, 1), got {fraction}")
    hole_h, hole_w = max(1, round(height * fraction)), max(1, round(width * fraction))
    top, left = (height - hole_h) // 2, (width - hole_w) // 2
    mask = np.zeros((height, width, 1), np.float32)
    mask[top:top + hole_h, left:left + hole_w] = 1.0
    return tf.constant(mask)


def random_block_masks(batch, height, width, seed, num_blocks=4):
    """[B, H, W, 1] float32 masks of `num_blocks` random, possibly overlapping
    rectangles each (Pathak et al. 2016, §3.3, "random block"), 1 = hole.

    Block sides are uniform in [side/8, side/(2 sqrt(num_blocks))], so the
    holes together cover at most a quarter of the image, as in the paper.
    `seed` is a stateless seed (shape [2]); the masks are a pure function of
    it, batch and size, and differ between examples."""
    batch = tf.convert_to_tensor(batch, tf.int32)
    limit = 1.0 / (2.0 * np.sqrt(num_blocks))

    def spans(size, stream):
        lo = max(1, size // 8)
        hi = max(lo, int(np.floor(size * limit)))
        u = tf.random.stateless_uniform([batch, num_blocks, 2],
                                        tf.random.experimental.stateless_fold_in(seed, stream))
        length = lo + tf.cast(tf.floor(u[..., 0] * (hi - lo + 1)), tf.int32)
        length = tf.minimum(length, hi)
        start = tf.cast(tf.floor(u[..., 1] * tf.cast(size - length + 1, tf.float32)), tf.int32)
        start = tf.minimum(start, size - length)
        index = tf.range(size)[None, None, :]
        return (index >= start[..., None]) & (index < (start + length)[..., None])

    rows, cols = spans(height, 0), spans(width, 1)      # [B, K, H], [B, K, W]
    blocks = rows[..., :, None] & cols[..., None, :]     # [B, K, H, W]
    return tf.cast(tf.reduce_any(blocks, axis=1), tf.float32)[..., None]


@keras.saving.register_keras_serializable("tfgan_zoo")
class ChannelwiseDense(layers.Layer):
    """The Context Encoder's channel-wise fully connected layer (Pathak et
    al. 2016, §3.1): each of the C feature maps (h x w) is fully connected to
    itself, [C, hw, hw] weights instead of a full FC's [hwC, hwC]; no
    information flows between channels (a 1x1 convolution after it does
    that). Needs a fixed feature-map size."""

    def build(self, input_shape):
        _, h, w, c = input_shape
        self.kernel = self.add_weight(shape=(c, h * w, h * w), name="kernel",
                                      initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(c, h * w), name="bias", initializer="zeros")

    def call(self, x):
        _, h, w, c = x.shape
        maps = tf.transpose(tf.reshape(x, [-1, h * w, c]), [2, 0, 1])  # [C, B, hw]
        y = tf.matmul(maps, tf.cast(self.kernel, x.dtype)) + tf.cast(self.bias, x.dtype)[:, None, :]
        return tf.reshape(tf.transpose(y, [1, 2, 0]), [-1, h, w, c])


# ------------------------------------------------------------------ MUNIT
def _munit_conv(x, filters, kernel, strides=1):
    """A convolution with reflection padding, as in MUNIT's Conv2dBlock."""
    pad = (kernel - 1) // 2 if strides == 1 else 1
    if pad:
        x = ReflectionPadding2D(pad)(x)
    return layers.Conv2D(filters, kernel, strides, padding="valid",
                         kernel_initializer=INIT)(x)


def munit_content_encoder(image_shape, dim=64, n_downsample=2, n_res=4,
                          name="content_encoder"):
    """MUNIT's content encoder (Huang et al. 2018, §B.2): c7s1-64 and
    `n_downsample` 4x4 stride-2 convolutions doubling the width, then `n_res`
    residual blocks, all with instance norm and ReLU; output [B, H/4, W/4, 4 dim]."""
    image = keras.Input(image_shape, name="image")
    x = layers.ReLU()(InstanceNormalization()(_munit_conv(image, dim, 7)))
    for _ in range(n_downsample):
        dim *= 2
        x = layers.ReLU()(InstanceNormalization()(_munit_conv(x, dim, 4, 2)))
    for _ in range(n_res):
        y = layers.ReLU()(InstanceNormalization()(_munit_conv(x, dim, 3)))
        y = InstanceNormalization()(_munit_conv(y, dim, 3))
        x = layers.Add()([x, y])
    return keras.Model(image, x, name=name)


def munit_style_encoder(image_shape, style_dim=8, dim=64, n_downsample=4,
                        name="style_encoder"):
    """MUNIT's style encoder (§B.2): c7s1-64, 4x4 stride-2 convolutions (the
    first two double the width), ReLU, no normalization (it would remove the
    very statistics that carry style), global average pooling and a linear
    layer to the style code."""
    image = keras.Input(image_shape, name="image")
    x = layers.ReLU()(_munit_conv(image, dim, 7))
    for i in range(n_downsample):
        if i < 2:
            dim *= 2
        x = layers.ReLU()(_munit_conv(x, dim, 4, 2))
    x = layers.GlobalAveragePooling2D()(x)
    style = layers.Dense(style_dim, dtype="float32", name="style")(x)
    return keras.Model(image, style, name=name)


def munit_decoder(content_shape, output_channels, style_dim=8, n_upsample=2,
                  n_res=4, mlp_dim=256, name="decoder"):
    """MUNIT's decoder (§B.2): `n_res` residual blocks whose every
    normalisation is AdaIN with parameters from an MLP of the style code,
    then `n_upsample` x (nearest x2, 5x5 convolution halving the width, layer
    norm, ReLU) and a 7x7 convolution to the image, tanh."""
    content = keras.Input(content_shape, name="content")
    style = keras.Input((style_dim,), name="style")
    dim = content_shape[-1]
    num_params = n_res * 2 * 2 * dim  # (gamma, beta) for two AdaINs per block
    params = style_mlp(style_dim, num_params, mlp_dim, name=f"{name}_mlp")(style)
    x, offset = content, 0
    for _ in range(n_res):
        y = _munit_conv(x, dim, 3)
        y = layers.ReLU()(AdaptiveInstanceNorm(offset)([y, params]))
        y = _munit_conv(y, dim, 3)
        y = AdaptiveInstanceNorm(offset + 2 * dim)([y, params])
        x = layers.Add()([x, y])
        offset += 4 * dim
    for _ in range(n_upsample):
        dim //= 2
        x = layers.UpSampling2D(2, interpolation="nearest")(x)
        x = layers.ReLU()(LayerNorm2D()(_munit_conv(x, dim, 5)))
    x = _munit_conv(x, output_channels, 7)
    image = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model([content, style], image, name=name)


def multiscale_discriminator(image_shape, ndf=64, n_layers=4, num_scales=3,
                             name="discriminator"):
    """MUNIT's multi-scale discriminator (§B.2, after pix2pixHD): the same
    architecture applied to the image and to `num_scales - 1` successively
    2x average-pooled copies; each is `n_layers` 4x4 stride-2 convolutions
    (LeakyReLU 0.2, no normalization; fewer where the image gets too small)
    and a 1x1 convolution to patch logits. Returns one [B, h, w, 1] float32
    output per scale, largest first."""
    image = keras.Input(image_shape, name="image")
    outputs, x = [], image
    for scale in range(num_scales):
        side = min(x.shape[1], x.shape[2])
        y, width = x, ndf
        for _ in range(max(1, min(n_layers, int(np.log2(max(side, 2)))))):
            y = layers.Conv2D(width, 4, 2, padding="same", kernel_initializer=INIT)(y)
            y = layers.LeakyReLU(0.2)(y)
            width *= 2
        outputs.append(layers.Conv2D(1, 1, dtype="float32", kernel_initializer=INIT,
                                     name=f"logits_{scale}")(y))
        x = layers.AveragePooling2D(3, 2, padding="same")(x)
    return keras.Model(image, outputs, name=name)
