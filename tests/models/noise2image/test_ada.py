"""`ada_target`: adaptive discriminator augmentation (Karras et al. 2020).
Each transformation of the policy reaches each image with probability p;
p rises while D calls its reals real more often than the target says, falls
otherwise, and is saved and restored with the model. `ada_until` freezes p
from a fraction of the run on; with `ada_reset` p returns to 0 there."""

import numpy as np
import pytest
import tensorflow as tf

from tests.support.models import build, one_line_error
from tfgan_zoo.augment import ADA_INTERVAL, AdaptiveAugment, diff_augment
from tfgan_zoo.config import model_hyperparameters
from tfgan_zoo.errors import UserError
from tfgan_zoo.registry import build_model
from tfgan_zoo.rundir.checkpoint import CheckpointDir

SEED = tf.constant([3, 4])


def logits(signs):
    """D's logits on one real batch, by their signs (+1 real, -1 fake)."""
    return tf.constant(np.asarray(signs, "float32")[:, None] * 2.5)


def test_p_rises_while_d_is_overconfident_and_falls_otherwise():
    # 8 images an update, 4 updates an interval: 32 images, p moves by 32 / 1000.
    ada = AdaptiveAugment("translation", target=0.6, kimg=1)
    step = ADA_INTERVAL * 8 / 1000
    confident = logits([1] * 8)  # E[sign] = 1 > 0.6
    for _ in range(ADA_INTERVAL - 1):
        ada.observe(confident)
    assert float(ada.probability) == 0.0  # p moves once an interval
    ada.observe(confident)
    assert float(ada.probability) == pytest.approx(step)
    for _ in range(ADA_INTERVAL):
        ada.observe(confident)
    assert float(ada.probability) == pytest.approx(2 * step)
    doubtful = logits([1] * 6 + [-1] * 2)  # E[sign] = 0.5 < 0.6
    assert float(ada.heuristic) == 1.0
    for _ in range(ADA_INTERVAL):
        ada.observe(doubtful)
    assert float(ada.heuristic) == 0.5
    assert float(ada.probability) == pytest.approx(step)
    for _ in range(3 * ADA_INTERVAL):
        ada.observe(doubtful)
    assert float(ada.probability) == 0.0  # never below 0


def test_the_interval_is_judged_on_its_mean_sign():
    ada = AdaptiveAugment("translation", target=0.6, kimg=1)
    # three confident batches and one that calls every real fake: mean 0.5
    for signs in ([1] * 8, [1] * 8, [1] * 8, [-1] * 8):
        ada.observe(logits(signs))
    assert float(ada.probability) == 0.0
    ada.probability.assign(0.999)
    for _ in range(ADA_INTERVAL):
        ada.observe(logits([1] * 8))
    assert float(ada.probability) == 1.0  # never above 1


def test_p_zero_leaves_images_alone_and_p_one_moves_every_image():
    images = tf.constant(np.random.default_rng(0).uniform(0.5, 1, (16, 16, 16, 1)), tf.float32)
    untouched = diff_augment(images, "translation,cutout", SEED, tf.constant(0.0))
    np.testing.assert_array_equal(untouched.numpy(), images.numpy())
    every = diff_augment(images, "cutout", SEED, tf.constant(1.0)).numpy()
    np.testing.assert_array_equal(every, diff_augment(images, "cutout", SEED).numpy())
    assert np.all((every == 0).sum(axis=(1, 2, 3)) >= 16)


def test_p_gates_each_image():
    images = tf.ones([400, 16, 16, 1])
    half = diff_augment(images, "cutout", SEED, tf.constant(0.5)).numpy()
    cut = (half == 0).any(axis=(1, 2, 3))
    assert 0.4 < cut.mean() < 0.6


