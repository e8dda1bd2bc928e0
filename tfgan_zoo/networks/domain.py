"""Networks of the domain family: the gradient-reversal layer, the small
digit CNNs that domain adaptation trains (DANN's, ADDA's LeNet), MLP
heads, DTN's content encoder f, decoder g and ternary discriminator, and
PG2's pose-conditioned U-Nets.

Every builder returns a functional `keras.Model`; heads, discriminators and
image outputs end in float32 layers, so losses stay float32 under mixed
precision.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.image2image import INIT
from tfgan_zoo.networks.layers import batch_norm


def _divisible(shape, stages, what):
    if shape[0] % 2 ** stages or shape[1] % 2 ** stages:
        raise UserError(f"{what} needs image sides divisible by {2 ** stages}, got "
                        f"{shape[0]}x{shape[1]}: pass another --image-size")


def reverse_gradient(x, scale):
    """The gradient-reversal layer of DANN (Ganin et al. 2016, sec. 3.2):
    the identity going forward; going backward the gradient is multiplied
    by -scale (their lambda_p), so the feature extractor below it maximises
    the loss the domain classifier above it minimises."""
    @tf.custom_gradient
    def reverse(features):
        def gradient(upstream):
            return -tf.cast(scale, upstream.dtype) * upstream
        return tf.identity(features), gradient
    return reverse(x)


# ------------------------------------------------------------ digit CNNs
@keras.saving.register_keras_serializable("tfgan_zoo")
class PerImageStandardization(layers.Layer):
    """`tf.image.per_image_standardization` as a layer: each image minus
    its own mean over its own standard deviation (at least 1/sqrt(pixels)),
    so every image reaches the network with one brightness and one
    contrast, whichever domain it comes from."""

    def call(self, images):
        return tf.image.per_image_standardization(images)


def digit_encoder(image_shape, widths=(32, 48), kernel=5, padding="same", dense=None,
                  standardize=False, name="encoder"):
    """Conv(k x k)-ReLU-MaxPool(2) stages, flattened, optionally followed by
    a ReLU dense layer. DANN's MNIST feature extractor (Ganin et al. 2016,
    appendix: 32 and 48 5x5 filters, 'same' padding in the reference
    tf-dann) is `digit_encoder(shape)`; ADDA's LeNet (Tzeng et al. 2017,
    adda/models/lenet.py: 20 and 50 5x5 filters, valid padding, a 500-unit
    dense layer) is `digit_encoder(shape, (20, 50), padding="valid",
    dense=500)`. With `standardize` each image is standardised first
    (`PerImageStandardization`)."""
    size = min(image_shape[:2])
    for _ in widths:
        size = (size - (kernel - 1 if padding == "valid" else 0)) // 2
    if size < 1:
        raise UserError(f"{len(widths)} {kernel}x{kernel} convolution and pooling stages "
                        f"leave nothing of {image_shape[0]}x{image_shape[1]} images: pass "
                        "a larger --image-size")
    image = keras.Input(image_shape, name="image")
    x = PerImageStandardization()(image) if standardize else image
    for width in widths:
        x = layers.Conv2D(width, kernel, padding=padding, activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    if dense:
        x = layers.Dense(dense, activation="relu")(x)
    return keras.Model(image, x, name=name)


def mlp(input_dim, hidden, outputs, name):
    """ReLU hidden layers of the given widths, then a float32 linear layer of
    `outputs` logits: DANN's label predictor (100-100-10) and domain
    classifier (100-1), ADDA's classifier (10) and adversary (500-500-1)."""
    features = keras.Input((input_dim,), name="features")
    x = features
    for width in hidden:
        x = layers.Dense(width, activation="relu")(x)
    logits = layers.Dense(outputs, dtype="float32", name="logits")(x)
    return keras.Model(features, logits, name=name)


def feature_size(encoder):
    return int(encoder.outputs[0].shape[-1])


