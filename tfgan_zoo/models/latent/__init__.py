"""Latent inference and editing: models that invert a generator, finding the
code of a given image by a trained encoder, by optimisation
(`tfgan_zoo.latent.project`) or both, and score or edit the image through
that code (AnoGAN and f-AnoGAN for anomaly detection). The family's base
(`base.LatentModel`) adds the encoder player and the `encode` export."""