def test_a_model_with_ada_starts_at_p_zero_logs_p_and_moves_it():
    model = build("dcgan", ada_target=0.6, ada_kimg=0.001, reuse_fake=True)
    assert model.ada.policy == "translation"
    real = tf.ones([8, 16, 16, 1])
    seen = model.augment(real)
    np.testing.assert_array_equal(seen.numpy(), real.numpy())  # p = 0 at the start
    for _ in range(ADA_INTERVAL):
        logs = model.train_step((real, tf.zeros(8, tf.int32)))
    # The logged heuristic is the mean of the interval's four batches, the
    # value p moved on; one interval's step (32 images) crosses the whole range.
    heuristic = float(np.ravel(logs["ada_r"])[0])
    p = float(model.ada.probability)
    assert p == (1.0 if heuristic > 0.6 else 0.0)
    assert float(np.ravel(logs["ada_p"])[0]) == pytest.approx(np.mean([0, 0, 0, p]))


def test_ada_gates_the_named_policy():
    model = build("dcgan", ada_target=0.6, diff_augment="cutout")
    assert model.ada.policy == "cutout"
    model.ada.probability.assign(1.0)
    seen = model.augment(tf.ones([8, 16, 16, 1])).numpy()
    assert np.all((seen == 0).sum(axis=(1, 2, 3)) >= 16)


def test_p_survives_a_checkpoint_round_trip(tmp_path):
    model = build("dcgan", ada_target=0.6)
    model.ada.probability.assign(0.3125)
    model.ada.sign_sum.assign(7.0)
    CheckpointDir(tmp_path, model).save(5)
    restored = build("dcgan", ada_target=0.6)
    assert float(restored.ada.probability) == 0.0
    assert CheckpointDir(tmp_path, restored).restore_latest() == 5
    assert float(restored.ada.probability) == 0.3125
    assert float(restored.ada.sign_sum) == 7.0


def test_ada_moves_p_the_same_under_two_replicas(mirrored):
    model = build("dcgan", mirrored, ada_target=0.6, ada_kimg=0.001)
    dataset = tf.data.Dataset.from_tensors(
        (tf.ones([8, 16, 16, 1]), tf.zeros(8, tf.int32))).repeat(ADA_INTERVAL)
    step = tf.function(lambda data: mirrored.run(model.train_step, args=(data,)))
    for batch in mirrored.experimental_distribute_dataset(dataset):
        step(batch)
    # every replica's 4 images count: 4 updates x 8 images cross the range,
    # and both replicas hold the same p
    values = [float(v) for v in mirrored.experimental_local_results(model.ada.probability.value)]
    assert len(values) == 2 and values[0] == values[1] and values[0] in (0.0, 1.0)
    updates = mirrored.experimental_local_results(model.ada.updates.value)
    assert [float(v) for v in updates] == [ADA_INTERVAL] * 2


def test_off_by_default_on_the_noise_to_image_models():
    for name in ("gan", "cgan", "dcgan", "lsgan", "wgan", "wgan_gp"):
        assert model_hyperparameters(name)["ada_target"] is None
    assert build("dcgan").ada is None
    assert "ada_target" not in model_hyperparameters("progan")


@pytest.mark.parametrize("kwargs, fragments", [
    ({"ada_target": 1.5}, ["ada_target", "(0, 1)", "--ada-target 0.6"]),
    ({"ada_target": 0.0}, ["ada_target", "--ada-target 0.6"]),
    ({"ada_target": 0.6, "ada_kimg": 0}, ["ada_kimg", "> 0", "--ada-kimg 500"]),
    ({"ada_target": 0.6, "diff_augment": "flip"}, ["unknown augmentation flip"]),
])
def test_bad_values_give_one_line(kwargs, fragments):
    with pytest.raises(UserError) as excinfo:
        build("dcgan", **kwargs)
    one_line_error(excinfo, *fragments)


def test_frozen_p_stays_while_the_heuristic_goes_on():
    ada = AdaptiveAugment("translation", target=0.6, kimg=1)
    for _ in range(ADA_INTERVAL):
        ada.observe(logits([1] * 8), frozen=True)
    assert float(ada.probability) == 0.0
    assert float(ada.heuristic) == 1.0 and float(ada.updates) == ADA_INTERVAL
    assert float(ada.image_count) == 0.0  # the interval closed, without a move
    for _ in range(ADA_INTERVAL):
        ada.observe(logits([1] * 8), frozen=tf.constant(False))
    assert float(ada.probability) == pytest.approx(ADA_INTERVAL * 8 / 1000)


