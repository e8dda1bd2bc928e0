"""Layers the networks of every family share: batch norm on TF's fused
kernel, instance, layer and adaptive instance norm, normalization by name,
conditional batch norm, spectral normalization, reflection padding,
sub-pixel upsampling, the Context Encoder's channel-wise dense layer, a
label input, and the conditioning heads of discriminators (projection and
an auxiliary classifier).

Normalisations other than batch norm are written with `squared_difference`
and `rsqrt`, not Keras's GroupNormalization, so a full-int8 TFLite model
keeps every op integer (see NOTES.md).
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers, ops

from tfgan_zoo.errors import UserError


@keras.saving.register_keras_serializable("tfgan_zoo")
class FusedBatchNormalization(layers.BatchNormalization):
    """`keras.layers.BatchNormalization`, trained with TensorFlow's fused kernel.

    The layer, weights and math are Keras's: the output is normalised by the
    batch mean and biased variance, and the moving averages are updated
    with the same statistics. Only the kernel differs. Keras 3 computes
    training-mode batch norm as reductions plus a chain of element-wise ops,
    which autodiff then reverses op by op. `FusedBatchNormV3` does one pass
    forward and one backward, about 3x faster on CPU for a DCGAN activation
    (benchmarks/history/throughput.md). Inference, and every case the kernel does
    not cover (another backend, not 4-D channels-last, synchronized, masked,
    renorm, frozen), run Keras's own code.
    """

    def _fusable(self, inputs, training, mask):
        return (training and self.trainable and keras.backend.backend() == "tensorflow"
                and len(inputs.shape) == 4 and self.axis in (-1, 3)
                and not self.synchronized and not self.renorm and mask is None)

    def call(self, inputs, training=None, mask=None):
        if not self._fusable(inputs, training, mask):
            return super().call(inputs, training=training, mask=mask)
        # Like Keras, compute in float32 whatever the policy.
        x = tf.cast(inputs, tf.float32)
        channels = x.shape[-1]
        gamma = tf.cast(self.gamma, tf.float32) if self.scale else tf.ones([channels])
        beta = tf.cast(self.beta, tf.float32) if self.center else tf.zeros([channels])
        y, mean, unbiased, *_ = tf.raw_ops.FusedBatchNormV3(
            x=x, scale=gamma, offset=beta, mean=tf.zeros([0]), variance=tf.zeros([0]),
            epsilon=self.epsilon, exponential_avg_factor=1.0, data_format="NHWC",
            is_training=True)
        # The kernel returns the variance with Bessel's correction (n/(n-1),
        # none for n=1); Keras averages the biased variance.
        n = tf.cast(tf.size(x) // channels, tf.float32)
        variance = unbiased * tf.maximum(n - 1.0, 1.0) / n
        momentum = self.momentum
        self.moving_mean.assign(self.moving_mean * momentum + mean * (1.0 - momentum))
        self.moving_variance.assign(
            self.moving_variance * momentum + variance * (1.0 - momentum))
        return tf.cast(y, self.compute_dtype)


# N(0, 0.02) weights (Radford et al. 2015, §4; the pix2pix / CycleGAN
# reference's init_type "normal", gain 0.02), as a config: Keras builds a new
# initializer from it for each layer, drawing that layer's seed from the
# seeded Python RNG. A shared RandomNormal instance would draw one seed when
# its module is imported, before any seed is set: every process would start
# from other weights, and layers of the same shape from the same ones.
NORMAL_002 = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}

def batch_norm(synchronized=False, name=None, center=True, scale=True):
    # PyTorch's BatchNorm2d defaults (momentum 0.1 == Keras momentum 0.9,
    # eps 1e-5); synchronized=True averages statistics across replicas.
    # center=scale=False leaves the shift and scale to the caller (FiLM).
    return FusedBatchNormalization(
        momentum=0.9, epsilon=1e-5, synchronized=synchronized, center=center, scale=scale,
        gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02), name=name)


def conditional_batch_norm(x, condition, spectral_norm=False):
    """Batch norm whose per-channel scale and shift come from a condition
    vector (de Vries et al. 2017; FiLM, Perez et al. 2018): x_hat * (1 +
    gamma(c)) + beta(c). With a one-hot class as c this is the class-
    conditional batch norm of Miyato & Koyama 2018 (gamma, beta one row per
    class); with a shared class embedding joined to a chunk of z it is
    BigGAN's (Brock et al. 2019, appendix B).

    Without `spectral_norm`, gamma starts at zero so a new layer begins as a
    plain batch norm. BigGAN's gains and biases are spectrally normalised
    linear maps without bias; a zero kernel has no spectral norm, so those
    start at the default initialisation."""
    width = x.shape[-1]
    x = batch_norm(center=False, scale=False)(x)
    if spectral_norm:
        gamma = SpectralNorm(layers.Dense(width, use_bias=False))(condition)
        beta = SpectralNorm(layers.Dense(width, use_bias=False))(condition)
    else:
        gamma = layers.Dense(width, kernel_initializer="zeros")(condition)
        beta = layers.Dense(width)(condition)
    return x * (1.0 + layers.Reshape((1, 1, width))(gamma)) + layers.Reshape((1, 1, width))(beta)


@keras.saving.register_keras_serializable("tfgan_zoo")
class SpectralNorm(layers.SpectralNormalization):
    """Spectral normalization as Miyato et al. 2018 define it: the wrapped
    Dense, Conv or Embedding computes with W / sigma(W), sigma the largest
    singular value of W reshaped to [fan_in, out], estimated by one power
    iteration per training call on a persistent vector u (their Algorithm 1).
    Gradients flow through sigma (§2.2), as in the authors' Chainer
    code and BigGAN's. Keras's own `SpectralNormalization`, which this
    extends, instead overwrites the kernel with W / sigma at every training
    call, so its gradient ignores sigma and its kernel drifts from W / sigma
    between calls.

    These layers are linear in their kernel, so the wrapped layer runs
    unchanged and its output, bias aside, is divided by sigma. Outside
    training u stays as it is: sigma is then a function of the weights
    alone, and an exported graph folds it into a constant. `epsilon`
    guards the normalisations (BigGAN's 1e-6)."""

    def __init__(self, layer, power_iterations=1, epsilon=1e-6, **kwargs):
        super().__init__(layer, power_iterations=power_iterations, **kwargs)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        super().build(input_shape)
        if getattr(self.layer, "activation", None) not in (None, keras.activations.linear):
            raise ValueError("SpectralNorm wraps layers without an activation")

    def sigma(self, training=False):
        """The spectral-norm estimate (float32 scalar), updating u when training."""
        w = ops.reshape(ops.cast(self.kernel, "float32"), [-1, self.kernel_shape[-1]])
        u = ops.cast(self.vector_u, "float32")
        for _ in range(self.power_iterations):
            v = _unit(ops.matmul(u, ops.transpose(w)), self.epsilon)
            u = _unit(ops.matmul(v, w), self.epsilon)
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        if training:
            self.vector_u.assign(ops.cast(u, self.vector_u.dtype))
        return ops.sum(ops.matmul(v, w) * u)

    def call(self, inputs, training=False):
        outputs = self.layer(inputs)
        sigma = ops.cast(self.sigma(training), outputs.dtype)
        bias = getattr(self.layer, "bias", None)
        if bias is None:
            return outputs / sigma
        bias = ops.cast(bias, outputs.dtype)
        return (outputs - bias) / sigma + bias

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


def _unit(x, epsilon):
    return x * ops.rsqrt(ops.sum(ops.square(x)) + epsilon)


def projection_logit(features, condition, wrap=None):
    """logit = psi(h) + (V c)^T h, the projection discriminator's output
    (Miyato & Koyama 2018, eq. 3): h [B, D] the image features, c [B, E] the
    condition (a one-hot class, for which V c is the class's embedding row,
    or a text embedding). `wrap` wraps both linear maps (e.g. in
    `SpectralNorm`, as the authors' SNResNet does). float32 out."""
    wrap = wrap or (lambda layer: layer)
    embedded = wrap(layers.Dense(features.shape[-1], use_bias=False, name="projection"))(
        condition)
    logit = wrap(layers.Dense(1, dtype="float32", name="linear"))(features)
    logit = logit + ops.sum(ops.cast(embedded * features, "float32"), axis=-1, keepdims=True)
    return layers.Activation("linear", dtype="float32", name="logit")(logit)


def class_head(features, classes):
    """AC-GAN's auxiliary classifier (Odena et al. 2017): linear heads of
    sizes `classes` on [B, D] features, side by side, [B, sum(classes)],
    float32."""
    return layers.Dense(sum(classes), dtype="float32", name="class_logits")(features)


@keras.saving.register_keras_serializable("tfgan_zoo")
class OneHot(layers.Layer):
    """Int labels -> one-hot rows, gathered from an identity matrix rather
    than built by ONE_HOT: TFLite's int8 ONE_HOT kernel quantizes its on/off
    values badly (CGAN's int8 generator fell to 21.5 dB), a GATHER of a
    constant quantizes exactly. A layer, not a Lambda, so the network
    clones and deserializes in Keras' safe mode (the EMA generator is a
    clone)."""

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = num_classes

    def call(self, labels):
        return ops.take(ops.eye(self.num_classes), labels, axis=0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.num_classes)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


def label_input(num_classes, name="label"):
    """An int label input and its one-hot encoding (`OneHot`)."""
    label = keras.Input((), dtype="int32", name=name)
    return label, OneHot(num_classes, name=f"{name}_one_hot")(label)


@keras.saving.register_keras_serializable("tfgan_zoo")
class InstanceNormalization(layers.Layer):
    """Instance normalization (Ulyanov et al. 2016): each image and channel is
    normalised over its own spatial positions,

        y = (x - mean_hw(x)) * rsqrt(var_hw(x) + epsilon) [* gamma + beta],

    with no running statistics, so training and inference agree. `affine`
    adds the learned per-channel gamma and beta (the CycleGAN reference uses
    affine=False). Computed in float32 under mixed precision."""

    def __init__(self, epsilon=1e-5, affine=False, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)
        self.affine = bool(affine)

    def build(self, input_shape):
        if self.affine:
            channels = input_shape[-1]
            self.gamma = self.add_weight(shape=(channels,), initializer="ones",
                                         name="gamma")
            self.beta = self.add_weight(shape=(channels,), initializer="zeros",
                                        name="beta")

    def call(self, x):
        dtype = x.dtype
        x = tf.cast(x, tf.float32)
        mean = tf.reduce_mean(x, axis=[1, 2], keepdims=True)
        variance = tf.reduce_mean(tf.math.squared_difference(x, mean), axis=[1, 2],
                                  keepdims=True)
        y = (x - mean) * tf.math.rsqrt(variance + self.epsilon)
        if self.affine:
            y = y * tf.cast(self.gamma, tf.float32) + tf.cast(self.beta, tf.float32)
        return tf.cast(y, dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon, "affine": self.affine}


@keras.saving.register_keras_serializable("tfgan_zoo")
class ReflectionPadding2D(layers.Layer):
    """Pads height and width by mirroring the border (no edge repeat), as
    CycleGAN's ResNet generator does before its 7x7 and 3x3 convolutions."""

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(padding)

    def call(self, x):
        p = self.padding
        return tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="REFLECT")

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        grow = lambda d: None if d is None else d + 2 * self.padding  # noqa: E731
        return (n, grow(h), grow(w), c)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


