"""Mixed precision and XLA, compiled, on the DCGAN family (every model's
mixed-precision steps run eagerly in tests/models/test_registry.py).

Compiled `mixed_float16` and `mixed_bfloat16` steps give finite float32
losses, and under float16 every step either applied its update or halved
the loss scale; loss scaling itself is exact (with a power-of-two scale a
LossScaleOptimizer step equals a plain step), and the gradient penalty is
stable under float16. XLA (`jit_compile`) with `steps_per_execution`
compiles the gradient penalty's nested tape too; XLA stays off by default
(slower on CPU, see benchmarks/RESULTS.md, "Training throughput").
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses
from tests.support.models import SHAPE, build, dataset, policy


def assert_finite_float32_losses(model, history):
    assert set(history) == set(model.loss_names)
    for name, values in history.items():
        assert np.all(np.isfinite(values)), f"{name} = {values}"
    for name, tracker in model.trackers.items():
        assert tracker.result().dtype == tf.float32, name


@pytest.mark.parametrize("name, precision", [("dcgan", "float16"), ("dcgan", "bfloat16"),
                                             ("wgan_gp", "float16")])
def test_mixed_precision_compiled_steps(name, precision):
    with policy(f"mixed_{precision}"):
        model = build(name, mixed_precision=precision)
        history = model.fit(dataset(model), steps_per_epoch=3, epochs=1, verbose=0).history
    assert_finite_float32_losses(model, history)
    if precision == "float16":
        # Each step either applied its update or, on overflow, halved the
        # loss scale (from 2^15) and skipped it.
        optimizer = model.g_optimizer
        skipped = np.log2(2.0 ** 15 / float(optimizer.dynamic_scale.numpy()))
        assert int(optimizer.iterations.numpy()) + skipped == 3


def test_loss_scaling_is_exact():
    """A LossScaleOptimizer step (scale 2^15, a power of two) moves every
    weight exactly as the plain optimizer does: `minimize` scales the loss
    and `apply_gradients` unscales."""
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (8,) + SHAPE).astype("float32")
    after, initial = [], None
    for scaled in (False, True):
        sgd = lambda: keras.optimizers.SGD(0.1)  # noqa: E731
        model = build("dcgan", optimizer=(lambda: keras.optimizers.LossScaleOptimizer(sgd()))
                      if scaled else sgd)
        networks = (model.generator, model.discriminator)
        if initial is None:
            initial = [net.get_weights() for net in networks]
        for net, weights in zip(networks, initial):
            net.set_weights(weights)
        model.fit(tf.data.Dataset.from_tensors(images).repeat(), steps_per_epoch=1,
                  epochs=1, verbose=0)
        after.append(model.generator.get_weights() + model.discriminator.get_weights())
    for plain, scaled in zip(*after):
        np.testing.assert_allclose(scaled, plain, rtol=1e-6, atol=1e-7)


def test_gradient_penalty_under_float16_matches_float32():
    """WGAN-GP's penalty differentiates the critic inside the step. With the
    critic computing in float16 it stays within 1% of the float32 value (the
    penalty itself is formed in float32)."""
    rng = np.random.default_rng(0)
    real = tf.constant(rng.uniform(-1, 1, (8,) + SHAPE).astype("float32"))
    fake = tf.constant(rng.uniform(-1, 1, (8,) + SHAPE).astype("float32"))
    alpha = tf.constant(rng.uniform(0, 1, 8).astype("float32"))
    penalties, weights = [], None
    for dtype_policy in ("float32", "mixed_float16"):
        with policy(dtype_policy):
            model = build("wgan_gp")
            if weights is None:
                weights = model.discriminator.get_weights()
            model.discriminator.set_weights(weights)
            critic = lambda x: model.discriminator(x, training=True)  # noqa: E731
            assert critic(real).dtype == tf.float32
            penalty = losses.gradient_penalty(critic, real, fake, alpha=alpha)
        assert penalty.dtype == tf.float32 and np.isfinite(penalty.numpy())
        penalties.append(float(penalty))
    np.testing.assert_allclose(penalties[1], penalties[0], rtol=1e-2)


@pytest.mark.parametrize("name", ["dcgan", "wgan_gp"])
def test_xla_and_steps_per_execution(name):
    # wgan_gp: the gradient penalty's nested tape must compile too.
    model = build(name, compile_args=dict(jit_compile=True, steps_per_execution=2))
    history = model.fit(dataset(model), steps_per_epoch=2, epochs=1, verbose=0).history
    assert_finite_float32_losses(model, history)
    assert int(model.g_optimizer.iterations.numpy()) == 2


def test_a_mixed_precision_run_leaves_the_process_policy_as_it_found_it(tmp_path):
    """train() sets the run's policy for its own model only: code that runs
    after it in the same process (a report, an export, the next test) builds
    in the policy it had before; and the model it returns converts to LiteRT
    in that process."""
    from tfgan_zoo.config import Config
    from tfgan_zoo.training.trainer import train
    assert keras.mixed_precision.global_policy().name == "float32"
    model = train(Config(model="dcgan", dataset="digits", image_size=16, batch_size=16,
                         model_args={"latent_dim": 8, "ngf": 8, "ndf": 8}, steps=1,
                         sample_every=100, checkpoint_every=100, log_every=1, epoch_steps=1,
                         num_samples=4, export=False, mixed_precision="bfloat16",
                         out=str(tmp_path)), verbose=0)
    assert model.generator.layers[-1].dtype_policy.name in ("mixed_bfloat16", "float32")
    assert any(layer.dtype_policy.name == "mixed_bfloat16" for layer in model.generator.layers)
    assert keras.mixed_precision.global_policy().name == "float32"
    # The model keeps its bfloat16 kernels, which no LiteRT built-in runs:
    # the converter gets its float32 twin, and the phone computes what the
    # twin computes.
    from tfgan_zoo.export import tflite as tfl
    from tfgan_zoo.export.graph import float32_model
    inputs = tfl.lite_model(model).example_inputs(1, seed=5)
    lite = tfl.run(tfl.convert(model), inputs)["images_float"]
    twin = float32_model(model).generate_from(
        {k: tf.convert_to_tensor(v) for k, v in inputs.items()}).numpy()
    np.testing.assert_allclose(lite, twin, atol=1e-4)
