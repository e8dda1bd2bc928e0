"""The versioned export root (tfgan_zoo.export.serving, .saved_model, .card):
models.config and model cards, versions never overwritten, bad arguments,
the trainer's end-of-run export, recorded metrics in the card, the
`python -m tfgan_zoo.export` command line, and requests a server answers
(gRPC with an output filter, REST to the `sample` signature)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from google.protobuf import text_format
from tensorflow_serving.config import model_server_config_pb2

from tfgan_zoo.config import Config
from tfgan_zoo.errors import UserError
from tfgan_zoo.export import serving, tflite
from tfgan_zoo.export.__main__ import main as export_main
from tfgan_zoo.export.card import read_metrics
from tfgan_zoo.export.saved_model import export_saved_model
from tfgan_zoo.export.warmup import predict_request, read_warmup
from tfgan_zoo.training.trainer import train
from tests.support.models import SHAPE, build_for_export, one_line_error
from tests.support.tf_serving_emulator import grpc_predict, rest_predict

SERVED = ("dcgan", "cgan")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Two models exported to one root (SavedModel and float32 LiteRT)."""
    root = tmp_path_factory.mktemp("exports")
    models = {name: build_for_export(name) for name in SERVED}
    results = {name: serving.export_model(model, root, quantize="none",
                                          measure_inputs=2, latency_runs=1)
               for name, model in models.items()}
    return root, models, results


def test_layout_models_config_and_cards(exported):
    root, _, results = exported
    config = text_format.Parse((root / "models.config").read_text(),
                               model_server_config_pb2.ModelServerConfig())
    entries = {c.name: c for c in config.model_config_list.config}
    assert set(entries) == set(SERVED)
    for name, result in results.items():
        assert entries[name].base_path == f"/models/{name}"
        assert entries[name].model_platform == "tensorflow"
        assert result.saved_model == root / name / "1"
        assert (result.saved_model / "assets.extra" / "tf_serving_warmup_requests").is_file()
        for directory in (result.saved_model, root / "tflite" / name / "1"):
            card = json.loads((directory / "model_card.json").read_text())
            assert card["name"] == name and card["version"] == 1
            assert card["model"]["registry_name"] == name
            assert set(card["tflite"]["variants"]) == set(result.tflite) == {"float32"}
        assert {r.predict_log.request.model_spec.name
                for r in read_warmup(result.saved_model)} == {name}
    # Written atomically: no temporary directories are left behind.
    assert not [p for p in root.rglob(".*")]


def test_grpc_request_with_output_filter(exported):
    _, models, results = exported
    loaded = tf.saved_model.load(str(results["dcgan"].saved_model))
    request = predict_request("dcgan", "serving_default",
                              models["dcgan"].example_inputs(3, seed=2))
    request.output_filter.append("images")
    response = grpc_predict(loaded, request)
    assert list(response.outputs) == ["images"]
    assert tf.make_ndarray(response.outputs["images"]).shape == (3,) + SHAPE


def test_rest_sample_rows_and_columns_agree(exported):
    """The `sample` signature takes scalars (columns) or one-element lists
    (a row of instances), with the label broadcast over the images."""
    _, models, results = exported
    loaded = tf.saved_model.load(str(results["cgan"].saved_model))
    row = rest_predict(loaded, {"signature_name": "sample",
                                "instances": [{"seed": 3, "num_images": 2, "label": 4}]})
    column = rest_predict(loaded, {"signature_name": "sample",
                                   "inputs": {"seed": 3, "num_images": 2, "label": [4]}})
    assert len(row["predictions"]) == 2
    np.testing.assert_array_equal([p["images"] for p in row["predictions"]],
                                  column["outputs"]["images"])