def train_until_frozen(model, steps):
    """`steps` generator steps on all-ones reals; p after each."""
    real = tf.ones([8, 16, 16, 1])
    values = []
    for _ in range(steps):
        model.train_step((real, tf.zeros(8, tf.int32)))
        values.append(float(model.ada.probability))
    return values


def test_p_moves_before_ada_until_and_not_after():
    # 8 images a step, 4 steps an interval: with ada_kimg 0.32 p moves by
    # 32 / 320 = 0.1 (up or down; the mean sign of 32 logits is never
    # exactly 0.6) at the end of steps 4 and 8. Frozen from step 6, only the
    # first move happens; without the freeze, both.
    def run(**freeze):
        model = build("dcgan", ada_target=0.6, ada_kimg=0.32, reuse_fake=True,
                      total_steps=10, **freeze)
        model.ada.probability.assign(0.5)
        return model, train_until_frozen(model, 10)

    frozen, p = run(ada_until=0.6)
    assert frozen.ada_until_step == 6
    assert p[:3] == [0.5] * 3 and abs(p[3] - 0.5) == pytest.approx(0.1)
    assert p[3:] == [p[3]] * 7  # no move at step 8
    assert float(frozen.ada.updates) == 10  # the heuristic still tallied
    _, q = run()
    assert abs(q[3] - 0.5) == pytest.approx(0.1)
    assert abs(q[7] - q[3]) == pytest.approx(0.1)  # the move the freeze held back


def test_the_freeze_survives_a_resume(tmp_path):
    """The count that freezes p is the G optimizer's, which a checkpoint
    restores: a run resumed past `ada_until` keeps p where it was."""
    model = build("dcgan", ada_target=0.6, ada_kimg=0.001, reuse_fake=True,
                  total_steps=20, ada_until=0.2)
    train_until_frozen(model, 4)
    model.ada.probability.assign(0.25)
    CheckpointDir(tmp_path, model).save(4)
    resumed = build("dcgan", ada_target=0.6, ada_kimg=0.001, reuse_fake=True,
                    total_steps=20, ada_until=0.2)
    assert CheckpointDir(tmp_path, resumed).restore_latest() == 4
    assert int(resumed.g_optimizer.iterations) == 4
    assert train_until_frozen(resumed, 8) == [0.25] * 8


def test_ada_until_round_trips_in_the_model_config():
    model = build_model("dcgan", image_shape=(16, 16, 1), latent_dim=8, ngf=4, ndf=4,
                        ada_target=0.6, total_steps=100, ada_until=0.75)
    config = model.get_config()
    assert config["ada_until"] == 0.75
    again = type(model).from_config(config)
    assert again.ada_until_step == 75
    assert model_hyperparameters("dcgan")["ada_until"] is None
    assert build("dcgan", ada_target=0.6).ada_until_step is None
    assert "ada_until" not in model_hyperparameters("progan")
    assert "ada_until" not in model_hyperparameters("can")


@pytest.mark.parametrize("kwargs, fragments", [
    ({"ada_until": 0.75, "total_steps": 100}, ["no ADA", "--ada-target 0.6"]),
    ({"ada_target": 0.6, "ada_until": 1.0, "total_steps": 100},
     ["ada_until", "(0, 1)", "--ada-until 0.75"]),
    ({"ada_target": 0.6, "ada_until": 0, "total_steps": 100}, ["(0, 1)"]),
    ({"ada_target": 0.6, "ada_until": "late", "total_steps": 100}, ["(0, 1)"]),
    ({"ada_target": 0.6, "ada_until": 0.75}, ["needs the run's length"]),
])
def test_bad_ada_until_gives_one_line(kwargs, fragments):
    with pytest.raises(UserError) as excinfo:
        build("dcgan", **kwargs)
    one_line_error(excinfo, *fragments)


