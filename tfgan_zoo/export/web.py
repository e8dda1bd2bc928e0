"""The web export: a static page that runs the generator on the visitor's
own device with LiteRT.js (npm `@litertjs/core`, WebAssembly with XNNPack).

    python -m tfgan_zoo.export RUN --to ROOT --format web \
        [--web-runtime node_modules/@litertjs/core]

    ROOT/web/<name>/<version>/
      index.html               the page: plain HTML, one module script, no build step
      app.js, inputs.js, style.css
      web.json                 the page's inputs and outputs (below)
      <name>_float32.tflite    the generator as LiteRT sees it (`LiteView`, batch 1),
        or <name>_dynamic.tflite   float32 unless that is large (`choose_variant`)
      text_encoder.tflite      text models: token ids [1, max_length] -> embedding
      example.png              image models: the image the page translates first
      model_card.json
      litertjs/                the runtime, with --web-runtime; without it the page
                               loads it from its published URL (`RUNTIME_URL`)

Serve the folder with any static web server (`python -m http.server -d DIR`;
a page opened from file:// cannot fetch its model). `web.json` comes from
the one generator-inputs table (`tfgan_zoo.core.Input`, in its LiteRT form):
each input is `noise` (z, drawn in the page from a seed), `label` (a class
picker), `image` (an upload, resized to the model's input), `text` (a
caption, tokenized in the page with the exported vocabulary and encoded by
`text_encoder.tflite`) or `fixed` (any other input, held at the model's
example value, e.g. GAWWN's boxes or a context encoder's mask).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

from tfgan_zoo.errors import UserError
from tfgan_zoo.export import tflite as tfl
from tfgan_zoo.export.card import write_model_card
from tfgan_zoo.images import to_uint8

WEB_DIR = "web"
FORMAT = "tfgan_zoo.web/1"
ASSETS = Path(__file__).with_name("web")
PAGE_FILES = ("app.js", "inputs.js", "style.css")
# The variants a page may run, and the largest float32 generator it
# downloads before the dynamic-range one (int8 weights) is preferred.
VARIANTS = ("none", "dynamic")
FLOAT32_BUDGET_BYTES = 4 * 2 ** 20
MIN_DYNAMIC_PSNR_DB = 35.0
# Page output against the Python LiteRT interpreter's, per variant.
PARITY_ATOL = {"float32": 1e-4, "dynamic": 2e-2}
# Dynamic-range models quantize activations as they run: a value on a
# rounding edge lands one step apart under two correct kernels (XNNPack in
# WebAssembly, on x86, LiteRT's reference kernels) and the step carries to
# the output. The page runs one only where two of them agree this closely
# on `SPREAD_INPUTS` inputs (`kernel_spread`).
MAX_KERNEL_SPREAD = PARITY_ATOL["dynamic"] / 2
SPREAD_INPUTS = 16

RUNTIME_PACKAGE = "@litertjs/core"
RUNTIME_VERSION = "2.5.3"
RUNTIME_URL = "https://cdn.jsdelivr.net/npm/"
RUNTIME_DIR = "litertjs"
# What the page needs of the npm packages: the ES module, its one import,
# and the WebAssembly runtime with and without relaxed SIMD (LiteRT.js
# picks one; the threaded and JSPI builds are only loaded on request).
RUNTIME_FILES = {"core": ("package.json", "dist/index.js",
                          "wasm/litert_wasm_internal.js", "wasm/litert_wasm_internal.wasm",
                          "wasm/litert_wasm_compat_internal.js",
                          "wasm/litert_wasm_compat_internal.wasm"),
                 "wasm-utils": ("package.json", "dist/index.js")}

# keras.layers.TextVectorization's standardize="lower_and_strip_punctuation"
# (ASCII lower case, then these characters removed) and split="whitespace".
STRIP_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
TEXT_ENCODER_FILE = "text_encoder.tflite"
# What the export measured of the chosen model with Python's interpreter.
MEASURED = ("latency_ms", "max_abs_diff_vs_keras", "psnr_db_vs_float", "kernel_spread")
EXAMPLE_IMAGE = "example.png"


# ----------------------------------------------------------------- variants
def candidates(quantize=None):
    """The variants a page may run: of `quantize` (None: all), those in
    `VARIANTS`."""
    if quantize is None:
        return VARIANTS
    chosen = tuple(q for q in quantize if q in VARIANTS)
    if not chosen:
        raise UserError(f"--quantize {','.join(quantize)} has no variant the web page "
                        "runs: add none (float32) or dynamic")
    return chosen


def over_budget(variants):
    return variants.get("float32", {}).get("bytes", 0) > FLOAT32_BUDGET_BYTES


def choose_variant(variants):
    """(variant name, why) of the measured LiteRT `variants` (the card's
    `tflite.variants`, the dynamic one with its `kernel_spread`): float32
    unless it is over `FLOAT32_BUDGET_BYTES`, and the dynamic-range model
    keeps `MIN_DYNAMIC_PSNR_DB` against it and `MAX_KERNEL_SPREAD`."""
    float32, dynamic = variants.get("float32"), variants.get("dynamic")
    if dynamic is None:
        return "float32", "the only variant asked for"
    if float32 is None:
        return "dynamic", "the only variant asked for"
    mib = float32["bytes"] / 2 ** 20
    if not over_budget(variants):
        return "float32", (f"float32 is {mib:.1f} MiB, within the "
                           f"{FLOAT32_BUDGET_BYTES / 2 ** 20:.0f} MiB page budget")
    psnr, spread = dynamic.get("psnr_db_vs_float"), dynamic["kernel_spread"]
    if psnr is not None and psnr < MIN_DYNAMIC_PSNR_DB:
        return "float32", (f"float32 is {mib:.1f} MiB, but dynamic-range keeps only "
                           f"{psnr:.1f} dB PSNR against it (< {MIN_DYNAMIC_PSNR_DB:.0f})")
    if spread > MAX_KERNEL_SPREAD:
        return "float32", (f"float32 is {mib:.1f} MiB, but dynamic-range differs by up to "
                           f"{spread:.2g} between two LiteRT kernels (> {MAX_KERNEL_SPREAD:g})")
    return "dynamic", (f"float32 is {mib:.1f} MiB; dynamic-range is "
                       f"{dynamic['bytes'] / 2 ** 20:.1f} MiB at "
                       f"{'identical' if psnr is None else f'{psnr:.1f} dB'} PSNR")


def kernel_spread(model_content, inputs):
    """Max abs diff of the images LiteRT's XNNPack and its reference
    kernels compute for `inputs` (see `MAX_KERNEL_SPREAD`)."""
    fast, reference = (tfl.run(model_content, inputs, delegates=d)["images_float"]
                       for d in (True, False))
    return float(np.abs(fast - reference).max())


# ------------------------------------------------------------------- inputs
def text_pipeline(model):
    """(tokenizer, encoder) that a caption goes through before the LiteRT
    generator: the text family's `text_networks()`, a
    `keras.layers.TextVectorization` and a network from its word ids."""
    networks = getattr(model, "text_networks", None)
    if networks is None:
        raise UserError(f"{type(model).__name__} takes a string input but has no "
                        "text_networks() (tokenizer, encoder): the web page cannot "
                        "encode it; export --format saved_model")
    tokenizer, encoder = networks()
    config = tokenizer.get_config()
    wanted = {"standardize": "lower_and_strip_punctuation", "split": "whitespace",
              "output_mode": "int", "ngrams": None}
    other = {k: config.get(k) for k, v in wanted.items() if config.get(k) != v}
    if other or not config.get("output_sequence_length"):
        raise UserError(f"the web page tokenizes like TextVectorization({wanted}) at a "
                        f"fixed output_sequence_length; this model's tokenizer has {other}")
    return tokenizer, encoder


def tokenizer_spec(tokenizer):
    """What `inputs.js` needs to tokenize exactly as the graph does."""
    vocabulary = [str(w) for w in tokenizer.get_vocabulary()]
    if vocabulary[:2] != ["", "[UNK]"]:
        raise UserError("the web page expects a vocabulary with padding and [UNK] first")
    return {"vocabulary": vocabulary, "max_length": int(
        tokenizer.get_config()["output_sequence_length"]), "pad": 0, "unknown": 1,
        "lowercase": "ascii", "strip": STRIP_PUNCTUATION, "split": "whitespace"}


def page_inputs(model, example_image=None):
    """web.json's `inputs`: one entry per LiteRT generator input, with what
    the page does for it (see the module doc). `example_image` (float
    [H, W, C] in [-1, 1]) is the first image an image input translates."""
    view = tfl.LiteView(model)
    served = {(inp.lite_name or name): (name, inp)
              for name, inp in model.generator_inputs().items()}
    examples = view.example_inputs(1, seed=0)
    entries = []
    for name, inp in view.generator_inputs().items():
        served_name, source = served[name]
        entry = {"name": name, "shape": list(inp.shape), "dtype": inp.dtype}
        if source.dtype == "string":
            entry.update(kind="text", source=served_name, encoder={
                "file": TEXT_ENCODER_FILE, "input": "tokens", "output": name},
                example=str(model.example_inputs(1, seed=0)[served_name][0]))
        elif name == "z":
            entry.update(kind="noise")
        elif inp.dtype.startswith("int") and not inp.shape and model.num_classes:
            entry.update(kind="label", num_classes=model.num_classes, example=0)
        elif name == "image" and len(inp.shape) == 3:
            entry.update(kind="image", example=EXAMPLE_IMAGE)
        else:
            entry.update(kind="fixed", example=np.asarray(examples[name][0]).tolist())
        entries.append(entry)
    return entries


def example_image(model, config=None):
    """The first image an image-input page translates: one of the run's
    dataset where it loads here, else the model's example input."""
    inputs, _ = tfl.representative_inputs(tfl.LiteView(model), 1, config)
    return np.asarray(inputs["image"][0])


