"""Networks of the restoration GANs: SRGAN's SRResNet generator and
discriminator (Ledig et al. 2017, Fig. 4), the VGG19 feature map of its
content loss (read from a local weights file), and the Context Encoder's
encoder-decoder with a channel-wise bottleneck (Pathak et al. 2016, §3.1).
Every builder returns a functional `keras.Model` whose output activation is
float32."""

from __future__ import annotations

import os
import re
import warnings

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.image2image import INIT
from tfgan_zoo.networks.layers import ChannelwiseDense, PixelShuffle

# The Context Encoder's bottlenecks: channel-wise fully connected (§3.1), or
# a plain convolution.
BOTTLENECKS = ("channel_fc", "conv")


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


def srresnet_generator(channels=3, scale=4, filters=64, num_blocks=16,
                       name="generator"):
    """SRResNet (Ledig et al. 2017, Fig. 4, top): 9x9 conv + PReLU; B residual
    blocks (3x3 conv, BN, PReLU, 3x3 conv, BN, skip); 3x3 conv + BN and a
    skip over all blocks; log2(scale) sub-pixel x2 upsamplings (3x3 conv to
    4x the width, pixel shuffle, PReLU); 9x9 conv to the image, tanh.
    Fully convolutional: the input is [B, H, W, channels] for any H, W."""
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


class VGGContent:
    """SRGAN's VGG feature map φ_i,j (Ledig et al. 2017, eq. 5): the
    activations of VGG19's `layer` (default φ5,4 = block5_conv4, after its
    ReLU) on ImageNet-preprocessed input. The paper's rescaling of the VGG
    loss (×1/12.75, §3.3.2) is the model's job (`SRGAN.vgg_loss_scale`).

    Weights come from `weights_path`, a Keras `.weights.h5` file of
    `keras.applications.VGG19(include_top=False)` (e.g. written once on a
    machine with internet by `VGG19(include_top=False,
    weights="imagenet").save_weights(path)`). The network is frozen and
    deliberately not a tracked attribute of the GAN, so checkpoints and
    exports never carry its 20M weights."""

    def __init__(self, weights_path, layer="block5_conv4"):
        path = os.path.expanduser(str(weights_path))
        if not os.path.isfile(path):
            raise UserError(f"VGG19 weights file not found: {weights_path} (pass "
                            "--vgg-weights PATH to a Keras .weights.h5 of "
                            "keras.applications.VGG19(include_top=False))")
        vgg = keras.applications.VGG19(include_top=False, weights=None,
                                       input_shape=(None, None, 3))
        try:
            with warnings.catch_warnings():  # Keras warns per skipped layer first
                warnings.simplefilter("ignore")
                vgg.load_weights(path)
        except Exception as e:  # Keras raises ValueError, h5py OSError/KeyError
            text = " ".join(str(e).split())
            shapes = re.search(r"variable\.shape=\(.*?\), Received: value\.shape=\(.*?\)",
                               text)
            reason = shapes.group(0) if shapes else (text or type(e).__name__)[:160]
            raise UserError(f"{weights_path} does not hold VGG19 weights of the "
                            f"expected shapes ({reason}): pass the .weights.h5 of "
                            "keras.applications.VGG19(include_top=False)") from None
        vgg.trainable = False
        self.layer = layer
        self.network = keras.Model(vgg.input, vgg.get_layer(layer).output,
                                   name=f"vgg19_{layer}")

    def __call__(self, images):
        """Features of RGB images in [-1, 1] ([B, H, W, 3])."""
        rgb = (tf.cast(images, tf.float32) + 1.0) * 127.5
        bgr = rgb[..., ::-1] - tf.constant(_VGG_MEAN_BGR)
        return tf.cast(self.network(bgr, training=False), tf.float32)


def encoder_depth(image_shape):
    """Stride-2 stages: halve both sides while they stay whole and >= 4
    (128 -> 4x4 in 5 stages, as in the paper's 128-pixel network)."""
    h, w = image_shape[:2]
    depth = 0
    while h % 2 == 0 and w % 2 == 0 and min(h, w) // 2 >= 4:
        h, w, depth = h // 2, w // 2, depth + 1
    if depth < 1:
        raise UserError(f"the Context Encoder needs even image sides of at least 8, "
                        f"got {image_shape[0]}x{image_shape[1]}: pass --image-size "
                        "32, 64 or 128")
    return depth


def context_encoder_generator(image_shape, ngf=64, bottleneck="channel_fc",
                              bottleneck_units=512, name="generator"):
    """Pathak et al. 2016, Fig. 2 / §3.1, for images whose sides halve
    `encoder_depth` times."""
    if bottleneck not in BOTTLENECKS:
        raise UserError(f"unknown bottleneck '{bottleneck}': choose "
                        f"{', '.join(BOTTLENECKS)}")
    depth = encoder_depth(image_shape)
    widths = [ngf * min(2 ** i, 8) for i in range(depth)]
    masked = keras.Input(image_shape, name="image")
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
    x = layers.Conv2DTranspose(image_shape[-1], 4, 2, padding="same",
                               kernel_initializer=INIT)(x)
    image = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(masked, image, name=name)
