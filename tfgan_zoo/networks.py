"""Network builders shared by the GANs: MLPs and DCGAN convolutional stacks.

Each builder returns a functional `keras.Model`. The last layer of every
discriminator and the generator's output activation are float32, so losses
stay float32 under a mixed-precision policy.
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from tfgan_zoo.errors import UserError

# Radford et al. 2015, §4: weights from N(0, 0.02).
DCGAN_INIT = keras.initializers.RandomNormal(0.0, 0.02)


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
        import tensorflow as tf
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


def batch_norm(synchronized=False, name=None, center=True, scale=True):
    # PyTorch's BatchNorm2d defaults (momentum 0.1 == Keras momentum 0.9,
    # eps 1e-5); synchronized=True averages statistics across replicas.
    # center=scale=False leaves the shift and scale to the caller (FiLM).
    return FusedBatchNormalization(
        momentum=0.9, epsilon=1e-5, synchronized=synchronized, center=center, scale=scale,
        gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02), name=name)


def normalization(kind, synchronized=False):
    """'batch', 'layer' or 'none' (returns None)."""
    if kind == "batch":
        return batch_norm(synchronized)
    if kind == "layer":
        return layers.LayerNormalization(epsilon=1e-5)
    if kind == "none":
        return None
    raise UserError(f"unknown normalization '{kind}': choose batch, layer or none")


def label_input(num_classes, name="label"):
    """An int label input and its one-hot encoding.

    The one-hot rows are gathered from an identity matrix rather than built
    by ONE_HOT: TFLite's int8 ONE_HOT kernel quantizes its on/off values
    badly (CGAN's int8 generator fell to 21.5 dB), a GATHER of a constant
    quantizes exactly."""
    label = keras.Input((), dtype="int32", name=name)
    return label, layers.Lambda(lambda y: ops.take(ops.eye(num_classes), y, axis=0),
                                output_shape=(num_classes,),
                                name=f"{name}_one_hot")(label)


def mlp_generator(latent_dim, image_shape, hidden=(256, 512, 1024),
                  num_classes=None, name="generator"):
    """z (and a one-hot label) -> hidden ReLU layers -> tanh image."""
    z = keras.Input((latent_dim,), name="z")
    inputs, x = [z], z
    if num_classes:
        label, one_hot = label_input(num_classes)
        inputs.append(label)
        x = layers.Concatenate()([z, one_hot])
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
    inputs, x = [image], layers.Flatten()(image)
    if num_classes:
        label, one_hot = label_input(num_classes)
        inputs.append(label)
        x = layers.Concatenate()([x, one_hot])
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
                    name="generator"):
    """Radford et al. 2015, Fig. 1: project z, then fractionally-strided
    convolutions with batch norm and ReLU, halving the width at each stage,
    ending in tanh. No pooling, no fully connected hidden layers."""
    height, _, channels = image_shape
    stages, base = dcgan_depth(height)
    width = ngf * 2 ** (stages - 1)
    z = keras.Input((latent_dim,), name="z")
    # The projection is the reference's first 4x4 transposed conv on a 1x1 z.
    x = layers.Dense(base * base * width, use_bias=False,
                     kernel_initializer=DCGAN_INIT)(z)
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
    return keras.Model(z, image, name=name)


def dcgan_discriminator(image_shape, ndf=64, norm="batch", synchronized_bn=False,
                        name="discriminator"):
    """Radford et al. 2015: strided convolutions with LeakyReLU(0.2), batch
    norm on every layer but the first, and a single logit. `norm` swaps batch
    norm for layer norm or none (WGAN-GP's critic must not use batch norm)."""
    stages, _ = dcgan_depth(image_shape[0])
    image = keras.Input(image_shape, name="image")
    x = image
    for stage in range(stages):
        x = layers.Conv2D(ndf * 2 ** stage, 4, strides=2, padding="same",
                          use_bias=False, kernel_initializer=DCGAN_INIT)(x)
        norm_layer = normalization(norm, synchronized_bn) if stage else None
        if norm_layer is not None:
            x = norm_layer(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    logit = layers.Dense(1, dtype="float32", kernel_initializer=DCGAN_INIT,
                         name="logit")(x)
    return keras.Model(image, logit, name=name)
