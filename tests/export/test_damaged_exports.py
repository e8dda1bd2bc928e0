"""Damaged files of an export are named, with the fix: warmup records, the
SavedModel graph, the training config an evaluation reads, and evaluation
results a later export reads into its card."""

import shutil

import pytest

from tfgan_zoo import registry
from tfgan_zoo.errors import DamagedFile, UserError
from tfgan_zoo.evaluation.samples import SavedModelGenerator, resolve_target
from tfgan_zoo.export.card import read_metrics
from tfgan_zoo.export.saved_model import export_saved_model
from tfgan_zoo.export.warmup import WARMUP_FILE, read_warmup


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    model = registry.build_model("dcgan", image_shape=(16, 16, 1), latent_dim=8, ngf=8,
                                 ndf=8)
    model.build_networks()
    return export_saved_model(model, tmp_path_factory.mktemp("export") / "export",
                              config={"dataset": "digits", "out": "run"})


@pytest.fixture
def copy(export, tmp_path):
    return shutil.copytree(export, tmp_path / "export")


def test_warmup_records(copy):
    assert len(read_warmup(copy)) == 3
    path = copy / "assets.extra" / WARMUP_FILE
    path.write_bytes(path.read_bytes()[:-7])
    with pytest.raises(DamagedFile, match=r"warmup records .* are damaged .*export the "
                                          r"model again"):
        read_warmup(copy)
    path.unlink()
    with pytest.raises(UserError, match="has no warmup records"):
        read_warmup(copy)


def test_a_damaged_graph(copy):
    (copy / "saved_model.pb").write_bytes(b"\x00garbage")
    with pytest.raises(UserError, match=r"cannot load a SavedModel .*export the run again"):
        SavedModelGenerator(copy)


def test_a_damaged_training_config(copy):
    (copy / "assets.extra" / "config.json").write_text("{")
    with pytest.raises(DamagedFile, match=r"export's training config .*config.json is "
                                          r"damaged"):
        resolve_target(copy)


def test_damaged_evaluation_results(tmp_path):
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "fid-n100-seed0.json").write_text('{"metrics": ')
    with pytest.raises(DamagedFile, match=r"evaluation result .*fid-n100-seed0.json is "
                                          r"damaged .*then export again"):
        read_metrics(tmp_path)
    (tmp_path / "eval" / "fid-n100-seed0.json").unlink()
    (tmp_path / "metrics.jsonl").write_text('{"fid": 3}\n{"fid": ')
    with pytest.raises(DamagedFile, match="the last line of metrics file"):
        read_metrics(tmp_path)
