"""SRGAN: Ledig et al. 2017, "Photo-Realistic Single Image Super-Resolution
Using a Generative Adversarial Network".

The generator is SRResNet (Fig. 4): residual blocks at low resolution and x4
upsampling by two sub-pixel convolutions (`depth_to_space`). Training runs in
two phases, as in the paper (§3.2):

1. `pretrain_steps` generator steps on the pixel MSE alone: this is SRResNet,
   the PSNR-oriented network SRGAN starts from;
2. then adversarial training on the perceptual loss (eq. 3 plus the TV
   regulariser of the paper's first version, eq. 7):

       l_SR = content + 1e-3 * l_Gen + tv_weight * TV(G(I_LR)),
       l_Gen = -log D(G(I_LR))

   with the discriminator trained on the usual cross-entropy.

The content loss is the MSE of VGG19 φ5,4 features (SRGAN-VGG54, eq. 5,
×1/12.75 as in §3.3.2) when `vgg_weights` names a local Keras VGG19 weights
file. ImageNet weights cannot be downloaded here, so without one the content
loss is the pixel MSE (the paper's SRGAN-MSE variant), and it is logged as
`pixel_mse`, never as a VGG loss. `content_loss` shows which one a model uses.

The phase is chosen from the generator optimizer's step count, which is
checkpointed, so a resumed run continues in the right phase. Each phase is
its own compiled step: under tf.distribute an optimizer update cannot sit
inside a `tf.cond` (it is a cross-replica synchronisation point).

With `residual` (a project option, not the paper's), the generator's last
convolution predicts the residual over the bicubic upsampling of its input
(VDSR's global skip, Kim et al. 2016): it starts as bicubic upscaling, so
its MSE stage only has detail to add.

Export: the SavedModel takes low-resolution images of any size
([None, None, None, C]) and returns them `scale` times larger; the TFLite
model takes a fixed tile, the training input size.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.augment import symmetry_augment
from tfgan_zoo.core import Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import log_mse_loss, squared_error_loss, total_variation
from tfgan_zoo.models.image2image.base import ImageToImageModel
from tfgan_zoo.networks.restoration import VGGContent, srgan_discriminator, srresnet_generator

CONTENT_LOSSES = ("auto", "vgg54", "pixel_mse")
PRETRAIN_LOSSES = ("mse", "log_mse")
# Names of the content loss in logs and reports.
CONTENT_NAMES = {"vgg54": "VGG19 φ5,4 feature MSE (×1/12.75)",
                 "pixel_mse": "pixel MSE"}


@keras.saving.register_keras_serializable("tfgan_zoo")
class SRGAN(ImageToImageModel):
    """Super-resolution GAN with an SRResNet generator.

    Args:
        scale: upscaling factor, a power of two (4 in the paper).
        filters: SRResNet width (64 in the paper).
        num_blocks: SRResNet residual blocks (16 in the paper).
        ndf: width of the discriminator's first layer (64 in the paper).
        pretrain_steps: generator steps of MSE-only pre-training (SRResNet) before adversarial training.
        content_loss: auto (vgg54 with --vgg-weights, else pixel_mse), vgg54 or pixel_mse.
        vgg_weights: path to a Keras .weights.h5 of keras.applications.VGG19(include_top=False).
        adversarial_weight: weight of the generator's adversarial loss (1e-3 in the paper).
        tv_weight: weight of the total-variation regulariser (2e-8 in the paper).
        vgg_loss_scale: factor on the VGG feature MSE (1/12.75 in the paper).
        residual: predict the residual over the bicubic upsampling (a global skip, VDSR-style; not in the paper: False).
        pretrain_loss: mse (the paper) or log_mse (per-image MSE in dB, i.e. minus the mean per-image PSNR) for the MSE stage.
        augment: train on pairs randomly flipped, transposed, channel-permuted and inverted (not in the paper: False).
    """

    loss_names = ("d_loss", "g_loss", "pixel_mse", "adversarial_loss", "tv_loss")
    # The recipe's options (the registry tests export and convert them too).
    test_config = {"filters": 8, "num_blocks": 1, "ndf": 4, "pretrain_steps": 1,
                   "latent_dim": 0, "residual": True, "augment": True,
                   "pretrain_loss": "log_mse"}

    def __init__(self, *, scale=4, filters=64, num_blocks=16, ndf=64,
                 pretrain_steps=1000, content_loss="auto", vgg_weights=None,
                 adversarial_weight=1e-3, tv_weight=2e-8, vgg_loss_scale=1 / 12.75,
                 residual=False, augment=False, pretrain_loss="mse", input_shape=None,
                 **kwargs):
        image_shape = kwargs.get("image_shape", (28, 28, 1))
        if input_shape is None:  # the low-resolution size the data implies
            input_shape = _low_res_shape(image_shape, scale)
        if content_loss not in CONTENT_LOSSES:
            raise UserError(f"unknown content loss '{content_loss}': choose "
                            f"{', '.join(CONTENT_LOSSES)}")
        # Why pixel MSE, when it is one: said in the logs, never hidden.
        fallback = content_loss == "auto" and not vgg_weights
        if content_loss == "auto":
            content_loss = "vgg54" if vgg_weights else "pixel_mse"
        if content_loss == "vgg54":
            # A per-instance tracker list: the VGG loss is logged as such.
            self.loss_names = SRGAN.loss_names + ("content_vgg54",)
        super().__init__(input_shape=input_shape, **kwargs)
        if self.input_shape != _low_res_shape(self.image_shape, scale):
            raise UserError(
                f"SRGAN x{scale} needs high-resolution images {scale} times the "
                f"low-resolution ones with the same channels, got "
                f"{self.input_shape} -> {self.image_shape}: pass a matching --scale "
                "or dataset")
        if int(pretrain_steps) < 0:
            raise UserError(f"pretrain_steps must be >= 0, got {pretrain_steps}")
        self.scale, self.filters, self.num_blocks, self.ndf = scale, filters, num_blocks, ndf
        self.pretrain_steps = int(pretrain_steps)
        self.content_loss = content_loss
        self.content_fallback = fallback
        self.adversarial_weight = float(adversarial_weight)
        self.tv_weight = float(tv_weight)
        self.vgg_loss_scale = float(vgg_loss_scale)
        self.residual = bool(residual)
        self.augment = bool(augment)
        if pretrain_loss not in PRETRAIN_LOSSES:
            raise UserError(f"unknown pretrain_loss '{pretrain_loss}': choose "
                            f"{', '.join(PRETRAIN_LOSSES)}")
        self.pretrain_loss = pretrain_loss
        self.vgg = None
        if content_loss == "vgg54":
            if not vgg_weights:
                raise UserError("content_loss vgg54 needs VGG19 weights: pass "
                                "--vgg-weights PATH (a Keras .weights.h5 of "
                                "keras.applications.VGG19(include_top=False))")
            if self.image_shape[-1] != 3:
                raise UserError(f"the VGG19 content loss needs RGB images, got "
                                f"{self.image_shape[-1]} channel(s): pass --channels 3 "
                                "or --content-loss pixel_mse")
            # Not a tracked attribute: frozen, and kept out of checkpoints.
            object.__setattr__(self, "vgg", VGGContent(vgg_weights))
        self.generator = srresnet_generator(self.image_shape[-1], scale, filters,
                                            num_blocks, residual=self.residual)
        self.discriminator = srgan_discriminator(self.image_shape, ndf)
        self._announced_phase = None

    @property
    def content_loss_name(self):
        """What the content loss is, in words (for logs and reports)."""
        name = CONTENT_NAMES[self.content_loss]
        if self.content_fallback:
            name += " (no VGG19 weights given: pass --vgg-weights PATH for VGG54)"
        return name

    # ------------------------------------------------------ generator inputs
    def generator_inputs(self):
        # Fully convolutional: the SavedModel serves any low-resolution size;
        # a phone model works on fixed tiles, the training input size.
        return {"image": Input.image((None, None, self.input_shape[-1]),
                                     lite_shape=self.input_shape)}

    def upscale(self, images):
        """Low-resolution images in [-1, 1] -> `scale` times larger, in [-1, 1]."""
        return self.translate(tf.convert_to_tensor(images, tf.float32)).numpy()

    # --------------------------------------------------------------- phases
    def pretraining(self):
        """True while the generator is in its MSE pre-training phase."""
        return int(self.g_optimizer.iterations.numpy()) < self.pretrain_steps

    def make_train_function(self, force=False):
        # One compiled step per phase, chosen before each call from the
        # (checkpointed) generator step count. An optimizer update inside a
        # tf.cond fails under tf.distribute, hence two functions.
        if self.train_function is not None and not force:
            return self.train_function
        steps = {"pretrain": self._make_function(self.pretrain_step),
                 "adversarial": self._make_function(self.adversarial_step)}

        def train_function(iterator):
            phase = "pretrain" if self.pretraining() else "adversarial"
            if phase != self._announced_phase:
                self._announce(phase)
            return steps[phase](iterator)

        self.train_function = train_function
        return train_function

    def _announce(self, phase):
        step = int(self.g_optimizer.iterations.numpy())
        if phase == "pretrain":
            print(f"SRGAN: step {step}: MSE pre-training (SRResNet) until step "
                  f"{self.pretrain_steps}, then adversarial training with content "
                  f"loss = {self.content_loss_name}", flush=True)
        else:
            print(f"SRGAN: step {step}: adversarial training, content loss = "
                  f"{self.content_loss_name}", flush=True)
        self._announced_phase = phase

    def train_step(self, data):
        # Keras calls the phase steps through `make_train_function`; this is
        # what a direct call (e.g. a test) runs.
        if self.pretraining():
            return self.pretrain_step(data)
        return self.adversarial_step(data)

    # ------------------------------------------------------------- the steps
    def training_pairs(self, data):
        """(I_LR, I_HR), augmented when `augment` is on."""
        low, high = self.unpack(data)
        if self.augment:
            low, high = symmetry_augment((low, high), self.next_seed())
        return low, high

    def pretrain_step(self, data):
        """SRResNet: minimise the pixel MSE (eq. 4) of G(I_LR) against I_HR."""
        low, high = self.training_pairs(data)
        with tf.GradientTape() as tape:
            sr = self.translate(low, training=True)
            mse = squared_error_loss(sr, high)
            loss = log_mse_loss(sr, high) if self.pretrain_loss == "log_mse" else mse
        self.minimize(self.g_optimizer, tape, loss, self.generator)
        return self.track(g_loss=loss, pixel_mse=mse)

    def adversarial_step(self, data):
        low, high = self.training_pairs(data)
        # D: maximise log D(I_HR) + log(1 - D(G(I_LR)))  (eq. 2)
        fake = self.translate(low, training=True)
        d_loss = self.minimax_discriminator_step(high, fake)
        # G: content + 1e-3 * (-log D(G(I_LR))) + tv_weight * TV  (eq. 3)
        with tf.GradientTape() as tape:
            fake = self.translate(low, training=True)
            mse = squared_error_loss(fake, high)
            adversarial = losses.non_saturating_generator_loss(
                self.discriminator(fake, training=True))
            tv = total_variation(fake)
            logs = {"pixel_mse": mse, "adversarial_loss": adversarial, "tv_loss": tv}
            if self.content_loss == "vgg54":
                logs["content_vgg54"] = self.vgg_loss_scale * squared_error_loss(
                    self.vgg(fake), self.vgg(high))
                content = logs["content_vgg54"]
            else:
                content = mse
            g_loss = (content + self.adversarial_weight * adversarial
                      + self.tv_weight * tv)
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, **logs)


def _low_res_shape(image_shape, scale):
    """The low-resolution shape for `image_shape` at `scale` (channels kept)."""
    h, w, c = (int(d) for d in image_shape)
    if h % scale or w % scale:
        raise UserError(f"SRGAN x{scale} needs image sides divisible by {scale}, "
                        f"got {h}x{w}: pass --image-size or --scale")
    return (h // scale, w // scale, c)
