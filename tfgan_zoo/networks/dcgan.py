"""Networks of the noise-to-image GANs: MLPs (GAN, CGAN) and DCGAN's
convolutional stacks (DCGAN, WGAN, WGAN-GP, LSGAN).

Each builder returns a functional `keras.Model`. The last layer of every
discriminator and the generator's output activation are float32, so losses
stay float32 under a mixed-precision policy.
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.layers import (NORMAL_002, batch_norm, class_head, label_input,
                                       normalization)

# Radford et al. 2015, §4: weights from N(0, 0.02).
DCGAN_INIT = NORMAL_002


def _with_label(inputs, x, num_classes):
    """Inputs and features, with a label input's one-hot code joined to the
    features when the network is conditional (Mirza & Osindero 2014)."""
    if not num_classes:
        return inputs, x
    label, one_hot = label_input(num_classes)
    return inputs + [label], layers.Concatenate()([x, one_hot])


def mlp_generator(latent_dim, image_shape, hidden=(256, 512, 1024),
                  num_classes=None, name="generator"):
    """z (and a one-hot label) -> hidden ReLU layers -> tanh image."""
    z = keras.Input((latent_dim,), name="z")
    inputs, x = _with_label([z], z, num_classes)
    for units in hidden:
        x = layers.Dense(units)(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Dense(math.prod(image_shape))(x)
    x = layers.Activation("tanh", dtype="float32")(x)
    x = layers.Reshape(image_shape, dtype="float32")(x)
    return keras.Model(inputs, x, name=name)


def mlp_discriminator(image_shape, hidden=(512, 256), dropout=0.3,
                      num_classes=None, name="discriminator"):
    """Image (and a one-hot label) -> hidden LeakyReLU layers -> one logit."""
    image = keras.Input(image_shape, name="image")
    inputs, x = _with_label([image], layers.Flatten()(image), num_classes)
    for units in hidden:
        x = layers.Dense(units)(x)
        x = layers.LeakyReLU(0.2)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(inputs, logit, name=name)


def dcgan_depth(image_size):
    """Number of stride-2 stages and the smallest feature map for a size.

    64 -> 4 stages from 4x4, 32 -> 3 from 4x4, 28 -> 2 from 7x7."""
    for base in (4, 7):
        stages = math.log2(image_size / base)
        if stages >= 1 and stages.is_integer():
            return int(stages), base
    raise UserError(f"DCGAN image size must be 4 or 7 times a power of two "
                    f"(e.g. 28, 32, 64, 128), got {image_size}: pass --image-size")


def dcgan_generator(latent_dim, image_shape, ngf=64, synchronized_bn=False,
                    name="generator", num_classes=None):
    """Radford et al. 2015, Fig. 1: project z, then fractionally-strided
    convolutions with batch norm and ReLU, halving the width at each stage,
    ending in tanh. No pooling, no fully connected hidden layers.
    With `num_classes`, a conditional DCGAN (IcGAN, Perarnau et al. 2016
    Fig. 3): the one-hot label y joins z at G's input."""
    height, _, channels = image_shape
    stages, base = dcgan_depth(height)
    width = ngf * 2 ** (stages - 1)
    z = keras.Input((latent_dim,), name="z")
    inputs, code = _with_label([z], z, num_classes)
    # The projection is the reference's first 4x4 transposed conv on a 1x1 z.
    x = layers.Dense(base * base * width, use_bias=False,
                     kernel_initializer=DCGAN_INIT)(code)
    x = layers.Reshape((base, base, width))(x)
    x = batch_norm(synchronized_bn)(x)
    x = layers.ReLU()(x)
    for stage in range(stages - 1):
        width //= 2
        x = layers.Conv2DTranspose(width, 4, strides=2, padding="same",
                                   use_bias=False, kernel_initializer=DCGAN_INIT)(x)
        x = batch_norm(synchronized_bn)(x)
        x = layers.ReLU()(x)
    x = layers.Conv2DTranspose(channels, 4, strides=2, padding="same",
                               kernel_initializer=DCGAN_INIT)(x)
    image = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(inputs if num_classes else z, image, name=name)


def dcgan_discriminator(image_shape, ndf=64, norm="batch", synchronized_bn=False,
                        classes=(), name="discriminator", num_classes=None):
    """Radford et al. 2015: strided convolutions with LeakyReLU(0.2), batch
    norm on every layer but the first, and a single logit. `norm` swaps batch
    norm for layer norm or none (WGAN-GP's critic must not use batch norm).
    `classes` (head sizes) adds a second output, linear class logits on the
    same features (AC-GAN's auxiliary classifier; CAN's style head).
    With `num_classes`, the one-hot label is tiled over the first
    convolution's output map and joined to its channels: the placement
    IcGAN found best (Perarnau et al. 2016, §4.2, Fig. 5)."""
    stages, _ = dcgan_depth(image_shape[0])
    image = keras.Input(image_shape, name="image")
    inputs, x = [image], image
    for stage in range(stages):
        x = layers.Conv2D(ndf * 2 ** stage, 4, strides=2, padding="same",
                          use_bias=False, kernel_initializer=DCGAN_INIT)(x)
        norm_layer = normalization(norm, synchronized_bn) if stage else None
        if norm_layer is not None:
            x = norm_layer(x)
        x = layers.LeakyReLU(0.2)(x)
        if num_classes and stage == 0:
            label, one_hot = label_input(num_classes)
            inputs.append(label)
            tiled = layers.Lambda(lambda pair: ops.broadcast_to(
                ops.cast(pair[0], pair[1].dtype)[:, None, None, :],
                (*ops.shape(pair[1])[:3], num_classes)))([one_hot, x])
            x = layers.Concatenate()([x, tiled])
    x = layers.Flatten()(x)
    logit = layers.Dense(1, dtype="float32", kernel_initializer=DCGAN_INIT,
                         name="logit")(x)
    outputs = [logit, class_head(x, classes)] if classes else logit
    return keras.Model(inputs if num_classes else image, outputs, name=name)
