"""Export of every registered GAN: SavedModel for TF Serving, LiteRT for
phones, the versioned layout, and the requests a server would answer.

Parametrized over the registry, so a new model is covered by its registry
line. Generators get weights drawn at fan-in scale ("spread") before export:
at DCGAN's N(0, 0.02) init the images are ~0 everywhere and every parity
check would pass trivially.
"""

import json
import os
import subprocess
import sys
import textwrap
import traceback

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import registry
from tfgan_zoo.errors import UserError
from tfgan_zoo.export import serving, tflite
from tfgan_zoo.export import graph as sm

SHAPE = (16, 16, 1)
NAMES = registry.model_names()
# Thresholds of the export issue; measured values are in the model cards.
SAVED_MODEL_ATOL = 1e-5
TFLITE_FLOAT32_ATOL = 1e-4
MIN_PSNR = {"float16": 30.0, "int8": 20.0}


def build(name, seed=1):
    cls = registry.get_model_class(name)
    kwargs = dict(image_shape=SHAPE, num_classes=10, latent_dim=8, seed=seed)
    kwargs.update(getattr(cls, "test_config", {}))
    model = cls(**kwargs)
    model.build_networks()
    rng = np.random.default_rng(seed)
    for network in model.export_networks():
        for w in network.trainable_weights:
            if len(w.shape) >= 2:
                fan_in = int(np.prod(w.shape[:-1]))
                w.assign(rng.normal(0, fan_in ** -0.5, w.shape).astype("float32"))
    return model


def keras_images(model, inputs):
    return model.generate_from({k: tf.convert_to_tensor(v) for k, v in inputs.items()},
                               training=False).numpy()


