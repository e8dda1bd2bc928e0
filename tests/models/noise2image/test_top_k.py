"""Top-k training (Sinha et al. 2020): G's loss on the k fakes of its batch
that D rates most real, k = max(round(gamma^epoch B), round(nu B)), the
epoch counted from G's step and the dataset's size (`top_k_gamma`,
`top_k_min`; off by default)."""

import dataclasses
import math

import numpy as np
import pytest
import tensorflow as tf

from tests.support.models import build, one_line_error, policy
from tfgan_zoo import losses
from tfgan_zoo.config import Config, model_hyperparameters, parse_args
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.dcgan import DCGAN
from tfgan_zoo.recipes.dcgan import RECIPE
from tfgan_zoo.registry import build_model
from tfgan_zoo.training.trainer import train

TINY = {"image_shape": (16, 16, 1), "latent_dim": 8, "ngf": 4, "ndf": 4}


def scalar(value):
    return float(np.ravel(value)[0])


def softplus(x):
    return math.log1p(math.exp(x))


def test_the_k_fakes_d_rates_most_real_are_kept_highest_first():
    logits = tf.constant([[0.3], [2.0], [-1.0], [1.0], [0.5]])
    np.testing.assert_allclose(losses.top_k_fakes(logits, 2).numpy(), [[2.0], [1.0]])
    np.testing.assert_allclose(losses.top_k_fakes(logits, 5).numpy(),
                                  [[2.0], [1.0], [0.5], [0.3], [-1.0]])
    # "more real" lower (LSGAN with a > b): the two lowest
    np.testing.assert_allclose(
        losses.top_k_fakes(logits, 2, realness=lambda x: -x).numpy(), [[-1.0], [0.3]])
    # patch outputs [B, 2, 2, 1] ranked by their mean: 0.5, 1.75, -0.25
    patches = tf.constant([[1.0, 0.0, 1.0, 0.0], [4.0, 1.0, 1.0, 1.0], [-1.0, 0.0, 0.0, 0.0]])
    kept = losses.top_k_fakes(tf.reshape(patches, [3, 2, 2, 1]), 2).numpy()
    np.testing.assert_allclose(kept.reshape(2, 4), patches.numpy()[[1, 0]])


def test_only_the_kept_fakes_reach_gs_gradient():
    logits = tf.Variable([0.3, 2.0, -1.0, 1.0])
    with tf.GradientTape() as tape:
        loss = losses.non_saturating_generator_loss(losses.top_k_fakes(logits, 2))
    # mean of softplus(-l) over the kept 2.0 and 1.0
    assert float(loss) == pytest.approx((softplus(-2.0) + softplus(-1.0)) / 2, rel=1e-6)
    grads = tf.convert_to_tensor(tape.gradient(loss, logits)).numpy()
    assert grads[0] == grads[2] == 0.0
    # d/dl softplus(-l) / 2 = -sigmoid(-l) / 2
    np.testing.assert_allclose(grads[[1, 3]], [-0.5 / (1 + math.exp(2.0)),
                                               -0.5 / (1 + math.exp(1.0))], rtol=1e-6)


@pytest.mark.parametrize("epoch, floor, k", [(0, 0.5, 64), (1, 0.5, 63), (10, 0.5, 58),
                                             (67, 0.5, 33), (68, 0.5, 32), (500, 0.5, 32),
                                             (100, 0.25, 23), (300, 0.25, 16),
                                             (30, 0.75, 48)])
def test_k_decays_by_gamma_each_epoch_to_its_floor(epoch, floor, k):
    # 0.99^10 x 64 = 57.9; 0.99^67 x 64 = 32.6, 0.99^68 x 64 = 32.3;
    # 0.99^100 x 64 = 23.4; 0.99^30 x 64 = 47.4 under the floor 0.75 x 64 = 48
    assert int(losses.top_k_count(64, epoch, 0.99, floor)) == k


