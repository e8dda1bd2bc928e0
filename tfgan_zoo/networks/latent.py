"""Networks of the latent-inference family: image -> code encoders and a
view of a discriminator's intermediate features (the feature loss of
AnoGAN and f-AnoGAN).

Each builder returns a functional `keras.Model`; a code leaves in float32
so losses stay float32 under a mixed-precision policy.
"""

from __future__ import annotations

import keras
from keras import layers

from tfgan_zoo.networks.dcgan import DCGAN_INIT, dcgan_depth
from tfgan_zoo.networks.layers import normalization


def conv_encoder(image_shape, code_dim, nef=64, norm="batch", name="encoder"):
    """Image -> code: DCGAN's discriminator stack (strided 4x4 convolutions,
    LeakyReLU 0.2, normalization after the first) ending in a linear layer
    of `code_dim` units instead of one logit: f-AnoGAN's izif encoder
    (Schlegl et al. 2019, §2.2) and IcGAN's E_z / E_y (Perarnau et al.
    2016, §3.2) share this shape."""
    stages, _ = dcgan_depth(image_shape[0])
    image = keras.Input(image_shape, name="image")
    x = image
    for stage in range(stages):
        x = layers.Conv2D(nef * 2 ** stage, 4, strides=2, padding="same",
                          use_bias=False, kernel_initializer=DCGAN_INIT)(x)
        norm_layer = normalization(norm) if stage else None
        if norm_layer is not None:
            x = norm_layer(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    code = layers.Dense(code_dim, dtype="float32", name="code")(x)
    return keras.Model(image, code, name=name)


def feature_layer(discriminator):
    """The discriminator's last feature map before its logit, as a model
    that shares its weights: f(x) of AnoGAN's feature-matching loss
    (Schlegl et al. 2017 eq. 4, "an intermediate layer of the
    discriminator"; tkwoo/anogan-keras takes the layer before the output)."""
    flatten = next(layer for layer in reversed(discriminator.layers)
                   if isinstance(layer, layers.Flatten))
    return keras.Model(discriminator.inputs, flatten.output,
                       name=f"{discriminator.name}_features")
