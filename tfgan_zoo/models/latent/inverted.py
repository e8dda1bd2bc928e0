"""A DCGAN with an image -> z encoder trained against it: the players and
the training step AnoGAN (f-AnoGAN's izif encoder) and iGAN (the
predictive network P of Zhu et al. 2016 §3.1) share.

Each step is Algorithm 1 of Goodfellow et al. (D, then G, non-saturating)
followed by one step of the encoder on *real* images against the frozen G
and D (both in inference mode):

    L_izif(x) = 1/n ||x - G(E(x))||^2 + kappa / n_d ||f(x) - f(G(E(x)))||^2,

f-AnoGAN's eq. 5 and, with kappa = 0, iGAN's eq. 3 (train_predict_z.py:
pixel L2 on real images; its AlexNet conv4 feature term is replaced by
the discriminator's features f, which need no download).
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.latent.base import LatentModel
from tfgan_zoo.networks.dcgan import dcgan_discriminator, dcgan_generator
from tfgan_zoo.networks.latent import conv_encoder, feature_layer


class InvertedDCGAN(LatentModel):
    """DCGAN players, a convolutional encoder and the discriminator's
    feature view `features`; subclasses add what they serve."""

    loss_names = ("d_loss", "g_loss", "e_loss")

    def __init__(self, *, ngf=64, ndf=64, nef=64, izif_feature_weight=1.0, **kwargs):
        super().__init__(**kwargs)
        self.ngf, self.ndf, self.nef = ngf, ndf, nef
        self.izif_feature_weight = izif_feature_weight
        self.generator = dcgan_generator(self.latent_dim, self.image_shape, ngf)
        self.discriminator = dcgan_discriminator(self.image_shape, ndf)
        self.encoder = conv_encoder(self.image_shape, self.latent_dim, nef)
        self.features = feature_layer(self.discriminator)

    def train_step(self, data):
        real, _ = self.unpack(data)
        n = keras.ops.shape(real)[0]
        # Algorithm 1 of Goodfellow et al. ...
        d_loss = self.minimax_discriminator_step(
            real, self.generate(self.sample_noise(n), training=True))
        with tf.GradientTape() as tape:
            fake = self.generate(self.sample_noise(n), training=True)
            g_loss = losses.non_saturating_generator_loss(
                self.discriminator(fake, training=True))
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        # ... then the encoder's izif step against the frozen G and D.
        with tf.GradientTape() as tape:
            e_loss = self.izif_scores(real, training=True, reduce=losses.global_mean)
        self.minimize(self.encoder_optimizer, tape, e_loss, self.encoder)
        return self.track(d_loss=d_loss, g_loss=g_loss, e_loss=e_loss)

    def izif_scores(self, images, training=False, reduce=tf.identity):
        """L_izif per example (G, D in inference mode; E as `training`)."""
        reconstruction = self.generate(self.encoder(images, training=training))
        return losses.izif_loss(images, reconstruction, self.features(images),
                                self.features(reconstruction),
                                feature_weight=self.izif_feature_weight, reduce=reduce)
