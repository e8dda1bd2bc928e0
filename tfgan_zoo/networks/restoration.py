"""Networks of the restoration GANs: SRGAN's SRResNet generator and
discriminator (Ledig et al. 2017, Fig. 4), the VGG feature maps of
perceptual losses (read from a local weights file), the Context Encoder's
encoder-decoder with a channel-wise bottleneck (Pathak et al. 2016, §3.1),
DAGAN's refinement U-Net and discriminator (Yang et al. 2018), ID-CGAN's
densely connected encoder-decoder (Zhang, Sindagi & Patel 2017), and the
reflection-separation context-aggregation network with its project-trained
feature network (Zhang, Ng & Chen 2018). Every builder returns a
functional `keras.Model` whose output activation is float32."""

from __future__ import annotations

import os
import re
import warnings

import keras
import numpy as np
import tensorflow as tf
from keras import layers
from scipy.ndimage import laplace

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.image2image import INIT, unet_generator
from tfgan_zoo.networks.layers import (ChannelwiseDense, InstanceNormalization, PixelShuffle,
                                      batch_norm)

# The Context Encoder's bottlenecks: channel-wise fully connected (§3.1), or
# a plain convolution.
BOTTLENECKS = ("channel_fc", "conv")
# What the Context Encoder's generator starts from: the hole left at 0 (the
# paper), or filled from the context first (project options): smoothly by
# relaxation (any mask), or by exact biharmonic inpainting (one fixed hole).
FILLS = ("none", "diffusion", "biharmonic")
# How the Context Encoder's residual over a fill is scaled (a project
# option): not at all, or by the fine detail of the image's context.
GATES = ("none", "detail")
# The Context Encoder's generators: the paper's bottleneck encoder-decoder,
# or a U-Net with skips (a project option).
GENERATORS = ("encoder_decoder", "unet")


def _prelu():
    # One slope per channel shared over space (so any image size works),
    # initialised at PyTorch's 0.25 as in the SRGAN reference code.
    return layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25),
                        shared_axes=[1, 2])


def _bn():
    return layers.BatchNormalization(momentum=0.9, epsilon=1e-5)


def residual_block(x, filters, activation=_prelu):
    """SRResNet's residual block (Ledig et al. 2017, Fig. 4): 3x3 conv, BN,
    activation (PReLU), 3x3 conv, BN, and the skip."""
    y = layers.Conv2D(filters, 3, padding="same")(x)
    y = activation()(_bn()(y))
    y = _bn()(layers.Conv2D(filters, 3, padding="same")(y))
    return layers.Add()([x, y])


