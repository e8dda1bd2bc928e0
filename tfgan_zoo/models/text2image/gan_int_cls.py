"""GAN-INT-CLS: Reed et al. 2016, "Generative Adversarial Text to Image
Synthesis".

- **Networks** (sec. 4.1). The generator compresses the text embedding
  phi(t) with a fully connected layer and leaky ReLU, joins it to z, and
  runs a DCGAN generator. The discriminator is a DCGAN discriminator down to
  4x4 where the (separately compressed) text is tiled and joined, then a
  1x1 and a 4x4 convolution give the score.
- **GAN-CLS, the matching-aware discriminator** (sec. 4.2, Algorithm 1).
  D sees three pairs: real image with the right text (real), real image
  with the wrong text (fake) and fake image with the right text (fake):
  L_D = log s_r + (log(1 - s_w) + log(1 - s_f)) / 2.
- **GAN-INT, learning with manifold interpolation** (sec. 4.3). The
  generator is also trained on interpolated embeddings
  beta * t1 + (1 - beta) * t2 (beta = 0.5) of two captions from the batch,
  which have no real image: eq. 5 adds
  E[log(1 - D(G(z, beta t1 + (1 - beta) t2)))] to G's objective only.

`interpolation=False` gives GAN-CLS alone. Train with
`python -m tfgan_zoo.recipes.gan_int_cls` (text encoder, then the GAN).
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.text2image.base import TextConditionalModel
from tfgan_zoo.networks.text import matching_discriminator, text_generator


@keras.saving.register_keras_serializable("tfgan_zoo")
class GANINTCLS(TextConditionalModel):
    """GAN-INT-CLS text-to-image GAN.

    Args:
        ngf, ndf: generator / discriminator width (DCGAN's).
        condition_dim: size of the compressed text (128 in the paper).
        interpolation: add GAN-INT's interpolated captions to G's loss.
        beta: interpolation weight between two captions (0.5 in the paper).
    """

    unused_hyperparameters = ("n_critic",)
    test_config = {"ngf": 8, "ndf": 8, "condition_dim": 8, "word_dim": 8,
                   "text_hidden": 8, "embedding_dim": 16}

    def __init__(self, *, ngf=64, ndf=64, condition_dim=128, interpolation=True, beta=0.5,
                 **kwargs):
        super().__init__(**kwargs)
        self.interpolation, self.beta = bool(interpolation), float(beta)
        self.generator = text_generator(self.image_shape, self.embedding_dim,
                                        condition_dim, self.latent_dim, ngf)
        self.discriminator = matching_discriminator(
            self.image_shape, self.embedding_dim, condition_dim, ndf, joint_kernel=1)

    def generate_from_embedding(self, embedding, inputs, training=False):
        return self.generator([embedding, inputs["z"]], training=training)

    def train_step(self, data):
        real, features = self.unpack(data)
        text = self.captions(features)
        batch = tf.shape(real)[0]
        z = self.sample_noise(batch)
        with tf.GradientTape() as g_tape:
            fake = self.generator([text.right, z], training=True)
        # Algorithm 1: s_r (real, right), s_w (real, wrong), s_f (fake, right).
        d_loss = self.matching_discriminator_step(real, fake, text)
        with g_tape:
            g_loss = losses.non_saturating_generator_loss(
                self.discriminator([fake, text.right], training=True))
            if self.interpolation:  # GAN-INT, eq. 5: no real image, G's loss only
                between = self.beta * text.right + (1.0 - self.beta) * text.wrong
                fake_between = self.generator([between, self.sample_noise(batch)],
                                              training=True)
                g_loss += losses.non_saturating_generator_loss(
                    self.discriminator([fake_between, between], training=True))
        self.minimize(self.g_optimizer, g_tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss)
