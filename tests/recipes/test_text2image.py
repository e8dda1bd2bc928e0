"""The text-to-image recipes (`tfgan_zoo.recipes._text2image` and the
recipes over it): the phases a command line becomes, StackGAN's Stage-II
networks and wrong-text default, and a sentence model in place of the
text-encoder phase. Nothing is trained here."""

import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.recipes import _text2image as recipe
from tfgan_zoo.recipes import gan_int_cls, stackgan
from tests.support.bert import make_model_folder


def _phases(module, argv, phases=None):
    """The Configs of the GAN phases (a one-GAN recipe's phase is
    `recipe.gan_phase`) and the text encoder's directory."""
    config, settings = recipe.parse(module.build_parser(), module.RECIPE, argv)
    shared, encoder_dir, _ = recipe.text_setup(config, settings)
    phases = phases or module.phases
    return [c for _, c in phases(config, settings, shared)], encoder_dir


def test_recipe_phases():
    (stage1, stage2), encoder_dir = _phases(
        stackgan, ["--out", "/tmp/x", "--steps", "7", "--stage2-steps", "9"])
    assert (stage1.image_size, stage2.image_size) == (16, 64)
    assert (stage1.steps, stage2.steps) == (7, 9)
    assert stage1.model_args["stage"] == 1 and stage2.model_args["stage"] == 2
    assert stage2.model_args["stage1_run"].endswith("/x/stage1")
    assert stage1.model_args["text_encoder"] == str(encoder_dir)
    (stage1, stage2), _ = _phases(stackgan, ["--stage1-size", "64"])  # the paper's sizes
    assert (stage1.image_size, stage2.image_size) == (64, 256)
    (gan,), _ = _phases(gan_int_cls, ["--interpolation", "False", "--ngf", "16"],
                        recipe.gan_phase("GAN-INT-CLS"))
    assert gan.model_args["interpolation"] is False and gan.model_args["ngf"] == 16


def test_recipe_stage2_networks():
    """Stage-I is the paper's; Stage-II defaults to FiLM, the projection
    discriminator and the auxiliary classifier, which only the shapes'
    labels allow; each has a flag back to the paper's Stage-II."""

    def stages(argv):
        config, settings = recipe.parse(stackgan.build_parser(), stackgan.RECIPE, argv)
        return [c.model_args for _, c in stackgan.phases(config, settings,
                                                         dict(config.model_args))]

    def networks(argv):
        keys = ("film", "discriminator", "auxiliary_weight")
        return [tuple(args.get(k) for k in keys) for args in stages(argv)]

    paper = (False, "matching", 0.0)
    assert networks([]) == [paper, (True, "projection", 1.0)]
    assert networks(["--dataset", "captions:/birds"]) == [paper, (True, "projection", 0.0)]
    assert networks(["--no-stage2-film", "--stage2-discriminator", "matching",
                     "--stage2-auxiliary-weight", "0"]) == [paper, paper]
    stage1, stage2 = stages(["--film", "True"])  # Stage-II loads a FiLM Stage-I
    assert stage1["film"] and stage2["stage1_film"]


def test_recipe_stage2_decay_subpixel_and_xla_defaults():
    """Stage-II's learning rates decay late only when asked (Stage-I's
    stay constant, the paper's); `none` turns it off again, a bad fraction
    is refused. Both stages use the sub-pixel up blocks unless told not to,
    and train without XLA unless --jit-compile names it."""

    def stages(argv):
        config, settings = recipe.parse(stackgan.build_parser(), stackgan.RECIPE, argv)
        return [c for _, c in stackgan.phases(config, settings, dict(config.model_args))]

    stage1, stage2 = stages([])
    assert stage1.model_args.get("decay_after") is None
    assert stage2.model_args["decay_after"] is None
    assert stage2.steps == stackgan.STAGE2["stage2_steps"]
    assert stage1.model_args["subpixel"] and stage2.model_args["subpixel"]
    assert stages(["--stage2-decay-after", "0.25"])[1].model_args["decay_after"] == 0.25
    assert stages(["--stage2-decay-after", "none"])[1].model_args["decay_after"] is None
    assert not stages(["--subpixel", "false"])[1].model_args["subpixel"]
    assert stage1.jit_compile is False and stage2.jit_compile is False
    assert all(c.jit_compile is True for c in stages(["--jit-compile", "on"]))
    assert all(c.jit_compile == "auto" for c in stages(["--jit-compile", "auto"]))
    with pytest.raises(SystemExit):
        stages(["--stage2-decay-after", "1.5"])


def test_recipe_stage2_ema_default_and_off():
    """Stage-II keeps an EMA of its generator by default (Stage-I does not,
    the paper's); `--stage2-ema-decay 0`, what an older run resumes with,
    turns it off, and a decay outside [0, 1) is refused."""

    def stages(argv):
        config, settings = recipe.parse(stackgan.build_parser(), stackgan.RECIPE, argv)
        return [c.model_args.get("ema_decay")
                for _, c in stackgan.phases(config, settings, dict(config.model_args))]

    assert stages([]) == [None, 0.999] == [None, stackgan.STAGE2_EMA_DECAY]
    assert stages(["--stage2-ema-decay", "0"]) == [None, None]
    assert stages(["--stage2-ema-decay", "0.99", "--ema-decay", "0.9"]) == [0.9, 0.99]
    with pytest.raises((SystemExit, UserError)):
        stages(["--stage2-ema-decay", "1.5"])


def test_recipe_wrong_text_default_follows_the_dataset():
    """StackGAN's recipe gives D contrast captions on the shapes, which have
    them; on other captioned data it falls back to random wrong text unless
    --mismatch is given."""
    parser = stackgan.build_parser()
    config, _ = recipe.parse(parser, stackgan.RECIPE, [])
    assert config.model_args["mismatch"] == "contrast"
    config, _ = recipe.parse(parser, stackgan.RECIPE, ["--dataset", "captions:/birds"])
    assert config.model_args["mismatch"] == "random"
    config, _ = recipe.parse(parser, stackgan.RECIPE, ["--dataset", "captions:/birds",
                                                       "--mismatch", "hardest"])
    assert config.model_args["mismatch"] == "hardest"


def test_recipe_uses_the_sentence_model_instead_of_phase_1(tmp_path):
    path, _ = make_model_folder(tmp_path / "bert")
    parser = stackgan.build_parser()
    config, settings = recipe.parse(parser, stackgan.RECIPE, ["--sentence-encoder", str(path)])
    shared, encoder_dir, _ = recipe.text_setup(config, settings)
    assert encoder_dir is None and shared["text_encoder"] is None
    assert shared["embedding_dim"] == 8 and shared["sentence_encoder"] == str(path.resolve())
    config, settings = recipe.parse(parser, stackgan.RECIPE, [
        "--sentence-encoder", str(path), "--text-encoder", "runs/stackgan/encoder"])
    with pytest.raises(UserError, match="pass one of them"):
        recipe.text_setup(config, settings)
