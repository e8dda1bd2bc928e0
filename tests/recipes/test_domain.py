"""The domain recipes' bad input: one line naming the fix, exit status 2."""

import json

import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.recipes import _domain, adda, dann, mdan
from tfgan_zoo.training.trainer import main


@pytest.mark.parametrize("recipe, argv, message", [
    ("dann", ["--dataset", "adapt:mnist>mnist"], "is also a source"),
    ("dann", ["--dataset", "adapt:mnist>usps"], "unknown digit domain 'usps'"),
    ("mdan", ["--dataset", "adapt:mnist>mnistm"], "k >= 2 source domains"),
    ("adda", ["--dataset", "adapt:ucidigits>ucidigits"], "is also a source"),
    ("adda", ["--source-classifier", "/nonexistent"], "holds no trained source classifier"),
])
def test_bad_domains_exit_with_one_line(recipe, argv, message, tmp_path, capsys):
    out = ["--out", str(tmp_path / "run")]
    with pytest.raises(SystemExit) as done:
        if recipe == "adda":
            adda.main(argv + out)
        else:
            main({"dann": dann, "mdan": mdan}[recipe].RECIPE, argv + out)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def fake_classifier(directory, **info):
    """A source-classifier directory as `classifier_info` finds it."""
    from tfgan_zoo.training.classifier import INFO_FILE, WEIGHTS_FILE

    directory.mkdir()
    (directory / INFO_FILE).write_text(json.dumps(info))
    (directory / WEIGHTS_FILE).write_bytes(b"")
    return directory


def test_reused_classifier_refuses_a_phase_flag_it_was_not_trained_with(tmp_path, capsys):
    source = fake_classifier(tmp_path / "source", source_steps=2000, source_adversarial=0.0)
    with pytest.raises(SystemExit) as done:
        adda.main(["--source-classifier", str(source), "--source-adversarial", "0.3",
                   "--out", str(tmp_path / "run")])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "was trained with --source-adversarial 0.0, not 0.3" in err
    assert "drop --source-adversarial" in err


def test_reused_classifier_accepts_matching_and_absent_flags(tmp_path):
    # A classifier.json older than a flag counts as that flag off.
    info = {"source_steps": 2000}
    phase = {"source_steps": 2000, "source_batch_size": 128, "source_lr": 1e-3,
             "source_augment": "", "source_adversarial": 0.0, "source_adversarial_steps": 1}
    _domain.check_reused(tmp_path, info, phase, ["--source-steps=2000",
                                                 "--source-adversarial", "0"])
    _domain.check_reused(tmp_path, info, {**phase, "source_steps": 5},
                         ["--seed", "1"])  # not given: the reused classifier stands
    with pytest.raises(UserError, match="--source-steps 2000, not 5"):
        _domain.check_reused(tmp_path, info, {**phase, "source_steps": 5}, ["--source-steps=5"])



def test_phase_one_repeats_for_a_seed(tmp_path, monkeypatch):
    """The source classifier starts from the same weights for one --seed:
    built twice in one process (the global random state moved on in
    between) f's initial weights are equal, and another seed gives others.
    (Phase 1's training is seeded already; unseeded, f's initial weights
    differed run to run.)"""
    import dataclasses

    import numpy as np

    from tfgan_zoo.recipes import dtn

    initial = []

    def fit(encoder, head, domains, **kwargs):
        initial.append(encoder.get_weights() + head.get_weights())

    phase = {**dtn.SOURCE, "source_adversarial": 0.0, "source_adversarial_steps": 1}
    monkeypatch.setattr(_domain, "fit_classifier", fit)
    monkeypatch.setattr(_domain, "domain_accuracy", lambda *args: 0.0)
    monkeypatch.setattr(_domain, "save_classifier", lambda *args: None)
    for seed in (3, 3, 4):  # ucidigits: the source that loads fastest
        config = dataclasses.replace(dtn.RECIPE, seed=seed, dataset="adapt:ucidigits>mnist")
        _domain.train_source_classifier(config, phase, tmp_path)
    same, other = ([np.array_equal(a, b) for a, b in zip(initial[0], run, strict=True)]
                   for run in initial[1:])
    assert all(same) and not all(other)
