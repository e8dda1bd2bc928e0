"""An export leaks nothing local: no absolute path, user name or host name
in its model card, its training config or anywhere in its files; and the
card of an end-of-run export says its version and training step."""

import json
import os
import socket
from pathlib import Path

import pytest

from tests.support.runs import tiny
from tfgan_zoo.export import card
from tfgan_zoo.export.serving import export_run
from tfgan_zoo.training.trainer import train


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A run trained with an absolute --out, its end-of-run export, and a
    version under an export root."""
    top = tmp_path_factory.mktemp("local-tree")
    run = top / "runs" / "dcgan"
    train(tiny(run, steps=4, export=True), verbose=0)
    result = export_run(run, top / "exports", formats="saved_model")
    return top, run, result


def every_file(directory):
    return [p for p in Path(directory).rglob("*") if p.is_file()]


def test_no_file_of_an_export_holds_a_local_path(exported):
    top, run, result = exported
    local = {str(top).encode(), str(Path.home()).encode() + b"/", os.getcwd().encode()}
    for directory in (run / "export", result.saved_model):
        for path in every_file(directory):
            data = path.read_bytes()
            leaks = [word for word in local if word in data]
            assert not leaks, f"{path} holds {leaks}"


def test_cards_and_configs_hold_no_user_or_host_name(exported):
    top, run, result = exported
    words = {w for w in (os.environ.get("USER"), socket.gethostname(), Path.home().name)
             if w and len(w) > 2}
    for path in (run / "export" / "model_card.json", result.saved_model / "model_card.json",
                 run / "export" / "assets.extra" / "config.json"):
        text = path.read_text()
        for word in words:
            assert f'"{word}"' not in text and f"/{word}/" not in text, (path, word)
        config = json.loads(text).get("training_config", json.loads(text))
        assert config["out"] == "dcgan"  # the run's name, not where it lies


def test_the_end_of_run_card_has_version_and_training_step(exported):
    _, run, result = exported
    trained = json.loads((run / "export" / "model_card.json").read_text())
    assert trained["version"] == 4 and trained["model"]["training_step"] == 4
    assert result.card["version"] == 1 and result.card["model"]["training_step"] == 4


def test_portable_rewrites_every_kind_of_path(monkeypatch):
    monkeypatch.setattr(card, "_local_words", lambda: {"alice", "buildhost"})
    config = {"out": "/home/alice/runs/birds/gan",
              "model_args": {"text_encoder": "/home/alice/runs/birds/encoder",
                             "stage1_run": "/home/alice/runs/birds/stage1",
                             "sentence_encoder": "/opt/models/all-MiniLM-L6-v2",
                             "vocabulary": ["a", "red", "bird"]},
              "dataset": "folder:/home/alice/pictures/birds",
              "data_dir": "../../home/alice/tfds",
              "note": "trained by alice on buildhost from /home/alice/data/x.csv",
              "method": "tensorflow/serving/predict", "formula": "x255/128 - 1",
              "steps": 4}
    assert card.portable(config, "/home/alice/runs/birds/gan") == {
        "out": "gan",
        "model_args": {"text_encoder": "encoder", "stage1_run": "stage1",
                       "sentence_encoder": "all-MiniLM-L6-v2",
                       "vocabulary": ["a", "red", "bird"]},
        "dataset": "folder:birds", "data_dir": "tfds",
        "note": "trained by <local> on <local> from x.csv",
        "method": "tensorflow/serving/predict", "formula": "x255/128 - 1", "steps": 4}
    # A path whose last part is the user's name says nothing either.
    assert card.portable({"data_dir": "/home/alice"}) == {"data_dir": "<local>"}
