"""`--quick N` bounds every phase of a multi-phase recipe at N steps: the
text encoder's, Stage-I's and Stage-II's (`--steps` bounds only Stage-I)."""

from tfgan_zoo.recipes import _text2image as recipe
from tfgan_zoo.recipes import stackgan


def plan(argv):
    config, settings = recipe.parse(stackgan.build_parser(), stackgan.RECIPE, argv)
    settings = recipe.bound_phases(settings)
    shared, _, _ = recipe.text_setup(config, settings)
    phases = recipe.bound_gan_phases(stackgan.phases(config, settings, shared),
                                     settings.get("quick"))
    return settings, [phase.steps for _, phase in phases]


def test_quick_bounds_every_phase():
    settings, steps = plan(["--quick", "3", "--out", "/tmp/x"])
    assert settings["encoder_steps"] == 3 and settings["stage2_steps"] == 3
    assert steps == [3, 3]
    settings, steps = plan(["--quick", "5000", "--out", "/tmp/x"])  # never raises a phase
    assert settings["encoder_steps"] == 600 and steps == [2000, 5000]


def test_steps_alone_bounds_only_stage1():
    settings, steps = plan(["--steps", "4", "--out", "/tmp/x"])
    assert settings["encoder_steps"] == 600
    assert steps == [4, stackgan.STAGE2["stage2_steps"]] == [4, 12000]


def test_quick_is_in_help():
    assert "--quick" in stackgan.build_parser().format_help()
