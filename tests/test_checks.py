"""Every number a user passes is checked for type, range and finiteness by
one table of rules (tfgan_zoo.checks), for the training Config and for every
model's constructor, before anything is written."""

import math

import pytest

from tfgan_zoo import registry
from tfgan_zoo.checks import check_value, check_values, constructor_defaults
from tfgan_zoo.config import Config, parse_args, validate
from tfgan_zoo.errors import UserError
from tfgan_zoo.recipes import get_recipe


@pytest.mark.parametrize("recipe, argv, message", [
    ("dcgan", ["--g-lr", "nan"], "--g-lr must be a finite learning rate > 0, got nan"),
    ("dcgan", ["--d-lr", "-1"], "--d-lr must be a finite learning rate > 0, got -1.0"),
    ("dcgan", ["--g-lr", "inf"], "--g-lr must be a finite learning rate > 0"),
    ("dcgan", ["--beta-1", "1"], "--beta-1 must be a finite Adam beta in [0, 1)"),
    ("dcgan", ["--beta-2", "-0.5"], "--beta-2 must be a finite Adam beta in [0, 1)"),
    ("dcgan", ["--seed", "-3"], "--seed must be a finite integer >= 0"),
    ("dcgan", ["--ngf", "0"], "--ngf must be a finite integer >= 1"),
    ("dcgan", ["--latent-dim", "2.5"], "--latent-dim must be an integer"),
    ("dcgan", ["--ngf", "wide"], "--ngf must be a number, got 'wide'"),
    ("dcgan", ["--ema-decay", "1.5"], "--ema-decay must be a finite rate in [0, 1)"),
    ("wgan", ["--clip", "0"], "--clip must be a finite value > 0"),
    ("wgan", ["--clip", "1e999"], "--clip must be a finite value > 0, got inf"),
    ("wgan_gp", ["--gp-weight", "-1"], "--gp-weight must be a finite loss weight >= 0"),
    ("wgan_gp", ["--gp-weight", "nan"], "--gp-weight must be a number, got 'nan'"),
    ("wgan_gp", ["--n-critic", "0"], "--n-critic must be a finite integer >= 1"),
    ("gan", ["--dropout", "1"], "--dropout must be a finite rate in [0, 1)"),
    ("lsgan", ["--a", "inf"], "--a must be a number, got 'inf'"),
    ("pix2pix", ["--l1-weight", "-100"], "--l1-weight must be a finite loss weight >= 0"),
    ("cyclegan", ["--decay-after", "1"], "--decay-after must be a finite rate in [0, 1)"),
    ("srgan", ["--tv-weight=-1e-8"], "--tv-weight must be a finite loss weight >= 0"),
    ("stackgan", ["--kl-weight", "-1"], "--kl-weight must be a finite loss weight >= 0"),
    ("gan_int_cls", ["--beta", "1.5"], "--beta must be a finite fraction in [0, 1]"),
    ("context_encoder", ["--mask-fraction", "2"], "--mask-fraction must be a finite fraction"),
])
def test_bad_numbers_are_refused_by_name(recipe, argv, message):
    config = parse_args(get_recipe(recipe).RECIPE, argv)
    with pytest.raises(UserError) as error:
        validate(config)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_every_recipe_default_and_test_config_passes():
    for name in registry.model_names():
        cls = registry.get_model_class(name)
        defaults = constructor_defaults(cls)
        check_values(defaults, defaults)
        check_values(getattr(cls, "test_config", {}), defaults)


def test_models_check_their_own_arguments():
    """Built in Python, not through a recipe: the constructor refuses too."""
    with pytest.raises(UserError, match="--clip must be a finite value > 0, got nan"):
        registry.build_model("wgan", image_shape=(16, 16, 1), clip=math.nan)
    with pytest.raises(UserError, match="--ngf must be a finite integer >= 1, got -4"):
        registry.build_model("dcgan", image_shape=(16, 16, 1), ngf=-4)
    with pytest.raises(UserError, match="--kl-weight must be a number"):
        registry.build_model("stackgan", image_shape=(16, 16, 3), kl_weight="heavy")


def test_a_config_built_in_python_is_checked_too():
    with pytest.raises(UserError, match="--g-lr must be a finite learning rate"):
        validate(Config(g_lr=float("nan")))
    with pytest.raises(UserError, match="--jit-compile is a switch"):
        validate(Config(jit_compile="yes"))
    with pytest.raises(UserError, match="batch size must be a positive integer, got 0"):
        validate(Config(batch_size=0))


def test_out_must_be_a_directory(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("not a run")
    with pytest.raises(UserError, match="is a file, not a run directory"):
        validate(Config(out=str(afile)))
    with pytest.raises(UserError, match="lies under the file"):
        validate(Config(out=str(afile / "run")))
    validate(Config(out=str(tmp_path / "new" / "run")))  # made when training starts


@pytest.mark.parametrize("name, value, ok", [
    ("g_lr", 1e-4, True), ("g_lr", 0, False), ("encoder_lr", -1e-3, False),
    ("learning_rate", 1.0, True), ("beta_1", 0.0, True), ("beta_1", 0.999, True),
    ("beta", 1.0, True), ("cycle_weight", 0.0, True), ("style_weight", -0.1, False),
    ("temperature", 0.5, True), ("temperature", 0.0, False), ("clip", -0.01, False),
    ("ema_decay", 0, True), ("ema_decay", None, True), ("ema_decay", 0.999, True),
    ("ema_decay", 1.0, False), ("dropout", 0.0, True), ("vgg_loss_scale", 0.0, False),
    ("pool_size", 0, True), ("pool_size", -1, False), ("a", -1.0, True),
    ("a", math.nan, False), ("upscale", 0, False), ("unknown_float", math.inf, False),
])
def test_rules_by_name(name, value, ok):
    if ok:
        check_value(name, value)
    else:
        with pytest.raises(UserError, match=f"--{name.replace('_', '-')} must be"):
            check_value(name, value)


def test_types_follow_the_default():
    check_value("kl_weight", 2, 1.0)  # an int is a number
    check_value("ngf", 32.0, 64)      # a whole float is an integer
    with pytest.raises(UserError, match="must be an integer"):
        check_value("ngf", 32.5, 64)
    with pytest.raises(UserError, match="is a switch"):
        check_value("film", 1, False)
    with pytest.raises(UserError, match="must be a number"):
        check_value("kl_weight", True, 1.0)
    # A width whose default is 0 (an image model without noise) may be 0.
    check_value("latent_dim", 0, 0)


@pytest.mark.parametrize("argv, value", [
    ([], True),  # the dcgan recipe's default since it reuses the fake batch
    (["--reuse-fake"], True), (["--reuse-fake", "true"], True),
    (["--reuse-fake", "True"], True), (["--reuse-fake", "off"], False),
    (["--no-reuse-fake", "--reuse-fake"], True),
    (["--reuse-fake", "--no-reuse-fake"], False), (["--no-reuse-fake"], False)])
def test_boolean_hyperparameters_are_switches(argv, value):
    config = parse_args(get_recipe("dcgan").RECIPE, argv + ["--steps", "3"])
    assert config.model_args["reuse_fake"] is value and config.steps == 3


def test_a_switch_refuses_other_words(capsys):
    with pytest.raises(SystemExit):
        parse_args(get_recipe("dcgan").RECIPE, ["--reuse-fake", "maybe"])
    err = capsys.readouterr().err
    assert "--reuse-fake: expected true or false, got 'maybe'" in err
    assert len(err.strip().splitlines()) == 1
