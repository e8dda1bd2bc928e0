"""Network pieces the text-to-image GANs share."""

import keras
from keras import layers, ops

from tfgan_zoo import networks


class BoxMask(layers.Layer):
    """Bounding boxes [B, N, 4] (y0, x0, y1, x1 in [0, 1]; all-zero rows are
    absent boxes) -> their union as a mask [B, size, size, 1] over a grid of
    cell centres. Edges are logistic ramps half a cell wide, so the mask is
    made of ops that TFLite runs and quantizes (no comparisons)."""

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, boxes):
        boxes = ops.cast(boxes, "float32")
        centres = (ops.arange(self.size, dtype="float32") + 0.5) / self.size
        k = 4.0 * self.size

        def ramp(low, high):  # [B, N, size]: inside [low, high]
            return (ops.sigmoid(k * (centres - low[..., None]))
                    * ops.sigmoid(k * (high[..., None] - centres)))

        rows = ramp(boxes[..., 0], boxes[..., 2])
        cols = ramp(boxes[..., 1], boxes[..., 3])
        mask = ops.max(rows[..., :, None] * cols[..., None, :], axis=1)
        return mask[..., None]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, 1)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


def tile(vector, size):
    """[B, D] -> [B, size, size, D] (spatial replication of a text code)."""
    x = layers.Reshape((1, 1, vector.shape[-1]))(vector)
    return layers.UpSampling2D(size, interpolation="nearest")(x) if size > 1 else x


def image_features(image, ndf):
    """A discriminator's image path: strided 4x4 convolutions (batch norm
    after the first) from the image down to a 4x4 map, the width doubling
    from `ndf` at each step."""
    size, width, x = image.shape[1], ndf, image
    if size == 4:
        x = layers.LeakyReLU(0.2)(layers.Conv2D(ndf, 3, padding="same")(x))
    first = True
    while size > 4:
        x = layers.Conv2D(width, 4, strides=2, padding="same", use_bias=not first)(x)
        if not first:
            x = networks.batch_norm()(x)
        x = layers.LeakyReLU(0.2)(x)
        first, size, width = False, size // 2, width * 2
    return x


def matching_discriminator(image_shape, embedding_dim, condition_dim, ndf, joint_kernel=3,
                           unconditional=False, classes=(), name="discriminator"):
    """[image, phi_t] -> logit (Reed et al. 2016, sec. 4.1; Zhang et al.
    2017, sec. 3): strided 4x4 convolutions down to 4x4 (batch norm after
    the first), the text compressed by a fully connected layer, tiled over
    the 4x4 map and joined, a `joint_kernel` convolution (1x1 in GAN-CLS,
    3x3 in StackGAN) and a 4x4 one to a single logit.

    `unconditional=True` adds StackGAN-v2's second head (Zhang et al. 2018,
    sec. 4.1): a 4x4 convolution of the image features alone, before the
    text joins, so the output is [logit, unconditional logit].

    `classes` (head sizes) adds AC-GAN's auxiliary classifier (Odena et al.
    2017; TAC-GAN for text): linear heads on the flattened image features,
    side by side in one more output, [B, sum(classes)]."""
    image = keras.Input(image_shape, name="image")
    embedding = keras.Input((embedding_dim,), name="embedding")
    features = image_features(image, ndf)
    width, x = features.shape[-1], features
    text = layers.LeakyReLU(0.2)(layers.Dense(condition_dim)(embedding))
    x = layers.Concatenate()([x, tile(text, 4)])
    x = layers.Conv2D(width, joint_kernel, padding="same", use_bias=False)(x)
    x = layers.LeakyReLU(0.2)(networks.batch_norm()(x))
    x = layers.Conv2D(1, 4, strides=4, padding="valid", dtype="float32")(x)
    logit = layers.Flatten(dtype="float32", name="logit")(x)
    outputs = [logit]
    if unconditional:
        x = layers.Conv2D(1, 4, strides=4, padding="valid", dtype="float32")(features)
        outputs.append(layers.Flatten(dtype="float32", name="unconditional_logit")(x))
    if classes:
        outputs.append(class_head(layers.Flatten()(features), classes))
    return keras.Model([image, embedding], outputs if len(outputs) > 1 else logit, name=name)


def class_head(features, classes):
    """AC-GAN's auxiliary classifier: linear heads of sizes `classes` on
    [B, D] image features, side by side, [B, sum(classes)]."""
    return layers.Dense(sum(classes), dtype="float32", name="class_logits")(features)


def projection_discriminator(image_shape, embedding_dim, ndf, classes=(),
                             name="discriminator"):
    """[image, phi_t] -> logit = w^T h + b + (V phi_t)^T h: a projection
    discriminator (Miyato & Koyama 2018, eq. 3), h the image features of
    `image_features` averaged over space. The text enters as an inner
    product with the image features instead of being tiled and joined.

    `classes` adds the auxiliary classifier of `matching_discriminator` on
    h, so the output is [logit, class logits]."""
    image = keras.Input(image_shape, name="image")
    embedding = keras.Input((embedding_dim,), name="embedding")
    h = layers.GlobalAveragePooling2D(name="pooled_features")(image_features(image, ndf))
    text = layers.Dense(h.shape[-1], use_bias=False, name="projection")(embedding)
    logit = layers.Dense(1, dtype="float32", name="linear")(h)
    logit = logit + ops.sum(ops.cast(text * h, "float32"), axis=-1, keepdims=True)
    logit = layers.Activation("linear", dtype="float32", name="logit")(logit)
    outputs = [logit, class_head(h, classes)] if classes else logit
    return keras.Model([image, embedding], outputs, name=name)
