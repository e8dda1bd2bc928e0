"""Networks of the latent-inference family: image -> code encoders, a
view of a discriminator's intermediate features (the feature loss of
AnoGAN and f-AnoGAN), and TP-GAN's two-pathway face-rotation generator.

Each builder returns a functional `keras.Model`; a code leaves in float32
so losses stay float32 under a mixed-precision policy.
"""

from __future__ import annotations

import keras
import tensorflow as tf
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


# ------------------------------------------------------------- TP-GAN
@keras.saving.register_keras_serializable("tfgan_zoo")
class LandmarkPatch(layers.Layer):
    """The `size` x `size` patch of an image centred on landmark `index`
    ((x, y) as fractions of the side), moved inside the image at the
    borders: TP-GAN's local-pathway crop (Huang et al. 2017, §3.1). A
    gather of whole pixels, so it converts to LiteRT's built-in ops."""

    def __init__(self, size, index, **kwargs):
        super().__init__(**kwargs)
        self.size, self.index = int(size), int(index)

    def call(self, image, points):
        shape = tf.shape(image)
        side = tf.cast(tf.stack([shape[2], shape[1]]), points.dtype)      # (W, H)
        corner = tf.round(points[:, self.index] * side - self.size / 2)
        corner = tf.cast(tf.clip_by_value(corner, 0.0, side - self.size), tf.int32)
        steps = tf.range(self.size)
        rows = corner[:, 1, None, None] + steps[None, :, None]           # [B, p, 1]
        cols = corner[:, 0, None, None] + steps[None, None, :]           # [B, 1, p]
        batch = tf.range(shape[0])[:, None, None]
        grid = [tf.broadcast_to(t, [shape[0], self.size, self.size]) for t in (batch, rows, cols)]
        return tf.gather_nd(image, tf.stack(grid, -1))

    def compute_output_shape(self, image_shape, points_shape=None):
        return (image_shape[0], self.size, self.size, image_shape[-1])

    def get_config(self):
        return {**super().get_config(), "size": self.size, "index": self.index}


def template_corners(template, height, width, patch):
    """(top, left) of each landmark's patch at the fixed `template`
    positions ((x, y) fractions), moved inside the image at the borders."""
    return [(min(max(int(round(py * height - patch / 2)), 0), height - patch),
             min(max(int(round(px * width - patch / 2)), 0), width - patch))
            for px, py in template]


def _local_pathway(patch, channels, width, name):
    """One local pathway: a small encoder-decoder over a landmark patch,
    returning (features, the frontal patch in [-1, 1])."""
    conv = lambda w, s=1: layers.Conv2D(w, 3, strides=s, padding="same",  # noqa: E731
                                        kernel_initializer=DCGAN_INIT)
    first = layers.LeakyReLU(0.2)(conv(width)(patch))
    x = layers.LeakyReLU(0.2)(normalization("batch")(conv(2 * width, 2)(first)))
    x = layers.Conv2DTranspose(width, 3, strides=2, padding="same",
                               kernel_initializer=DCGAN_INIT)(x)
    x = layers.ReLU()(normalization("batch")(x))
    features = layers.ReLU()(conv(width)(layers.Concatenate()([x, first])))
    out = layers.Activation("tanh", dtype="float32", name=f"{name}_tanh")(
        conv(channels)(features))
    return features, out


def two_pathway_generator(image_shape, code_dim, noise_dim, template, ngf=64, nlf=32,
                          name="generator"):
    """TP-GAN's generator (Huang et al. 2017, §3.1, Fig. 2): a global
    encoder-decoder with skips over the whole face, whose bottleneck is a
    `code_dim` identity feature joined to a `noise_dim` noise z, and one local encoder-decoder per landmark
    patch (side H // 4) cropped at the input's landmarks. The local
    outputs are pasted at the frontal `template` landmarks and fused by a
    max (features, and the patch mapped to [0, 1]), then joined to the
    global decoder's last feature map for two final convolutions.

    Inputs: image [B, H, W, C] in [-1, 1], landmarks [B, len(template), 2],
    z [B, noise_dim].
    Outputs: the frontal face, then each local pathway's frontal patch."""
    height, width, channels = image_shape
    stages, _ = dcgan_depth(height)
    stages = max(stages - 1, 1)                  # down to 4x4 (DCGAN stops at 4x4 too)
    patch = height // 4
    image = keras.Input(image_shape, name="image")
    points = keras.Input((len(template), 2), name="landmarks")
    x, skips = image, []
    for stage in range(stages):
        x = layers.Conv2D(ngf * 2 ** stage, 4, strides=2, padding="same", use_bias=False,
                          kernel_initializer=DCGAN_INIT)(x)
        if stage:
            x = normalization("batch")(x)
        x = layers.LeakyReLU(0.2)(x)
        skips.append(x)
    bottom = x.shape[1:]
    code = layers.Dense(code_dim, dtype="float32", name="code")(layers.Flatten()(x))
    z = keras.Input((noise_dim,), name="z")
    x = layers.Dense(int(bottom[0] * bottom[1] * bottom[2]), activation="relu")(
        layers.Concatenate()([code, z]))
    x = layers.Reshape(bottom)(x)
    for stage in reversed(range(stages)):
        x = layers.Concatenate()([x, skips[stage]])
        x = layers.Conv2DTranspose(ngf * 2 ** max(stage - 1, 0), 4, strides=2, padding="same",
                                   use_bias=False, kernel_initializer=DCGAN_INIT)(x)
        x = layers.ReLU()(normalization("batch")(x))
    canvases, patches = [], []
    for k, (top, left) in enumerate(template_corners(template, height, width, patch)):
        crop = LandmarkPatch(patch, k, name=f"patch_{k}")(image, points)
        features, out = _local_pathway(crop, channels, nlf, f"local_{k}")
        patches.append(out)
        pasted = layers.Concatenate()([features, layers.Rescaling(0.5, 0.5)(out)])
        canvases.append(layers.ZeroPadding2D(((top, height - patch - top),
                                              (left, width - patch - left)))(pasted))
    local = layers.Maximum()(canvases)
    x = layers.Concatenate()([x, local])
    x = layers.ReLU()(layers.Conv2D(ngf, 3, padding="same", kernel_initializer=DCGAN_INIT)(x))
    face = layers.Activation("tanh", dtype="float32", name="face")(
        layers.Conv2D(channels, 3, padding="same", kernel_initializer=DCGAN_INIT)(x))
    return keras.Model([image, points, z], [face, *patches], name=name)
