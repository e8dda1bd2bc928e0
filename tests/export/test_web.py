"""The web export without a browser: the folder it writes, web.json from
the generator-inputs table, the text encoder as a second LiteRT model, the
variant choice, the CLI, and the page's pure helpers (inputs.js) run in
node against their Python twins. Pages in a real Chromium are in
test_web_browser.py."""

import io
import json
import shutil
import subprocess
import textwrap

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tfgan_zoo import latent
from tfgan_zoo.errors import UserError
from tfgan_zoo.export import serving, tflite, web
from tfgan_zoo.text import tokenizer
from tests.support.models import build_for_export, tiny_run
from tests.support.web import RUNTIME, need

NODE = shutil.which("node")


def node(script, *args):
    """Run an ES module `script` beside inputs.js; returns its JSON output."""
    need(NODE, "no node: install Node.js to test the page's scripts")
    module = (web.ASSETS / "inputs.js").as_uri()
    code = f"import * as page from {json.dumps(module)};\n" + textwrap.dedent(script)
    done = subprocess.run([NODE, "--input-type=module", "-e", code, *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


# ------------------------------------------------------------------ export
@pytest.fixture(scope="module")
def stackgan():
    # Its text encoder keeps Keras's random (unseeded) initial weights: one
    # instance throughout.
    return build_for_export("stackgan")


@pytest.fixture(scope="module")
def exported(stackgan, tmp_path_factory):
    return serving.export_model(
        stackgan, tmp_path_factory.mktemp("web"), formats="web", quantize="none",
        measure_inputs=2, latency_runs=1, web_runtime=RUNTIME if RUNTIME.is_dir() else None)


def test_export_writes_a_self_contained_page(exported):
    folder = exported.web.parent
    assert folder.parts[-3:] == ("web", "stackgan", "1")
    spec = json.loads((folder / "web.json").read_text())
    assert spec["format"] == web.FORMAT and spec["image_shape"] == [16, 16, 1]
    assert spec["generator"]["variant"] == "float32"  # small: within the page budget
    assert spec["generator"]["why"] == "the only variant asked for"
    assert (folder / spec["generator"]["file"]).is_file()
    assert spec["generator"]["inputs"] == {"embedding": {"shape": [1, 16], "dtype": "float32"},
                                           "z": {"shape": [1, 8], "dtype": "float32"}}
    assert [(e["name"], e["kind"]) for e in spec["inputs"]] == [("embedding", "text"),
                                                                ("z", "noise")]
    for file in ("index.html", "model_card.json", web.TEXT_ENCODER_FILE, *web.PAGE_FILES):
        assert (folder / file).is_file(), file
    html = (folder / "index.html").read_text()
    assert "{{" not in html and '<script type="module" src="app.js">' in html
    import_map = html.split('<script type="importmap">')[1].split("</script>")[0]
    assert json.loads(import_map) == {"imports": spec["runtime"]["imports"]}
    if RUNTIME.is_dir():
        assert spec["runtime"]["source"] == "bundled"
        for package, files in web.RUNTIME_FILES.items():
            for file in files:
                assert (folder / web.RUNTIME_DIR / package / file).is_file()
    assert "Web page" in exported.summary() and "http.server" in exported.summary()


def test_text_encoder_runs_token_ids_as_the_keras_encoder(exported, stackgan):
    """The second LiteRT model: token ids [1, max_length] -> the embedding
    the generator takes, as the model's own encoder computes it."""
    model = stackgan
    folder = exported.web.parent
    entry = json.loads((folder / "web.json").read_text())["inputs"][0]
    spec = entry["tokenizer"]
    assert spec["vocabulary"][:2] == ["", "[UNK]"] and spec["max_length"] == model.max_length
    assert spec["vocabulary"][2:] == list(model.vocabulary)
    ids = tokenizer.tokenize(["a large red circle", "a small blue square above a white cross"],
                             model.vocabulary, model.max_length)
    lite = tflite.run(folder / web.TEXT_ENCODER_FILE, {"tokens": ids})["embedding"]
    np.testing.assert_allclose(lite, model.embed_tokens(ids).numpy(), atol=1e-5)
    builtin, custom = tflite.operators(folder / web.TEXT_ENCODER_FILE)
    assert not custom and "WHILE" in builtin  # the GRU, as built-in control flow


def test_python_outputs_chain_the_two_models(exported, stackgan):
    folder = exported.web.parent
    model = stackgan
    ids = tokenizer.tokenize(["a large red circle"], model.vocabulary, model.max_length)
    z = np.random.default_rng(0).standard_normal((1, 8)).astype("float32")
    out = web.python_outputs(folder, {"tokens": ids[0].tolist(), "z": z.ravel().tolist()})
    keras = model.generate_from({"embedding": model.embed_tokens(ids), "z": tf.constant(z)})
    np.testing.assert_allclose(out["images_float"], keras.numpy(), atol=1e-4)
    assert out["images"].dtype == np.uint8 and out["embedding"].shape == (1, 16)


@pytest.mark.parametrize("name, kinds", [
    ("cgan", {"z": "noise", "label": "label"}),
    ("pix2pix", {"image": "image"}),
    ("gawwn", {"embedding": "text", "z": "noise", "bbox": "fixed"}),
    ("context_encoder", {"image": "image", "mask": "fixed"}),
])
def test_page_inputs_follow_the_generator_inputs_table(name, kinds):
    model = build_for_export(name)
    entries = {e["name"]: e for e in web.page_inputs(model)}
    assert {k: e["kind"] for k, e in entries.items()} == kinds
    view = tflite.LiteView(model).generator_inputs()
    for key, entry in entries.items():
        assert tuple(entry["shape"]) == tuple(view[key].shape)
        if entry["kind"] == "fixed":
            assert np.asarray(entry["example"]).shape == tuple(view[key].shape)
    if "label" in entries:
        assert entries["label"]["num_classes"] == 10


def test_choose_variant_prefers_float32_within_the_budget():
    small, big = {"bytes": 1000}, {"bytes": web.FLOAT32_BUDGET_BYTES + 1}
    dynamic = lambda psnr, spread: {"bytes": 300, "psnr_db_vs_float": psnr,
                                    "kernel_spread": spread}
    assert web.choose_variant({"float32": small, "dynamic": dynamic(50, 0)})[0] == "float32"
    assert web.choose_variant({"float32": big, "dynamic": dynamic(50, 1e-3)})[0] == "dynamic"
    variant, why = web.choose_variant({"float32": big, "dynamic": dynamic(20, 0)})
    assert variant == "float32" and "20.0 dB" in why
    variant, why = web.choose_variant({"float32": big, "dynamic": dynamic(50, 0.05)})
    assert variant == "float32" and "differs by up to 0.05 between two LiteRT kernels" in why
    assert web.choose_variant({"dynamic": small})[0] == "dynamic"
    assert web.candidates(("float16", "dynamic")) == ("dynamic",)
    with pytest.raises(UserError, match="no variant the web page runs"):
        web.candidates(("float16", "int8"))


# --------------------------------------------------------------------- CLI
@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return tiny_run(tmp_path_factory.mktemp("run"))


def test_cli_exports_a_page(run_dir, tmp_path, capsys):
    from tfgan_zoo.export.__main__ import main
    assert main([str(run_dir), "--to", str(tmp_path), "--format", "web",
                 "--quantize", "none"]) == 0
    assert "Web page" in capsys.readouterr().out
    spec = json.loads((tmp_path / "web" / "tiny" / "1" / "web.json").read_text())
    assert spec["runtime"]["source"] == "published"
    assert spec["runtime"]["imports"]["@litertjs/core"] == (
        f"{web.RUNTIME_URL}@litertjs/core@{web.RUNTIME_VERSION}/dist/index.js")
    assert not (tmp_path / "web" / "tiny" / "1" / web.RUNTIME_DIR).exists()
    assert serving.versions(tmp_path, "tiny") == [1]


@pytest.mark.parametrize("argv, message", [
    (["--format", "web", "--web-runtime", "/nonexistent"], "no LiteRT.js runtime in"),
    (["--format", "tflite", "--web-runtime", "/nonexistent"], "--web-runtime applies"),
    (["--format", "web", "--quantize", "int8"], "no variant the web page runs"),
    (["--name", "web"], "invalid model name"),
])
def test_cli_errors(run_dir, tmp_path, capsys, argv, message):
    from tfgan_zoo.export.__main__ import main
    assert main([str(run_dir), "--to", str(tmp_path)] + argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_runtime_must_be_litertjs(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "left-pad"}')
    with pytest.raises(UserError, match="not @litertjs/core"):
        web.runtime_packages(tmp_path)


# ----------------------------------------------------- inputs.js in node
CAPTIONS = ["a large RED circle.", "  a small,  blue\tsquare\nabove a cross ",
            "A zebra: left-of the (white) triangle!", "café red 'circle'",
            "red\u00a0circle blue", "[UNK] red"]  # a no-break space joins words


def test_tokenizer_matches_keras_text_vectorization(stackgan):
    model = stackgan
    spec = web.tokenizer_spec(model.vectorizer)
    out = node("""
        const [spec, captions] = JSON.parse(process.argv[1]);
        const run = (c) => { try { return Array.from(page.tokenize(c, spec).ids); }
                             catch (e) { return e instanceof page.InputError ? e.message : "?"; } };
        console.log(JSON.stringify({ids: captions.map(run),
          unknown: page.tokenize(captions[2], spec).unknown,
          errors: ["", " ,. ", "zebra giraffe", "red ".repeat(spec.max_length + 1)].map(run)}));
    """, json.dumps([spec, CAPTIONS]))
    expected = tokenizer.tokenize(CAPTIONS, model.vocabulary, model.max_length, check=False)
    assert out["ids"] == expected.tolist()
    assert out["unknown"] == ["zebra", "leftof"]  # shown, not dropped
    empty, blank, unknown, long = out["errors"]
    assert empty.startswith("the caption is empty") and blank == empty
    assert "is in the model's vocabulary" in unknown
    assert f"reads at most {model.max_length}" in long


def png(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return list(buffer.getvalue())


def jpeg(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG")
    return list(buffer.getvalue())


def test_seeds_noise_slerp_and_channels():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (4, 4, 3), dtype=np.uint8)
    gray = rgb[..., 0]
    rgba = np.concatenate([rgb, np.full((4, 4, 1), 255, np.uint8)], -1)
    files = {"gray png": png(gray), "rgb png": png(rgb), "rgba png": png(rgba),
             "gray jpeg": jpeg(gray), "rgb jpeg": jpeg(rgb)}
    a, b = rng.standard_normal(8).tolist(), rng.standard_normal(8).tolist()
    out = node("""
        const [files, a, b] = JSON.parse(process.argv[1]);
        const seed = (s) => { try { return page.parseSeed(s); } catch (e) { return e.message; } };
        const noise = Array.from(page.normalNoise(7, 20000));
        const mean = noise.reduce((x, y) => x + y) / noise.length;
        const std = Math.sqrt(noise.reduce((x, y) => x + (y - mean) ** 2, 0) / noise.length);
        console.log(JSON.stringify({
          seeds: ["42", " 7 ", "abc", "-1", "1.5", "4294967296", ""].map(seed),
          prefix: Array.from(page.normalNoise(7, 5)), noise: noise.slice(0, 5), mean, std,
          slerp: [0, 0.3, 1].map((t) => Array.from(page.slerp(a, b, t))),
          declared: Object.fromEntries(Object.entries(files).map(([k, v]) =>
            [k, page.declaredChannels(Uint8Array.from(v))])),
          channels: [page.imageChannels(Uint8Array.from(files["rgba png"]),
                                        new Uint8Array([1, 2, 3, 255])),
                     page.imageChannels(Uint8Array.from(files["rgba png"]),
                                        new Uint8Array([1, 2, 3, 128])),
                     page.imageChannels(new Uint8Array([0]), new Uint8Array([9, 9, 9, 255]))],
          rgba: [0, 255, 51, 255, 102, 153, 204, 128],
          input: [3, 1].map((c) => Array.from(page.toModelInput(
            new Uint8Array([0, 255, 51, 255, 102, 153, 204, 128]), c))),
          shown: [Array.from(page.toRGBA(new Uint8Array([10, 20, 30]), 3)),
                  Array.from(page.toRGBA(new Uint8Array([7]), 1))]}));
    """, json.dumps([files, a, b]))
    assert out["seeds"][:2] == [42, 7]
    assert all(isinstance(m, str) and "is not a whole number" in m for m in out["seeds"][2:])
    assert out["prefix"] == out["noise"]  # image 0 of a grid is the seed's first draw
    assert abs(out["mean"]) < 0.03 and abs(out["std"] - 1) < 0.03
    path = latent.slerp(np.array([a]), np.array([b]), 11).numpy()  # t = 0, 0.1, ...
    np.testing.assert_allclose(out["slerp"], path[[0, 3, 10]], atol=1e-5)
    assert out["declared"] == {"gray png": {"colour": 1, "alpha": False},
                               "rgb png": {"colour": 3, "alpha": False},
                               "rgba png": {"colour": 3, "alpha": True},
                               "gray jpeg": {"colour": 1, "alpha": False},
                               "rgb jpeg": {"colour": 3, "alpha": False}}
    # RGBA counts its alpha only where a pixel uses it; no header: by content.
    assert out["channels"] == [3, 4, 1]
    np.testing.assert_allclose(out["input"][0], [-1, 1, -0.6, -0.2, 0.2, 0.6], atol=1e-6)
    np.testing.assert_allclose(out["input"][1], [-1, -0.2], atol=1e-6)
    assert out["shown"] == [[10, 20, 30, 255], [7, 7, 7, 255]]
