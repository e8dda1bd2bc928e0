"""Mixed precision and XLA.

Under `mixed_float16` (with a LossScaleOptimizer per player, as the trainer
builds them) and `mixed_bfloat16`, every registered model takes training
steps with finite float32 losses, keeps float32 weights, and generates
float32 images from float32 network outputs, while its layers compute in
the low precision. Loss scaling itself is checked exactly (with a
power-of-two scale a LossScaleOptimizer step equals a plain step), and so is
the gradient penalty's stability in float16. XLA (`jit_compile`) and
`steps_per_execution` are checked on the DCGAN family; XLA stays off by
default (slower on CPU, see benchmarks/RESULTS.md, "Training throughput").

The global dtype policy is process-wide: the `precision` fixture restores
float32 whatever happens, so other tests are unaffected.
"""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo import losses, networks, registry
from tfgan_zoo.config import Config, model_hyperparameters
from tfgan_zoo.optimizers import make_optimizer

SHAPE = (16, 16, 1)
CLASSES = 10
SMALL = {"ngf": 8, "ndf": 8, "g_hidden": (32, 32), "d_hidden": (32, 16)}


@pytest.fixture(params=["float16", "bfloat16"])
def precision(request):
    keras.mixed_precision.set_global_policy(f"mixed_{request.param}")
    try:
        yield request.param
    finally:
        keras.mixed_precision.set_global_policy("float32")


def build(name, mixed_precision="none", optimizer=None, **compile_args):
    """A small model (as in test_models: the class's `test_config`) with the
    trainer's optimizers (LossScaleOptimizer for float16), built as the
    trainer builds it."""
    cls = registry.get_model_class(name)
    hyper = model_hyperparameters(name)
    kwargs = dict(image_shape=SHAPE, num_classes=CLASSES, latent_dim=8, seed=1)
    kwargs.update({k: v for k, v in SMALL.items() if k in hyper})
    kwargs.update(getattr(cls, "test_config", {}))
    model = cls(**kwargs)
    config = Config(model=name, mixed_precision=mixed_precision)
    make = optimizer or (lambda: make_optimizer(config, 1e-3))
    model.compile(g_optimizer=make(), d_optimizer=make(), **compile_args,
                  **{f"{p}_optimizer": make() for p in model.players[2:]})
    model.build_for_training()
    return model


def dataset(model, batch=8):
    n = 2 * batch * model.n_critic
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (n,) + SHAPE).astype("float32")
    labels = (np.arange(n) % CLASSES).astype("int32")
    # Models that train on something else (e.g. image pairs) describe a
    # batch with `example_data`, as in test_models.
    element = model.example_data(n) if hasattr(model, "example_data") else (images, labels)
    return (tf.data.Dataset.from_tensor_slices(element)
            .batch(batch * model.n_critic, drop_remainder=True).repeat())


def player_nets(model, player):
    return model.player_networks()[player]


def output_dtypes(net):
    """dtypes of a functional network's outputs (None for subclassed ones)."""
    outputs = getattr(net, "outputs", None)
    return None if not outputs else {o.dtype for o in tf.nest.flatten(outputs)}


def assert_finite_float32_losses(model, history):
    assert set(history) == set(model.loss_names)
    for name, values in history.items():
        assert np.all(np.isfinite(values)), f"{name} = {values}"
    for name, tracker in model.trackers.items():
        assert tracker.result().dtype == tf.float32, name


@pytest.mark.parametrize("name", registry.model_names())
def test_mixed_precision_steps(name, precision):
    model = build(name, precision)
    for optimizer in model.player_optimizers.values():
        # bfloat16 has float32's exponent range and needs no loss scaling.
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer) == (
            precision == "float16")
    compute = {layer.compute_dtype for net in player_nets(model, "generator")
               for layer in net.layers}
    assert precision in compute, f"the generator never computes in {precision}"
    for player in model.players:
        for net in player_nets(model, player):
            for w in net.weights:
                assert w.dtype not in ("float16", "bfloat16"), w.path
    # Scores leave the discriminator in float32 (its last layer is float32);
    # intermediate networks such as encoders may hand on low-precision codes.
    assert output_dtypes(model.discriminator) in (None, {"float32"})

    # Eagerly: the dtypes are the same as in a compiled step, at a fifth of
    # the cost of tracing every model twice; the compiled path is tested below.
    model.run_eagerly = True
    history = model.fit(dataset(model), steps_per_epoch=2, epochs=1, verbose=0).history
    assert_finite_float32_losses(model, history)

    inputs = {k: tf.convert_to_tensor(v) for k, v in model.example_inputs(4).items()}
    images = model.generate_from(inputs, training=True)
    assert images.dtype == tf.float32
    assert np.all(np.isfinite(images.numpy()))
    assert model.sample(4).dtype == np.float32