def png_bytes(image):
    """A float image [H, W, C] in [-1, 1] as PNG bytes (grayscale or RGB)."""
    pixels = to_uint8(image)
    buffer = io.BytesIO()
    Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels).save(
        buffer, format="PNG")
    return buffer.getvalue()


# ------------------------------------------------------------------ runtime
def runtime_packages(directory):
    """{"core": Path, "wasm-utils": Path} of a local LiteRT.js install:
    `directory` is node_modules/@litertjs/core, or a node_modules folder, or
    a folder holding node_modules."""
    directory = Path(directory)
    for core in (directory, directory / "@litertjs" / "core",
                 directory / "node_modules" / "@litertjs" / "core"):
        if (core / "package.json").is_file():
            break
    else:
        raise UserError(f"no LiteRT.js runtime in {directory}: pass --web-runtime "
                        "node_modules/@litertjs/core after `npm install @litertjs/core`")
    name = json.loads((core / "package.json").read_text()).get("name")
    if name != RUNTIME_PACKAGE:
        raise UserError(f"{core} holds the npm package '{name}', not {RUNTIME_PACKAGE}: "
                        "pass --web-runtime node_modules/@litertjs/core")
    for utils in (core.parent / "wasm-utils", core / "node_modules" / "@litertjs" / "wasm-utils"):
        if (utils / "package.json").is_file():
            break
    else:
        raise UserError(f"{core} is missing its dependency @litertjs/wasm-utils: "
                        "reinstall with `npm install @litertjs/core`")
    packages = {"core": core, "wasm-utils": utils}
    missing = [str(packages[p] / f) for p, files in RUNTIME_FILES.items() for f in files
               if not (packages[p] / f).is_file()]
    if missing:
        raise UserError(f"the LiteRT.js install lacks {missing[0]}: reinstall with "
                        "`npm install @litertjs/core`")
    return packages


