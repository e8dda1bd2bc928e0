"""The training configuration and its command line (tfgan_zoo.config,
tfgan_zoo.cli): every model hyperparameter is a flag, --help shows every
default, every recipe's flags reach its model, and bad input is one line."""

import os
import subprocess
import sys

import pytest

from tfgan_zoo import registry
from tfgan_zoo.config import build_parser, hyperparameter_docs, parse_args, validate
from tfgan_zoo.errors import UserError
from tfgan_zoo.recipes import get_recipe, recipe_names
from tfgan_zoo.recipes.__main__ import main as recipes_main


def test_every_hyperparameter_is_a_flag():
    recipe = get_recipe("wgan_gp").RECIPE
    config = parse_args(recipe, ["--gp-weight", "5", "--n-critic", "3",
                                 "--batch-size", "8", "--g-lr", "0.001"])
    assert config.model_args["gp_weight"] == 5 and config.model_args["n_critic"] == 3
    assert config.batch_size == 8 and config.g_lr == 0.001
    assert config.d_lr == recipe.d_lr and config.out == "runs/wgan_gp"


def test_help_lists_every_default():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run([sys.executable, "-m", "tfgan_zoo.recipes.wgan", "--help"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0
    for text in ("--steps", "--batch-size", "--strategy", "--clip", "--n-critic",
                 "(default: 0.01)", "(default: rmsprop)", "--out", "--ema-decay"):
        assert text in result.stdout


def test_every_recipe_help_formats():
    # argparse %-formats each help string: dagan's "(0.3 = 30 %)" crashed --help
    for name in recipe_names():
        text = build_parser(get_recipe(name).RECIPE).format_help()
        assert "(default:" in text, name
    assert "(0.3 = 30 %)" in build_parser(get_recipe("dagan").RECIPE).format_help()


def test_help_keeps_an_argument_description_that_runs_over_lines():
    # gan3d's docstring wraps ngf / ndf over two lines and d_accuracy_limit over two
    docs = hyperparameter_docs("gan3d")
    paper = "(the paper's 64^3 network has 64 and 32, doubling per stage)."
    assert docs["ngf"] == docs["ndf"] == f"width of G's last / D's first Conv3D stage {paper}"
    assert docs["d_accuracy_limit"].endswith("is at most this (paper: 0.8); 1 updates D always.")


@pytest.mark.parametrize("args, message", [
    (["dcgan", "--dataset", "nope"], "unknown dataset 'nope'"),
    (["dcgan", "--batch-size", "0"], "must be a positive integer"),
    (["dcgan", "--no-such-flag"], "unrecognized arguments"),
    (["dcgan", "--strategy", "gpus"], "invalid choice"),
    (["nope"], "unknown recipe 'nope'"),
])
def test_bad_input_gets_one_line_error(args, message, tmp_path, capsys):
    """`python -m tfgan_zoo.recipes NAME ...`, in this process (the same
    entry point as `python -m tfgan_zoo.recipes.NAME`): exit status 2 and
    one line naming the problem; any other exception fails the test."""
    try:
        status = recipes_main(args + ["--out", str(tmp_path / "r")])
    except SystemExit as e:
        status = e.code
    assert status == 2
    lines = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert message in lines[-1] and len(lines[-1]) < 400


def recipes_with_config():
    return [n for n in recipe_names() if hasattr(get_recipe(n), "RECIPE")]


@pytest.mark.parametrize("name", recipes_with_config())
def test_every_recipe_parses_and_builds_its_model(name):
    """Every flag a recipe offers reaches the model's constructor without a
    clash (a parent's argument offered twice, an unknown one)."""
    config = parse_args(get_recipe(name).RECIPE, [])
    validate(config)
    size = config.image_size or 28
    cls = registry.get_model_class(config.model)
    kwargs = dict(image_shape=(size, size, config.channels or 1), num_classes=10,
                  **config.model_args)
    if getattr(cls, "takes_total_steps", False):
        kwargs["total_steps"] = config.steps
    try:
        cls(**kwargs)
    except UserError:
        pass  # shape-dependent checks: the data decides the real shape