def _keys_cubic(x, a=-0.5):
    """Keys' cubic convolution kernel (a = -0.5), TensorFlow's bicubic."""
    x = np.abs(x)
    return np.where(x <= 1, (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1,
                    np.where(x < 2, a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a, 0.0))


def bicubic_phase_weights(scale):
    """[scale, 5] weights: output pixel scale * i + p of a bicubic upsampling
    (half-pixel centres, as `tf.image.resize(method="bicubic")`) is
    sum_k w[p, k] x[i + k - 2] along one axis."""
    weights = np.zeros((scale, 5))
    for phase in range(scale):
        t = (phase + 0.5) / scale - 0.5
        base = int(np.floor(t))
        for tap in range(base - 1, base + 3):
            weights[phase, tap + 2] += _keys_cubic(t - tap)
    return weights


@keras.saving.register_keras_serializable("tfgan_zoo")
class BicubicUpsample(layers.Layer):
    """x`scale` bicubic upsampling equal to `tf.image.resize(method="bicubic")`
    (Keys a = -0.5, half-pixel centres, out-of-image taps dropped and the
    rest renormalised), written with TFLite built-ins only (ResizeBicubic is
    not one): one fixed 5x5 convolution to scale^2 phases per channel,
    `depth_to_space`, and the same on a ones image for the renormalisation.
    Any input size; float32."""

    def __init__(self, scale=4, **kwargs):
        kwargs.setdefault("dtype", "float32")
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        self.scale = int(scale)

    def build(self, input_shape):
        s, channels = self.scale, int(input_shape[-1])
        w = bicubic_phase_weights(s)
        # taps [ky, kx] of phase (py, px): w[py, ky] w[px, kx]
        phases = np.einsum("ak,bl->klab", w, w).reshape(5, 5, s * s)
        kernel = np.zeros((5, 5, channels, s * s * channels), np.float32)
        for c in range(channels):  # depth_to_space's channel order: (py, px, c)
            kernel[:, :, c, c::channels] = phases
        self.kernel = tf.constant(kernel)
        self.ones_kernel = tf.constant(phases[:, :, None, :].astype(np.float32))

    def call(self, x):
        x = tf.cast(x, tf.float32)
        pad = [[0, 0], [2, 2], [2, 2], [0, 0]]
        value = tf.nn.depth_to_space(
            tf.nn.conv2d(tf.pad(x, pad), self.kernel, 1, "VALID"), self.scale)
        weight = tf.nn.depth_to_space(tf.nn.conv2d(
            tf.pad(tf.ones_like(x[..., :1]), pad), self.ones_kernel, 1, "VALID"), self.scale)
        return value / weight

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        s = self.scale
        return (b, None if h is None else h * s, None if w is None else w * s, c)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def srresnet_generator(channels=3, scale=4, filters=64, num_blocks=16,
                       residual=False, name="generator"):
    """SRResNet (Ledig et al. 2017, Fig. 4, top): 9x9 conv + PReLU; B residual
    blocks (3x3 conv, BN, PReLU, 3x3 conv, BN, skip); 3x3 conv + BN and a
    skip over all blocks; log2(scale) sub-pixel x2 upsamplings (3x3 conv to
    4x the width, pixel shuffle, PReLU); 9x9 conv to the image, tanh.
    Fully convolutional: the input is [B, H, W, channels] for any H, W.

    `residual` (not in the paper; VDSR's global skip, Kim et al. 2016): the
    last 9x9 convolution, linear and zero-initialised, predicts the
    residual over the bicubic upsampling of the input, and the output is
    their sum clipped to [-1, 1]. The network starts as bicubic upscaling
    and learns only the detail bicubic misses."""
    steps = int(np.log2(scale))
    if scale < 2 or 2 ** steps != scale:
        raise UserError(f"SRResNet scale must be a power of two >= 2, got {scale}")
    low_res = keras.Input((None, None, channels), name="image")
    x = layers.Conv2D(filters, 9, padding="same")(low_res)
    x = skip = _prelu()(x)
    for _ in range(num_blocks):
        x = residual_block(x, filters)
    x = _bn()(layers.Conv2D(filters, 3, padding="same")(x))
    x = layers.Add()([x, skip])
    for _ in range(steps):
        x = layers.Conv2D(filters * 4, 3, padding="same")(x)
        x = _prelu()(PixelShuffle(2)(x))
    if residual:
        x = layers.Conv2D(channels, 9, padding="same", kernel_initializer="zeros")(x)
        image = RefineAdd(name="residual")([x, BicubicUpsample(scale)(low_res)])
    else:
        x = layers.Conv2D(channels, 9, padding="same")(x)
        image = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(low_res, image, name=name)


def srgan_discriminator(image_shape, ndf=64, dense_units=1024, name="discriminator"):
    """SRGAN's discriminator (Ledig et al. 2017, Fig. 4, bottom): 3x3 conv +
    LeakyReLU(0.2), then seven 3x3 conv-BN-LeakyReLU blocks whose width
    doubles every two blocks (64 -> 512) and whose stride alternates 2, 1;
    Dense(1024), LeakyReLU, Dense(1) -> one logit (the sigmoid is in the loss)."""
    image = keras.Input(image_shape, name="image")
    x = layers.LeakyReLU(0.2)(layers.Conv2D(ndf, 3, padding="same")(image))
    for i, (mult, stride) in enumerate([(1, 2), (2, 1), (2, 2), (4, 1), (4, 2),
                                        (8, 1), (8, 2)]):
        x = layers.Conv2D(ndf * mult, 3, strides=stride, padding="same")(x)
        x = layers.LeakyReLU(0.2)(_bn()(x))
    x = layers.Flatten()(x)
    x = layers.LeakyReLU(0.2)(layers.Dense(dense_units)(x))
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(image, logit, name=name)


# VGG19's ImageNet preprocessing ("caffe" mode): BGR in [0, 255] minus the
# ImageNet mean, the input the Keras VGG19 weights were trained on.
_VGG_MEAN_BGR = (103.939, 116.779, 123.68)


VGG_ARCHITECTURES = {"vgg16": keras.applications.VGG16, "vgg19": keras.applications.VGG19}


class VGGContent:
    """A frozen VGG feature map for perceptual losses: the activations of
    `layer` (after its ReLU) of VGG19 (default; SRGAN's φ5,4 =
    block5_conv4, Ledig et al. 2017, eq. 5) or VGG16 (`architecture`;
    DAGAN's conv4 = block4_pool, ID-CGAN's relu2_2 = block2_conv2) on
    ImageNet-preprocessed input. Grey images are repeated to RGB and, with
    `size`, resized first (DAGAN compares 244-px tiles). Loss weights and
    rescalings are the model's job.

    Weights come from `weights_path`, a Keras `.weights.h5` file of
    `keras.applications.VGG19(include_top=False)` (or VGG16; e.g. written
    once on a machine with internet by `VGG19(include_top=False,
    weights="imagenet").save_weights(path)`). The network is frozen and
    deliberately not a tracked attribute of the GAN, so checkpoints and
    exports never carry its weights."""

    def __init__(self, weights_path, layer="block5_conv4", architecture="vgg19",
                 size=None):
        builder = VGG_ARCHITECTURES[architecture]
        expected = (f"a Keras .weights.h5 of keras.applications.{builder.__name__}"
                    "(include_top=False)")
        path = os.path.expanduser(str(weights_path))
        if not os.path.isfile(path):
            raise UserError(f"{builder.__name__} weights file not found: {weights_path} "
                            f"(pass the path to {expected})")
        vgg = builder(include_top=False, weights=None, input_shape=(None, None, 3))
        try:
            with warnings.catch_warnings():  # Keras warns per skipped layer first
                warnings.simplefilter("ignore")
                vgg.load_weights(path)
        except Exception as e:  # Keras raises ValueError, h5py OSError/KeyError
            text = " ".join(str(e).split())
            shapes = re.search(r"variable\.shape=\(.*?\), Received: value\.shape=\(.*?\)",
                               text)
            reason = shapes.group(0) if shapes else (text or type(e).__name__)[:160]
            raise UserError(f"{weights_path} does not hold {builder.__name__} weights of "
                            f"the expected shapes ({reason}): pass {expected}") from None
        vgg.trainable = False
        self.layer, self.size = layer, size
        self.network = keras.Model(vgg.input, vgg.get_layer(layer).output,
                                   name=f"{architecture}_{layer}")

    def __call__(self, images):
        """Features of images in [-1, 1] ([B, H, W, 1 or 3])."""
        images = tf.cast(images, tf.float32)
        if self.size:
            images = tf.image.resize(images, (self.size, self.size))
        if images.shape[-1] == 1:
            images = tf.repeat(images, 3, axis=-1)
        rgb = (images + 1.0) * 127.5
        bgr = rgb[..., ::-1] - tf.constant(_VGG_MEAN_BGR)
        return tf.cast(self.network(bgr, training=False), tf.float32)


def encoder_depth(image_shape, what="the Context Encoder"):
    """Stride-2 stages: halve both sides while they stay whole and >= 4
    (128 -> 4x4 in 5 stages, as in the paper's 128-pixel network)."""
    h, w = image_shape[:2]
    depth = 0
    while h % 2 == 0 and w % 2 == 0 and min(h, w) // 2 >= 4:
        h, w, depth = h // 2, w // 2, depth + 1
    if depth < 1:
        raise UserError(f"{what} needs even image sides of at least 8, "
                        f"got {image_shape[0]}x{image_shape[1]}: pass --image-size "
                        "32, 64 or 128")
    return depth


# The Laplacian, and its neighbour average (a harmonic fill's Jacobi step).
_LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], np.float32)
_NEIGHBOURS = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], np.float32) / 4


