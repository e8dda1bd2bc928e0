"""Every registered model exported as a server and a phone receive it: a
SavedModel that loads and matches Keras with neither tfgan_zoo nor Keras
importable, stock ops only, each weight stored once, its signatures and
model card, `sample` and `interpolate`, warmup records that replay, REST
rows and columns, and a built-in-ops LiteRT model with float32 parity.

Every model is exported once and checked in an interpreter that cannot
import tfgan_zoo. The models are dealt into a few shards, each its own
`xdist_group`, so that the test workers share the exports (one group for all
of them made one worker the suite's critical path); a shard is exported, and
its SavedModels loaded, once. Quantized variants are tested on a few models in
test_tflite.py.
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
from tensorflow.core.framework import types_pb2

from tfgan_zoo import registry
from tfgan_zoo.export import serving, tflite
from tfgan_zoo.export.warmup import read_warmup
from tfgan_zoo.images import to_uint8
from tfgan_zoo.latent import interpolate
from tests.support.models import build_for_export, images
from tests.support.tf_serving_emulator import grpc_predict, rest_predict

NAMES = registry.model_names()
SAVED_MODEL_ATOL = 1e-5
TFLITE_FLOAT32_ATOL = 1e-4
SHARDS = 4


def shard(name):
    """The xdist group that exports `name`: models dealt round the shards in
    registry order, so each shard holds a mix of heavy and light ones."""
    return f"registry-export-{NAMES.index(name) % SHARDS}"


CASES = [pytest.param(name, marks=pytest.mark.xdist_group(shard(name))) for name in NAMES]

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
def shards(tmp_path_factory, request):
    """Each shard's exports, made when its first test asks (`exported`)."""
    selected = {item.callspec.params["name"] for item in request.session.items
                if item.module is request.module and "name" in getattr(
                    getattr(item, "callspec", None), "params", {})}
    made = {}

    def get(group):
        if group not in made:
            made[group] = export_all([n for n in NAMES if n in selected and shard(n) == group],
                                     tmp_path_factory)
        return made[group]
    return get


@pytest.fixture
def exported(shards, name):
    return shards(shard(name))


def export_all(names, tmp_path_factory):
    """`names` exported once each (SavedModel and float32 LiteRT), then loaded
    in one interpreter that cannot import tfgan_zoo (every selected model of a
    shard: all of them in a full run, one with `-k NAME`)."""
    root = tmp_path_factory.mktemp("exports")
    work = tmp_path_factory.mktemp("standalone")
    models, results, inputs, failed = {}, {}, {}, {}
    for name in names:
        try:
            models[name] = build_for_export(name)
            results[name] = serving.export_model(models[name], root, quantize="none",
                                                 measure_inputs=2, latency_runs=1)
        except Exception:  # one broken model fails its own test, not all
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
    standalone = subprocess.run([sys.executable, "-I", str(script), json.dumps(jobs)],
                                cwd=work, env=env, capture_output=True, text=True,
                                timeout=600)
    assert standalone.returncode == 0, standalone.stderr[-3000:]
    report = json.loads(standalone.stdout.strip().splitlines()[-1])
    return {"root": root, "models": models, "results": results, "inputs": inputs,
            "failed": failed, "standalone": report,
            "outputs": {n: dict(np.load(work / f"{n}-out.npz")) for n in results}}


