"""MDAN: Zhao, Zhang, Wu, Moura, Costeira & Gordon 2018, "Adversarial
Multiple Source Domain Adaptation" (NeurIPS).

k labelled source domains and one unlabelled target share a feature
extractor and one label predictor; each source i has its own domain
classifier D_i (source i against the target) behind a gradient-reversal
layer. Per source, L_i = CE_i + mu Dom_i, and the k of them are combined
(Algorithm 1 of the paper, MDANet in the reference hanzhaoml/MDAN):

    hard:  max_i CE_i + mu min_i Dom_i                          (eq. 4)
    soft:  1/gamma log sum_i exp(gamma (CE_i + mu Dom_i))       (eq. 5)

The soft version weights each source by how badly it does, and is the
paper's better one. The reference code uses mu = 1e-2, gamma = 10 and a
reversal of fixed scale 1; the networks here are DANN's digit networks
(`tfgan_zoo.models.domain.dann`), so MDAN and DANN compare as equals.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.domain.base import DomainAdaptationModel
from tfgan_zoo.networks.domain import digit_encoder, feature_size, mlp, reverse_gradient

COMBINATIONS = ("soft", "hard")


@keras.saving.register_keras_serializable("tfgan_zoo")
class MDAN(DomainAdaptationModel):
    """Multiple-source domain adversarial networks.

    Args:
        combination: soft (the smoothed maximum, eq. 5) or hard (eq. 4).
        mu: weight of the domain losses (1e-2).
        gamma: the soft maximum's temperature (10).
        widths: filters of the feature extractor's 5x5 conv-pool stages.
        hidden: the label predictor's hidden layers.
        domain_hidden: each domain classifier's hidden layers.
    """

    min_sources = 2
    loss_names = ("class_loss", "domain_loss")
    test_config = {"source_domains": ("mnist", "syndigits"), "widths": (4, 8),
                   "hidden": (16,), "domain_hidden": (8,), "latent_dim": 0}

    def __init__(self, *, combination="soft", mu=1e-2, gamma=10.0, widths=(32, 48),
                 hidden=(100, 100), domain_hidden=(100,), **kwargs):
        super().__init__(**kwargs)
        if combination not in COMBINATIONS:
            raise UserError(f"unknown combination '{combination}': pass --combination soft "
                            "or --combination hard")
        self.combination, self.mu, self.gamma = combination, float(mu), float(gamma)
        self.generator = digit_encoder(self.image_shape, tuple(widths),
                                       name="feature_extractor")
        dim = feature_size(self.generator)
        self.classifier = mlp(dim, tuple(hidden), self.num_classes, "label_predictor")
        self.domain_classifiers = [mlp(dim, tuple(domain_hidden), 1, f"domain_classifier_{i}")
                                   for i in range(self.num_sources)]
        self.discriminator = self.domain_classifiers[0]

    def player_networks(self):
        return {"generator": [self.generator, self.classifier],
                "discriminator": list(self.domain_classifiers)}

    def train_step(self, data):
        sources, labels, target = self.unpack(data)
        with tf.GradientTape(persistent=True) as tape:
            target_features = reverse_gradient(self.generator(target, training=True), 1.0)
            class_losses, domain_losses = [], []
            for i, domain_classifier in enumerate(self.domain_classifiers):
                features = self.generator(sources[:, i], training=True)
                class_losses.append(losses.classification_loss(
                    self.classifier(features, training=True), labels[:, i]))
                domain_losses.append(losses.domain_classifier_loss(
                    domain_classifier(reverse_gradient(features, 1.0), training=True),
                    domain_classifier(target_features, training=True)))
            if self.combination == "soft":
                per_source = tf.stack(class_losses) + self.mu * tf.stack(domain_losses)
                loss, weights = losses.smoothed_max_combination(per_source, self.gamma)
                class_loss = tf.reduce_sum(weights * tf.stack(class_losses))
                domain_loss = tf.reduce_sum(weights * tf.stack(domain_losses))
            else:
                loss, worst, closest = losses.hard_max_combination(
                    class_losses, domain_losses, self.mu)
                class_loss = tf.gather(tf.stack(class_losses), worst)
                domain_loss = tf.gather(tf.stack(domain_losses), closest)
        self.minimize(self.g_optimizer, tape, loss, [self.generator, self.classifier])
        self.minimize(self.d_optimizer, tape, loss, self.domain_classifiers)
        return self.track(class_loss=class_loss, domain_loss=domain_loss)
