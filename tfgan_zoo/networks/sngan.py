"""Networks of the class-conditional ResNet GANs: SNGAN with a projection
discriminator (Miyato et al. 2018; Miyato & Koyama 2018) and BigGAN's
additions to it (Brock et al. 2019).

Generator: z -> linear -> base x base map -> up blocks -> BN, ReLU, 3x3
conv, tanh. Each up block is BN, ReLU, 2x nearest upsampling, 3x3 conv,
BN, ReLU, 3x3 conv, with a 1x1-conv shortcut of the upsampled input (the
authors' `gen_models/resnet_32.py`); its batch norms are class-conditional
(`conditional_batch_norm`). The condition is either a one-hot class
(SNGAN: one gamma and beta row per class) or BigGAN's shared class
embedding, joined with one chunk of z per block when z is hierarchical.

Discriminator: an "optimized" first block (conv, ReLU, conv, 2x2 average
pool; shortcut pool then 1x1 conv), down blocks to at most 8x8, two blocks
at that size, ReLU, a sum over space, then the projection head
`projection_logit` (eq. 3) or, as the baseline of Miyato & Koyama's Table 1,
the one-hot class concatenated to the feature maps ahead of the last two
blocks ("concat"). Every layer of D is spectrally normalised; G's are
when `spectral_norm` is set (BigGAN). Optional self-attention (Zhang et al.
2019, SAGAN) at one resolution in both.

Sizes: 4 or 7 times a power of two (28 px MNIST starts at 7x7).
"""

from __future__ import annotations

import keras
from keras import layers, ops

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.dcgan import dcgan_depth
from tfgan_zoo.networks.layers import (SpectralNorm, batch_norm, conditional_batch_norm,
                                       label_input, projection_logit)

CONDITIONINGS = ("projection", "concat")


def _wrap(spectral_norm):
    return SpectralNorm if spectral_norm else (lambda layer: layer)


def _conv(width, kernel, sn, name=None):
    return _wrap(sn)(layers.Conv2D(width, kernel, padding="same", name=name))