# ------------------------------------------------------------------- DTN
def content_encoder(image_shape, width=64, feature_dim=128, name="f"):
    """DTN's f for digits (Taigman et al. 2017, sec. 5.1; the reference port
    yunjey/domain-transfer-network: 3x3 stride-2 convolutions of width,
    2 width and 4 width with batch norm and ReLU, then a convolution over the
    remaining map to `feature_dim`, squashed by tanh). Images whose sides
    divide by 8."""
    _divisible(image_shape, 3, "DTN's encoder")
    image = keras.Input(image_shape, name="image")
    x = image
    for i in range(3):
        x = layers.Conv2D(width * 2 ** i, 3, strides=2, padding="same", use_bias=False,
                          kernel_initializer=INIT)(x)
        x = layers.ReLU()(batch_norm()(x))
    x = layers.Conv2D(feature_dim, tuple(int(s) for s in x.shape[1:3]),
                      kernel_initializer=INIT)(x)
    features = layers.Activation("tanh", dtype="float32")(layers.Flatten()(x))
    return keras.Model(image, features, name=name)


def feature_decoder(feature_dim, image_shape, width=64, name="g"):
    """DTN's g: the features, projected to a (H/8 x W/8) map of 4 width,
    then 4x4 stride-2 deconvolutions of 2 width and width with batch norm
    and ReLU, and a tanh image."""
    _divisible(image_shape, 3, "DTN's decoder")
    h, w = image_shape[0] // 8, image_shape[1] // 8
    features = keras.Input((feature_dim,), name="features")
    x = layers.Dense(h * w * 4 * width, use_bias=False, kernel_initializer=INIT)(features)
    x = layers.ReLU()(batch_norm()(layers.Reshape((h, w, 4 * width))(x)))
    for scale in (2, 1):
        x = layers.Conv2DTranspose(width * scale, 4, strides=2, padding="same",
                                   use_bias=False, kernel_initializer=INIT)(x)
        x = layers.ReLU()(batch_norm()(x))
    x = layers.Conv2DTranspose(image_shape[-1], 4, strides=2, padding="same",
                               kernel_initializer=INIT)(x)
    return keras.Model(features, layers.Activation("tanh", dtype="float32")(x), name=name)


def class_discriminator(image_shape, ndf=64, classes=3, name="discriminator"):
    """A DCGAN-style discriminator with `classes` logits: DTN's ternary D
    (fake from the source domain, fake from the target domain, real
    target). 4x4 stride-2 convolutions of ndf, 2 ndf and 4 ndf, LeakyReLU
    0.2, batch norm after the first; sides divisible by 8."""
    _divisible(image_shape, 3, "DTN's discriminator")
    image = keras.Input(image_shape, name="image")
    x = image
    for i in range(3):
        x = layers.Conv2D(ndf * 2 ** i, 4, strides=2, padding="same", use_bias=i == 0,
                          kernel_initializer=INIT)(x)
        if i:
            x = batch_norm()(x)
        x = layers.LeakyReLU(0.2)(x)
    logits = layers.Dense(classes, dtype="float32", name="logits")(layers.Flatten()(x))
    return keras.Model(image, logits, name=name)


