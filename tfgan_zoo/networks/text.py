"""Networks of the text-to-image GANs: the matching-aware and projection
discriminators, GAN-INT-CLS's and GAWWN's generators, the semantic-synthesis
editor, and StackGAN's conditioning augmentation and two stages."""

from __future__ import annotations

import math

import keras
import tensorflow as tf
from keras import layers, ops

from tfgan_zoo.networks.dcgan import dcgan_generator
from tfgan_zoo.networks.layers import batch_norm, class_head, conditional_batch_norm, projection_logit


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
            x = batch_norm()(x)
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
    x = layers.LeakyReLU(0.2)(batch_norm()(x))
    x = layers.Conv2D(1, 4, strides=4, padding="valid", dtype="float32")(x)
    logit = layers.Flatten(dtype="float32", name="logit")(x)
    outputs = [logit]
    if unconditional:
        x = layers.Conv2D(1, 4, strides=4, padding="valid", dtype="float32")(features)
        outputs.append(layers.Flatten(dtype="float32", name="unconditional_logit")(x))
    if classes:
        outputs.append(class_head(layers.Flatten()(features), classes))
    return keras.Model([image, embedding], outputs if len(outputs) > 1 else logit, name=name)


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
    logit = projection_logit(h, embedding)
    outputs = [logit, class_head(h, classes)] if classes else logit
    return keras.Model([image, embedding], outputs, name=name)


def text_generator(image_shape, embedding_dim, condition_dim, latent_dim, ngf,
                   name="generator"):
    """[phi_t, z] -> image: compress phi_t (fc + leaky ReLU), join z, DCGAN."""
    embedding = keras.Input((embedding_dim,), name="embedding")
    z = keras.Input((latent_dim,), name="z")
    text = layers.LeakyReLU(0.2)(layers.Dense(condition_dim, name="compress")(embedding))
    dcgan = dcgan_generator(condition_dim + latent_dim, image_shape, ngf,
                                     name="dcgan_generator")
    image = dcgan(layers.Concatenate()([z, text]))
    return keras.Model([embedding, z], image, name=name)


def _bn_relu(x):
    return layers.ReLU()(batch_norm()(x))


def _bn_lrelu(x):
    return layers.LeakyReLU(0.2)(batch_norm()(x))


def _up(x, width):
    x = layers.UpSampling2D(2, interpolation="nearest")(x)
    return _bn_relu(layers.Conv2D(width, 3, padding="same", use_bias=False)(x))