@keras.saving.register_keras_serializable("tfgan_zoo")
class DiffusionFill(layers.Layer):
    """[image, mask] -> the image with its hole (mask 1) filled smoothly from
    the context: a cheap, differentiable stand-in for biharmonic inpainting,
    written with TFLite built-ins (average pooling, bilinear resize, mirror
    padding, depthwise convolution). Pull-push (Gortler et al. 1996): the
    known pixels are averaged down a pyramid to 1 pixel; then, from the
    coarsest level up, the hole takes the upsampled coarser estimate and is
    relaxed with `harmonic_iterations` Jacobi steps of Laplace's equation
    and `biharmonic_iterations` damped steps of the biharmonic one (step
    1/40: stable below 1/32), the context held fixed. Sides must halve down
    to 1 (powers of two times an odd number stop early, which also works)."""

    def __init__(self, harmonic_iterations=5, biharmonic_iterations=30, **kwargs):
        kwargs.setdefault("dtype", "float32")
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        self.harmonic_iterations = int(harmonic_iterations)
        self.biharmonic_iterations = int(biharmonic_iterations)

    def build(self, input_shape):
        channels = int(input_shape[0][-1])
        self.neighbours = tf.constant(np.tile(_NEIGHBOURS[..., None, None], (1, 1, channels, 1)))
        self.laplacian = tf.constant(np.tile(_LAPLACIAN[..., None, None], (1, 1, channels, 1)))

    def _conv(self, x, kernel):
        x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="SYMMETRIC")
        return tf.nn.depthwise_conv2d(x, kernel, [1, 1, 1, 1], "VALID")

    def _relax(self, x, known, keep):
        for _ in range(self.harmonic_iterations):
            x = keep * known + (1 - keep) * self._conv(x, self.neighbours)
        for _ in range(self.biharmonic_iterations):
            step = self._conv(self._conv(x, self.laplacian), self.laplacian) / 40.0
            x = keep * known + (1 - keep) * (x - step)
        return x

    def call(self, inputs):
        image, mask = (tf.cast(x, tf.float32) for x in inputs)
        valid = 1.0 - mask
        sums, weights = [image * valid], [valid]
        while sums[-1].shape[1] % 2 == 0 and sums[-1].shape[2] % 2 == 0:
            sums.append(tf.nn.avg_pool2d(sums[-1], 2, 2, "VALID"))
            weights.append(tf.nn.avg_pool2d(weights[-1], 2, 2, "VALID"))
        estimate = sums[-1] / tf.maximum(weights[-1], 1e-6)
        for level in range(len(sums) - 2, -1, -1):
            known = sums[level] / tf.maximum(weights[level], 1e-6)
            keep = tf.cast(weights[level] > 0.999, tf.float32)  # wholly known pixels
            coarse = tf.image.resize(estimate, sums[level].shape[1:3], method="bilinear")
            estimate = self._relax(keep * known + (1 - keep) * coarse, known, keep)
        return estimate

    def get_config(self):
        return {**super().get_config(), "harmonic_iterations": self.harmonic_iterations,
                "biharmonic_iterations": self.biharmonic_iterations}


