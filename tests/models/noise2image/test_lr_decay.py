"""`decay_after`: the noise-to-image models' late learning-rate decay
(constant, then linearly to 0 over the rest of --steps), counted in each
player's own updates; its shape (`decay_generator`, `decay_discriminator`,
`decay_floor_fraction`) and a player's own start or floor
(`decay_after_discriminator`, `decay_floor_generator`)."""

import dataclasses
import shutil

import keras
import pytest

from tfgan_zoo.config import Config, model_hyperparameters, parse_args
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.dcgan import DCGAN
from tfgan_zoo.optimizers import LinearDecay
from tfgan_zoo.recipes.dcgan import RECIPE
from tfgan_zoo.registry import build_model
from tfgan_zoo.training.trainer import train
from tests.support.models import one_line_error

TINY = dict(image_shape=(16, 16, 1), latent_dim=8, ngf=4, ndf=4)


def compiled(name, **kwargs):
    model = build_model(name, **TINY, **kwargs)
    model.compile(g_optimizer=keras.optimizers.Adam(2e-4),
                  d_optimizer=keras.optimizers.Adam(1e-4))
    return model


def test_rates_stay_constant_then_fall_linearly_to_zero():
    model = compiled("dcgan", total_steps=100, decay_after=0.6)
    for optimizer, lr in ((model.g_optimizer, 2e-4), (model.d_optimizer, 1e-4)):
        schedule = optimizer._learning_rate
        assert isinstance(schedule, LinearDecay)
        # 60 steps at lr, then 40 steps down to 0: a quarter of the way at 70.
        assert float(schedule(60)) == pytest.approx(lr)
        assert float(schedule(70)) == pytest.approx(0.75 * lr)
        assert float(schedule(100)) == pytest.approx(0.0)


def test_the_critic_schedule_counts_its_n_critic_updates():
    model = compiled("wgan", total_steps=100, decay_after=0.5, n_critic=5)
    # Generator step 75 is critic update 375: halfway down for both.
    assert float(model.g_optimizer._learning_rate(75)) == pytest.approx(1e-4)
    assert float(model.d_optimizer._learning_rate(375)) == pytest.approx(5e-5)


def test_no_decay_by_default_and_no_total_steps_flag():
    model = compiled("dcgan", total_steps=100)
    assert not isinstance(model.g_optimizer._learning_rate, LinearDecay)
    for name in ("dcgan", "wgan_gp"):
        assert "decay_after" in model_hyperparameters(name)
        assert "total_steps" not in model_hyperparameters(name)


def test_bad_decay_settings_are_named():
    with pytest.raises(UserError, match="needs the run's length"):
        build_model("dcgan", **TINY, decay_after=0.5)
    with pytest.raises(UserError, match=r"--decay-after must be .* in \[0, 1\)"):
        build_model("dcgan", **TINY, total_steps=100, decay_after=1.5)


def rate_at(optimizer, step):
    """The rate `optimizer` applies at its update `step`."""
    optimizer.iterations.assign(step)
    return float(optimizer.learning_rate)


@pytest.mark.parametrize("player", ["generator", "discriminator"])
def test_a_player_left_out_of_the_decay_keeps_its_rate(player):
    model = compiled("dcgan", total_steps=100, decay_after=0.6,
                     **{f"decay_{player}": False})
    kept, decayed = ((model.g_optimizer, model.d_optimizer) if player == "generator"
                     else (model.d_optimizer, model.g_optimizer))
    lr_kept, lr_decayed = ((2e-4, 1e-4) if player == "generator" else (1e-4, 2e-4))
    assert model.player_optimizers[player] is kept
    assert rate_at(kept, 90) == pytest.approx(lr_kept)
    assert rate_at(decayed, 80) == pytest.approx(0.5 * lr_decayed)
    assert rate_at(decayed, 100) == pytest.approx(0.0)


def test_the_floor_ends_the_decay_above_zero():
    model = compiled("dcgan", total_steps=100, decay_after=0.6, decay_floor_fraction=0.1)
    for optimizer, lr in ((model.g_optimizer, 2e-4), (model.d_optimizer, 1e-4)):
        assert rate_at(optimizer, 60) == pytest.approx(lr)
        # Halfway down from lr to 0.1 lr at 80; 0.1 lr at the end and after.
        assert rate_at(optimizer, 80) == pytest.approx(0.55 * lr)
        assert rate_at(optimizer, 100) == pytest.approx(0.1 * lr)
        assert rate_at(optimizer, 130) == pytest.approx(0.1 * lr)
    schedule = model.g_optimizer._learning_rate
    assert LinearDecay.from_config(schedule.get_config()).floor == pytest.approx(0.1)