def gawwn_generator(image_shape, embedding_dim, condition_dim, latent_dim, num_boxes, ngf,
                    name="generator"):
    """[phi_t, z, boxes] -> image through a local and a global pathway."""
    size, channels = image_shape[0], image_shape[2]
    grid = size // 4
    embedding = keras.Input((embedding_dim,), name="embedding")
    z = keras.Input((latent_dim,), name="z")
    boxes = keras.Input((num_boxes, 4), name="bbox")
    text = layers.LeakyReLU(0.2)(layers.Dense(condition_dim, name="compress")(embedding))
    mask = BoxMask(grid, name="box_mask")(boxes)
    # Local: the text where the boxes are.
    local = layers.Multiply()([tile(text, grid), mask])
    local = _bn_relu(layers.Conv2D(2 * ngf, 3, padding="same", use_bias=False)(local))
    local = _bn_relu(layers.Conv2D(2 * ngf, 3, padding="same", use_bias=False)(local))
    # Global: the whole scene from z and the text.
    width = 4 * ngf
    x = layers.Dense(4 * 4 * width, use_bias=False)(layers.Concatenate()([z, text]))
    x = _bn_relu(layers.Reshape((4, 4, width))(x))
    s = 4
    while s < grid:
        x, s = _up(x, width), s * 2
    x = layers.Concatenate()([x, local, mask])
    x = _bn_relu(layers.Conv2D(2 * ngf, 3, padding="same", use_bias=False)(x))
    x = _up(_up(x, ngf), max(ngf // 2, 4))
    x = layers.Conv2D(channels, 3, padding="same")(x)
    image = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model([embedding, z, boxes], image, name=name)


def gawwn_discriminator(image_shape, embedding_dim, condition_dim, num_boxes, ndf,
                        name="discriminator"):
    """[image, phi_t, boxes] -> logit: local (box-masked text at M x M)
    then global (text at 4x4) conditioning."""
    size = image_shape[0]
    grid = size // 4
    image = keras.Input(image_shape, name="image")
    embedding = keras.Input((embedding_dim,), name="embedding")
    boxes = keras.Input((num_boxes, 4), name="bbox")
    text = layers.LeakyReLU(0.2)(layers.Dense(condition_dim, name="compress")(embedding))
    mask = BoxMask(grid, name="box_mask")(boxes)
    x = layers.LeakyReLU(0.2)(layers.Conv2D(ndf, 4, strides=2, padding="same")(image))
    x = _bn_lrelu(layers.Conv2D(2 * ndf, 4, strides=2, padding="same", use_bias=False)(x))
    x = layers.Concatenate()([x, layers.Multiply()([tile(text, grid), mask]), mask])
    x = _bn_lrelu(layers.Conv2D(2 * ndf, 3, padding="same", use_bias=False)(x))
    s, width = grid, 2 * ndf
    while s > 4:
        width *= 2
        x = _bn_lrelu(layers.Conv2D(width, 4, strides=2, padding="same", use_bias=False)(x))
        s //= 2
    x = layers.Concatenate()([x, tile(text, 4)])
    x = _bn_lrelu(layers.Conv2D(width, 1, use_bias=False)(x))
    x = layers.Conv2D(1, 4, strides=4, padding="valid", dtype="float32")(x)
    return keras.Model([image, embedding, boxes], layers.Flatten(dtype="float32")(x),
                       name=name)


def edit_generator(image_shape, embedding_dim, condition_dim, ngf, residual_blocks,
                   name="generator"):
    """[image, phi_t] -> edited image: encoder (4x down), text tiled and
    joined, residual blocks, decoder (4x up)."""
    size, channels = image_shape[0], image_shape[2]
    image = keras.Input(image_shape, name="image")
    embedding = keras.Input((embedding_dim,), name="embedding")
    text = layers.LeakyReLU(0.2)(layers.Dense(condition_dim, name="compress")(embedding))
    x = layers.ReLU()(layers.Conv2D(ngf, 3, padding="same")(image))
    for width in (2 * ngf, 4 * ngf):
        x = _bn_relu(layers.Conv2D(width, 4, strides=2, padding="same", use_bias=False)(x))
    x = layers.Concatenate()([x, tile(text, size // 4)])
    x = _bn_relu(layers.Conv2D(4 * ngf, 3, padding="same", use_bias=False)(x))
    for _ in range(residual_blocks):
        y = _bn_relu(layers.Conv2D(4 * ngf, 3, padding="same", use_bias=False)(x))
        y = batch_norm()(layers.Conv2D(4 * ngf, 3, padding="same", use_bias=False)(y))
        x = layers.ReLU()(layers.Add()([x, y]))
    for width in (2 * ngf, ngf):
        x = layers.UpSampling2D(2, interpolation="nearest")(x)
        x = _bn_relu(layers.Conv2D(width, 3, padding="same", use_bias=False)(x))
    x = layers.Conv2D(channels, 3, padding="same")(x)
    return keras.Model([image, embedding], layers.Activation("tanh", dtype="float32")(x),
                       name=name)


def conditioning_augmentation(embedding, condition_dim, eps, name):
    """(c, mu, logvar): c = mu + exp(logvar / 2) * eps (Zhang et al. sec. 3.1)."""
    stats = layers.Dense(2 * condition_dim, dtype="float32", name=f"{name}_fc")(embedding)
    mu, logvar = stats[:, :condition_dim], stats[:, condition_dim:]
    c = mu + ops.exp(0.5 * logvar) * eps
    return c, mu, logvar


@keras.saving.register_keras_serializable("tfgan_zoo")
class NearestUpConv2D(layers.Conv2D):
    """Nearest-neighbour 2x upsampling then a 3x3 "same" convolution (no
    bias), computed at the low resolution: the same function, weights and
    gradients as `UpSampling2D(2)` + `Conv2D(filters, 3)`.

    Each output pixel of the upsampled image sees a 2x2 window of the input:
    the even row 2i reads rows i-1 and i with kernel rows (k0, k1 + k2), the
    odd row 2i+1 rows i and i+1 with (k0 + k1, k2), and likewise for columns
    (zero padding is zero padding either way). So one 3x3 convolution of
    the input with 4 * filters outputs, its kernels these sums of the 3x3
    kernel (zero outside each phase's 2x2 window), followed by a
    depth-to-space, gives the upsampled convolution (sub-pixel convolution,
    Shi et al. 2016). It runs on a 4x smaller image with 4x the output
    channels, which CPU kernels vectorize far better at the narrow widths
    of a CPU-sized generator (benchmarks/history/stackgan.md, "StackGAN:
    time, 2026-12-04 23:55 - 2026-12-05 01:32 UTC"). TFLite converts it
    to built-in ops (CONV_2D, DEPTH_TO_SPACE)."""

    # [phase, window row, kernel row]: which 3x3 rows each phase's rows sum.
    PHASES = ((((1, 0, 0), (0, 1, 1), (0, 0, 0)),   # even: rows i-1, i (and none)
               ((0, 0, 0), (1, 1, 0), (0, 0, 1))),)  # odd: rows (none), i, i+1

    def __init__(self, filters, **kwargs):
        kwargs.setdefault("kernel_size", 3)
        kwargs.setdefault("padding", "same")
        kwargs.setdefault("use_bias", False)
        super().__init__(filters, **kwargs)
        if (tuple(self.kernel_size) != (3, 3) or self.padding != "same" or self.use_bias
                or tuple(self.strides) != (1, 1)):
            raise ValueError("NearestUpConv2D is a 3x3 'same' convolution without bias")

    def call(self, inputs):
        mix = tf.constant(self.PHASES[0], dtype=self.compute_dtype)  # [2, 3, 3]
        kernel = tf.cast(self.kernel, self.compute_dtype)
        # [u, v, in, a, b, out] = sum_pq mix[a, u, p] mix[b, v, q] k[p, q]: the
        # outputs ordered (a, b, filter), depth_to_space's layout.
        phases = tf.einsum("aup,bvq,pqio->uviabo", mix, mix, kernel)
        phases = tf.reshape(phases, [3, 3, -1, 4 * self.filters])
        y = tf.nn.conv2d(inputs, phases, 1, "SAME")
        return tf.nn.depth_to_space(y, 2)

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = input_shape
        return (batch, None if height is None else 2 * height,
                None if width is None else 2 * width, self.filters)


def up_block(x, width, condition=None, subpixel=False):
    """Nearest-neighbour 2x upsampling, 3x3 convolution, batch norm, ReLU.
    `subpixel` computes the first two at the low resolution
    (`NearestUpConv2D`: the same function, faster on CPUs).

    With a `condition` (the text code c) the batch norm's scale and shift
    come from it, FiLM (Perez et al. 2018) or conditional batch norm (de
    Vries et al. 2017): x_hat * (1 + gamma(c)) + beta(c), gamma starting at
    zero so a new block begins as the plain one."""
    if subpixel:
        x = NearestUpConv2D(width)(x)
    else:
        x = layers.UpSampling2D(2, interpolation="nearest")(x)
        x = layers.Conv2D(width, 3, padding="same", use_bias=False)(x)
    if condition is None:
        return layers.ReLU()(batch_norm()(x))
    return layers.ReLU()(conditional_batch_norm(x, condition))


def residual_block(x, width):
    y = layers.Conv2D(width, 3, padding="same", use_bias=False)(x)
    y = layers.ReLU()(batch_norm()(y))
    y = batch_norm()(layers.Conv2D(width, 3, padding="same", use_bias=False)(y))
    return layers.ReLU()(layers.Add()([x, y]))


def stage1_generator(image_shape, embedding_dim, condition_dim, latent_dim, ngf,
                     film=False, subpixel=False, name="stage1_generator"):
    """[phi_t, z, eps] -> (image, mu, logvar). `ngf` is the width at full
    resolution; it doubles at each stage back to 4x4 (64 -> 1024 for the
    paper's 64x64). `film`: the up blocks' batch norm takes its scale and
    shift from c; `subpixel`: they upsample and convolve as one sub-pixel
    convolution (`up_block`)."""
    size, channels = image_shape[0], image_shape[2]
    stages = int(math.log2(size // 4))
    embedding = keras.Input((embedding_dim,), name="embedding")
    z = keras.Input((latent_dim,), name="z")
    eps = keras.Input((condition_dim,), name="eps")
    c, mu, logvar = conditioning_augmentation(embedding, condition_dim, eps, "ca1")
    width = ngf * 2 ** stages
    x = layers.Dense(4 * 4 * width, use_bias=False)(layers.Concatenate()([c, z]))
    x = layers.ReLU()(batch_norm()(layers.Reshape((4, 4, width))(x)))
    for _ in range(stages):
        width //= 2
        x = up_block(x, width, c if film else None, subpixel)
    x = layers.Conv2D(channels, 3, padding="same")(x)
    image = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model([embedding, z, eps], [image, mu, logvar], name=name)


def stage2_generator(image_shape, embedding_dim, condition_dim, ngf, residual_blocks,
                     upscale=4, film=False, subpixel=False, name="stage2_generator"):
    """[Stage-I image, phi_t, eps] -> (image at `upscale`x, mu, logvar):
    encode the Stage-I image 4x down, join the tiled text code, residual
    blocks, then upsample 4 * upscale x (Zhang et al. sec. 3.3, Fig. 2).
    `film`: the up blocks' batch norm takes its scale and shift from c.
    `subpixel`: the up blocks upsample and convolve as one sub-pixel
    convolution (`NearestUpConv2D`, the same function)."""
    size, channels = image_shape[0], image_shape[2]
    low = size // upscale
    stage1_image = keras.Input((low, low, channels), name="stage1_image")
    embedding = keras.Input((embedding_dim,), name="embedding")
    eps = keras.Input((condition_dim,), name="eps")
    c, mu, logvar = conditioning_augmentation(embedding, condition_dim, eps, "ca2")
    x = layers.ReLU()(layers.Conv2D(ngf, 3, padding="same")(stage1_image))
    for width in (2 * ngf, 4 * ngf):
        x = layers.Conv2D(width, 4, strides=2, padding="same", use_bias=False)(x)
        x = layers.ReLU()(batch_norm()(x))
    x = layers.Concatenate()([x, tile(c, max(low // 4, 1))])
    x = layers.Conv2D(4 * ngf, 3, padding="same", use_bias=False)(x)
    x = layers.ReLU()(batch_norm()(x))
    for _ in range(residual_blocks):
        x = residual_block(x, 4 * ngf)
    widths = (2 * ngf, ngf, ngf // 2, ngf // 4, ngf // 8)
    for width in widths[:int(math.log2(size // max(low // 4, 1)))]:
        x = up_block(x, max(width, 4), c if film else None, subpixel)
    x = layers.Conv2D(channels, 3, padding="same")(x)
    image = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model([stage1_image, embedding, eps], [image, mu, logvar], name=name)
