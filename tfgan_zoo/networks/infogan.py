"""InfoGAN's MNIST networks (Chen et al. 2016, Table 1; openai/InfoGAN
`infogan/models/regularized_gan.py`), with widths as parameters
(ngf = ndf = 64 gives the paper's 1024 / 128 / 64).

    G: [z, one-hot(c_cat), c_cont] -> FC 16ngf BN ReLU -> FC (s/4)^2 x 2ngf
       BN ReLU -> up-conv ngf 4x4/2 BN ReLU -> up-conv C 4x4/2 -> tanh
    D: image -> conv ndf 4x4/2 lReLU -> conv 2ndf 4x4/2 BN lReLU
       -> FC 16ndf BN lReLU = the shared body
       -> D head: FC 1 (real/fake logit)
       -> Q head: FC 2ndf BN lReLU -> categorical logits and the means of
          the continuous codes (a Gaussian with fixed unit deviation; with
          `learned_std` also their log-variances)

`q_dropout` > 0 (a project experiment) puts dropout between the body and
Q's head, so Q reads the codes from a random part of the body's features.

Q shares every layer of D's body, so the mutual-information term trains
that body too (Natsu6767/InfoGAN-PyTorch#2: codes were ignored when it did
not).
"""

from __future__ import annotations

import keras
from keras import layers

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.layers import batch_norm, label_input


def _base_size(image_size):
    if image_size % 4:
        raise UserError(f"InfoGAN's networks halve the image twice; {image_size} px is not "
                        "divisible by 4: pass --image-size 28 (or 16, 32)")
    return image_size // 4


def infogan_generator(latent_dim, image_shape, num_categories, continuous_codes, ngf=64,
                      name="generator"):
    """[z, code_cat, code_cont] (code_cont only when continuous_codes > 0)
    -> image in [-1, 1]."""
    base = _base_size(image_shape[0])
    z = keras.Input((latent_dim,), name="z")
    category, one_hot = label_input(num_categories, name="code_cat")
    inputs, parts = [z, category], [z, one_hot]
    if continuous_codes:
        continuous = keras.Input((continuous_codes,), name="code_cont")
        inputs.append(continuous)
        parts.append(continuous)
    x = layers.Concatenate()(parts)
    x = layers.ReLU()(batch_norm()(layers.Dense(16 * ngf)(x)))
    x = layers.ReLU()(batch_norm()(layers.Dense(base * base * 2 * ngf)(x)))
    x = layers.Reshape((base, base, 2 * ngf))(x)
    x = layers.Conv2DTranspose(ngf, 4, strides=2, padding="same")(x)
    x = layers.ReLU()(batch_norm()(x))
    x = layers.Conv2DTranspose(image_shape[-1], 4, strides=2, padding="same")(x)
    image = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(inputs, image, name=name)


def infogan_discriminator(image_shape, num_categories, continuous_codes, ndf=64,
                          learned_std=False, q_dropout=0.0, name="discriminator"):
    """image -> [logit, categorical logits, continuous means], and the
    continuous codes' log-variances last with `learned_std`."""
    _base_size(image_shape[0])
    image = keras.Input(image_shape, name="image")
    x = layers.LeakyReLU(0.1)(layers.Conv2D(ndf, 4, strides=2, padding="same")(image))
    x = layers.Conv2D(2 * ndf, 4, strides=2, padding="same")(x)
    x = layers.LeakyReLU(0.1)(batch_norm()(x))
    x = layers.Flatten()(x)
    body = layers.LeakyReLU(0.1)(batch_norm()(layers.Dense(16 * ndf)(x)))
    logit = layers.Dense(1, dtype="float32", name="logit")(body)
    # No layer at 0, so the paper's network (and its checkpoints) stay as they were.
    q_view = layers.Dropout(q_dropout, name="q_dropout")(body) if q_dropout else body
    q = layers.LeakyReLU(0.1)(batch_norm()(layers.Dense(2 * ndf)(q_view)))
    categories = layers.Dense(num_categories, dtype="float32", name="q_categorical")(q)
    means = layers.Dense(max(continuous_codes, 1), dtype="float32", name="q_continuous")(q)
    outputs = [logit, categories, means]
    if learned_std:
        outputs.append(layers.Dense(max(continuous_codes, 1), dtype="float32",
                                    name="q_log_var")(q))
    return keras.Model(image, outputs, name=name)