def copy_runtime(source, directory):
    """Copy the runtime files into `directory/litertjs`; returns the version."""
    packages = runtime_packages(source)
    for package, files in RUNTIME_FILES.items():
        for file in files:
            target = Path(directory) / RUNTIME_DIR / package / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(packages[package] / file, target)
    return json.loads((packages["core"] / "package.json").read_text())["version"]


def runtime_spec(version=None):
    """Where the page loads LiteRT.js from: the copied files (`version`
    given) or the published packages at `RUNTIME_VERSION`."""
    if version:
        base, where = f"./{RUNTIME_DIR}/", "bundled"
        core, utils = f"{base}core/", f"{base}wasm-utils/"
    else:
        version, where = RUNTIME_VERSION, "published"
        core = f"{RUNTIME_URL}{RUNTIME_PACKAGE}@{version}/"
        utils = f"{RUNTIME_URL}@litertjs/wasm-utils@{version}/"
    return {"package": RUNTIME_PACKAGE, "version": version, "source": where,
            "wasm": f"{core}wasm/",
            "imports": {RUNTIME_PACKAGE: f"{core}dist/index.js",
                        "@litertjs/wasm-utils": f"{utils}dist/index.js"}}


# -------------------------------------------------------------------- write
def describe(model, *, name, version, variant, why, info, signature, runtime):
    """The page's web.json."""
    return {"format": FORMAT, "name": name, "version": version,
            "model": type(model).__name__, "image_shape": list(model.image_shape),
            "generator": {"file": info["file"], "variant": variant, "why": why,
                          "bytes": info["bytes"], **signature,
                          "python_litert": {k: info[k] for k in MEASURED if k in info}},
            "inputs": page_inputs(model), "runtime": runtime,
            "parity_atol": PARITY_ATOL[variant]}