def test_the_decay_shape_is_off_by_default_and_round_trips():
    args = parse_args(RECIPE, []).model_args
    assert (args["decay_generator"], args["decay_discriminator"],
            args["decay_floor_fraction"]) == (True, True, 0.0)
    args = parse_args(RECIPE, ["--no-decay-discriminator", "--decay-floor-fraction", "0.2"]
                      ).model_args
    assert args["decay_discriminator"] is False and args["decay_floor_fraction"] == 0.2
    model = build_model("dcgan", **{**args, **TINY}, total_steps=100)
    again = DCGAN.from_config(model.get_config())
    assert again.decayed_players == ("generator",)
    assert again.decay_floor_fraction == pytest.approx(0.2)
    assert build_model("dcgan", **TINY, total_steps=100, decay_after=0.5).decayed_players == (
        "generator", "discriminator")


def test_bad_decay_shapes_are_one_line():
    with pytest.raises(UserError) as excinfo:
        build_model("dcgan", **TINY, total_steps=100, decay_discriminator=False)
    one_line_error(excinfo, "--decay-after 0.75")
    with pytest.raises(UserError) as excinfo:
        build_model("dcgan", **TINY, total_steps=100, decay_floor_fraction=0.1)
    one_line_error(excinfo, "--decay-after 0.75")
    with pytest.raises(UserError) as excinfo:
        build_model("dcgan", **TINY, total_steps=100, decay_after=0.5,
                    decay_generator=False, decay_discriminator=False)
    one_line_error(excinfo, "decays no rate")
    with pytest.raises(UserError) as excinfo:
        build_model("dcgan", **TINY, total_steps=100, decay_after=0.5, decay_floor_fraction=1.0)
    one_line_error(excinfo, "--decay-floor-fraction", "[0, 1)")


def test_d_can_decay_from_its_own_start():
    model = compiled("dcgan", total_steps=100, decay_after=0.8, decay_after_discriminator=0.6)
    # D: 1e-4 to update 60, then 40 updates down to 0; G: 2e-4 to 80, then 20 down.
    assert rate_at(model.d_optimizer, 60) == pytest.approx(1e-4)
    assert rate_at(model.d_optimizer, 70) == pytest.approx(0.75e-4)
    assert rate_at(model.d_optimizer, 80) == pytest.approx(0.5e-4)
    assert rate_at(model.g_optimizer, 80) == pytest.approx(2e-4)
    assert rate_at(model.g_optimizer, 90) == pytest.approx(1e-4)
    assert rate_at(model.d_optimizer, 100) == rate_at(model.g_optimizer, 100) == 0.0


def test_g_can_keep_its_own_floor():
    model = compiled("dcgan", total_steps=100, decay_after=0.6, decay_floor_generator=0.2)
    # G: halfway from 2e-4 to 0.2 x 2e-4 at 80, and there at the end; D to 0.
    assert rate_at(model.g_optimizer, 80) == pytest.approx(0.6 * 2e-4)
    assert rate_at(model.g_optimizer, 100) == pytest.approx(0.2 * 2e-4)
    assert rate_at(model.d_optimizer, 80) == pytest.approx(0.5e-4)
    assert rate_at(model.d_optimizer, 100) == pytest.approx(0.0)


def test_the_players_own_settings_are_off_by_default_and_round_trip():
    args = parse_args(RECIPE, []).model_args
    assert args["decay_after_discriminator"] is None and args["decay_floor_generator"] is None
    assert build_model("dcgan", **{**args, **TINY}, total_steps=100).player_decay_after == {}
    args = parse_args(RECIPE, ["--decay-after-discriminator", "0.6",
                               "--decay-floor-generator", "0.25"]).model_args
    assert (args["decay_after_discriminator"], args["decay_floor_generator"]) == (0.6, 0.25)
    model = DCGAN.from_config(build_model("dcgan", **{**args, **TINY},
                                          total_steps=100).get_config())
    assert model.player_decay_after == {"discriminator": 0.6}
    assert model.player_decay_floor == {"generator": 0.25}