STANDALONE = textwrap.dedent("""
    # Loads SavedModels the way TF Serving does: no tfgan_zoo, no Keras; and
    # runs `saved_model_cli show --all` (its console-script entry point) on each.
    import contextlib, importlib.abc, io, json, sys
    blocked = {"tfgan_zoo"}
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in blocked:
                raise ImportError("blocked: " + name)
    sys.meta_path.insert(0, Block())
    import numpy as np
    import tensorflow as tf
    from tensorflow.core.protobuf import saved_model_pb2
    from tensorflow.python.framework import op_def_registry
    from tensorflow.python.tools import saved_model_cli
    blocked.add("keras")  # TF probes for Keras while it imports; nothing after
    report = {}
    for directory, inputs_path, outputs_path in json.loads(sys.argv[1]):
        inputs = dict(np.load(inputs_path))
        loaded = tf.saved_model.load(directory)
        out = loaded.signatures["serving_default"](
            **{k: tf.constant(v) for k, v in inputs.items()})
        np.savez(outputs_path, **{k: v.numpy() for k, v in out.items()})
        proto = saved_model_pb2.SavedModel()
        with open(directory + "/saved_model.pb", "rb") as f:
            proto.ParseFromString(f.read())
        graph = proto.meta_graphs[0].graph_def
        ops = {n.op for n in graph.node}
        ops |= {n.op for f in graph.library.function for n in f.node_def}
        sys.argv = ["saved_model_cli", "show", "--dir", directory, "--all"]
        shown = io.StringIO()
        with contextlib.redirect_stdout(shown):
            try:
                saved_model_cli.main()
            except SystemExit as e:
                assert not e.code, e.code
        report[directory] = {
            "ops": sorted(ops), "saved_model_cli": shown.getvalue(),
            "not_stock": sorted(o for o in ops if op_def_registry.get(o) is None)}
    try:
        import tfgan_zoo  # noqa: F401
        report["tfgan_zoo_importable"] = True
    except ImportError:
        report["tfgan_zoo_importable"] = False
    report["loaded_modules"] = sorted(m for m in sys.modules if m.startswith("tfgan_zoo"))
    print(json.dumps(report))
""")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every registered model exported once (all formats and variants), then
    checked in one interpreter that cannot import tfgan_zoo."""
    root = tmp_path_factory.mktemp("exports")
    work = tmp_path_factory.mktemp("standalone")
    models, results, inputs, failed = {}, {}, {}, {}
    for name in NAMES:
        try:
            models[name] = build(name)
            # dynamic-range is left to test_versions_are_never_overwritten.
            results[name] = serving.export_model(
                models[name], root, quantize="none,float16,int8",
                calibration_samples=20, measure_inputs=4, latency_runs=1)
        except Exception:  # one broken model fails its own tests, not all
            failed[name] = traceback.format_exc()
            continue
        inputs[name] = models[name].example_inputs(8, seed=5)
        np.savez(work / f"{name}-in.npz", **inputs[name])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    jobs = [[str(results[n].saved_model), str(work / f"{n}-in.npz"),
             str(work / f"{n}-out.npz")] for n in results]
    script = work / "standalone.py"
    script.write_text(STANDALONE)
    standalone = subprocess.run(
        [sys.executable, "-I", str(script), json.dumps(jobs)], cwd=work, env=env,
        capture_output=True, text=True, timeout=300)
    assert standalone.returncode == 0, standalone.stderr[-3000:]
    report = json.loads(standalone.stdout.strip().splitlines()[-1])
    return {"root": root, "models": models, "results": results, "inputs": inputs,
            "failed": failed, "standalone": report,
            "outputs": {n: dict(np.load(work / f"{n}-out.npz")) for n in results}}


def exported_model(exported, name):
    """(model, ExportResult) of `name`, or this test fails with the export's
    traceback."""
    if name in exported["failed"]:
        pytest.fail(f"exporting {name} failed:\n{exported['failed'][name]}",
                    pytrace=False)
    return exported["models"][name], exported["results"][name]


@pytest.fixture(scope="module")
def loaded(exported):
    return {n: tf.saved_model.load(str(r.saved_model))
            for n, r in exported["results"].items()}


# ------------------------------------------------------------ SavedModel
@pytest.mark.parametrize("name", NAMES)
def test_saved_model_cli_lists_serving_default(exported, name):
    exported_model(exported, name)
    shown = exported["standalone"][str(exported["results"][name].saved_model)][
        "saved_model_cli"]
    blocks = {b.split("']", 1)[0]: b for b in shown.split("signature_def['")[1:]}
    default = blocks["serving_default"]
    assert "Method name is: tensorflow/serving/predict" in default
    from tensorflow.core.framework import types_pb2
    model = exported["models"][name]
    for key in model.generator_input_spec():
        assert f"inputs['{key}']" in default
    for key, spec in model.output_spec().items():  # images (uint8) and images_float
        dtype = types_pb2.DataType.Name(spec.dtype.as_datatype_enum)  # e.g. DT_UINT8
        assert f"outputs['{key}']" in default and dtype in default


@pytest.mark.parametrize("name", NAMES)
def test_loads_and_matches_keras_without_tfgan_zoo(exported, name):
    exported_model(exported, name)
    report = exported["standalone"]
    assert report["tfgan_zoo_importable"] is False
    assert report["loaded_modules"] == []
    model, inputs = exported["models"][name], exported["inputs"][name]
    out = exported["outputs"][name]
    reference = keras_images(model, inputs)
    assert np.abs(out[model.float_output] - reference).max() <= SAVED_MODEL_ATOL
    if model.draws_images:
        assert out["images"].dtype == np.uint8 and out["images"].shape == reference.shape
        from tfgan_zoo.images import to_uint8
        assert np.abs(out["images"].astype(int) - to_uint8(reference).astype(int)).max() <= 1
    else:  # a classifier: the most probable class of each image
        np.testing.assert_array_equal(out["classes"], reference.argmax(-1))


@pytest.mark.parametrize("name", NAMES)
def test_each_weight_is_stored_once(exported, name):
    """Tracking a network beside its endpoints stored every weight twice."""
    model, result = exported_model(exported, name)
    stored = tf.train.list_variables(str(result.saved_model / "variables" / "variables"))
    weights = {id(w): w for n in model.export_networks() for w in n.weights}.values()
    stored_values = sum(int(np.prod(shape)) for _, shape in stored)
    assert stored_values < 1.5 * sum(int(np.prod(w.shape)) for w in weights)


@pytest.mark.parametrize("name", NAMES)
def test_every_op_is_stock_tensorflow(exported, name):
    exported_model(exported, name)
    ops = exported["standalone"][str(exported["results"][name].saved_model)]
    assert ops["ops"] and ops["not_stock"] == []


@pytest.mark.parametrize("name", NAMES)
def test_signatures(exported, loaded, name):
    model, _ = exported_model(exported, name)
    signatures = loaded[name].signatures
    spec = model.generator_input_spec()
    default = signatures["serving_default"]
    assert set(default.structured_input_signature[1]) == set(spec)
    assert set(default.structured_outputs) == set(model.output_spec())
    assert ("sample" in signatures) == ("interpolate" in signatures) == ("z" in spec)
    card = json.loads((exported["results"][name].saved_model / "model_card.json").read_text())
    assert set(card["signatures"]) == set(signatures) - {"__saved_model_init_op"}
    assert all(s["method_name"] == "tensorflow/serving/predict"
               for s in card["signatures"].values())


@pytest.mark.parametrize("name", NAMES)
def test_sample_and_interpolate(exported, loaded, name):
    from tfgan_zoo.latent import interpolate
    model, _ = exported_model(exported, name)
    signatures = loaded[name].signatures
    if "z" not in model.generator_input_spec():
        pytest.skip("no noise input: no sample or interpolate signature")
    extra = {k: tf.constant(v[:1]) for k, v in model.example_inputs(1).items() if k != "z"}
    out = signatures["sample"](seed=tf.constant(11, tf.int64),
                               num_images=tf.constant(3), **extra)
    z = tf.random.stateless_normal([3, model.latent_dim], [11, 0]).numpy()
    np.testing.assert_allclose(out["z"], z, atol=1e-6)
    batch = {"z": z, **{k: np.repeat(v.numpy(), 3, 0) for k, v in extra.items()}}
    assert np.abs(out["images_float"] - keras_images(model, batch)).max() <= SAVED_MODEL_ATOL

    ends = model.example_inputs(2, seed=4)["z"]
    out = signatures["interpolate"](z_start=tf.constant(ends[:1]),
                                    z_end=tf.constant(ends[1:]),
                                    steps=tf.constant(5), **extra)
    np.testing.assert_allclose(out["z"], interpolate(ends[0], ends[1], 5), atol=1e-5)
    batch = {"z": out["z"].numpy(), **{k: np.repeat(v.numpy(), 5, 0)
                                       for k, v in extra.items()}}
    assert np.abs(out["images_float"] - keras_images(model, batch)).max() <= SAVED_MODEL_ATOL


@pytest.mark.parametrize("name", NAMES)
def test_warmup_records_parse_and_replay(exported, loaded, name):
    from tensorflow_serving.apis import prediction_log_pb2
    _, result = exported_model(exported, name)
    records = serving.read_warmup(result.saved_model)
    signatures = {r.predict_log.request.model_spec.signature_name for r in records}
    assert signatures == set(loaded[name].signatures) - {"__saved_model_init_op"}
    for record in records:
        assert isinstance(record, prediction_log_pb2.PredictionLog)
        assert record.predict_log.request.model_spec.name == name
        request = record.predict_log.request
        response = serving.grpc_predict(loaded[name], request)
        signature = loaded[name].signatures[request.model_spec.signature_name]
        assert set(response.outputs) == set(signature.structured_outputs)
        if "images" in response.outputs:  # every signature but e.g. embed_text
            images = tf.make_ndarray(response.outputs["images"])
            assert images.dtype == np.uint8 and images.shape[1:] == SHAPE


def _json(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("name", NAMES)
def test_rest_instances_and_inputs(exported, loaded, name):
    model, _ = exported_model(exported, name)
    inputs = model.example_inputs(2, seed=8)
    reference = keras_images(model, inputs)
    rows = [{k: v[i].tolist() for k, v in inputs.items()} for i in range(2)]
    body = json.dumps({"signature_name": "serving_default", "instances": rows})
    predictions = _json(serving.rest_predict(loaded[name], body))["predictions"]
    assert len(predictions) == 2 and set(predictions[0]) == set(model.output_spec())
    key = model.float_output  # images_float, or a classifier's probabilities
    got = np.array([p[key] for p in predictions], np.float32)
    assert np.abs(got - reference).max() <= SAVED_MODEL_ATOL
    body = json.dumps({"inputs": {k: v.tolist() for k, v in inputs.items()}})
    outputs = _json(serving.rest_predict(loaded[name], body))["outputs"]
    assert np.abs(np.array(outputs[key], np.float32) - reference).max() \
        <= SAVED_MODEL_ATOL
    for other in set(model.output_spec()) - {key}:  # images (uint8) or classes
        np.testing.assert_array_equal(outputs[other], [p[other] for p in predictions])
    if "sample" in loaded[name].signatures:
        extra = {k: v[0].tolist() for k, v in inputs.items() if k != "z"}
        row = serving.rest_predict(loaded[name], {
            "signature_name": "sample",
            "instances": [{"seed": 3, "num_images": 2, **extra}]})
        column = serving.rest_predict(loaded[name], {
            "signature_name": "sample",
            "inputs": {"seed": 3, "num_images": 2,
                       **{k: [v] for k, v in extra.items()}}})
        assert len(row["predictions"]) == 2
        np.testing.assert_array_equal([p["images"] for p in row["predictions"]],
                                      column["outputs"]["images"])


def test_grpc_request_with_output_filter(exported, loaded):
    model = exported["models"]["dcgan"]
    request = serving.predict_request("dcgan", "serving_default",
                                      model.example_inputs(3, seed=2))
    request.output_filter.append("images")
    response = serving.grpc_predict(loaded["dcgan"], request)
    assert list(response.outputs) == ["images"]
    assert tf.make_ndarray(response.outputs["images"]).shape == (3,) + SHAPE


# ---------------------------------------------------------------- TFLite
@pytest.mark.parametrize("name", NAMES)
def test_tflite_variants(exported, name):
    model, result = exported_model(exported, name)
    assert set(result.tflite) == {"float32", "float16", "int8"}
    lite = tflite.lite_model(model)  # e.g. a caption embedding for a string
    inputs = lite.example_inputs(6, seed=9)
    reference = keras_images(lite, inputs)
    measured = {}
    for variant, path in result.tflite.items():
        builtin, custom = tflite.operators(path)
        assert custom == [] and not any(op.startswith("Flex") for op in builtin)
        details = tflite.io_details(path)
        assert set(details["inputs"]) == set(lite.generator_input_spec())
        assert all(d["shape"][0] == 1 for d in details["inputs"].values())
        out = tflite.run(path, inputs)
        for key, spec in model.output_spec().items():  # images: uint8
            assert out[key].dtype == spec.dtype.as_numpy_dtype
        measured[variant] = out[model.float_output]
        info = result.card["tflite"]["variants"][variant]
        assert info["bytes"] == path.stat().st_size and info["latency_ms"] > 0
    assert np.abs(measured["float32"] - reference).max() <= TFLITE_FLOAT32_ATOL
    for variant, minimum in MIN_PSNR.items():
        assert tflite.psnr(measured[variant], reference) >= minimum, variant
    assert result.card["tflite"]["variants"]["int8"]["integer_only"]


@pytest.mark.parametrize("name", NAMES)
def test_int8_keeps_the_label_effect(exported, name):
    """One z under every class: how much the image changes with the label
    must survive int8, or a phone draws the wrong class."""
    model, result = exported_model(exported, name)
    model = tflite.lite_model(model)
    if "label" not in model.generator_input_spec():
        pytest.skip("unconditional")
    assert "ONE_HOT" not in tflite.operators(result.tflite["int8"])[0]
    inputs = model.example_inputs(model.num_classes, seed=3)
    inputs["z"] = np.repeat(inputs["z"][:1], model.num_classes, 0)
    float_effect = keras_images(model, inputs).std(0).mean()
    int8_effect = tflite.run(result.tflite["int8"], inputs)["images_float"].std(0).mean()
    assert 0.8 <= int8_effect / float_effect <= 1.25


def test_int8_calibration_uses_the_recipes_data():
    model = build("cgan")
    config = {"dataset": "mnist5k", "image_size": 16, "channels": 1, "seed": 0}
    inputs, source = tflite.representative_inputs(model, 20, config)
    assert "label from dataset 'mnist5k'" in source and "z from the model's prior" in source
    assert inputs["z"].shape == (20, 8) and inputs["label"].dtype == np.int32
    assert not np.array_equal(inputs["label"], np.arange(20) % 10)  # not the cycle
    with pytest.warns(UserWarning, match="without dataset"):
        inputs, source = tflite.representative_inputs(
            model, 4, {"dataset": "no-such-dataset"})
    assert "label from example_inputs" in source


# ---------------------------------------------------------------- layout
def test_layout_models_config_and_cards(exported):
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2
    root = exported["root"]
    config = text_format.Parse((root / "models.config").read_text(),
                               model_server_config_pb2.ModelServerConfig())
    entries = {c.name: c for c in config.model_config_list.config}
    assert set(entries) == set(exported["results"])
    for name, result in exported["results"].items():
        assert entries[name].base_path == f"/models/{name}"
        assert entries[name].model_platform == "tensorflow"
        assert result.saved_model == root / name / "1"
        assert (result.saved_model / "assets.extra" / "tf_serving_warmup_requests").is_file()
        for directory in (result.saved_model, root / "tflite" / name / "1"):
            card = json.loads((directory / "model_card.json").read_text())
            assert card["name"] == name and card["version"] == 1
            assert card["model"]["registry_name"] == name
            assert set(card["tflite"]["variants"]) == set(result.tflite)
    # Written atomically: no temporary directories are left behind.
    assert not [p for p in root.rglob(".*")]


def test_versions_are_never_overwritten(tmp_path):
    model = build("dcgan")
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
    with pytest.raises(UserError, match=message):
        serving.export_model(build("gan"), tmp_path, **kwargs)


def test_export_generator_for_the_trainer(tmp_path):
    """The trainer's RUN/export: serving_default with the generator inputs,
    atomic, and kept unless overwrite."""
    model = build("cgan")
    path = sm.export_generator(model, tmp_path / "export", config={"dataset": "mnist5k"})
    with pytest.raises(FileExistsError):
        sm.export_generator(model, path)
    sm.export_generator(model, path, config={"dataset": "mnist5k"}, overwrite=True)
    signature = tf.saved_model.load(str(path)).signatures["serving_default"]
    assert set(signature.structured_input_signature[1]) == {"z", "label"}
    assert set(signature.structured_outputs) == {"images", "images_float"}
    assert json.loads((path / "assets.extra" / "config.json").read_text()) == {
        "dataset": "mnist5k"}
    assert json.loads((path / "model_card.json").read_text())["dataset"] == "mnist5k"
    assert [p.name for p in tmp_path.iterdir()] == ["export"]


# ------------------------------------------------------------------- CLI
@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    from tfgan_zoo.config import Config
    from tfgan_zoo.training.trainer import train
    out = tmp_path_factory.mktemp("run")
    train(Config(recipe="tiny", model="dcgan", dataset="mnist5k", image_size=16,
                 steps=2, batch_size=8, out=str(out), sample_every=100,
                 checkpoint_every=100, log_every=100, num_samples=4, epoch_steps=2,
                 export=False, model_args={"latent_dim": 8, "ngf": 8, "ndf": 8}),
          verbose=0)
    return out


def test_model_card_carries_recorded_metrics(tmp_path):
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "fid-n500-seed0.json").write_text(json.dumps(
        {"metrics": {"fid": 31.5}, "protocol": {"real": "mnist5k"}}))
    (tmp_path / "metrics.jsonl").write_text('{"step": 1, "fid": 80}\n{"step": 2, "fid": 60}\n')
    assert serving.read_metrics(tmp_path) == {
        "fid-n500-seed0": {"metrics": {"fid": 31.5}, "protocol": {"real": "mnist5k"}},
        "metrics.jsonl": {"step": 2, "fid": 60}}
    assert serving.read_metrics(tmp_path / "nothing-here") == {}


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
    from tfgan_zoo.export.__main__ import main
    assert main([str(run_dir), "--to", str(tmp_path)] + argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_cli_refuses_an_existing_version_and_a_non_run(run_dir, tmp_path, capsys):
    from tfgan_zoo.export.__main__ import main
    (tmp_path / "tiny" / "3").mkdir(parents=True)
    assert main([str(run_dir), "--to", str(tmp_path), "--version", "3"]) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert main([str(tmp_path), "--to", str(tmp_path)]) == 2
    assert "not a tfgan_zoo run directory" in capsys.readouterr().err