@pytest.mark.parametrize("name, policy", [("dcgan", "float16"), ("dcgan", "bfloat16"),
                                          ("wgan_gp", "float16")])
def test_mixed_precision_compiled_steps(name, policy):
    keras.mixed_precision.set_global_policy(f"mixed_{policy}")
    try:
        model = build(name, policy)
        history = model.fit(dataset(model), steps_per_epoch=3, epochs=1, verbose=0).history
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert_finite_float32_losses(model, history)
    if policy == "float16":
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
        sgd = lambda: keras.optimizers.SGD(0.1)
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
    for policy in ("float32", "mixed_float16"):
        keras.mixed_precision.set_global_policy(policy)
        try:
            model = build("wgan_gp")
            if weights is None:
                weights = model.discriminator.get_weights()
            model.discriminator.set_weights(weights)
            critic = lambda x: model.discriminator(x, training=True)
            assert critic(real).dtype == tf.float32
            penalty = losses.gradient_penalty(critic, real, fake, alpha=alpha)
        finally:
            keras.mixed_precision.set_global_policy("float32")
        assert penalty.dtype == tf.float32 and np.isfinite(penalty.numpy())
        penalties.append(float(penalty))
    np.testing.assert_allclose(penalties[1], penalties[0], rtol=1e-2)


@pytest.mark.parametrize("policy, tol", [("float32", 1e-5), ("mixed_float16", 2e-3)])
def test_fused_batch_norm_is_keras_batch_norm(policy, tol):
    """networks' batch norm runs TF's fused kernel in training; outputs,
    gradients and moving statistics are Keras BatchNormalization's."""
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(1.0, 3.0, (8, 6, 6, 5)).astype("float32"))
    upstream = tf.constant(rng.normal(size=(8, 6, 6, 5)).astype("float32"))
    keras.mixed_precision.set_global_policy(policy)
    try:
        args = dict(momentum=0.9, epsilon=1e-5,
                    gamma_initializer=keras.initializers.RandomNormal(1.0, 0.5),
                    beta_initializer=keras.initializers.RandomNormal(0.0, 0.5))
        reference = keras.layers.BatchNormalization(**args)
        fused = networks.FusedBatchNormalization(**args)
        reference.build(x.shape)
        fused.build(x.shape)
        fused.set_weights(reference.get_weights())
        results = []
        for layer in (reference, fused):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = layer(x, training=True)
                loss = tf.reduce_sum(tf.cast(y, tf.float32) * upstream)
            grads = tape.gradient(loss, [x, layer.gamma, layer.beta])
            results.append([y] + grads + [layer.moving_mean, layer.moving_variance,
                                          layer(x, training=False)])
    finally:
        keras.mixed_precision.set_global_policy("float32")
    names = ("output", "dx", "dgamma", "dbeta", "moving_mean", "moving_variance",
             "inference output")
    for name, want, got in zip(names, *results):
        assert got.dtype == want.dtype, name
        np.testing.assert_allclose(np.asarray(got, "float32"), np.asarray(want, "float32"),
                                   rtol=tol, atol=tol, err_msg=name)


@pytest.mark.parametrize("name", ["dcgan", "wgan_gp"])
def test_xla_and_steps_per_execution(name):
    # wgan_gp: the gradient penalty's nested tape must compile too.
    model = build(name, jit_compile=True, steps_per_execution=2)
    history = model.fit(dataset(model), steps_per_epoch=2, epochs=1, verbose=0).history
    assert_finite_float32_losses(model, history)
    assert int(model.g_optimizer.iterations.numpy()) == 2