def compiled(**kwargs):
    return build("dcgan", top_k_gamma=0.99, dataset_size=4500, **kwargs)


@pytest.mark.parametrize("step, k", [(0, 64), (70, 64), (71, 63), (4781, 33), (4782, 32),
                                     (17000, 32)])
def test_the_epoch_counts_the_real_images_of_gs_steps(step, k):
    """mnist5k:train's 4,500 digits at batch 64: epoch 1 begins at step 71
    (71 x 64 = 4,544 images), epoch 68 (k = 32, the floor) at step 4,782."""
    model = compiled()
    model.g_optimizer.iterations.assign(step)
    assert int(model.top_k_size(64)) == k


def test_the_epoch_counts_every_critic_batch():
    model = build("wgan", n_critic=5, top_k_gamma=0.5, top_k_min=0.25, dataset_size=100)
    # 3 steps x 5 critic batches x 8 = 120 images: epoch 1, k = round(0.5 x 8) = 4
    model.g_optimizer.iterations.assign(2)
    assert int(model.top_k_size(8)) == 8
    model.g_optimizer.iterations.assign(3)
    assert int(model.top_k_size(8)) == 4


def test_gs_objective_is_its_loss_on_the_kept_fakes():
    model = build("lsgan", top_k_gamma=0.5, top_k_min=0.25, dataset_size=8)
    outputs = tf.constant([0.3, 2.0, -1.0, 1.0])
    loss, logs = model.generator_objective(outputs)  # epoch 0: all four
    assert float(loss) == pytest.approx(float(model.generator_loss(outputs)))
    assert scalar(logs["top_k"]) == 4
    model.g_optimizer.iterations.assign(2)  # 8 images: epoch 1, k = 2
    loss, logs = model.generator_objective(outputs)
    # LSGAN's 1/2 (D - 1)^2 on 2.0 and 1.0
    assert float(loss) == pytest.approx((0.5 * 1.0 + 0.0) / 2)
    assert scalar(logs["top_k"]) == 2


@pytest.mark.parametrize("reuse_fake", [True, False])
def test_a_step_logs_k_and_trains_under_mixed_precision(reuse_fake):
    with policy("mixed_bfloat16"):
        model = build("dcgan", top_k_gamma=0.5, top_k_min=0.5, dataset_size=8,
                      reuse_fake=reuse_fake, r1_gamma=0.1, r1_every=4)
        real = tf.random.uniform([8, 16, 16, 1], -1, 1)
        logs = [model.train_step((real, tf.zeros(8, tf.int32))) for _ in range(2)]
    # step 1 at epoch 0 keeps 8, step 2 at epoch 1 keeps 4; the log is their mean
    assert scalar(logs[1]["top_k"]) == pytest.approx(6.0)
    assert np.isfinite([scalar(logs[1][k]) for k in ("d_loss", "g_loss")]).all()


def test_k_is_a_replicas_own_under_two_replicas(mirrored):
    """A global batch of 8 is 4 a replica: k = 4, then round(0.5 x 4) = 2 once
    both replicas' images (8 a step) have passed the dataset's 8."""
    model = build("dcgan", mirrored, top_k_gamma=0.5, top_k_min=0.25, dataset_size=8,
                  reuse_fake=True)
    dataset = tf.data.Dataset.from_tensors(
        (tf.random.uniform([8, 16, 16, 1], -1, 1), tf.zeros(8, tf.int32))).repeat(2)
    step = tf.function(lambda data: mirrored.run(model.train_step, args=(data,)))
    logged = []
    for batch in mirrored.experimental_distribute_dataset(dataset):
        logs = step(batch)
        logged.append([scalar(v) for v in mirrored.experimental_local_results(logs["top_k"])])
    assert logged[0] == [4.0, 4.0]
    assert logged[1] == [3.0, 3.0]  # the mean of 4 and 2
    assert np.isfinite(scalar(mirrored.experimental_local_results(logs["g_loss"])[0]))