@keras.saving.register_keras_serializable("tfgan_zoo")
class SelfAttention(layers.Layer):
    """Self-attention over a feature map (Zhang et al. 2019, SAGAN, §3), as
    BigGAN's `Attention` layer: theta = 1x1 conv to C/8; phi (C/8) and g
    (C/2) 1x1 convs, 2x2 max-pooled; beta = softmax(theta phi^T); the output
    1x1-convolved back to C, added as x + gamma * o with gamma starting at
    0. The convolutions are spectrally normalised when `spectral_norm`."""

    def __init__(self, spectral_norm=True, **kwargs):
        super().__init__(**kwargs)
        self.spectral_norm = bool(spectral_norm)

    def build(self, input_shape):
        channels = int(input_shape[-1])
        wrap = _wrap(self.spectral_norm)
        conv = lambda width, name: wrap(layers.Conv2D(width, 1, use_bias=False,  # noqa: E731
                                                      name=name))
        self.theta = conv(max(channels // 8, 1), "theta")
        self.phi = conv(max(channels // 8, 1), "phi")
        self.g = conv(max(channels // 2, 1), "g")
        self.o = conv(channels, "o")
        for layer, width in ((self.theta, channels), (self.phi, channels),
                             (self.g, channels), (self.o, max(channels // 2, 1))):
            layer.build((None, None, None, width))
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def call(self, x, training=False):
        h, w, c = x.shape[1], x.shape[2], x.shape[3]
        pool = lambda t: ops.max_pool(t, 2, 2)  # noqa: E731
        theta = ops.reshape(self.theta(x, training=training), [-1, h * w, max(c // 8, 1)])
        phi = ops.reshape(pool(self.phi(x, training=training)),
                          [-1, (h // 2) * (w // 2), max(c // 8, 1)])
        g = ops.reshape(pool(self.g(x, training=training)),
                        [-1, (h // 2) * (w // 2), max(c // 2, 1)])
        beta = ops.softmax(ops.matmul(theta, ops.transpose(phi, [0, 2, 1])), axis=-1)
        o = ops.reshape(ops.matmul(beta, g), [-1, h, w, max(c // 2, 1)])
        return x + ops.cast(self.gamma, x.dtype) * self.o(o, training=training)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "spectral_norm": self.spectral_norm}


def _check(image_shape, attention):
    stages, base = dcgan_depth(image_shape[0])
    sizes = [base * 2 ** i for i in range(stages + 1)]
    if attention and attention not in sizes[1:]:
        raise UserError(f"--attention must be 0 (off) or a feature-map size of this "
                        f"network, one of {', '.join(map(str, sizes[1:]))}; got {attention}")
    return stages, base


def resnet_generator(latent_dim, image_shape, num_classes, ngf=64, shared_dim=128,
                     hierarchical_z=True, spectral_norm=True, attention=0,
                     name="generator"):
    """[z, label] -> image. `shared_dim` > 0: BigGAN's shared class
    embedding; 0: SNGAN's per-layer class rows (a one-hot condition).
    `hierarchical_z` splits z into one chunk for the input linear map and
    one per up block, each joined to the class condition of that block's
    batch norms. `attention`: feature-map size of a self-attention layer
    (0: none)."""
    stages, base = _check(image_shape, attention)
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    if shared_dim:
        # N(0, 1) rows, PyTorch's nn.Embedding default that BigGAN keeps: the
        # class must weigh as much as a chunk of z in each batch norm's
        # condition (Keras's U(-0.05, 0.05) left it ~30x smaller).
        classes = layers.Embedding(
            num_classes, shared_dim, name="shared_embedding",
            embeddings_initializer=keras.initializers.RandomNormal(0.0, 1.0))(label)
    else:
        classes = layers.Lambda(lambda y: ops.take(ops.eye(num_classes), y, axis=0),
                                output_shape=(num_classes,), name="label_one_hot")(label)
    chunks = [z]
    if hierarchical_z:
        if latent_dim < stages + 1:
            raise UserError(f"hierarchical z needs at least {stages + 1} latent dimensions "
                            f"(one per block and one for the input), got {latent_dim}")
        size = latent_dim // (stages + 1)
        cuts = [size * i for i in range(stages + 1)] + [latent_dim]
        chunks = [z[:, cuts[i]:cuts[i + 1]] for i in range(stages + 1)]
    wrap = _wrap(spectral_norm)
    x = wrap(layers.Dense(base * base * ngf, name="input_linear"))(chunks[0])
    x = layers.Reshape((base, base, ngf))(x)
    for stage in range(stages):
        condition = (layers.Concatenate()([classes, chunks[stage + 1]])
                     if hierarchical_z else classes)
        h = layers.ReLU()(conditional_batch_norm(x, condition, spectral_norm))
        h = layers.UpSampling2D(2, interpolation="nearest")(h)
        h = _conv(ngf, 3, spectral_norm)(h)
        h = layers.ReLU()(conditional_batch_norm(h, condition, spectral_norm))
        h = _conv(ngf, 3, spectral_norm)(h)
        shortcut = _conv(ngf, 1, spectral_norm)(layers.UpSampling2D(2, interpolation="nearest")(x))
        x = layers.Add()([h, shortcut])
        if attention == x.shape[1]:
            x = SelfAttention(spectral_norm, name="attention")(x)
    x = layers.ReLU()(batch_norm()(x))
    x = _conv(image_shape[-1], 3, spectral_norm)(x)
    return keras.Model([z, label], layers.Activation("tanh", dtype="float32")(x), name=name)


def _d_block(x, width, down, first=False):
    """An SN-ResNet discriminator block; `first` is the "optimized" block,
    with no ReLU ahead of its first convolution."""
    h = x if first else layers.ReLU()(x)
    h = _conv(width, 3, True)(h)
    h = _conv(width, 3, True)(layers.ReLU()(h))
    if down:
        h = layers.AveragePooling2D(2)(h)
    shortcut = x
    if first:
        shortcut = _conv(width, 1, True)(layers.AveragePooling2D(2)(x))
    elif down or x.shape[-1] != width:
        shortcut = _conv(width, 1, True)(x)
        shortcut = layers.AveragePooling2D(2)(shortcut) if down else shortcut
    return layers.Add()([h, shortcut])


def resnet_discriminator(image_shape, num_classes, ndf=64, conditioning="projection",
                         attention=0, name="discriminator"):
    """[image, label] -> logit [B, 1], float32 (see the module docstring)."""
    if conditioning not in CONDITIONINGS:
        raise UserError(f"unknown conditioning '{conditioning}': choose "
                        f"{' or '.join(CONDITIONINGS)}")
    _check(image_shape, attention)
    image = keras.Input(image_shape, name="image")
    label, one_hot = label_input(num_classes)
    x = _d_block(image, ndf, down=True, first=True)
    while x.shape[1] > 8:
        if attention == x.shape[1]:
            x = SelfAttention(True, name="attention")(x)
        x = _d_block(x, ndf, down=True)
    if conditioning == "concat":
        size = x.shape[1]
        tiled = layers.UpSampling2D(size)(layers.Reshape((1, 1, num_classes))(one_hot))
        x = layers.Concatenate()([x, tiled])
    for _ in range(2):
        x = _d_block(x, ndf, down=False)
    h = ops.sum(layers.ReLU()(x), axis=[1, 2])
    if conditioning == "projection":
        logit = projection_logit(h, one_hot, wrap=SpectralNorm)
    else:
        logit = SpectralNorm(layers.Dense(1, dtype="float32", name="linear"))(h)
    return keras.Model([image, label], logit, name=name)