def test_versions_are_never_overwritten(tmp_path):
    model = build_for_export("dcgan")
    first = serving.export_model(model, tmp_path, formats="saved_model", name="digits")
    second = serving.export_model(model, tmp_path, formats="saved_model,tflite",
                                  quantize="dynamic", name="digits")
    assert tflite.operators(second.tflite["dynamic"])[1] == []
    assert (first.version, second.version) == (1, 2)
    assert serving.versions(tmp_path, "digits") == [1, 2]
    stamp = (first.saved_model / "saved_model.pb").stat().st_mtime_ns
    with pytest.raises(UserError, match="never overwritten"):
        serving.export_model(model, tmp_path, version=1, name="digits",
                             formats="saved_model")
    assert (first.saved_model / "saved_model.pb").stat().st_mtime_ns == stamp
    third = serving.export_model(model, tmp_path, version=7, name="digits",
                                 formats="tflite", quantize="float16")
    assert third.saved_model is None and not (tmp_path / "digits" / "7").exists()
    assert serving.next_version(tmp_path, "digits") == 8
    assert "digits" in (tmp_path / "models.config").read_text()


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "tflite"}, "invalid model name"),
    ({"name": "../x"}, "invalid model name"),
    ({"formats": "onnx"}, "unknown format"),
    ({"quantize": "int4"}, "unknown quantization"),
    ({"version": 0}, "positive integer"),
])
def test_bad_export_arguments(tmp_path, kwargs, message):
    with pytest.raises(UserError) as info:
        serving.export_model(build_for_export("gan"), tmp_path, **kwargs)
    one_line_error(info, message)


def test_export_saved_model_for_the_trainer(tmp_path):
    """The trainer's RUN/export: serving_default with the generator inputs,
    the training config, atomic, and kept unless overwrite."""
    model = build_for_export("cgan")
    path = export_saved_model(model, tmp_path / "export", config={"dataset": "mnist5k"})
    with pytest.raises(FileExistsError):
        export_saved_model(model, path)
    export_saved_model(model, path, config={"dataset": "mnist5k"}, overwrite=True)
    signature = tf.saved_model.load(str(path)).signatures["serving_default"]
    assert set(signature.structured_input_signature[1]) == {"z", "label"}
    assert set(signature.structured_outputs) == {"images", "images_float"}
    assert json.loads((path / "assets.extra" / "config.json").read_text()) == {
        "dataset": "mnist5k"}
    assert json.loads((path / "model_card.json").read_text())["dataset"] == "mnist5k"
    assert [p.name for p in tmp_path.iterdir()] == ["export"]


def test_model_card_carries_recorded_metrics(tmp_path):
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "fid-n500-seed0.json").write_text(json.dumps(
        {"metrics": {"fid": 31.5}, "protocol": {"real": "mnist5k"}}))
    (tmp_path / "metrics.jsonl").write_text('{"step": 1, "fid": 80}\n{"step": 2, "fid": 60}\n')
    assert read_metrics(tmp_path) == {
        "fid-n500-seed0": {"metrics": {"fid": 31.5}, "protocol": {"real": "mnist5k"}},
        "metrics.jsonl": {"step": 2, "fid": 60}}
    assert read_metrics(tmp_path / "nothing-here") == {}


# ------------------------------------------------------------------- CLI
@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    train(Config(recipe="tiny", model="dcgan", dataset="mnist5k", image_size=16,
                 steps=2, batch_size=8, out=str(out), sample_every=100,
                 checkpoint_every=100, log_every=100, num_samples=4, epoch_steps=2,
                 export=False, model_args={"latent_dim": 8, "ngf": 8, "ndf": 8}),
          verbose=0)
    return out


def test_cli_exports_a_run(run_dir, tmp_path):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "tfgan_zoo.export", str(run_dir), "--to", str(tmp_path),
         "--quantize", "none,int8"], capture_output=True, text=True, env=env,
        timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "tiny version 1" in done.stdout and "int8" in done.stdout
    card = json.loads((tmp_path / "tiny" / "1" / "model_card.json").read_text())
    assert card["dataset"] == "mnist5k" and card["model"]["training_step"] == 2
    assert card["training_config"]["recipe"] == "tiny"
    assert sorted(p.name for p in (tmp_path / "tflite" / "tiny" / "1").iterdir()) == [
        "model_card.json", "tiny_float32.tflite", "tiny_int8.tflite"]


@pytest.mark.parametrize("argv, message", [
    (["--format", "saved_model", "--quantize", "int8"], "--quantize applies to TFLite"),
    (["--format", "pdf"], "unknown format 'pdf'"),
    (["--name", "tflite"], "invalid model name"),
])
def test_cli_errors(run_dir, tmp_path, capsys, argv, message):
    assert export_main([str(run_dir), "--to", str(tmp_path)] + argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_cli_refuses_an_existing_version_and_a_non_run(run_dir, tmp_path, capsys):
    (tmp_path / "tiny" / "3").mkdir(parents=True)
    assert export_main([str(run_dir), "--to", str(tmp_path), "--version", "3"]) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert export_main([str(tmp_path), "--to", str(tmp_path)]) == 2
    assert "not a tfgan_zoo run directory" in capsys.readouterr().err
