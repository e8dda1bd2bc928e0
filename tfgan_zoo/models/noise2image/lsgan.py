"""LSGAN: Mao et al. 2017, "Least Squares Generative Adversarial Networks".

DCGAN players and DCGAN's alternating updates, with the discriminator's
output scored by least squares instead of the sigmoid cross-entropy (eq. 2
with a=0, b=1, c=1). The loss keeps pulling fakes that are on the right side
of the decision boundary but far from the data, which gives the generator
gradients where the cross-entropy saturates.
"""

import keras

from tfgan_zoo import losses
from tfgan_zoo.models.noise2image.dcgan import DCGAN


@keras.saving.register_keras_serializable("tfgan_zoo")
class LSGAN(DCGAN):
    """Least-squares GAN on DCGAN networks.

    Args:
        a, b: the discriminator's targets for fake and real (eq. 2).
        c: the value the generator wants the discriminator to believe.
    """

    def __init__(self, *, a=0.0, b=1.0, c=1.0, **kwargs):
        super().__init__(**kwargs)
        self.a, self.b, self.c = a, b, c

    def real_threshold(self):
        """ADA's "real" side: D's output nearer b (the reals' target) than a."""
        return 0.5 * (self.a + self.b)

    def realness(self, outputs):
        """Top-k's order: D's output nearer b than a is more real, so higher
        when b > a (the paper's 0 and 1) and lower when b < a."""
        return outputs if self.b >= self.a else -outputs

    def discriminator_loss(self, real_logits, fake_logits):
        """min_D 1/2 (D(x) - b)^2 + 1/2 (D(G(z)) - a)^2"""
        return losses.least_squares_discriminator_loss(
            real_logits, fake_logits, a=self.a, b=self.b)

    def generator_loss(self, fake_logits):
        """min_G 1/2 (D(G(z)) - c)^2"""
        return losses.least_squares_generator_loss(fake_logits, c=self.c)
