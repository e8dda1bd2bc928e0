"""A run directory survives damage and movement: a damaged file is named
and never overwritten, resume falls back to the newest checkpoint that reads,
and a moved run directory resumes, exports and evaluates."""

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.support.runs import tiny
from tfgan_zoo import registry
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation.samples import SavedModelGenerator, resolve_target
from tfgan_zoo.export.serving import export_run
from tfgan_zoo.models.noise2image.dcgan import DCGAN
from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tfgan_zoo.rundir.run import load_run, portable_paths, resolve_paths
from tfgan_zoo.training.trainer import train


def digest(path):
    """SHA-256 over every file under `path` (names and bytes)."""
    h = hashlib.sha256()
    for f in sorted(p for p in Path(path).rglob("*") if p.is_file()):
        h.update(str(f.relative_to(path)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny run with checkpoints at steps 2 and 4."""
    out = tmp_path_factory.mktemp("trained") / "run"
    train(tiny(out, steps=4), verbose=0)
    return out


@pytest.fixture
def run(trained, tmp_path):
    """A fresh copy of the trained run for one test to damage."""
    return Path(shutil.copytree(trained, tmp_path / "run"))


def data_file(run, step):
    return next((run / "checkpoints" / f"ckpt-{step:08d}").glob("ckpt.data-*"))


# ------------------------------------------------------------ damaged files
@pytest.mark.parametrize("name", ["config.json", "model.json"])
def test_a_damaged_settings_file_is_named_and_kept(run, name):
    (run / name).write_text('{"model": "dcgan", ')
    before = digest(run)
    with pytest.raises(UserError) as error:
        train(tiny(run, steps=6), verbose=0)
    message = str(error.value)
    assert f"{run / name} is damaged (not valid JSON" in message and "\n" not in message
    assert "start afresh" in message
    assert digest(run) == before  # nothing overwritten, no checkpoint touched


def test_load_run_names_a_damaged_model_json(run):
    (run / "model.json").write_bytes(b"\xff\xfe garbage")
    with pytest.raises(UserError, match=r"model description .*model.json is damaged"):
        load_run(run)


@pytest.mark.parametrize("damage", ["truncate data", "corrupt state"])
def test_resume_falls_back_to_the_newest_checkpoint_that_reads(run, damage, capsys):
    newest = run / "checkpoints" / "ckpt-00000004"
    if damage == "truncate data":
        data_file(run, 4).write_bytes(data_file(run, 4).read_bytes()[:100])
    else:
        (newest / "state.json").write_text("{not json")
    damaged_bytes = digest(newest)
    # Reading (export, evaluation) falls back without moving anything.
    model, _ = load_run(run)
    assert model.step == 2 and newest.is_dir()
    assert "ckpt-00000004" in capsys.readouterr().err
    # The trainer sets the damaged one aside, resumes from step 2, and writes on.
    model = train(tiny(run, steps=6), verbose=0)
    err = capsys.readouterr().err
    assert "ckpt-00000004" in err and "moved aside" in err
    assert int(model.g_optimizer.iterations.numpy()) == 6
    assert CheckpointDir(run / "checkpoints").steps() == [2, 4, 6]
    assert digest(run / "checkpoints" / "damaged-ckpt-00000004") == damaged_bytes


def test_no_readable_checkpoint_says_how_to_start_afresh(run):
    for step in (2, 4):
        data_file(run, step).write_bytes(b"")
    with pytest.raises(UserError, match=r"no checkpoint in .* reads .*start afresh"):
        load_run(run)


def test_an_unknown_step_is_refused(run):
    with pytest.raises(UserError, match="has no checkpoint of step 3 .* 2, 4"):
        load_run(run, step=3)


def test_leftovers_of_a_killed_save_or_prune_do_not_matter(run):
    checkpoints = run / "checkpoints"
    (checkpoints / ".tmp-ckpt-00000006-x").mkdir()          # a save killed half-way
    shutil.copytree(checkpoints / "ckpt-00000002", checkpoints / ".trash-ckpt-00000002-1")
    (checkpoints / "ckpt-00000008").mkdir()                  # no state.json: incomplete
    (run / ".export.tmp-abc").mkdir()                        # an export killed half-way
    (run / ".config.json.tmp-123").write_text("{")           # a settings write killed
    model = train(tiny(run, steps=6), verbose=0)
    assert not [p for p in run.iterdir() if p.name.startswith(".")]
    assert int(model.g_optimizer.iterations.numpy()) == 6
    names = sorted(p.name for p in checkpoints.iterdir())
    assert names == ["ckpt-00000002", "ckpt-00000004", "ckpt-00000006", "ckpt-00000008"]


# ------------------------------------------------------------- relocation
class NotedDCGAN(DCGAN):
    """A DCGAN built from a file, as a text GAN is built from its encoder."""

    path_hyperparameters = ("notes",)

    def __init__(self, *, notes=None, **kwargs):
        super().__init__(**kwargs)
        if notes is not None and not os.path.isfile(notes):
            raise UserError(f"notes {notes} not found")
        self.notes = notes


@pytest.fixture
def noted(monkeypatch):
    monkeypatch.setitem(registry.MODELS, "noted", f"{__name__}:NotedDCGAN")


def noted_run(tree, steps=4, export=False):
    (tree / "notes.txt").parent.mkdir(parents=True, exist_ok=True)
    (tree / "notes.txt").write_text("a file the model is built from")
    args = {**tiny(tree).model_args, "notes": str(tree / "notes.txt")}
    return tiny(tree / "gan", steps=steps, model="noted", model_args=args, export=export)


def test_paths_beside_the_run_are_stored_relative(tmp_path):
    run = tmp_path / "tree" / "gan"
    stored = portable_paths({"a": str(tmp_path / "tree" / "encoder"), "b": "/usr/lib/x",
                             "c": None}, ("a", "b", "c"), run)
    assert stored == {"a": "../encoder", "b": "/usr/lib/x", "c": None}
    assert resolve_paths(stored, ("a", "b"), run)["a"] == str(tmp_path / "tree" / "encoder")


def test_a_moved_run_resumes_exports_and_evaluates(tmp_path, noted):
    tree = tmp_path / "first" / "tree"
    train(noted_run(tree, export=True), verbose=0)
    saved = json.loads((tree / "gan" / "model.json").read_text())["config"]
    assert saved["notes"] == "../notes.txt"
    assert json.loads((tree / "gan" / "config.json").read_text())[
        "model_args"]["notes"] == "../notes.txt"

    moved = Path(shutil.move(tree, tmp_path / "second" / "elsewhere"))
    model, config = load_run(moved / "gan")
    assert model.notes == str(moved / "notes.txt") and config.out == str(moved / "gan")
    model = train(noted_run(moved, steps=6), verbose=0)  # resumes: same settings
    assert int(model.g_optimizer.iterations.numpy()) == 6
    result = export_run(moved / "gan", tmp_path / "exports", formats="saved_model")
    assert result.card["model"]["training_step"] == 6
    export, settings, _ = resolve_target(moved / "gan")
    assert settings["model"] == "noted"
    assert SavedModelGenerator(export).generate(model.example_inputs(2)["z"]).shape == (
        2, 16, 16, 1)


def test_a_run_written_with_absolute_paths_still_loads_when_moved(tmp_path, noted):
    """Runs written before paths were stored relative hold absolute ones."""
    tree = tmp_path / "first" / "tree"
    train(noted_run(tree), verbose=0)
    for name in ("model.json", "config.json"):
        data = json.loads((tree / "gan" / name).read_text())
        args = data["config"] if name == "model.json" else data["model_args"]
        args["notes"] = str(tree / "notes.txt")
        if name == "config.json":
            data["out"] = str(tree / "gan")
        (tree / "gan" / name).write_text(json.dumps(data))
    model, _ = load_run(tree / "gan")  # in place: the absolute path as it is
    assert model.notes == str(tree / "notes.txt")
    moved = Path(shutil.move(tree, tmp_path / "second" / "tree"))
    model, _ = load_run(moved / "gan")  # moved: rebased from the recorded out
    assert model.notes == str(moved / "notes.txt")
    model = train(noted_run(moved, steps=6), verbose=0)
    assert int(model.g_optimizer.iterations.numpy()) == 6
