"""CAN: Elgammal, Liu, Elhoseiny & Mazzone 2017, "CAN: Creative Adversarial
Networks, Generating 'Art' by Learning About Styles and Deviating from
Style Norms".

The discriminator has two heads on one body: D_r, real or fake, and D_c, a
K-way classifier of the style of real images. The generator is rewarded
for images D_r takes as real and D_c cannot place in any one style
(§3):

    min_D  -log D_r(x) - log(1 - D_r(G(z))) - log D_c(c = c_x | x)
    min_G  -log D_r(G(z)) + lambda * StyleAmbiguity(D_c(. | G(z)))

with StyleAmbiguity = -sum_k [1/K log D_c(c_k|G(z)) + (1 - 1/K)
log(1 - D_c(c_k|G(z)))], K binary cross-entropies of the style posterior
against 1/K (`losses.style_ambiguity_loss`). `--ambiguity softmax` is the
softmax cross-entropy against the uniform distribution that the
mlberkeley implementation uses instead (`style_ambiguity_softmax_loss`).
With lambda = 0 the model is a DCGAN whose discriminator also learns the
styles: the baseline the style term is measured against.

The paper trains on WikiArt's 27 styles at 256 px, which are not available
offline; here the "styles" are dataset classes (MNIST digits, as
mlberkeley's MNIST run, or Fashion-MNIST garments). The generator uses
the non-saturating form of its adversarial term. Networks are DCGAN's.

`--style-after F` (a project experiment, off by default) leaves the style
term out for the first F of the run (`--steps`) and then weighs it lambda:
G first learns the styles with D's real/fake head alone, then is pushed
away from them.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.dcgan import DCGAN

AMBIGUITIES = {"binary": losses.style_ambiguity_loss,
               "softmax": losses.style_ambiguity_softmax_loss}


@keras.saving.register_keras_serializable("tfgan_zoo")
class CAN(DCGAN):
    """Creative Adversarial Network on DCGAN players.

    Args:
        style_weight: lambda, the weight of the style ambiguity in G's loss
            (0: a DCGAN whose discriminator also classifies styles).
        ambiguity: "binary" (the paper's K binary cross-entropies against
            1/K) or "softmax" (cross-entropy against the uniform, as the
            mlberkeley code).
        style_after: fraction of the run in [0, 1) trained with lambda = 0
            before the style term switches on (0: from the first step, the paper's).
    """

    loss_names = ("d_loss", "g_loss", "style_loss", "ambiguity")
    test_config = {"ngf": 8, "ndf": 8}
    # Its own critic loss does not feed ADA's heuristic or CR's terms (the base
    # `critic_loss`), and top-k would rank D's (logit, styles) pair and drop
    # fakes from the style ambiguity term, which asks every fake to be ambiguous.
    unused_hyperparameters = DCGAN.derived_arguments + ("ada_target", "ada_kimg", "ada_until",
                                                       "ada_reset", *DCGAN.top_k_options,
                                                       *DCGAN.consistency_options)

    def __init__(self, *, style_weight=1.0, ambiguity="binary", style_after=0.0,
                 num_classes=None, **kwargs):
        if ambiguity not in AMBIGUITIES:
            raise UserError(f"unknown ambiguity '{ambiguity}': choose "
                            f"{' or '.join(AMBIGUITIES)}")
        if not num_classes or num_classes < 2:
            raise UserError("CAN needs a labelled dataset whose classes are the styles "
                            f"(e.g. mnist5k or fashion_mnist_local), got num_classes={num_classes}")
        super().__init__(num_classes=num_classes, **kwargs)
        self.style_weight, self.ambiguity = float(style_weight), ambiguity
        if not 0 <= float(style_after) < 1:
            raise UserError(f"style_after is a fraction of the run in [0, 1), got "
                            f"{style_after}: pass e.g. --style-after 0.5")
        self.style_after = float(style_after)
        if self.style_after and not self.total_steps:
            raise UserError("style_after needs the run's length: pass total_steps "
                            "(the trainer passes --steps)")

    def current_style_weight(self):
        """lambda, or 0 during the first `style_after` of the run."""
        if not self.style_after:
            return self.style_weight
        on = self.g_optimizer.iterations >= int(self.style_after * self.total_steps)
        return tf.where(on, self.style_weight, 0.0)

    def discriminator_heads(self):
        return (self.num_classes,)

    def critic_loss(self, real, fake, labels=None):
        """-log D_r(x) - log(1 - D_r(G(z))) - log D_c(c_x | x)"""
        real_logit, real_styles = self.discriminate(real, training=True)
        fake_logit, _ = self.discriminate(fake, training=True)
        style_loss = losses.auxiliary_classifier_loss(
            real_styles, keras.ops.reshape(labels, [-1, 1]), (self.num_classes,))
        adversarial = losses.minimax_discriminator_loss(real_logit, fake_logit)
        return adversarial + style_loss, {"style_loss": style_loss}

    def generator_loss(self, fake_outputs):
        """-log D_r(G(z)) + lambda StyleAmbiguity(D_c(. | G(z)))"""
        fake_logit, fake_styles = fake_outputs
        ambiguity = AMBIGUITIES[self.ambiguity](fake_styles)
        self.track(ambiguity=ambiguity)
        return (losses.non_saturating_generator_loss(fake_logit)
                + self.current_style_weight() * ambiguity)

    def unpack(self, data):
        images, labels = super().unpack(data)
        if labels is None:
            raise UserError("CAN needs a labelled dataset whose classes are the styles "
                            "(e.g. mnist5k or fashion_mnist_local)")
        return images, labels