def test_reset_sets_p_to_zero_while_the_heuristic_goes_on():
    ada = AdaptiveAugment("cutout", target=0.6, kimg=1)
    ada.probability.assign(0.75)
    images = tf.ones([8, 16, 16, 1])
    np.testing.assert_array_equal(ada.augment(images, SEED, off=tf.constant(True)).numpy(),
                                  images.numpy())
    assert np.any(ada.augment(images, SEED).numpy() == 0)  # p 0.75 cuts some
    ada.observe(logits([1] * 8), frozen=True, reset=tf.constant(True))
    assert float(ada.probability) == 0.0
    assert float(ada.heuristic) == 1.0 and float(ada.updates) == 1


def test_ada_reset_returns_p_to_zero_at_ada_until():
    # As in the freeze test: p moves by 0.1 at the end of step 4; from step
    # 7 (6 generator updates done, ada_until 0.6 of 10) p is 0, and stays.
    model = build("dcgan", ada_target=0.6, ada_kimg=0.32, reuse_fake=True,
                  total_steps=10, ada_until=0.6, ada_reset=True)
    model.ada.probability.assign(0.5)
    p = train_until_frozen(model, 10)
    assert p[:3] == [0.5] * 3 and abs(p[3] - 0.5) == pytest.approx(0.1)
    assert p[3:6] == [p[3]] * 3
    assert p[6:] == [0.0] * 4
    assert float(model.ada.updates) == 10  # the heuristic still tallied


def test_ada_reset_leaves_the_switching_step_unaugmented():
    """D's first batch at `ada_until` already sees p = 0, not the p the run
    had (the reset acts in the step, not after it)."""
    model = build("dcgan", ada_target=0.6, diff_augment="cutout", total_steps=10,
                  ada_until=0.6, ada_reset=True)
    model.ada.probability.assign(1.0)
    real = tf.ones([8, 16, 16, 1])
    model.g_optimizer.iterations.assign(5)
    assert np.all((model.augment(real).numpy() == 0).sum(axis=(1, 2, 3)) >= 16)
    model.g_optimizer.iterations.assign(6)
    np.testing.assert_array_equal(model.augment(real).numpy(), real.numpy())
    held = build("dcgan", ada_target=0.6, diff_augment="cutout", total_steps=10,
                 ada_until=0.6)
    held.ada.probability.assign(1.0)
    held.g_optimizer.iterations.assign(6)
    assert np.all((held.augment(real).numpy() == 0).sum(axis=(1, 2, 3)) >= 16)


def test_ada_reset_round_trips_and_is_off_by_default():
    model = build_model("dcgan", image_shape=(16, 16, 1), latent_dim=8, ngf=4, ndf=4,
                        ada_target=0.6, total_steps=100, ada_until=0.75, ada_reset=True)
    config = model.get_config()
    assert config["ada_reset"] is True
    assert type(model).from_config(config).ada_reset is True
    assert model_hyperparameters("dcgan")["ada_reset"] is False
    assert build("dcgan", ada_target=0.6).ada_reset is False
    assert "ada_reset" not in model_hyperparameters("progan")
    assert "ada_reset" not in model_hyperparameters("can")


def test_ada_reset_without_ada_until_gives_one_line():
    with pytest.raises(UserError) as excinfo:
        build("dcgan", ada_target=0.6, ada_reset=True, total_steps=100)
    one_line_error(excinfo, "ada_reset", "--ada-until 0.75 --ada-reset")


def test_the_heuristic_reads_each_loss_s_real_side():
    """LSGAN's D aims at b = 1 for reals and a = 0 for fakes, so an output of
    0.8 is "real" for ADA; a Wasserstein critic has no such side and refuses."""
    model = build("lsgan", ada_target=0.6)
    assert model.real_threshold() == 0.5
    model.ada.observe(tf.constant([[0.8], [0.8], [0.8], [0.2]]) - model.real_threshold())
    assert float(model.ada.heuristic) == pytest.approx(0.5)
    assert build("dcgan").real_threshold() == 0.0
    for name in ("wgan", "wgan_gp"):
        with pytest.raises(UserError) as excinfo:
            build(name, ada_target=0.6)
        one_line_error(excinfo, "no real/fake threshold", "--diff-augment")