def biharmonic_operator(hole):
    """The exact biharmonic inpainting of one fixed hole as a linear map.

    `hole` is a boolean [H, W] mask (True = missing). Returns (ring, matrix):
    `ring` the flat indices (row * W + col) of the known pixels the solution
    depends on (those within two pixels of the hole), `matrix` [holes, ring]
    float64, so that hole values (flat indices `np.flatnonzero(hole)`, one
    channel at a time) = matrix @ image.flat[ring].

    The discretisation is scikit-image's `inpaint_biharmonic`: at every
    missing pixel the 13-point stencil laplace(laplace(delta)) is zero, the
    stencil cut to the image near its border and taken from
    `scipy.ndimage.laplace` on the cut window (mode "reflect"), exactly as
    `_get_neigh_coef` builds it; known pixels move to the right-hand side.
    scikit-image then clips each channel to its known pixels' range, which
    `BiharmonicFill` does after the matrix."""
    hole = np.asarray(hole, bool)
    if hole.ndim != 2 or not hole.any() or hole.all():
        raise UserError(f"a biharmonic fill needs a 2-D mask with both missing and known "
                        f"pixels, got shape {hole.shape} with {int(hole.sum())} missing")
    height, width = hole.shape
    missing = np.flatnonzero(hole)
    row_of = {int(i): k for k, i in enumerate(missing)}
    unknown = np.zeros((len(missing), len(missing)))
    known = np.zeros((len(missing), height * width))
    cache = {}
    for k, i in enumerate(missing):
        y, x = divmod(int(i), width)
        y0, y1 = max(y - 2, 0), min(y + 3, height)
        x0, x1 = max(x - 2, 0), min(x + 3, width)
        key = (y1 - y0, x1 - x0, y - y0, x - x0)
        if key not in cache:
            delta = np.zeros(key[:2])
            delta[key[2], key[3]] = 1.0
            coef = laplace(laplace(delta))
            cache[key] = [(dy, dx, c) for (dy, dx), c in np.ndenumerate(coef) if c]
        for dy, dx, c in cache[key]:
            j = (y0 + dy) * width + x0 + dx
            if hole.flat[j]:
                unknown[k, row_of[j]] += c
            else:
                known[k, j] += c
    ring = np.flatnonzero(np.any(known != 0, axis=0))
    return ring, -np.linalg.solve(unknown, known[:, ring])


@keras.saving.register_keras_serializable("tfgan_zoo")
class BiharmonicFill(layers.Layer):
    """image -> the image with one fixed hole (`hole`, boolean [H, W], True =
    missing) filled by exact biharmonic inpainting, equal to scikit-image's
    `inpaint_biharmonic` (its discretisation, and its clip of each channel
    to the range of the image's known pixels). For a fixed hole the fill is
    linear in the context, so `biharmonic_operator` solves the system once
    in numpy and the graph holds one gather of the context ring, one matmul
    and one gather that puts the hole back: TFLite built-ins, any batch.
    The hole's pixels of the input are ignored. Float32."""

    def __init__(self, hole, **kwargs):
        kwargs.setdefault("dtype", "float32")
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        self.hole = np.asarray(hole, bool)
        ring, matrix = biharmonic_operator(self.hole)
        size = self.hole.size
        missing = np.flatnonzero(self.hole)
        # Output pixel p reads [image pixels..., hole values...][source[p]].
        source = np.arange(size)
        source[missing] = size + np.arange(len(missing))
        self.ring = tf.constant(ring.astype(np.int32))
        self.matrix = tf.constant(matrix.T.astype(np.float32))  # [ring, holes]
        self.source = tf.constant(source.astype(np.int32))
        self.hole_values = tf.constant(self.hole[None, :, :, None].astype(np.float32))

    def call(self, image):
        image = tf.cast(image, tf.float32)
        height, width, channels = image.shape[1:]
        if (height, width) != self.hole.shape:
            raise UserError(f"BiharmonicFill was solved for {self.hole.shape[0]}x"
                            f"{self.hole.shape[1]} images, got {height}x{width}")
        flat = tf.reshape(image, [-1, height * width, channels])
        ring = tf.transpose(tf.gather(flat, self.ring, axis=1), [0, 2, 1])   # [B, C, R]
        values = tf.matmul(tf.reshape(ring, [-1, self.matrix.shape[0]]), self.matrix)
        values = tf.transpose(tf.reshape(values, [-1, channels, self.matrix.shape[1]]),
                              [0, 2, 1])                                        # [B, holes, C]
        # scikit-image's last step: each channel clipped to its known range.
        low = tf.reduce_min(image + 4.0 * self.hole_values, axis=[1, 2])[:, None, :]
        high = tf.reduce_max(image - 4.0 * self.hole_values, axis=[1, 2])[:, None, :]
        values = tf.minimum(tf.maximum(values, low), high)
        out = tf.gather(tf.concat([flat, values], axis=1), self.source, axis=1)
        return tf.reshape(out, [-1, height, width, channels])

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "hole": self.hole.astype(int).tolist()}


# A 3x3 binomial blur: what is left after it is an image's fine detail.
_BINOMIAL = np.outer([1, 2, 1], [1, 2, 1]).astype(np.float32) / 16


