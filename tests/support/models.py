"""Tiny registered models for export tests, with weights worth comparing.

Generators get weights drawn at fan-in scale ("spread"): at DCGAN's
N(0, 0.02) init the images are ~0 everywhere and every parity check would
pass trivially."""

import numpy as np

from tfgan_zoo import registry
from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import train

SHAPE = (16, 16, 1)


def spread_model(name, seed=1, shape=SHAPE, **overrides):
    """The registered model `name` at its `test_config`, built, with its
    exported networks' weights spread."""
    cls = registry.get_model_class(name)
    kwargs = dict(image_shape=shape, num_classes=10, latent_dim=8, seed=seed)
    kwargs.update(getattr(cls, "test_config", {}), **overrides)
    model = cls(**kwargs)
    model.build_networks()
    rng = np.random.default_rng(seed)
    for network in model.export_networks():
        for w in network.trainable_weights:
            if len(w.shape) >= 2:
                fan_in = int(np.prod(w.shape[:-1]))
                w.assign(rng.normal(0, fan_in ** -0.5, w.shape).astype("float32"))
    return model


def tiny_run(out, steps=1):
    """A run directory of a tiny DCGAN (recipe "tiny") trained `steps` steps."""
    train(Config(recipe="tiny", model="dcgan", dataset="mnist5k", image_size=16,
                 steps=steps, batch_size=8, out=str(out), sample_every=100,
                 checkpoint_every=100, log_every=100, num_samples=4, epoch_steps=steps,
                 export=False, model_args={"latent_dim": 8, "ngf": 8, "ndf": 8}),
          verbose=0)
    return out
