"""Networks of Jin et al. 2017's tag-conditional face generator ("Towards
the Automatic Anime Characters Creation with GANs", §4), as
bhpfelix/PyTorch-Face-Generator-SRResNet-based-ACGAN-DRAGAN builds them.

Generator (SRResNet-like): [z, tags] -> dense to a base x base x ngf map,
BN, ReLU; `residual_blocks` SRResNet residual blocks (16 in the paper),
BN, ReLU and a skip over all of them; two sub-pixel upsamplings (3x3 conv
to 4 ngf, pixel shuffle, BN, ReLU); a 9x9 convolution to the image, tanh.
The paper goes 16 -> 128 px in three upsamplings; here base = size / 4.

Discriminator (ResNet, no normalisation, as the DRAGAN penalty is per
example): a 4x4 stride-2 conv, then blocks of two residual units (conv,
LeakyReLU, conv, skip, LeakyReLU) and a 4x4 stride-2 conv doubling the
width, down to 4x4; two linear heads on the flattened features: the
real/fake logit and one logit per tag (float32).
"""

from __future__ import annotations

import keras
from keras import layers

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.layers import PixelShuffle, batch_norm
from tfgan_zoo.networks.restoration import residual_block


def _check_size(image_shape):
    size = image_shape[0]
    if size % 16 or size < 16:
        raise UserError(f"the tag GAN needs an image size that is a multiple of 16 "
                        f"(e.g. 32 or 64), got {size}: pass --image-size")
    return size


def tag_generator(latent_dim, image_shape, num_tags, ngf=64, residual_blocks=16,
                  name="generator"):
    """[z, tags] -> image (see the module docstring)."""
    base = _check_size(image_shape) // 4
    z = keras.Input((latent_dim,), name="z")
    tags = keras.Input((num_tags,), name="tags")
    x = layers.Dense(base * base * ngf)(layers.Concatenate()([z, tags]))
    x = skip = layers.ReLU()(batch_norm()(layers.Reshape((base, base, ngf))(x)))
    for _ in range(residual_blocks):
        x = residual_block(x, ngf, activation=layers.ReLU)
    x = layers.Add()([layers.ReLU()(batch_norm()(x)), skip])
    for _ in range(2):
        x = PixelShuffle(2)(layers.Conv2D(4 * ngf, 3, padding="same")(x))
        x = layers.ReLU()(batch_norm()(x))
    x = layers.Conv2D(image_shape[-1], 9, padding="same")(x)
    return keras.Model([z, tags], layers.Activation("tanh", dtype="float32")(x), name=name)


def _residual_unit(x):
    width = x.shape[-1]
    y = layers.LeakyReLU(0.2)(layers.Conv2D(width, 3, padding="same")(x))
    y = layers.Conv2D(width, 3, padding="same")(y)
    return layers.LeakyReLU(0.2)(layers.Add()([x, y]))


def tag_discriminator(image_shape, num_tags, ndf=32, real_tag_head=False,
                      name="discriminator"):
    """image -> [logit [B, 1], tag logits [B, num_tags]], both float32;
    with `real_tag_head` a third output, a second linear tag head on the
    same features [B, num_tags] (`TagGAN`'s g_tag_head="real")."""
    _check_size(image_shape)
    image = keras.Input(image_shape, name="image")
    x = layers.LeakyReLU(0.2)(layers.Conv2D(ndf, 4, strides=2, padding="same")(image))
    while x.shape[1] > 4:
        x = _residual_unit(_residual_unit(x))
        x = layers.Conv2D(2 * x.shape[-1], 4, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    tag_logits = layers.Dense(num_tags, dtype="float32", name="tag_logits")(x)
    outputs = [logit, tag_logits]
    if real_tag_head:
        outputs.append(layers.Dense(num_tags, dtype="float32", name="real_tag_logits")(x))
    return keras.Model(image, outputs, name=name)