@keras.saving.register_keras_serializable("tfgan_zoo")
class DetailGate(layers.Layer):
    """[residual, filled image, mask] -> residual x d / `scale`, where d is
    the image's fine detail over its context: the mean of |x - blur(x)|
    (3x3 binomial blur, mirrored edges) over the known pixels (mask 0) and
    the channels, one number per image. A residual over a smooth fill is
    then damped where the context is smooth, so texture learnt on the
    training photos cannot be painted into a flat held-out region, and
    passes where the context is textured (d ~ `scale`). Not in any paper;
    TFLite built-ins; float32."""

    def __init__(self, scale=0.03, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.scale = float(scale)

    def build(self, input_shape):
        channels = int(input_shape[1][-1])
        self.blur = tf.constant(np.tile(_BINOMIAL[..., None, None], (1, 1, channels, 1)))

    def call(self, inputs):
        residual, image, mask = (tf.cast(x, tf.float32) for x in inputs)
        padded = tf.pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="SYMMETRIC")
        detail = tf.abs(image - tf.nn.depthwise_conv2d(padded, self.blur, [1, 1, 1, 1],
                                                       "VALID"))
        known = 1.0 - mask
        amount = (tf.reduce_sum(tf.reduce_mean(detail, -1, keepdims=True) * known,
                                axis=[1, 2, 3], keepdims=True)
                  / tf.maximum(tf.reduce_sum(known, axis=[1, 2, 3], keepdims=True), 1.0))
        return residual * (amount / self.scale)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def _gated(residual, smooth, mask, gate):
    """The residual over `smooth`, scaled as `gate` says (GATES)."""
    if gate not in GATES:
        raise UserError(f"unknown residual gate '{gate}': choose {', '.join(GATES)}")
    return DetailGate()([residual, smooth, mask]) if gate == "detail" else residual


def _fill_layer(fill, hole):
    """The fill a `fill` generator starts from, as a function of (image, mask)."""
    if fill == "biharmonic":
        if hole is None:
            raise UserError("fill 'biharmonic' solves for one fixed hole: pass its mask "
                            "(`hole`) or use fill 'diffusion'")
        layer = BiharmonicFill(hole)
        return lambda image, mask: layer(image)
    layer = DiffusionFill()
    return lambda image, mask: layer([image, mask])


def context_encoder_generator(image_shape, ngf=64, bottleneck="channel_fc",
                              bottleneck_units=512, fill="none", name="generator",
                              hole=None, gate="none"):
    """Pathak et al. 2016, Fig. 2 / §3.1, for images whose sides halve
    `encoder_depth` times: the input is the image with its hole set to 0.

    `fill="diffusion"` (not in the paper): the inputs are the image and the
    mask; the hole is first filled by `DiffusionFill`, the encoder sees the
    filled image and the mask, and the last up-convolution (linear,
    zero-initialised) predicts a residual over the fill, the sum clipped to
    [-1, 1]. The network starts as the smooth fill and learns what it
    misses; colours come from the context, whatever the training photos.
    `fill="biharmonic"` is the same over the exact biharmonic fill
    (`BiharmonicFill`) of the one hole `hole` (boolean [H, W]). With a fill,
    `gate="detail"` scales the residual by the context's fine detail
    (`DetailGate`)."""
    if bottleneck not in BOTTLENECKS:
        raise UserError(f"unknown bottleneck '{bottleneck}': choose "
                        f"{', '.join(BOTTLENECKS)}")
    if fill not in FILLS:
        raise UserError(f"unknown fill '{fill}': choose {', '.join(FILLS)}")
    depth = encoder_depth(image_shape)
    widths = [ngf * min(2 ** i, 8) for i in range(depth)]
    masked = keras.Input(image_shape, name="image")
    if fill != "none":
        mask = keras.Input((*image_shape[:2], 1), name="mask")
        smooth = _fill_layer(fill, hole)(masked, mask)
        x = layers.Concatenate()([smooth, mask])
    else:
        x = masked
    for i, width in enumerate(widths):
        x = layers.Conv2D(width, 4, 2, padding="same", kernel_initializer=INIT)(x)
        if i:
            x = layers.BatchNormalization(momentum=0.9, epsilon=1e-5)(x)
        x = layers.LeakyReLU(0.2)(x)
    if bottleneck == "channel_fc":
        # Each feature map fully connected to itself, then a stride-1
        # convolution to mix the channels (§3.1).
        x = ChannelwiseDense()(x)
        x = layers.Conv2D(widths[-1], 1, kernel_initializer=INIT)(x)
    else:
        side = x.shape[1:3]
        x = layers.Conv2D(bottleneck_units, tuple(side), padding="valid",
                          kernel_initializer=INIT)(x)
        x = layers.LeakyReLU(0.2)(layers.BatchNormalization(momentum=0.9, epsilon=1e-5)(x))
        x = layers.Conv2DTranspose(widths[-1], tuple(side), padding="valid",
                                   kernel_initializer=INIT)(x)
    x = layers.ReLU()(layers.BatchNormalization(momentum=0.9, epsilon=1e-5)(x))
    for width in reversed(widths[:-1]):
        x = layers.Conv2DTranspose(width, 4, 2, padding="same", kernel_initializer=INIT)(x)
        x = layers.ReLU()(layers.BatchNormalization(momentum=0.9, epsilon=1e-5)(x))
    if fill != "none":
        x = layers.Conv2DTranspose(image_shape[-1], 4, 2, padding="same",
                                   kernel_initializer="zeros")(x)
        x = _gated(x, smooth, mask, gate)
        return keras.Model([masked, mask], RefineAdd(name="residual")([x, smooth]),
                           name=name)
    x = layers.Conv2DTranspose(image_shape[-1], 4, 2, padding="same",
                               kernel_initializer=INIT)(x)
    image = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(masked, image, name=name)