def _json(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("name", CASES)
def test_saved_model(exported, name):
    if name in exported["failed"]:
        pytest.fail(f"exporting {name} failed:\n{exported['failed'][name]}", pytrace=False)
    model, result = exported["models"][name], exported["results"][name]
    directory = str(result.saved_model)
    report = exported["standalone"]
    spec = model.generator_input_spec()
    # saved_model_cli lists serving_default with the named inputs.
    shown = report[directory]["saved_model_cli"]
    blocks = {b.split("']", 1)[0]: b for b in shown.split("signature_def['")[1:]}
    default = blocks["serving_default"]
    assert "Method name is: tensorflow/serving/predict" in default
    assert all(f"inputs['{key}']" in default for key in spec)
    for key, dtype in model.output_spec().items():  # images: uint8; classes: int32
        assert f"outputs['{key}']" in default
        assert types_pb2.DataType.Name(dtype.dtype.as_datatype_enum) in default
    # Plain TensorFlow (no tfgan_zoo, no Keras) matches Keras; stock ops only.
    assert report["tfgan_zoo_importable"] is False and report["loaded_modules"] == []
    assert report[directory]["ops"] and report[directory]["not_stock"] == []
    out, reference = exported["outputs"][name], images(model, exported["inputs"][name])
    assert np.abs(out[model.float_output] - reference).max() <= SAVED_MODEL_ATOL
    if model.sample_kind == "tokens":  # whole ids; the int32 output is their rounding
        np.testing.assert_array_equal(out["tokens"], np.rint(reference).astype(np.int32))
    elif model.sample_kind == "images" and model.draws_images:
        assert out["images"].dtype == np.uint8
        assert np.abs(out["images"].astype(int) - to_uint8(reference).astype(int)).max() <= 1
    elif not model.draws_images:  # a classifier (domain adaptation): the most probable class
        np.testing.assert_array_equal(out["classes"], reference.argmax(-1))
    # Each weight is stored once (tracking a network beside its endpoints
    # stored every weight twice).
    stored = tf.train.list_variables(str(result.saved_model / "variables" / "variables"))
    weights = {id(w): w for n in model.export_networks() for w in n.weights}.values()
    assert (sum(int(np.prod(shape)) for _, shape in stored)
            < 1.5 * sum(int(np.prod(w.shape)) for w in weights))
    # Signatures, and the card that describes them.
    loaded = tf.saved_model.load(directory)
    signatures = loaded.signatures
    assert set(signatures["serving_default"].structured_input_signature[1]) == set(spec)
    assert set(signatures["serving_default"].structured_outputs) == set(model.output_spec())
    assert ("sample" in signatures) == ("interpolate" in signatures) == ("z" in spec)
    card = json.loads((result.saved_model / "model_card.json").read_text())
    assert set(card["signatures"]) == set(signatures) - {"__saved_model_init_op"}
    assert card["name"] == name and card["version"] == 1
    # Warmup records: one per signature, each replays.
    records = read_warmup(result.saved_model)
    assert ({r.predict_log.request.model_spec.signature_name for r in records}
            == set(signatures) - {"__saved_model_init_op"})
    for record in records:
        request = record.predict_log.request
        response = grpc_predict(loaded, request)
        assert set(response.outputs) == set(
            signatures[request.model_spec.signature_name].structured_outputs)
    # REST: rows and columns give the same images as Keras.
    example = model.example_inputs(2, seed=8)
    reference = images(model, example)
    rows = [{k: v[i].tolist() for k, v in example.items()} for i in range(2)]
    predictions = _json(rest_predict(loaded, json.dumps({"instances": rows})))["predictions"]
    # (a signature with one output, e.g. `series`, answers bare values, as TF Serving does)
    got = np.array([p[model.float_output] if isinstance(p, dict) else p
                    for p in predictions], np.float32)
    assert np.abs(got - reference).max() <= SAVED_MODEL_ATOL
    columns = {"inputs": {k: v.tolist() for k, v in example.items()}}
    outputs = _json(rest_predict(loaded, json.dumps(columns)))["outputs"]
    for key in set(model.output_spec()) - {model.float_output}:  # images or classes
        np.testing.assert_array_equal(outputs[key], [p[key] for p in predictions])


@pytest.mark.parametrize("name", CASES)
def test_sample_and_interpolate(exported, name):
    if name in exported["failed"]:
        pytest.fail(f"exporting {name} failed:\n{exported['failed'][name]}", pytrace=False)
    model = exported["models"][name]
    if "z" not in model.generator_input_spec():
        pytest.skip("no noise input: no sample or interpolate signature")
    signatures = tf.saved_model.load(str(exported["results"][name].saved_model)).signatures
    extra = {k: tf.constant(v[:1]) for k, v in model.example_inputs(1).items() if k != "z"}
    out = signatures["sample"](seed=tf.constant(11, tf.int64),
                               num_images=tf.constant(3), **extra)
    z = tf.random.stateless_normal([3, model.latent_dim], [11, 0]).numpy()
    np.testing.assert_allclose(out["z"], z, atol=1e-6)
    batch = {"z": z, **{k: np.repeat(v.numpy(), 3, 0) for k, v in extra.items()}}
    assert np.abs(out[model.float_output] - images(model, batch)).max() <= SAVED_MODEL_ATOL
    ends = model.example_inputs(2, seed=4)["z"]
    out = signatures["interpolate"](z_start=tf.constant(ends[:1]), z_end=tf.constant(ends[1:]),
                                    steps=tf.constant(5), **extra)
    np.testing.assert_allclose(out["z"], interpolate(ends[0], ends[1], 5), atol=1e-5)
    batch = {"z": out["z"].numpy(), **{k: np.repeat(v.numpy(), 5, 0) for k, v in extra.items()}}
    assert np.abs(out[model.float_output] - images(model, batch)).max() <= SAVED_MODEL_ATOL


@pytest.mark.parametrize("name", CASES)
def test_tflite_float32(exported, name):
    if name in exported["failed"]:
        pytest.fail(f"exporting {name} failed:\n{exported['failed'][name]}", pytrace=False)
    model, result = exported["models"][name], exported["results"][name]
    path = result.tflite["float32"]
    builtin, custom = tflite.operators(path)
    assert custom == [] and not any(op.startswith("Flex") for op in builtin)
    lite = tflite.lite_model(model)  # e.g. a caption embedding for a string
    details = tflite.io_details(path)
    assert set(details["inputs"]) == set(lite.generator_input_spec())
    assert all(d["shape"][0] == 1 for d in details["inputs"].values())
    inputs = lite.example_inputs(3, seed=9)
    out = tflite.run(path, inputs)
    for key, dtype in model.output_spec().items():  # images: uint8; classes: int32
        assert out[key].dtype == dtype.dtype.as_numpy_dtype
    assert (np.abs(out[model.float_output] - images(lite, inputs)).max()
            <= TFLITE_FLOAT32_ATOL)
    info = result.card["tflite"]["variants"]["float32"]
    assert info["bytes"] == path.stat().st_size and info["latency_ms"] > 0