def write_page(directory, spec, title):
    """index.html (the import map filled in) and the static page files."""
    template = (ASSETS / "index.html").read_text()
    html = (template.replace("{{TITLE}}", _escape(title))
            .replace("{{IMPORT_MAP}}", json.dumps({"imports": spec["runtime"]["imports"]},
                                                  indent=1)))
    (Path(directory) / "index.html").write_text(html)
    for file in PAGE_FILES:
        shutil.copyfile(ASSETS / file, Path(directory) / file)


def _escape(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def write_web(directory, model, *, blobs, tflite_card, card, config=None, runtime=None):
    """Fill `directory` with the page of `model` (see the module doc):
    `blobs` and `tflite_card` are `tflite.convert_variants`' results for
    `candidates()`, `card` the model card, `runtime` a LiteRT.js install
    to copy (else the page loads the published one). Returns web.json."""
    directory = Path(directory)
    variants = dict(tflite_card["variants"])
    if "dynamic" in variants and over_budget(variants):
        inputs = tfl.LiteView(model).example_inputs(SPREAD_INPUTS, seed=7)
        variants["dynamic"] = {**variants["dynamic"],
                               "kernel_spread": kernel_spread(blobs["dynamic"], inputs)}
    variant, why = choose_variant(variants)
    info = variants[variant]
    (directory / info["file"]).write_bytes(blobs[variant])
    version = copy_runtime(runtime, directory) if runtime else None
    spec = describe(model, name=card["name"], version=card["version"], variant=variant,
                    why=why, info=info, runtime=runtime_spec(version),
                    signature={k: tflite_card[k] for k in ("inputs", "outputs")})
    for entry in spec["inputs"]:
        if entry["kind"] == "text":
            tokenizer, encoder = text_pipeline(model)
            entry["tokenizer"] = tokenizer_spec(tokenizer)
            (directory / TEXT_ENCODER_FILE).write_bytes(tfl.convert_network(
                encoder, entry["encoder"]["input"], entry["encoder"]["output"]))
        if entry["kind"] == "image":
            (directory / EXAMPLE_IMAGE).write_bytes(png_bytes(example_image(model, config)))
    (directory / "web.json").write_text(json.dumps(spec, indent=1) + "\n")
    write_page(directory, spec, f"{card['name']} {card['version']}: {spec['model']}")
    write_model_card(directory, card)
    return spec


# ------------------------------------------------------------- Python twin
def read_spec(directory):
    path = Path(directory) / "web.json"
    if not path.is_file():
        raise UserError(f"{directory} is not a web export (no web.json): export with "
                        "--format web")
    return json.loads(path.read_text())


def python_outputs(directory, inputs):
    """What the Python LiteRT interpreter gives for the inputs a page fed
    (`window.tfganZoo.generate(...).inputs`: flat lists by input name, and
    `tokens` for a caption): {"images_float", "images", and the text
    encoder's output where there is one}, shaped as the model's outputs."""
    directory = Path(directory)
    spec = read_spec(directory)
    feed, extra = {}, {}
    details = spec["generator"]["inputs"]
    for entry in spec["inputs"]:
        name = entry["name"]
        if entry["kind"] == "text" and "tokens" in inputs:
            tokens = np.asarray(inputs["tokens"], np.int32).reshape(1, -1)
            encoded = tfl.run(directory / entry["encoder"]["file"], {"tokens": tokens})
            extra[name] = encoded[entry["encoder"]["output"]]
            feed[name] = extra[name]
        else:
            feed[name] = np.asarray(inputs[name]).reshape(details[name]["shape"])
    outputs = tfl.run(directory / spec["generator"]["file"], feed)
    return {**extra, **outputs}
