"""Networks of MUNIT (Huang et al. 2018, appendix B.2): content and style
encoders, the AdaIN decoder with its style MLP, the multi-scale
discriminator, and the translator that joins an encoder and a decoder.
Every builder returns a functional `keras.Model` whose output activation is
float32."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from tfgan_zoo.networks.image2image import INIT
from tfgan_zoo.networks.layers import (AdaptiveInstanceNorm, InstanceNormalization,
                                       LayerNorm2D, ReflectionPadding2D)


def style_mlp(style_dim, num_params, units=256, num_layers=3, name="style_mlp"):
    """MUNIT's MLP (§3, "Decoder"): a style code -> every AdaIN parameter of
    the decoder, `num_layers` Dense layers with ReLU between them."""
    style = keras.Input((style_dim,), name="style")
    x = style
    for _ in range(num_layers - 1):
        x = layers.Dense(units, activation="relu")(x)
    params = layers.Dense(num_params, dtype="float32", name="adain_params")(x)
    return keras.Model(style, params, name=name)


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


def translator(content_encoder, decoder, input_shape, style_dim, name):
    """(image, style) -> image: one domain's content, the other's decoder."""
    image = keras.Input(input_shape, name="image")
    style = keras.Input((style_dim,), name="style")
    return keras.Model([image, style], decoder([content_encoder(image), style]),
                       name=name)