NORMS = ("batch", "instance", "layer", "none")


def normalization(kind, synchronized=False):
    """A normalization layer by name: "batch", "instance", "layer", or None
    for "none". `synchronized` averages batch statistics across replicas."""
    if kind == "batch":
        return batch_norm(synchronized)
    if kind == "instance":
        return InstanceNormalization()
    if kind == "layer":
        return layers.LayerNormalization(epsilon=1e-5)
    if kind == "none":
        return None
    raise UserError(f"unknown normalization '{kind}': choose {', '.join(NORMS)}")


# ----------------------------------------------------------- normalisation
def _normalize(x, axes, epsilon):
    """(x - mean) / sqrt(var + eps) over `axes`, computed in float32."""
    dtype = x.dtype
    x = tf.cast(x, tf.float32)
    mean = tf.reduce_mean(x, axis=axes, keepdims=True)
    variance = tf.reduce_mean(tf.math.squared_difference(x, mean), axis=axes,
                              keepdims=True)
    return tf.cast((x - mean) * tf.math.rsqrt(variance + epsilon), dtype)


@keras.saving.register_keras_serializable("tfgan_zoo")
class AdaptiveInstanceNorm(layers.Layer):
    """Adaptive instance normalisation (Huang & Belongie 2017, eq. 8):

        AdaIN(x, gamma, beta) = gamma * (x - mu(x)) / sigma(x) + beta

    with mu, sigma the per-example, per-channel spatial statistics of x.
    Called on [x, params]: gamma is params[:, offset:offset + C] and beta
    params[:, offset + C:offset + 2C], so one MLP output can feed every
    AdaIN layer of a decoder (MUNIT, §3). No weights of its own."""

    def __init__(self, offset=0, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.offset, self.epsilon = int(offset), float(epsilon)

    def call(self, inputs):
        x, params = inputs
        channels = x.shape[-1]
        params = tf.cast(params, x.dtype)
        gamma = params[:, self.offset:self.offset + channels]
        beta = params[:, self.offset + channels:self.offset + 2 * channels]
        normalized = _normalize(x, [1, 2], self.epsilon)
        return gamma[:, None, None, :] * normalized + beta[:, None, None, :]

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "offset": self.offset, "epsilon": self.epsilon}