def inpainting_unet(image_shape, ngf=64, fill="diffusion", name="generator", hole=None,
                    gate="none"):
    """The Context Encoder's `generator="unet"` (not in the paper): the
    pix2pix U-Net (`unet_generator`: 4x4 stride-2 convolutions down to 1x1,
    batch norm, skips by concatenation; no dropout) in place of the
    bottleneck encoder-decoder, so the pixels next to the hole reach the
    decoder at full resolution instead of through a 4x4 code.

    With `fill="diffusion"` it sees the `DiffusionFill` of the hole and the
    mask, and its last up-convolution starts at zero: the output is the
    fill plus a learnt residual (clipped to [-1, 1]), so the network starts
    as the classical fill (`fill="biharmonic"`: the exact biharmonic fill of
    the one hole `hole`; `gate="detail"` scales the residual by the
    context's fine detail, `DetailGate`). With `fill="none"` it sees the image with its
    hole at 0, as the paper's network does, and ends in tanh."""
    if fill not in FILLS:
        raise UserError(f"unknown fill '{fill}': choose {', '.join(FILLS)}")
    encoder_depth(image_shape)  # the same size check as the paper's network
    masked = keras.Input(image_shape, name="image")
    if fill == "none":
        unet = unet_generator(image_shape, image_shape[-1], ngf, dropout=0.0,
                              name=f"{name}_unet")
        return keras.Model(masked, unet(masked), name=name)
    mask = keras.Input((*image_shape[:2], 1), name="mask")
    smooth = _fill_layer(fill, hole)(masked, mask)
    unet = unet_generator((*image_shape[:2], image_shape[-1] + 1), image_shape[-1], ngf,
                          dropout=0.0, zero_output=True, name=f"{name}_unet")
    residual = _gated(unet(layers.Concatenate()([smooth, mask])), smooth, mask, gate)
    return keras.Model([masked, mask], RefineAdd(name="residual")([residual, smooth]),
                       name=name)


# ------------------------------------------------------------------ DAGAN
@keras.saving.register_keras_serializable("tfgan_zoo")
class RefineAdd(layers.Layer):
    """[correction, image] -> clip(correction + image, -1, 1): DAGAN's
    refinement (Yang et al. 2018, sec. III-B; `is_refine` in the reference
    `u_net_bn`, whose `ramp` clips to [-1, 1]), in float32."""

    def __init__(self, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)

    def call(self, inputs):
        correction, image = (tf.cast(x, tf.float32) for x in inputs)
        return tf.clip_by_value(correction + image, -1.0, 1.0)


def refinement_unet(input_shape, ngf=64, depth=None, norm="batch", refine=True,
                    name="generator"):
    """DAGAN's generator: a U-Net (4x4 stride-2 convolutions, batch norm,
    LeakyReLU 0.2 down, ReLU up, skips by concatenation, tanh; the pix2pix
    U-Net without dropout, as `u_net_bn` has none) whose output is added to
    its input, x_hat = G(x_u) + x_u, clipped to [-1, 1] (`refine`): the
    network learns the aliasing to remove rather than the image."""
    image = keras.Input(input_shape, name="image")
    unet = unet_generator(input_shape, input_shape[-1], ngf, depth, norm, dropout=0.0,
                          name=f"{name}_unet")
    out = RefineAdd(name="refine")([unet(image), image]) if refine else unet(image)
    return keras.Model(image, out, name=name)


def _lrelu(x):
    return layers.LeakyReLU(0.2)(x)


