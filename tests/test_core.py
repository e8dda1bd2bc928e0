"""The adversarial core (tfgan_zoo.core): noise differs between replicas,
each critic step gets a fresh batch, a conditional model refuses unlabelled
data, and the exponential moving average of the generator (`ema_decay`):
it follows the update rule exactly, stands apart from G, and is what is
checkpointed, sampled and exported."""

from types import SimpleNamespace

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.config import Config, model_hyperparameters, parse_args, validate
from tfgan_zoo.errors import UserError
from tfgan_zoo.export.saved_model import export_saved_model
from tfgan_zoo.recipes import get_recipe
from tfgan_zoo.registry import build_model
from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tfgan_zoo.training import trainer
from tests.support.models import SHAPE, build, fit, images, one_line_error

DECAY = 0.5


def test_noise_differs_between_replicas(mirrored):
    model = build("dcgan", mirrored)
    per_replica = mirrored.experimental_local_results(
        mirrored.run(lambda: model.sample_noise(4)))
    assert not np.allclose(per_replica[0], per_replica[1])


def test_critic_batches_are_fresh():
    model = build("wgan")
    assert model.n_critic == 5
    data = tf.reshape(tf.range(10, dtype=tf.float32), [10, 1])
    batches = [b[0].numpy().ravel().tolist() for b in model.critic_batches(data)]
    assert batches == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]


def test_conditional_model_refuses_unlabelled_data():
    model = build("cgan")
    with pytest.raises(UserError, match="labelled dataset") as info:
        model.unpack(tf.zeros((2,) + SHAPE))
    one_line_error(info, "labelled dataset")


# --------------------------------------------------------- generator EMA
@pytest.fixture(scope="module")
def ema_model():
    """DCGAN with an EMA of G at decay 0.5, and its weights before and
    after one generator update."""
    model = build("dcgan", ema_decay=DECAY)
    before = [w.numpy() for w in model.generator.weights]
    fit(model, steps=1)
    return model, before


