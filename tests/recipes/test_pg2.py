"""The PG2 recipe's phases: Stage II's own rates and a reused Stage I."""

from pathlib import Path

import pytest

from tfgan_zoo.cli import without_flags
from tfgan_zoo.config import parse_args
from tfgan_zoo.recipes import pg2


def phase_configs(argv, **rates):
    config = parse_args(pg2.RECIPE, without_flags(argv, pg2.PHASE_FLAGS))
    return pg2.phases(config, 3000, **rates)


def test_stage2_rates_and_settings_leave_stage1_alone(tmp_path):
    """Stage I trains at --g-lr and the model's defaults of the settings
    only Stage II reads, so one Stage I serves Stage II runs that differ
    in them; Stage II reads its own rates and starts from OUT/stage1."""
    out = tmp_path / "run"
    (_, plain1), (_, plain2) = phase_configs(["--out", str(out)])
    (_, stage1), (_, stage2) = phase_configs(
        ["--out", str(out), "--l1-weight", "50", "--ndf", "16", "--condition-negative", "false"],
        stage2_g_lr=2e-5, stage2_d_lr=3e-5)
    assert stage1 == plain1
    assert (stage1.steps, stage1.g_lr, stage1.out) == (3000, 2e-4, str(out / "stage1"))
    assert stage1.model_args["l1_weight"] == 10.0 and stage1.model_args["ndf"] == 32
    assert (stage2.g_lr, stage2.d_lr, plain2.g_lr, plain2.d_lr) == (2e-5, 3e-5, 2e-4, 2e-4)
    assert plain2.model_args["l1_weight"] == 500.0  # the recipe's Stage II lambda
    assert stage2.model_args["stage1_run"] == str(out / "stage1")
    assert (stage2.model_args["l1_weight"], stage2.model_args["ndf"]) == (50, 16)
    assert stage2.model_args["condition_negative"] is False


def test_stage1_run_skips_stage1(tmp_path):
    previous = str(tmp_path / "old" / "stage1")
    (title, stage1), (_, stage2) = phase_configs(["--out", str(tmp_path / "new"),
                                                  "--stage1-run", previous])
    assert stage1 is None and previous in title
    assert stage2.model_args["stage1_run"] == previous
    assert Path(stage2.out) == tmp_path / "new" / "stage2"


@pytest.mark.parametrize("value", ["0", "-1e-4", "fast"])
def test_stage2_rate_must_be_positive(value, capsys):
    with pytest.raises(SystemExit) as exit:
        pg2.build_parser().parse_args(["--stage2-g-lr", value])
    assert exit.value.code == 2
    assert "--stage2-g-lr" in capsys.readouterr().err