def dagan_discriminator(image_shape, ndf=64, name="discriminator"):
    """DAGAN's discriminator (`discriminator` of the reference model.py):
    4x4 stride-2 convolutions with batch norm and LeakyReLU 0.2 (none on the
    first) doubling from `ndf` until the map is 4x4 (six at 256 px: 64 ->
    2048), two 1x1 convolutions halving the width twice, a residual block
    (1x1, 3x3, 3x3) added to them, LeakyReLU, and a dense layer to one logit
    (float32; the sigmoid is in the loss)."""
    stages = encoder_depth(image_shape, "the DAGAN discriminator")
    image = keras.Input(image_shape, name="image")
    x = _lrelu(layers.Conv2D(ndf, 4, 2, padding="same", kernel_initializer=INIT)(image))
    width = ndf
    for _ in range(1, stages):
        width *= 2
        x = layers.Conv2D(width, 4, 2, padding="same", use_bias=False,
                          kernel_initializer=INIT)(x)
        x = _lrelu(batch_norm()(x))
    x = _lrelu(batch_norm()(layers.Conv2D(width // 2, 1, use_bias=False,
                                          kernel_initializer=INIT)(x)))
    x = batch_norm()(layers.Conv2D(max(width // 4, 1), 1, use_bias=False,
                                   kernel_initializer=INIT)(x))
    y = _lrelu(batch_norm()(layers.Conv2D(ndf * 2, 1, use_bias=False,
                                          kernel_initializer=INIT)(x)))
    y = _lrelu(batch_norm()(layers.Conv2D(ndf * 2, 3, padding="same", use_bias=False,
                                          kernel_initializer=INIT)(y)))
    y = batch_norm()(layers.Conv2D(max(width // 4, 1), 3, padding="same", use_bias=False,
                                   kernel_initializer=INIT)(y))
    x = _lrelu(layers.Add()([x, y]))
    logit = layers.Dense(1, kernel_initializer=INIT, dtype="float32",
                         name="logit")(layers.Flatten()(x))
    return keras.Model(image, logit, name=name)


# ---------------------------------------------------------------- ID-CGAN
def _dense_block(x, num_layers, growth):
    """DenseNet block (Huang et al. 2017): each layer BN-ReLU-3x3 conv adds
    `growth` channels, seeing every earlier output (concatenated)."""
    for _ in range(num_layers):
        y = layers.ReLU()(batch_norm()(x))
        y = layers.Conv2D(growth, 3, padding="same", use_bias=False,
                          kernel_initializer=INIT)(y)
        x = layers.Concatenate()([x, y])
    return x


def _transition(x, width, resample=None):
    """BN-ReLU-1x1 conv to `width` channels, then 2x2 average pooling
    ("down"), a 4x4 stride-2 transposed convolution ("up") or nothing."""
    x = layers.ReLU()(batch_norm()(x))
    if resample == "up":
        return layers.Conv2DTranspose(width, 4, 2, padding="same", use_bias=False,
                                      kernel_initializer=INIT)(x)
    x = layers.Conv2D(width, 1, use_bias=False, kernel_initializer=INIT)(x)
    return layers.AveragePooling2D(2)(x) if resample == "down" else x


def dense_encoder_decoder(input_shape, output_channels, ngf=64, growth=16,
                          block_layers=4, depth=2, residual=False, name="generator"):
    """ID-CGAN's generator (Zhang, Sindagi & Patel 2017, sec. III-B): a
    symmetric encoder-decoder of densely connected blocks. A 3x3 conv-BN-
    LeakyReLU stem; `depth` times a dense block and a down-sampling
    transition (1x1 conv, average pooling); a dense block at the bottom;
    `depth` times an up-sampling transition (transposed conv), the encoder
    features of that size concatenated (the symmetric skips) and a dense
    block; a 3x3 convolution to the image and tanh. Widths double per
    level from `ngf`; each dense block adds `block_layers` x `growth`.

    `residual` adds the tanh output to the input (clipped to [-1, 1], as
    DAGAN's `RefineAdd`): the network learns the degradation to remove, as
    the residual denoiser DnCNN does (Zhang et al. 2017, "Beyond a Gaussian
    Denoiser"), and the identity carries the input's colours. Not in
    ID-CGAN's paper; input and output need the same channels."""
    h, w = input_shape[:2]
    if residual and input_shape[-1] != output_channels:
        raise UserError(f"a residual ID-CGAN generator keeps the channels: the input has "
                        f"{input_shape[-1]}, the output {output_channels}: pass --residual False")
    if h % 2 ** depth or w % 2 ** depth:
        raise UserError(f"the ID-CGAN generator needs image sides divisible by "
                        f"{2 ** depth}, got {h}x{w}: pass --image-size 64 or a smaller "
                        "--depth")
    image = keras.Input(input_shape, name="image")
    x = layers.Conv2D(ngf, 3, padding="same", kernel_initializer=INIT)(image)
    x = _lrelu(batch_norm()(x))
    skips = []
    for level in range(depth):
        x = _dense_block(x, block_layers, growth)
        skips.append(x)
        x = _transition(x, ngf * 2 ** (level + 1), "down")
    x = _transition(_dense_block(x, block_layers, growth), ngf * 2 ** depth)
    for level in reversed(range(depth)):
        x = _transition(x, ngf * 2 ** level, "up")
        x = _dense_block(layers.Concatenate()([x, skips[level]]), block_layers, growth)
    x = layers.ReLU()(batch_norm()(x))
    x = layers.Conv2D(output_channels, 3, padding="same", kernel_initializer=INIT)(x)
    out = layers.Activation("tanh", dtype="float32")(x)
    if residual:
        out = RefineAdd(name="residual")([out, image])
    return keras.Model(image, out, name=name)


# ---------------------------------------------------- reflection separation
@keras.saving.register_keras_serializable("tfgan_zoo")
class IdentityInitializer(keras.initializers.Initializer):
    """A convolution kernel that passes channel i to channel i through its
    centre tap (the reference's `identity_initializer`; Chen, Xu & Koltun
    2017 initialise context-aggregation networks so)."""

    def __call__(self, shape, dtype=None):
        kernel = np.zeros(shape, np.float32)
        for i in range(min(shape[2], shape[3])):
            kernel[shape[0] // 2, shape[1] // 2, i, i] = 1.0
        return tf.constant(kernel, dtype=dtype or "float32")


# The adaptive normalisations of the context-aggregation network.
ADAPTIVE_NORMS = ("instance", "batch")


@keras.saving.register_keras_serializable("tfgan_zoo")
class AdaptiveNorm(layers.Layer):
    """w0 x + w1 N(x), with scalars w0 = 1 and w1 = 0 to start (`nm` of the
    reflection reference; Chen, Xu & Koltun 2017): the network can learn
    how much normalization it wants. `norm` is N:

    - "instance": each image's own per-channel statistics, in training and
      at inference (a learnt shift and scale after). This is what the
      reference computes: its `slim.batch_norm` is always in training mode
      and its batch is one image.
    - "batch": batch norm, the batch's statistics in training and moving
      averages at inference (held-out colours the few training photos lack
      then come out shifted)."""

    def __init__(self, norm="instance", **kwargs):
        super().__init__(**kwargs)
        if norm not in ADAPTIVE_NORMS:
            raise UserError(f"unknown norm {norm!r}: choose {' or '.join(ADAPTIVE_NORMS)}")
        self.norm_kind = norm

    def build(self, input_shape):
        self.w0 = self.add_weight(shape=(), initializer="ones", name="w0")
        self.w1 = self.add_weight(shape=(), initializer="zeros", name="w1")
        self.norm = (batch_norm() if self.norm_kind == "batch"
                     else InstanceNormalization(affine=True))
        self.norm.build(input_shape)

    def call(self, x, training=None):
        normed = (self.norm(x, training=training) if self.norm_kind == "batch"
                  else self.norm(x))
        return tf.cast(self.w0, x.dtype) * x + tf.cast(self.w1, x.dtype) * normed

    def get_config(self):
        return {**super().get_config(), "norm": self.norm_kind}


@keras.saving.register_keras_serializable("tfgan_zoo")
class UnitRange(layers.Layer):
    """[-1, 1] <-> [0, 1] (`inverse`): the context-aggregation network works
    on [0, 1] images, as the reference does, so that its identity-initialised
    LeakyReLU layers pass the (non-negative) image through unchanged."""

    def __init__(self, inverse=False, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.inverse = inverse

    def call(self, x):
        x = tf.cast(x, tf.float32)
        return x * 2.0 - 1.0 if self.inverse else (x + 1.0) / 2.0

    def get_config(self):
        return {**super().get_config(), "inverse": self.inverse}


def context_aggregation_network(input_shape, width=64, rates=(1, 2, 4, 8, 16, 32, 64, 1),
                                norm="instance", name="generator"):
    """The reflection-separation generator (Zhang, Ng & Chen 2018, sec. 3;
    `build` of the reference main.py) without hypercolumns: a 1x1
    convolution, 3x3 convolutions dilated by `rates` (1, 2, 4, ..., 64, 1),
    each with an adaptive normalisation (`AdaptiveNorm`, per image by
    default, as the reference computes it) and LeakyReLU 0.2 and
    identity-initialised,
    and a 1x1 convolution to 2C channels: the transmission layer T and the
    reflection layer R, side by side, unbounded, in [-1, 1] scaling. The
    reference initialises that last layer at random; here T's half is
    identity-initialised like the layers before it, so T starts as the blend
    with its colours (a random 3x3 colour mix learnt from a few training
    photos cast held-out colours: a red cast on blue-green). With
    hypercolumns off the reference concatenates zeros in place of the VGG19
    features, which a 1x1 convolution ignores, so they are left out here."""
    image = keras.Input(input_shape, name="image")
    x = UnitRange()(image)
    for i, rate in enumerate((0,) + tuple(rates)):
        x = layers.Conv2D(width, 1 if i == 0 else 3, padding="same", dilation_rate=max(rate, 1),
                          kernel_initializer=IdentityInitializer())(x)
        x = _lrelu(AdaptiveNorm(norm)(x))
    # The last 1x1 convolution, split in two: T starts as the blend (identity
    # on the channels that carry the image through the identity-initialised
    # layers), R as the reference's random (Glorot) projection.
    t = layers.Conv2D(input_shape[-1], 1, kernel_initializer=IdentityInitializer(),
                      name="transmission")(x)
    r = layers.Conv2D(input_shape[-1], 1, kernel_initializer="glorot_uniform",
                      name="reflection")(x)
    x = layers.Concatenate()([t, r])
    return keras.Model(image, UnitRange(inverse=True)(x), name=name)


def feature_autoencoder(image_shape, widths=(16, 32, 64), name="features"):
    """The feature network of the reflection model's feature loss, trained
    by the project (no ImageNet weights are available offline): a small
    convolutional auto-encoder of clean photos. The encoder has one stage
    per width (two 3x3 convolutions with ReLU, the first of every stage but
    the first with stride 2, like VGG's conv_i_1, conv_i_2 and pooling);
    the decoder mirrors it with transposed convolutions and a tanh.

    Returns (encoder, autoencoder): the encoder maps images in [-1, 1] to
    the list of its stages' outputs (the loss's feature maps); the
    auto-encoder maps images to their reconstruction."""
    image = keras.Input(image_shape, name="image")
    x, features = image, []
    for i, width in enumerate(widths):
        x = layers.Conv2D(width, 3, strides=1 if i == 0 else 2, padding="same",
                          activation="relu")(x)
        x = layers.Conv2D(width, 3, padding="same", activation="relu")(x)
        features.append(x)
    encoder = keras.Model(image, features, name=f"{name}_encoder")
    code = keras.Input(features[-1].shape[1:])
    y = code
    for width in reversed(widths[:-1]):
        y = layers.Conv2DTranspose(width, 4, 2, padding="same", activation="relu")(y)
    y = layers.Conv2D(image_shape[-1], 3, padding="same")(y)
    decoder = keras.Model(code, layers.Activation("tanh", dtype="float32")(y),
                          name=f"{name}_decoder")
    return encoder, keras.Model(image, decoder(encoder(image)[-1]), name=name)