def test_ema_starts_as_a_frozen_copy_of_g():
    model = build("dcgan", ema_decay=DECAY)
    assert not model.generator_ema.trainable
    assert model.generator_ema.trainable_weights == []
    for a, b in zip(model.generator_ema.weights, model.generator.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_ema_follows_the_update_rule_and_differs_from_g(ema_model):
    """After one G step from w0 to w1: w_ema = d w0 + (1 - d) w1 for each
    trainable weight; batch norm's moving statistics are copied."""
    model, before = ema_model
    moved = False
    for average, weight, w0 in zip(model.generator_ema.weights, model.generator.weights,
                                   before, strict=True):
        w1 = weight.numpy()
        if weight.trainable:
            np.testing.assert_allclose(average.numpy(), DECAY * w0 + (1 - DECAY) * w1,
                                       rtol=1e-5, atol=1e-7)
            moved |= not np.allclose(w0, w1)
        else:
            np.testing.assert_array_equal(average.numpy(), w1)
    assert moved  # the step moved G, so the average stands between w0 and w1
    inputs = model.example_inputs(4, seed=1)
    tensors = {k: tf.constant(v) for k, v in inputs.items()}
    assert not np.allclose(model.generator_ema(tensors["z"], training=False),
                           model.generator(tensors["z"], training=False))


def test_sampling_uses_the_ema(ema_model):
    model, _ = ema_model
    z = model.example_inputs(4, seed=2)["z"]
    ema = model.generator_ema(z, training=False).numpy()
    np.testing.assert_allclose(model.sample(4, seed=2), ema, atol=1e-6)
    assert model.inference_generator(training=True) is model.generator
    assert not np.allclose(model.sample(4, seed=2), model.generator(z, training=False))


def test_the_ema_is_checkpointed(ema_model, tmp_path):
    model, _ = ema_model
    CheckpointDir(tmp_path, model).save(1)
    fresh = build("dcgan", ema_decay=DECAY)
    CheckpointDir(tmp_path, fresh).restore(1)
    for a, b in zip(fresh.generator_ema.weights, model.generator_ema.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(fresh.sample(3, seed=4), model.sample(3, seed=4))


def test_the_export_serves_the_ema(ema_model, tmp_path):
    model, _ = ema_model
    loaded = tf.saved_model.load(str(export_saved_model(model, tmp_path / "export")))
    inputs = model.example_inputs(3, seed=5)
    out = loaded.signatures["serving_default"](z=tf.constant(inputs["z"]))["images_float"]
    np.testing.assert_allclose(out, images(model, inputs), atol=1e-5)
    np.testing.assert_allclose(out, model.generator_ema(inputs["z"]), atol=1e-5)


def test_ema_decay_on_a_model_without_ema_is_a_one_line_error(capsys):
    assert "ema_decay" in model_hyperparameters("dcgan")
    assert "ema_decay" not in model_hyperparameters("pix2pix")
    with pytest.raises(UserError) as info:
        build_model("pix2pix", image_shape=(16, 16, 3), ema_decay=0.999)
    one_line_error(info, "--ema-decay", "Pix2Pix")
    with pytest.raises(UserError) as info:
        validate(Config(model="pix2pix", model_args={"ema_decay": 0.999}))
    one_line_error(info, "ema_decay", "see --help")
    with pytest.raises(SystemExit) as exit_:
        parse_args(get_recipe("pix2pix").RECIPE, ["--ema-decay", "0.999"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "unrecognized arguments: --ema-decay" in err
    with pytest.raises(UserError) as info:
        build_model("dcgan", image_shape=(16, 16, 1), ema_decay=1.5)
    one_line_error(info, "[0, 1)")


# ------------------------------------------------- an EMA that starts late
def late_ema(**extra):
    """A tiny 3D-GAN (a model with no schedule of its own) whose average of
    G copies it for the first 2 of 4 updates, then averages at 0.5."""
    return build("gan3d", ema_decay=DECAY, ema_start=0.5, total_steps=4, **extra)


def g_step(model):
    model.train_step(tuple(tf.constant(x) for x in model.example_data(4)))
    return [w.numpy().copy() for w in model.generator.weights]


def assert_average(model, expected):
    for average, weight, value in zip(model.generator_ema.weights, model.generator.weights,
                                      expected, strict=True):
        if weight.trainable:
            np.testing.assert_allclose(average.numpy(), value, rtol=1e-5, atol=1e-7)
        else:  # batch norm's statistics are copied
            np.testing.assert_array_equal(average.numpy(), weight.numpy())


def test_a_late_ema_copies_g_then_averages():
    """Updates 1 and 2 (before 0.5 of 4) copy G: w_ema = w2; update 3:
    d w2 + (1 - d) w3; update 4: d (that) + (1 - d) w4."""
    model = late_ema()
    assert model.ema_start_step == 2
    w1 = g_step(model)
    assert_average(model, w1)
    w2 = g_step(model)
    assert_average(model, w2)
    w3 = g_step(model)
    third = [DECAY * a + (1 - DECAY) * b for a, b in zip(w2, w3)]
    assert not all(np.allclose(a, b) for a, b in zip(third, w3))
    assert_average(model, third)
    w4 = g_step(model)
    assert_average(model, [DECAY * a + (1 - DECAY) * b for a, b in zip(third, w4)])


def test_a_run_resumed_past_the_ema_start_goes_on_averaging(tmp_path):
    model = late_ema()
    for _ in range(3):
        g_step(model)
    CheckpointDir(tmp_path, model).save(3)
    resumed = late_ema()
    CheckpointDir(tmp_path, resumed).restore(3)
    restored = [w.numpy() for w in resumed.generator_ema.weights]
    w4 = g_step(resumed)  # an average, not a copy of w4
    assert not all(np.allclose(a, b) for a, b in zip(restored, w4))
    assert_average(resumed, [DECAY * a + (1 - DECAY) * b for a, b in zip(restored, w4)])


def test_ema_start_reaches_the_model_and_round_trips():
    config = parse_args(get_recipe("gan3d").RECIPE,
                        ["--ema-decay", "0.99", "--ema-start", "0.67", "--steps", "300",
                         "--ngf", "2", "--ndf", "2"])
    data = SimpleNamespace(image_shape=(8, 8, 8, 1), num_classes=6, model_args={})
    model = trainer.build(config, tf.distribute.get_strategy(), data)
    assert (model.ema_start, model.total_steps, model.ema_start_step) == (0.67, 300, 201)
    again = type(model).from_config(model.get_config())
    assert (again.ema_start, again.total_steps) == (0.67, 300)
    assert build("gan3d", ema_decay=DECAY).ema_start_step == 0  # averages from update 1
    # a flag where an EMA is; the run length is --steps, never a flag
    assert "ema_start" in model_hyperparameters("gan3d")
    assert "ema_start" not in model_hyperparameters("pix2pix")
    assert "total_steps" not in model_hyperparameters("gan3d")
    # a model with a schedule of its own reads the same run length
    assert build("dcgan", ema_decay=DECAY, ema_start=0.5, total_steps=10).ema_start_step == 5


@pytest.mark.parametrize("args, fragment", [
    ({"ema_decay": DECAY, "ema_start": 1.0}, "ema_start 1.0"),
    ({"ema_decay": DECAY, "ema_start": -0.1}, "ema_start -0.1"),
    ({"ema_start": 0.5}, "ema_decay None"),
    ({"ema_decay": 0, "ema_start": 0.5}, "ema_decay 0"),
    ({"ema_decay": DECAY, "ema_start": "late"}, "ema_start 'late'")])
def test_bad_ema_start_is_a_one_line_error(args, fragment):
    with pytest.raises(UserError) as info:
        build_model("gan3d", image_shape=(8, 8, 8, 1), ngf=2, ndf=2, total_steps=4, **args)
    one_line_error(info, "--ema-start", "[0, 1)", "--ema-decay", fragment)


def test_ema_start_in_a_run_of_unknown_length_is_a_one_line_error():
    with pytest.raises(UserError) as info:
        build("gan3d", ema_decay=DECAY, ema_start=0.5)
    one_line_error(info, "ema_start needs the run's length", "total_steps")


def test_a_late_ema_under_two_replicas(mirrored):
    """The start is read from the G optimizer inside the replica function:
    after 3 updates with the start at 2, the average stands apart from G
    and is the same on both replicas."""
    model = build("gan3d", mirrored, ema_decay=DECAY, ema_start=0.5, total_steps=4)
    fit(model, steps=3)
    assert model.g_optimizer.iterations.numpy() == 3
    trainable = [(a, w) for a, w in zip(model.generator_ema.weights, model.generator.weights)
                 if w.trainable]
    assert not all(np.allclose(a.numpy(), w.numpy()) for a, w in trainable)
    for average, _ in trainable:
        first, second = mirrored.experimental_local_results(average.value)
        np.testing.assert_array_equal(first.numpy(), second.numpy())
