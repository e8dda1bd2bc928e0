"""DualGAN: Yi, Zhang, Tan & Gong 2017, "DualGAN: Unsupervised Dual Learning
for Image-to-Image Translation".

The primal GAN G_A: U -> V and the dual GAN G_B: V -> U (here `generator`
and `generator_ba`) close a loop, as in dual learning for machine
translation. Each discriminator is a Wasserstein critic (sec. 3: the WGAN
loss, which the authors found more stable than the sigmoid cross-entropy),
kept Lipschitz by clipping its weights to [-c, c]; it is updated n_critic
times per generator update, each on a fresh batch (Algorithm 1). The
generators minimise

    l_g = lambda_U |u - G_B(G_A(u))|_1 + lambda_V |v - G_A(G_B(v))|_1
          - D_A(G_B(v)) - D_B(G_A(u))

(eq. 3; the reconstruction weights are set within [100, 1000] in sec. 4),
with U-Net generators whose dropout is the noise z and PatchGAN critics,
trained with RMSProp (5e-5) and batches of 1 to 4.

The authors' released code (duxingren14/DualGAN, model.py) differs from the
paper: sigmoid cross-entropy (non-saturating) adversarial terms, no clipping,
lambda = 20, one critic update and two generator updates per iteration.
`adversarial` picks the paper's Wasserstein critic (default) or any loss of
`tfgan_zoo.losses.ADVERSARIAL_LOSSES`; clipping applies to "wasserstein" only.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.losses import l1_loss
from tfgan_zoo.models.image2image.base import UnpairedImageToImageModel
from tfgan_zoo.networks import image2image as nets


@keras.saving.register_keras_serializable("tfgan_zoo")
class DualGAN(UnpairedImageToImageModel):
    """Dual learning with two Wasserstein GANs and L1 reconstruction.

    Args:
        ngf: width of the U-Nets' first stage (64 in the paper).
        ndf: width of the critics' first layer (64).
        depth: U-Net stride-2 stages; default down to 1x1.
        d_layers: PatchGAN stride-2 layers of the critics (3: 70x70).
        norm: normalization of every net: batch (paper), instance or none.
        dropout: dropout rate of the first three U-Net decoder stages (0.5).
        clip: critic weights are clipped to [-clip, clip] (c, 0.01).
        reconstruction_weight: lambda_U = lambda_V of the L1 reconstruction
            (paper: 100 to 1000; the released code: 20).
        adversarial: "wasserstein" (paper: clipped critics) or another
            adversarial loss, e.g. "non_saturating" (the released code).
    """

    loss_names = ("d_loss", "g_loss", "g_adv", "reconstruction", "wasserstein_estimate")
    test_config = {"ngf": 8, "ndf": 8, "d_layers": 2, "latent_dim": 0}
    unused_hyperparameters = UnpairedImageToImageModel.derived_arguments + ("latent_dim",)

    def __init__(self, *, ngf=64, ndf=64, depth=None, d_layers=3, norm="batch",
                 dropout=0.5, clip=0.01, reconstruction_weight=500.0, n_critic=2,
                 adversarial="wasserstein", **kwargs):
        super().__init__(n_critic=n_critic, **kwargs)
        self.ngf, self.ndf, self.depth, self.d_layers = ngf, ndf, depth, d_layers
        self.norm, self.dropout, self.clip = norm, dropout, float(clip)
        self.reconstruction_weight = float(reconstruction_weight)
        self.adversarial = adversarial
        self.d_loss_fn, self.g_loss_fn = losses.adversarial_loss(adversarial)
        a, b = self.input_shape, self.image_shape
        self.generator = nets.unet_generator(a, b[-1], ngf, depth, norm, dropout,
                                             name="generator")
        self.generator_ba = nets.unet_generator(b, a[-1], ngf, depth, norm, dropout,
                                                name="generator_ba")
        self.discriminator = nets.patch_discriminator(b, ndf, d_layers, norm,
                                                      name="discriminator")
        self.discriminator_a = nets.patch_discriminator(a, ndf, d_layers, norm,
                                                        name="discriminator_a")

    def clip_critic_weights(self):
        if self.adversarial != "wasserstein":
            return
        for critic in (self.discriminator_a, self.discriminator):
            for w in critic.trainable_variables:
                w.assign(tf.clip_by_value(w, -self.clip, self.clip))

    def train_step(self, data):
        real_a, real_b = self.unpack(data)
        # Critics: n_critic updates, each on a fresh batch, minimising
        # D(fake) - D(real) for both domains, then clipping (Algorithm 1).
        for batch_a, batch_b in self.critic_batches(real_a, real_b):
            fake_b = self.translate(batch_a, training=True)
            fake_a = self.translate_back(batch_b, training=True)
            with tf.GradientTape() as tape:
                d_loss = self.adversarial_d(self.d_loss_fn,
                                            batch_a, fake_a, batch_b, fake_b)
            self.minimize(self.d_optimizer, tape, d_loss,
                          [self.discriminator_a, self.discriminator])
            self.clip_critic_weights()
        # Generators: fool both critics and reconstruct both inputs (eq. 3).
        with tf.GradientTape() as tape:
            fake_b, rec_a, fake_a, rec_b = self.cycle(batch_a, batch_b, training=True)
            g_adv = self.adversarial_g(self.g_loss_fn, fake_a, fake_b)
            reconstruction = self.cycle_loss(l1_loss, batch_a, rec_a, batch_b, rec_b)
            g_loss = g_adv + self.reconstruction_weight * reconstruction
        self.minimize(self.g_optimizer, tape, g_loss,
                      [self.generator, self.generator_ba])
        # With the Wasserstein loss, -d_loss estimates the sum of both distances.
        return self.track(d_loss=d_loss, g_loss=g_loss, g_adv=g_adv,
                          reconstruction=reconstruction, wasserstein_estimate=-d_loss)
