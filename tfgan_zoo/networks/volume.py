"""Conv3D building blocks of the volume and video families: 3D-GAN's
volumetric generator and discriminator (Wu et al. 2016, Fig. 1), MoCoGAN's
video generator (a GRU of motion codes over a DCGAN frame generator) and
video discriminator (Tulyakov et al. 2018), and the strided Conv3D stack
that both 3D-GAN's D and MoCoGAN's D_V are made of.

Each builder returns a functional `keras.Model`. The generator's output
activation and every discriminator's last layer are float32, so losses
stay float32 under a mixed-precision policy.
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.dcgan import dcgan_generator
from tfgan_zoo.networks.layers import (NORMAL_002, MinibatchStddev, OneHot, batch_norm,
                                      projection_logit)

# The smallest cube both players meet at: G projects z to it, D reads its
# logit from it (Wu et al. 2016, Fig. 1: 4^3 at the bottom of both).
BASE = 4


def voxel_stages(size):
    """Stride-2 stages between a BASE^3 cube and a size^3 grid; a one-line
    UserError for a size that is not a power of 2 of at least 8."""
    stages = math.log2(size / BASE) if size and size > 0 else -1
    if size != int(size) or stages < 1 or not float(stages).is_integer():
        raise UserError(f"voxel size {size} is not a power of 2 of at least 8: "
                        "use 16, 32 or 64")
    return int(stages)


def voxel_generator(latent_dim, size=32, ngf=16, name="generator"):
    """Wu et al. 2016, Fig. 1: z -> a BASE^3 cube (the paper's first 4^3
    transposed convolution on a 1^3 z, written as a dense projection) ->
    transposed Conv3D (kernel 4, stride 2) with batch norm and ReLU, halving
    the width at each stage -> one channel. The output is tanh(a / 2) =
    2 sigmoid(a) - 1 of the last layer's logit a: the paper's sigmoid
    occupancy p = sigmoid(a) on the [-1, 1] scale of the data, so p > 0.5
    exactly where the voxel is > 0 (the threshold `occupied` uses)."""
    stages = voxel_stages(size)
    width = ngf * 2 ** (stages - 1)
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(BASE ** 3 * width, use_bias=False, kernel_initializer=NORMAL_002)(z)
    x = layers.Reshape((BASE, BASE, BASE, width))(x)
    x = batch_norm()(x)
    x = layers.ReLU()(x)
    for _ in range(stages - 1):
        width //= 2
        x = layers.Conv3DTranspose(max(width, 1), 4, strides=2, padding="same",
                                   use_bias=False, kernel_initializer=NORMAL_002)(x)
        x = batch_norm()(x)
        x = layers.ReLU()(x)
    logit = layers.Conv3DTranspose(1, 4, strides=2, padding="same",
                                   kernel_initializer=NORMAL_002)(x)
    half = layers.Rescaling(0.5, dtype="float32")(logit)
    voxels = layers.Activation("tanh", dtype="float32", name="occupancy")(half)
    return keras.Model(z, voxels, name=name)


def noise(x, sigma):
    """x + N(0, sigma^2) while training (MoCoGAN's `Noise` module, which the
    reference puts before every discriminator layer); x itself at sigma 0
    and at inference."""
    return layers.GaussianNoise(sigma)(x) if sigma else x


def conv3d_stack(x, widths, strides, first_norm=False, prefix="conv", noise_sigma=0.0):
    """Strided Conv3D (kernel 4, `same`) -> batch norm (not on the first
    layer unless `first_norm`) -> LeakyReLU(0.2), one layer per width;
    `strides` gives each layer's stride, an int or a (t, h, w) triple;
    `noise_sigma` adds training noise before every conv (`noise`).
    Returns the output and the list of every layer's activations (3D-GAN's
    representation test reads them)."""
    features = []
    for i, (width, stride) in enumerate(zip(widths, strides)):
        x = noise(x, noise_sigma)
        x = layers.Conv3D(width, 4, strides=stride, padding="same", use_bias=False,
                          kernel_initializer=NORMAL_002, name=f"{prefix}{i + 1}")(x)
        if i or first_norm:
            x = batch_norm()(x)
        x = layers.LeakyReLU(0.2)(x)
        features.append(x)
    return x, features


def voxel_discriminator(size=32, ndf=16, mbstd_group_size=0, pack=1, name="discriminator"):
    """Wu et al. 2016: G mirrored, strided Conv3D with batch norm and
    LeakyReLU(0.2) down to BASE^3, then one logit. The activations of the
    conv layers are what `voxel_features` reads. `mbstd_group_size` > 1 (not
    in the paper) appends ProGAN's minibatch standard deviation (Karras et
    al. 2018, §3) to the BASE^3 features before the logit: the spread of
    D's features over each group of that many inputs. `pack` > 1 (PacGAN,
    not in the paper): D reads `pack` shapes at once, side by side on the
    channel axis (`pack_voxels`), and gives one logit for the pack."""
    stages = voxel_stages(size)
    voxels = keras.Input((size, size, size, pack), name="voxels")
    x, _ = conv3d_stack(voxels, [ndf * 2 ** i for i in range(stages)], [2] * stages)
    if mbstd_group_size > 1:
        x = MinibatchStddev(mbstd_group_size, name="minibatch_stddev")(x)
    logit = layers.Dense(1, dtype="float32", kernel_initializer=NORMAL_002,
                         name="logit")(layers.Flatten()(x))
    return keras.Model(voxels, logit, name=name)


def voxel_features(discriminator):
    """D's representation (Wu et al. 2016, §4.2): every conv layer's
    activations max-pooled to 2^3 cells and concatenated, one vector a
    shape, as a `keras.Model` on one shape [B, D, H, W, 1].

    A packing D (`pack` m > 1) reads m shapes at once; here it reads the
    shape repeated m times, which is exactly D's own first convolution with
    its m slot kernels summed, applied to the one shape: the features are
    still a function of that shape and of D's weights alone, and the SVM
    fits and tests on shapes read the same way."""
    convs = [layer.output for layer in discriminator.layers
             if isinstance(layer, layers.LeakyReLU)]
    pooled = []
    for x in convs:
        cells = max(1, x.shape[1] // 2)
        pooled.append(layers.Flatten()(layers.MaxPooling3D(cells)(x)))
    features = keras.Model(discriminator.input, layers.Concatenate(dtype="float32")(pooled),
                           name="voxel_features")
    pack = discriminator.input.shape[-1]
    if pack == 1:
        return features
    shape = keras.Input((*discriminator.input.shape[1:-1], 1), name="voxels")
    repeated = layers.Concatenate(name="repeat_for_pack")([shape] * pack)
    return keras.Model(shape, features(repeated), name="voxel_features")


def pack_voxels(voxels, pack):
    """PacGAN's packing (Lin et al. 2018): [B, D, H, W, C] ->
    [B / pack, D, H, W, pack * C], shapes pack * i ... pack * i + pack - 1
    side by side on the channel axis, so D judges them as one input. B must
    be a multiple of `pack` (the caller checks)."""
    if pack == 1:
        return voxels
    spatial, channels = list(voxels.shape[1:-1]), voxels.shape[-1]
    x = ops.reshape(voxels, [-1, pack, *spatial, channels])
    x = ops.moveaxis(x, 1, -2)  # [B / pack, D, H, W, pack, C]
    return ops.reshape(x, [-1, *spatial, pack * channels])


def video_generator(frames, image_shape, content_dim, motion_dim, noise_dim, actions=0,
                    ngf=32, action_to_gru=False, random_start=False, name="generator"):
    """MoCoGAN's G (Tulyakov et al. 2018, §3, Fig. 2): a GRU turns per-frame
    noise eps_t into motion codes z_M^(t); each frame is an image
    generator (DCGAN's, `tfgan_zoo.networks.dcgan`) applied to
    [z_C, z_A, z_M^(t)], the content code z_C and the one-hot action z_A
    held fixed over the video. With `action_to_gru` (a project option) the
    GRU also reads z_A at every step, so the motion codes themselves can
    follow the action. With `random_start` the GRU starts from a fourth
    input, motion_start [motion_dim] (the reference's random h_0), not from
    zeros. Inputs z [content_dim], motion [frames, noise_dim] (and action,
    int32, and motion_start); output [B, frames, H, W, C]."""
    z = keras.Input((content_dim,), name="z")
    noise = keras.Input((frames, noise_dim), name="motion")
    inputs, codes, steps = [z, noise], [z], noise
    if actions:
        action = keras.Input((), dtype="int32", name="action")
        inputs.append(action)
        codes.append(OneHot(actions)(action))
        if action_to_gru:
            steps = layers.Concatenate()([noise, layers.RepeatVector(frames)(codes[-1])])
    gru = layers.GRU(motion_dim, return_sequences=True, name="motion_gru")
    if random_start:
        start = keras.Input((motion_dim,), name="motion_start")
        inputs.append(start)
        motion = gru(steps, initial_state=[start])
    else:
        motion = gru(steps)
    fixed = layers.RepeatVector(frames)(layers.Concatenate()(codes) if actions else z)
    per_frame = layers.Concatenate()([fixed, motion])
    image = dcgan_generator(per_frame.shape[-1], image_shape, ngf, name="image_generator")
    video = layers.TimeDistributed(image, name="frames", dtype="float32")(per_frame)
    return keras.Model(inputs, video, name=name)


def patch_image_discriminator(image_shape, ndf=32, noise_sigma=0.0,
                              name="image_discriminator"):
    """MoCoGAN's D_I, the reference's PatchImageDiscriminator: strided Conv2D
    (kernel 4) with LeakyReLU(0.2), batch norm on all but the first, noise
    (`noise`) before every layer, and a last stride-2 conv to one channel:
    a map of real/fake logits, one per patch (4x4 at any size), not one
    logit an image."""
    image = keras.Input(image_shape, name="image")
    x = image
    for i in range(int(math.log2(image_shape[0] / BASE)) - 1):
        x = noise(x, noise_sigma)
        x = layers.Conv2D(ndf * 2 ** i, 4, strides=2, padding="same", use_bias=False,
                          kernel_initializer=NORMAL_002)(x)
        if i:
            x = batch_norm()(x)
        x = layers.LeakyReLU(0.2)(x)
    x = noise(x, noise_sigma)
    logits = layers.Conv2D(1, 4, strides=2, padding="same", use_bias=False, dtype="float32",
                           kernel_initializer=NORMAL_002, name="patch_logits")(x)
    return keras.Model(image, logits, name=name)


@keras.saving.register_keras_serializable("tfgan_zoo")
class FrameDifferences(layers.Layer):
    """[B, T, H, W, C] -> [B, T, H, W, 2C]: each frame beside its
    difference from the frame before (zero for the first), so a gliding
    shape shows as a thin leading and trailing edge and a flickering one
    as a whole-blob change (a project option of MoCoGAN's D_V)."""

    def call(self, video):
        before = ops.concatenate([video[:, :1], video[:, :-1]], axis=1)
        return ops.concatenate([video, video - before], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 2 * input_shape[-1])


def video_discriminator(frames, image_shape, ndf=32, actions=0, noise_sigma=0.0,
                        frame_differences=False, projection=False,
                        name="video_discriminator"):
    """MoCoGAN's D_V: Conv3D over the clip, the first layer strided in space
    only (the reference's stride (1, 2, 2)), then in time and space, to one
    real/fake logit, and with `actions` a second output of action logits
    (the categorical video discriminator); `noise_sigma`: noise before every
    layer, as the reference; `frame_differences` (a project option): the
    Conv3Ds read `FrameDifferences` of the clip; `projection` (a project
    option, with `actions`): the real/fake logit is a projection
    discriminator's (`layers.projection_logit`) on a second input, the
    clip's action (int32), so D_V judges the clip as a clip of that action."""
    video = keras.Input((frames, *image_shape), name="video")
    x = _video_features(video, ndf, noise_sigma, frame_differences)
    inputs = video
    if projection and actions:
        action = keras.Input((), dtype="int32", name="action")
        inputs = [video, action]
        logit = projection_logit(x, OneHot(actions)(action))
    else:
        logit = layers.Dense(1, dtype="float32", kernel_initializer=NORMAL_002,
                             name="logit")(x)
    outputs = [logit, layers.Dense(actions, dtype="float32", name="action_logits")(x)] \
        if actions else logit
    return keras.Model(inputs, outputs, name=name)


def video_action_classifier(frames, image_shape, ndf=32, actions=4, noise_sigma=0.0,
                            frame_differences=False, name="action_classifier"):
    """D_V's trunk and action head with weights of their own and no
    real/fake logit: the action classifier a MoCoGAN trains on real clips
    only, for G's action loss to read (a project option), so that no
    adversarial loss shapes the features G is asked to satisfy."""
    video = keras.Input((frames, *image_shape), name="video")
    x = _video_features(video, ndf, noise_sigma, frame_differences)
    return keras.Model(video, layers.Dense(actions, dtype="float32", name="action_logits")(x),
                       name=name)


def _video_features(video, ndf, noise_sigma, frame_differences=False):
    """D_V's trunk: the Conv3D stack (on `FrameDifferences` of the clip
    with `frame_differences`), flattened, with the noise before the heads."""
    frames, size = video.shape[1], video.shape[2]
    if frame_differences:
        video = FrameDifferences(name="frame_differences")(video)
    stages = int(math.log2(size / BASE))
    strides = [(1, 2, 2)] + [(2 if frames >> i > 1 else 1, 2, 2) for i in range(stages - 1)]
    x, _ = conv3d_stack(video, [ndf * 2 ** i for i in range(stages)], strides,
                        noise_sigma=noise_sigma)
    return noise(layers.Flatten()(x), noise_sigma)
