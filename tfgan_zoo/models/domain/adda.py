"""ADDA: Tzeng, Hoffman, Saenko & Darrell 2017, "Adversarial Discriminative
Domain Adaptation" (CVPR).

Three steps (fig. 3):

1. pre-train a source encoder M_s and a classifier C on the labelled
   source domain (the recipe's first phase, `tfgan_zoo.training.classifier`,
   read from `source_classifier`);
2. start the target encoder M_t as a copy of M_s, and keep M_s and C fixed;
3. adversarial adaptation: a discriminator D (500-500-1, ReLU) learns to
   tell M_s(x_s) from M_t(x_t) (eq. 5), and M_t is trained with the GAN's
   *inverted label* loss, -log D(M_t(x_t)) (eq. 6), not with a reversed
   gradient.

At test time target images go through C(M_t(x)): the exported classifier.
The networks are the reference LeNet (adda/models/lenet.py: 5x5 convs of 20
and 50 filters, a 500-unit feature layer) and its adversary; the reference
script trains 10,000 iterations of batch 128 with Adam (2e-4 for the
adaptation). Nothing here looks at target labels: the run ends after
--steps, never on a target-accuracy criterion.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.domain.base import DomainAdaptationModel
from tfgan_zoo.networks.domain import digit_encoder, mlp


@keras.saving.register_keras_serializable("tfgan_zoo")
class ADDA(DomainAdaptationModel):
    """Adversarial discriminative domain adaptation.

    Args:
        widths: the LeNet encoder's 5x5 conv filters ((20, 50)).
        feature_dim: the encoder's dense feature layer (500).
        adversary_hidden: the discriminator's hidden layers ((500, 500)).
        source_classifier: directory of the source classifier (M_s, C) of
            step 1, which the recipe's first phase trains; without one M_s
            starts untrained (only tests do that).
    """

    loss_names = ("d_loss", "mapping_loss")
    test_config = {"widths": (4, 8), "feature_dim": 16, "adversary_hidden": (16,),
                   "latent_dim": 0}
    architecture_arguments = ("image_shape", "num_classes", "widths", "feature_dim")

    def __init__(self, *, widths=(20, 50), feature_dim=500, adversary_hidden=(500, 500),
                 source_classifier=None, **kwargs):
        super().__init__(**kwargs)
        self.source_classifier = source_classifier
        self.widths, self.feature_dim = tuple(widths), int(feature_dim)

        def encoder(name):
            return digit_encoder(self.image_shape, self.widths, padding="valid",
                                 dense=self.feature_dim, name=name)

        self.source_encoder = encoder("source_encoder")
        self.generator = encoder("target_encoder")
        self.classifier = mlp(int(feature_dim), (), self.num_classes, "classifier")
        self.discriminator = mlp(int(feature_dim), tuple(adversary_hidden), 1, "adversary")
        # Step 2: M_s and C stay as step 1 left them.
        self.source_encoder.trainable = False
        self.classifier.trainable = False

    def pretrained_networks(self):
        """(M_s, C): the source classifier, the table's source-only row."""
        return self.source_encoder, self.classifier

    def build_for_training(self):
        super().build_for_training()
        self.load_pretrained()

    def load_pretrained(self):
        """Step 1's classifier into (M_s, C), and M_t <- M_s (step 2)."""
        if self.source_classifier:
            self.load_source_classifier(self.source_classifier)
        self.generator.set_weights(self.source_encoder.get_weights())

    def train_step(self, data):
        source, labels, target = self.unpack(data)
        source, _ = self.pooled(source, labels)  # step 3 needs no labels
        source_features = self.source_encoder(source, training=False)
        with tf.GradientTape() as tape:  # D: source features 1, target features 0
            d_loss = losses.domain_classifier_loss(
                self.discriminator(source_features, training=True),
                self.discriminator(self.generator(target, training=True), training=True))
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        with tf.GradientTape() as tape:  # M_t: the inverted label, D(M_t(x_t)) -> 1
            mapping_loss = losses.non_saturating_generator_loss(
                self.discriminator(self.generator(target, training=True), training=True))
        self.minimize(self.g_optimizer, tape, mapping_loss, self.generator)
        return self.track(d_loss=d_loss, mapping_loss=mapping_loss)