# ------------------------------------------------------------ PixelDTGAN
def converter(input_shape, output_shape, ngf=64, name="generator"):
    """PixelDTGAN's converter (Yoo et al. 2016, sec. 4; fxia22/PixelDTGAN's
    netG): an encoder of 4x4 stride-2 convolutions (ngf, 2 ngf, 4 ngf,
    8 ngf..., batch norm after the first, LeakyReLU 0.2) down to 4x4, a 4x4
    convolution to a 1x1 code, and a decoder of 4x4 deconvolutions (batch
    norm, ReLU) up to the target's size, ending in tanh. Source and target
    may differ in size (a 64x64 figure -> a 32x32 product)."""
    for shape in (input_shape, output_shape):
        if shape[0] != shape[1] or shape[0] < 4 or shape[0] & (shape[0] - 1):
            raise UserError(f"the converter takes square power-of-two images of at least "
                            f"4x4, got {shape[0]}x{shape[1]}: pass --image-size 32")
    image = keras.Input(input_shape, name="image")
    x, width, size = image, ngf, input_shape[0]
    while size > 4:
        x = layers.Conv2D(width, 4, strides=2, padding="same", use_bias=width == ngf,
                          kernel_initializer=INIT)(x)
        if width != ngf:
            x = batch_norm()(x)
        x = layers.LeakyReLU(0.2)(x)
        width, size = min(2 * width, 8 * ngf), size // 2
    code = layers.Conv2D(width, 4, padding="valid", kernel_initializer=INIT)(x)
    x = layers.Conv2DTranspose(width, 4, padding="valid", use_bias=False,
                               kernel_initializer=INIT)(layers.LeakyReLU(0.2)(code))
    x, size = layers.ReLU()(batch_norm()(x)), 4
    while size < output_shape[0] // 2:
        width = max(width // 2, ngf)
        x = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False,
                                   kernel_initializer=INIT)(x)
        x, size = layers.ReLU()(batch_norm()(x)), size * 2
    x = layers.Conv2DTranspose(output_shape[-1], 4, strides=2 if size < output_shape[0] else 1,
                               padding="same", kernel_initializer=INIT)(x)
    return keras.Model(image, layers.Activation("tanh", dtype="float32")(x), name=name)


# ------------------------------------------------------------------- PG2
def pose_unet(input_shape, output_channels, ngf=32, depth=3, bottleneck=None,
              activation="tanh", name="generator"):
    """PG2's generators (Ma et al. 2017, sec. 3.1 and fig. 2): a U-Net of
    `depth` stride-2 stages (a 3x3 convolution and a residual 3x3 block per
    stage, ReLU, widths ngf * (i + 1) as in the reference models.py), skip
    connections between stages of one size, and for G1 a fully connected
    bottleneck of `bottleneck` units that lets every output pixel see the
    whole input pose. G1 ends in tanh; G2 (`activation=None`) outputs the
    difference map, linear."""
    _divisible(input_shape, depth, "PG2's U-Net")
    inputs = keras.Input(input_shape, name="image")
    x = layers.Conv2D(ngf, 3, padding="same", activation="relu", kernel_initializer=INIT)(inputs)
    skips = []
    for i in range(depth):
        width = ngf * (i + 1)
        y = layers.Conv2D(width, 3, padding="same", activation="relu",
                          kernel_initializer=INIT)(x)
        y = layers.Conv2D(width, 3, padding="same", kernel_initializer=INIT)(y)
        x = layers.ReLU()(layers.Add()([layers.Conv2D(width, 1)(x), y]))
        skips.append(x)
        x = layers.Conv2D(ngf * (i + 2), 3, strides=2, padding="same", activation="relu",
                          kernel_initializer=INIT)(x)
    if bottleneck:
        shape = tuple(int(s) for s in x.shape[1:])
        x = layers.Dense(bottleneck, kernel_initializer=INIT)(layers.Flatten()(x))
        x = layers.Dense(shape[0] * shape[1] * shape[2], activation="relu",
                         kernel_initializer=INIT)(x)
        x = layers.Reshape(shape)(x)
    for i in reversed(range(depth)):
        x = layers.UpSampling2D(2)(x)
        x = layers.Concatenate()([x, skips[i]])
        x = layers.Conv2D(ngf * (i + 1), 3, padding="same", activation="relu",
                          kernel_initializer=INIT)(x)
        x = layers.Conv2D(ngf * (i + 1), 3, padding="same", activation="relu",
                          kernel_initializer=INIT)(x)
    x = layers.Conv2D(output_channels, 3, padding="same", kernel_initializer=INIT)(x)
    return keras.Model(inputs, layers.Activation(activation or "linear", dtype="float32")(x),
                       name=name)