def test_bad_player_settings_are_one_line():
    for bad in ({"decay_after_discriminator": 0.6},
                {"decay_after": 0.75, "decay_discriminator": False,
                 "decay_after_discriminator": 0.6}):
        with pytest.raises(UserError) as excinfo:
            build_model("dcgan", **TINY, total_steps=100, **bad)
        one_line_error(excinfo, "--decay-after-discriminator needs --decay-after",
                       "--no-decay-discriminator")
    with pytest.raises(UserError) as excinfo:
        build_model("dcgan", **TINY, total_steps=100, decay_after=0.75,
                    decay_generator=False, decay_floor_generator=0.2)
    one_line_error(excinfo, "--decay-floor-generator needs --decay-after")
    for value in (1.0, -0.1, "soon"):
        with pytest.raises(UserError) as excinfo:
            build_model("dcgan", **TINY, total_steps=100, decay_after=0.75,
                        decay_after_discriminator=value)
        one_line_error(excinfo, "--decay-after-discriminator is a fraction in [0, 1)",
                       "--decay-after-discriminator 0.6")
    with pytest.raises(UserError) as excinfo:
        build_model("dcgan", **TINY, total_steps=100, decay_after=0.75, decay_floor_generator=1)
    one_line_error(excinfo, "--decay-floor-generator is a fraction in [0, 1)")


def test_a_run_that_decayed_both_rates_resumes_with_one(tmp_path):
    """A player left out of the decay checkpoints the optimizer variables
    of a decayed one: a leg with D's rate constant resumes from a
    checkpoint of a run that decayed both (the screening legs of #18)."""
    args = {"latent_dim": 8, "ngf": 8, "ndf": 8, "decay_after": 0.5}
    config = Config(recipe="tiny", model="dcgan", dataset="mnist5k", image_size=16, steps=2,
                    batch_size=8, out=str(tmp_path / "both"), sample_every=100,
                    checkpoint_every=1, log_every=100, num_samples=4, epoch_steps=2,
                    export=False, d_lr=1e-4, model_args=args)
    train(config, verbose=0)
    shutil.copytree(tmp_path / "both" / "checkpoints", tmp_path / "g_only" / "checkpoints")
    model = train(dataclasses.replace(config, steps=4, out=str(tmp_path / "g_only"),
                                      model_args={**args, "decay_discriminator": False}),
                  verbose=0)
    assert int(model.d_optimizer.iterations) == 4  # two resumed steps after the copied two
    assert float(model.d_optimizer.learning_rate) == pytest.approx(1e-4)
    assert float(model.g_optimizer.learning_rate) == pytest.approx(0.0)


def optimizer_state(optimizer):
    """An optimizer's update count and slots, without its learning rate."""
    return [v.numpy() for v in optimizer.variables if not v.path.endswith("/learning_rate")]


@pytest.mark.parametrize("before, after", [({}, {"decay_after": 0.5}),
                                           ({"decay_after": 0.5}, {})],
                         ids=["decay-added", "decay-removed"])
def test_a_run_resumes_with_its_decay_added_or_removed(tmp_path, before, after):
    """A decay keeps no learning-rate variable in the optimizer, a constant
    rate does, so the two checkpoint layouts differ; a run resumed with the
    other one (after deleting config.json, as the refusal says) restores its
    optimizer state through the other layout instead of setting every
    checkpoint aside as damaged, and goes on at the rates it is given now."""
    args = {"latent_dim": 8, "ngf": 8, "ndf": 8}
    config = Config(recipe="tiny", model="dcgan", dataset="mnist5k", image_size=16, steps=2,
                    batch_size=8, out=str(tmp_path / "first"), sample_every=100,
                    checkpoint_every=1, log_every=100, num_samples=4, epoch_steps=2,
                    export=False, d_lr=1e-4, model_args={**args, **before})
    first = train(config, verbose=0)
    shutil.copytree(tmp_path / "first" / "checkpoints", tmp_path / "second" / "checkpoints")
    second = dataclasses.replace(config, out=str(tmp_path / "second"),
                                 model_args={**args, **after})
    restored = train(second, verbose=0)  # already at --steps: restores only
    for player in ("generator", "discriminator"):
        for a, b in zip(optimizer_state(first.player_optimizers[player]),
                        optimizer_state(restored.player_optimizers[player]), strict=True):
            assert (a == b).all()
    model = train(dataclasses.replace(second, steps=4), verbose=0)
    assert int(model.g_optimizer.iterations) == 4
    assert not list((tmp_path / "second" / "checkpoints").glob("damaged-*"))
    rate = float(model.g_optimizer.learning_rate)
    assert rate == (pytest.approx(0.0) if after else pytest.approx(config.g_lr))