def test_off_by_default_and_the_options_round_trip():
    args = parse_args(RECIPE, []).model_args
    assert args["top_k_gamma"] is None and args["top_k_min"] == 0.5
    model = build_model("dcgan", **{**args, **TINY}, total_steps=100)
    assert model.top_k_gamma is None and "top_k" not in model.trackers
    args = parse_args(RECIPE, ["--top-k-gamma", "0.99", "--top-k-min", "0.25"]).model_args
    assert (args["top_k_gamma"], args["top_k_min"]) == (0.99, 0.25)
    model = build_model("dcgan", **{**args, **TINY}, total_steps=100, dataset_size=4500)
    again = DCGAN.from_config(model.get_config())
    assert (again.top_k_gamma, again.top_k_min, again.dataset_size) == (0.99, 0.25, 4500)
    for name in ("gan", "dcgan", "lsgan", "wgan", "wgan_gp", "cgan"):
        assert model_hyperparameters(name)["top_k_gamma"] is None
        assert "dataset_size" not in model_hyperparameters(name)
    for name in ("can", "infogan", "began"):
        assert "top_k_gamma" not in model_hyperparameters(name)


@pytest.mark.parametrize("kwargs, fragments", [
    ({"top_k_gamma": 0.0}, ["--top-k-gamma is a fraction in (0, 1], got 0.0",
                            "--top-k-gamma 0.99"]),
    ({"top_k_gamma": 1.5}, ["--top-k-gamma is a fraction in (0, 1]"]),
    ({"top_k_gamma": "slow"}, ["--top-k-gamma is a fraction in (0, 1]"]),
    ({"top_k_gamma": 0.99, "top_k_min": 0.0}, ["--top-k-min is a fraction in (0, 1]",
                                               "--top-k-min 0.5"]),
    ({"top_k_gamma": 0.99, "top_k_min": 1.25}, ["--top-k-min is a fraction in (0, 1]"]),
    ({"top_k_min": 0.25}, ["--top-k-min is the floor of top-k training, and it is off",
                           "--top-k-gamma 0.99 --top-k-min 0.25"]),
])
def test_bad_settings_are_one_line(kwargs, fragments):
    with pytest.raises(UserError) as excinfo:
        build_model("dcgan", **TINY, dataset_size=4500, **kwargs)
    one_line_error(excinfo, *fragments)


def test_top_k_needs_the_datasets_size():
    with pytest.raises(UserError) as excinfo:
        build_model("dcgan", **TINY, top_k_gamma=0.99)
    one_line_error(excinfo, "counts epochs, and the dataset's size is unknown")


def test_a_resumed_run_continues_the_schedule(tmp_path):
    """mnist5k:test's 500 digits at batch 50: epoch 1 (k = 25) from step 10.
    The trainer passes the size; a run stopped at step 6 and resumed to 12
    holds the step, and so the k, of a run trained to 12 at once."""
    config = Config(recipe="tiny", model="dcgan", dataset="mnist5k:test", image_size=16,
                    steps=12, batch_size=50, out=str(tmp_path / "once"), sample_every=100,
                    checkpoint_every=6, log_every=100, num_samples=4, epoch_steps=6,
                    export=False, model_args={"latent_dim": 8, "ngf": 4, "ndf": 4,
                                              "reuse_fake": True, "top_k_gamma": 0.5,
                                              "top_k_min": 0.1})
    once = train(config, verbose=0)
    assert once.dataset_size == 500
    resumed_config = dataclasses.replace(config, out=str(tmp_path / "resumed"))
    stopped = train(dataclasses.replace(resumed_config, steps=6), verbose=0)
    assert int(stopped.top_k_size(50)) == 50
    resumed = train(resumed_config, verbose=0)
    assert int(resumed.g_optimizer.iterations) == int(once.g_optimizer.iterations) == 12
    assert int(resumed.top_k_size(50)) == int(once.top_k_size(50)) == 25
