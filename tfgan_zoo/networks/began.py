"""BEGAN's networks (Berthelot, Schumm & Metz 2017, §3.5 and Fig. 1): the
discriminator is an auto-encoder, and the generator has the architecture of
its decoder.

    decoder: h -> dense to 8x8xn -> [conv3x3 ELU, conv3x3 ELU, 2x nearest up]
             per scale -> conv3x3 -> image
    encoder: image -> conv3x3 ELU -> [conv3x3 ELU x 2, stride-2 conv3x3 ELU
             (down)] per scale with n, 2n, 3n, ... filters -> dense to h

as carpedm20/BEGAN-tensorflow's models.py builds them (its downsampling is
a stride-2 convolution; the paper says "sub-sampling with stride 2"). The
last convolution is linear, as in the paper and the reference: a tanh there
saturates on MNIST's all-black background, and G then stalled at grey
images with k_t stuck at 0 (a first try here). Served images are clipped to
[-1, 1] by the model.
"""

from __future__ import annotations

import keras
from keras import layers

from tfgan_zoo.errors import UserError


def began_scales(image_size):
    """(smallest map, number of scales): 8 for powers of two, 7 for 28 px."""
    for base in (8, 7):
        scales = image_size / base
        if scales >= 1 and scales.is_integer() and (int(scales) & (int(scales) - 1)) == 0:
            return base, int(scales).bit_length()
    raise UserError(f"BEGAN needs an image size of 8 or 7 times a power of two (e.g. 32, "
                    f"64, 28), got {image_size}: pass --image-size 32")


def _conv(x, filters, strides=1):
    return layers.Conv2D(filters, 3, strides=strides, padding="same", activation="elu")(x)


def decoder(h, image_shape, filters, output_bias=0.0):
    """h -> image (float32, linear); the last convolution's bias starts at
    `output_bias`."""
    base, scales = began_scales(image_shape[0])
    x = layers.Dense(base * base * filters)(h)
    x = layers.Reshape((base, base, filters))(x)
    for scale in range(scales):
        x = _conv(_conv(x, filters), filters)
        if scale < scales - 1:
            x = layers.UpSampling2D(2, interpolation="nearest")(x)
    x = layers.Conv2D(image_shape[-1], 3, padding="same",
                      bias_initializer=keras.initializers.Constant(output_bias))(x)
    return layers.Activation("linear", dtype="float32")(x)


# 2 Phi(z) - 1 ~ U(-1, 1) for z ~ N(0, 1); with Phi's logistic approximation
# Phi(z) ~ sigmoid(1.702 z) (max error 0.01) it is tanh(0.851 z). TFLite has no
# erf, so the exact map would not export.
NORMAL_TO_UNIFORM = 0.851


def began_generator(latent_dim, image_shape, filters=64, output_bias=0.0, name="generator"):
    """z -> image: the decoder's architecture (its own weights). The paper
    draws z ~ U(-1, 1); the zoo serves z ~ N(0, 1) to every generator, so
    the first layer maps it to (nearly) uniform: u = tanh(0.851 z).
    `output_bias` is where G's images start (0: mid-grey)."""
    z = keras.Input((latent_dim,), name="z")
    u = layers.Activation("tanh")(layers.Rescaling(NORMAL_TO_UNIFORM)(z))
    return keras.Model(z, decoder(u, image_shape, filters, output_bias), name=name)


def began_discriminator(image_shape, filters=64, hidden_dim=64, name="discriminator"):
    """The auto-encoder D: image -> h (hidden_dim) -> reconstruction."""
    _, scales = began_scales(image_shape[0])
    image = keras.Input(image_shape, name="image")
    x = _conv(image, filters)
    for scale in range(scales):
        width = filters * (scale + 1)
        x = _conv(_conv(x, width), width)
        if scale < scales - 1:
            x = _conv(x, width, strides=2)
    h = layers.Dense(hidden_dim, name="h")(layers.Flatten()(x))
    return keras.Model(image, decoder(h, image_shape, filters), name=name)


def with_code(discriminator):
    """A view of the auto-encoder D returning (reconstruction, h): the same
    layers and weights, one forward pass for both."""
    return keras.Model(discriminator.input,
                       [discriminator.output, discriminator.get_layer("h").output],
                       name=f"{discriminator.name}_with_code")
