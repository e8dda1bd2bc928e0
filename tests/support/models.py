"""Building registered models small, and the batches they train on, for
every test that goes through the registry.

Each model class may set `test_config`: the tiny widths it is tested at, so
the registry-parametrised tests cost a few seconds a model whatever the zoo's
size."""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo import registry
from tfgan_zoo.config import Config, model_hyperparameters
from tfgan_zoo.training.trainer import make_optimizer, train

SHAPE = (16, 16, 1)
CLASSES = 10
# Widths for the models without a `test_config` that use these names.
SMALL = {"ngf": 8, "ndf": 8, "g_hidden": (32, 32), "d_hidden": (32, 16)}


def build(name, strategy=None, *, lr=1e-3, mixed_precision="none", optimizer=None,
          compile_args=None, **extra):
    """The registered model `name`, small, compiled with the trainer's
    optimizers (a LossScaleOptimizer under float16) and built as the trainer
    builds it, inside `strategy`'s scope."""
    cls = registry.get_model_class(name)
    hyper = model_hyperparameters(name)
    kwargs = dict(image_shape=SHAPE, num_classes=CLASSES, latent_dim=8, seed=1)
    kwargs.update({k: v for k, v in SMALL.items() if k in hyper})
    kwargs.update(getattr(cls, "test_config", {}), **extra)
    config = Config(model=name, mixed_precision=mixed_precision)
    make = optimizer or (lambda: make_optimizer(config, lr))
    with (strategy or tf.distribute.get_strategy()).scope():
        model = cls(**kwargs)
        model.compile(g_optimizer=make(), d_optimizer=make(), **(compile_args or {}),
                      **{f"{p}_optimizer": make() for p in model.players[2:]})
        model.build_for_training()
    return model


def build_for_export(name, seed=1, shape=SHAPE, **overrides):
    """`name` built (not compiled) with its generator's weights drawn at
    fan-in scale ("spread"): at DCGAN's N(0, 0.02) init the images are ~0
    everywhere and every parity check would pass trivially."""
    cls = registry.get_model_class(name)
    kwargs = dict(image_shape=shape, num_classes=CLASSES, latent_dim=8, seed=seed)
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


def dataset(model, batch=8, batches=8):
    """Random training batches in the layout the model trains on: images and
    labels, or what its `example_data` describes (image pairs, captions)."""
    n = batch * model.n_critic * batches
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (n,) + SHAPE).astype("float32")
    labels = (np.arange(n) % CLASSES).astype("int32")
    element = model.example_data(n) if hasattr(model, "example_data") else (images, labels)
    return (tf.data.Dataset.from_tensor_slices(element)
            .batch(batch * model.n_critic, drop_remainder=True).repeat())


def fit(model, steps=2):
    return model.fit(dataset(model), steps_per_epoch=steps, epochs=1, verbose=0).history


def assert_finite_losses(history, model):
    assert set(history) == set(model.loss_names)
    for name, values in history.items():
        assert np.all(np.isfinite(values)), f"{name} = {values}"


def tensors(inputs):
    return {k: tf.convert_to_tensor(v) for k, v in inputs.items()}


def images(model, inputs):
    """The Keras generator's images for numpy inputs (inference mode)."""
    return model.generate_from(tensors(inputs), training=False).numpy()


def state(model):
    """Every variable a resumed run depends on: network weights (frozen ones
    such as a text encoder included), each player's optimizer slots and step
    count, and the noise seed."""
    values = [w.numpy() for w in model.weights]
    for optimizer in model.player_optimizers.values():
        values += [v.numpy() for v in optimizer.variables]
    return values + [model.noise_seed.state.numpy()]


@pytest.fixture(scope="session")
def mirrored():
    # One strategy per process: a second MirroredStrategy over the same
    # devices clashes with the first one's collective instance keys.
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def policy(name):
    """Context: the global dtype policy `name`, float32 again afterwards."""
    class _Policy:
        def __enter__(self):
            keras.mixed_precision.set_global_policy(name)

        def __exit__(self, *exc):
            keras.mixed_precision.set_global_policy("float32")
    return _Policy()


def one_line_error(excinfo, *fragments):
    """The UserError's text is one line holding every fragment."""
    text = str(excinfo.value)
    assert "\n" not in text, text
    for fragment in fragments:
        assert fragment in text, (fragment, text)


def tiny_run(out, steps=1):
    """A run directory of a tiny DCGAN (recipe "tiny") trained `steps` steps."""
    train(Config(recipe="tiny", model="dcgan", dataset="mnist5k", image_size=16,
                 steps=steps, batch_size=8, out=str(out), sample_every=100,
                 checkpoint_every=100, log_every=100, num_samples=4, epoch_steps=steps,
                 export=False, model_args={"latent_dim": 8, "ngf": 8, "ndf": 8}),
          verbose=0)
    return out