@keras.saving.register_keras_serializable("tfgan_zoo")
class LayerNorm2D(layers.Layer):
    """Layer normalisation of a feature map: statistics per example over
    (H, W, C), a learned scale and shift per channel (MUNIT's decoder
    upsampling layers; Ba et al. 2016)."""

    def __init__(self, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        channels = input_shape[-1]
        self.gamma = self.add_weight(shape=(channels,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(channels,), initializer="zeros", name="beta")

    def call(self, x):
        return (_normalize(x, [1, 2, 3], self.epsilon) * tf.cast(self.gamma, x.dtype)
                + tf.cast(self.beta, x.dtype))

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


# ------------------------------------------------------------------ SRGAN
@keras.saving.register_keras_serializable("tfgan_zoo")
class PixelShuffle(layers.Layer):
    """Sub-pixel convolution's shuffle (Shi et al. 2016): [B, H, W, C r^2] ->
    [B, H r, W r, C] via `depth_to_space`, a TFLite built-in."""

    def __init__(self, block_size=2, **kwargs):
        super().__init__(**kwargs)
        self.block_size = int(block_size)

    def call(self, x):
        return tf.nn.depth_to_space(x, self.block_size)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        r = self.block_size
        return (b, None if h is None else h * r, None if w is None else w * r, c // r ** 2)

    def get_config(self):
        return {**super().get_config(), "block_size": self.block_size}


@keras.saving.register_keras_serializable("tfgan_zoo")
class ChannelwiseDense(layers.Layer):
    """The Context Encoder's channel-wise fully connected layer (Pathak et
    al. 2016, §3.1): each of the C feature maps (h x w) is fully connected to
    itself, [C, hw, hw] weights instead of a full FC's [hwC, hwC]; no
    information flows between channels (a 1x1 convolution after it does
    that). Needs a fixed feature-map size."""

    def build(self, input_shape):
        _, h, w, c = input_shape
        self.kernel = self.add_weight(shape=(c, h * w, h * w), name="kernel",
                                      initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(c, h * w), name="bias", initializer="zeros")

    def call(self, x):
        _, h, w, c = x.shape
        maps = tf.transpose(tf.reshape(x, [-1, h * w, c]), [2, 0, 1])  # [C, B, hw]
        y = tf.matmul(maps, tf.cast(self.kernel, x.dtype)) + tf.cast(self.bias, x.dtype)[:, None, :]
        return tf.reshape(tf.transpose(y, [1, 2, 0]), [-1, h, w, c])


@keras.saving.register_keras_serializable("tfgan_zoo")
class MinibatchStddev(layers.Layer):
    """ProGAN's minibatch standard deviation (Karras et al. 2018, §3):
    appends one feature map, the standard deviation of each feature over a
    group of `group_size` samples, averaged over features and positions. A
    discriminator that sees how varied a minibatch is penalises
    collapsed generators. A batch that the group size does not divide forms
    one group. Any rank with channels last: images [N, H, W, C] (ProGAN's
    D), voxels [N, D, H, W, C] (3D-GAN's `--mbstd-group-size`)."""

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        self.group_size = int(group_size)

    def call(self, x):
        shape = tf.shape(x)
        batch, spatial = shape[0], list(range(1, x.shape.rank))
        group = tf.minimum(self.group_size, batch)
        group = tf.where(batch % group == 0, group, batch)
        y = tf.reshape(tf.cast(x, tf.float32), tf.concat([[group, -1], shape[1:]], 0))
        y = y - tf.reduce_mean(y, axis=0, keepdims=True)
        y = tf.sqrt(tf.reduce_mean(tf.square(y), axis=0) + 1e-8)    # [M, ..., C]
        y = tf.reduce_mean(y, axis=spatial, keepdims=True)          # [M, 1, ..., 1]
        y = tf.tile(y, tf.concat([[group], shape[1:-1], [1]], 0))   # [N, ..., 1]
        return tf.concat([x, tf.cast(y, x.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}
