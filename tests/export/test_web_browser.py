"""Exported pages in a real headless Chromium (Debian's `chromium`, driven
by Playwright): each page loads from a local server with no network,
says ready, and draws what Python's LiteRT interpreter computes for the
same inputs; it is driven as a person would (seed, class, upload, caption),
and each bad input gives one visible line and data-status="error".

Needs `apt-get install chromium`, `pip install playwright` and
`npm install` (package.json: @litertjs/core) in the repository root; each
test skips with a one-line reason without them (and fails in CI)."""

import contextlib
import io
import json
import shutil

import numpy as np
import pytest
from PIL import Image

from tfgan_zoo.export import browser, serving, web
from tfgan_zoo.text import tokenizer
from tests.support.models import build_for_export
from tests.support.web import RUNTIME, need

# name -> (web variant, model overrides); pix2pix maps grayscale edges to
# RGB, as the recipe's edges2photo does, and runs dynamic-range.
MODELS = {"dcgan": ("none", {}), "cgan": ("none", {}),
          "pix2pix": ("dynamic", {"shape": (16, 16, 3), "input_shape": (16, 16, 1)}),
          "stackgan": ("none", {})}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    reason = browser.missing() or (None if RUNTIME.is_dir() else
                                   "no LiteRT.js: run `npm install` in the repository root")
    need(reason is None, reason)
    root = tmp_path_factory.mktemp("pages")
    models, folders = {}, {}
    for name, (quantize, overrides) in MODELS.items():
        models[name] = build_for_export(name, **overrides)
        folders[name] = serving.export_model(
            models[name], root, formats="web", quantize=quantize, measure_inputs=2,
            latency_runs=1, web_runtime=RUNTIME).web.parent
    return models, folders


@pytest.fixture(scope="module")
def chromium(exported):
    with browser.chromium() as instance:
        yield instance


@contextlib.contextmanager
def opened(chromium, folder):
    with browser.serve(folder) as url:
        page = browser.open_page(chromium, url)
        try:
            yield page
        finally:
            page.context.close()


def act(page, action):
    """Do `action` (a function of the page) and wait until the page has
    answered: (data-status, the status line)."""
    page.evaluate("document.body.dataset.status = ''")
    action(page)
    return browser.wait(page)


def assert_parity(folder, record, index=None):
    """The page's images_float for its inputs against Python's LiteRT."""
    inputs, images = record["inputs"], record["images_float"]
    if index is not None:
        inputs, images = inputs[index], images[index]
    reference = web.python_outputs(folder, inputs)["images_float"].ravel()
    diff = np.abs(np.asarray(images, np.float32) - reference).max()
    assert diff <= web.read_spec(folder)["parity_atol"], diff
    assert np.abs(reference).max() > 0.05  # images, not a flat field
    return diff


def loaded(page, folder, tmp_path, name):
    """The first images: ready, timed, each one as Python computes it."""
    assert browser.status(page) == ("ready", "Ready."), page.console[-5:]
    assert "ms per image" in page.inner_text("#timing")
    last = page.evaluate("window.tfganZoo.last")
    for i in range(len(last["inputs"])):
        assert_parity(folder, last, i)
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    return last


def generate(page, values):
    return page.evaluate("(values) => window.tfganZoo.generate(values)", values)


def assert_error(state, *fragments):
    status, line = state
    assert status == "error" and "\n" not in line, state
    for fragment in fragments:
        assert fragment in line, line


def png_file(name, array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


# ------------------------------------------------------------------- kinds
def test_noise_page(exported, chromium, tmp_path):
    models, folders = exported
    with opened(chromium, folders["dcgan"]) as page:
        first = loaded(page, folders["dcgan"], tmp_path, "dcgan")
        assert len(first["inputs"]) == 16
        z = np.random.default_rng(3).standard_normal(8).tolist()
        out = generate(page, {"z": z})
        assert out["inputs"]["z"] == pytest.approx(z) and out["shape"] == [1, 16, 16, 1]
        assert_parity(folders["dcgan"], out)
        page.fill("#seed", "7")
        assert act(page, lambda p: p.click("#sample")) == ("ready", "Ready.")
        seven = page.evaluate("window.tfganZoo.last")
        assert seven["inputs"][0]["z"] != first["inputs"][0]["z"]
        assert_parity(folders["dcgan"], seven, 5)
        page.fill("#seed", "abc")
        assert_error(act(page, lambda p: p.click("#sample")),
                     'seed "abc" is not a whole number')
        page.fill("#seed", "3")
        page.fill("#seed2", "4")
        assert act(page, lambda p: p.click("#interpolate")) == ("ready", "Ready.")
        assert page.is_visible("#interp") and "ms per frame" in page.inner_text("#timing")


def test_class_picker(exported, chromium, tmp_path):
    models, folders = exported
    with opened(chromium, folders["cgan"]) as page:
        loaded(page, folders["cgan"], tmp_path, "cgan")
        assert act(page, lambda p: p.select_option("#label", "3")) == ("ready", "Ready.")
        last = page.evaluate("window.tfganZoo.last")
        assert {tuple(i["label"]) for i in last["inputs"]} == {(3,)}
        assert_parity(folders["cgan"], last, 0)
        other = generate(page, {"z": last["inputs"][0]["z"], "label": 8})
        assert_parity(folders["cgan"], other)
        assert other["images_float"] != last["images_float"][0]  # the label matters


def test_image_upload(exported, chromium, tmp_path):
    models, folders = exported
    rng = np.random.default_rng(0)
    with opened(chromium, folders["pix2pix"]) as page:
        loaded(page, folders["pix2pix"], tmp_path, "pix2pix")
        assert web.read_spec(folders["pix2pix"])["generator"]["variant"] == "dynamic"
        edges = rng.integers(0, 256, (16, 16), dtype=np.uint8)
        state = act(page, lambda p: p.set_input_files("#image", png_file("edges.png", edges)))
        assert state == ("ready", "Ready.")
        last = page.evaluate("window.tfganZoo.last")
        np.testing.assert_allclose(last["inputs"][0]["image"], edges.ravel() / 127.5 - 1,
                                   atol=1e-6)  # decoded exactly, same size: no resampling
        assert_parity(folders["pix2pix"], last, 0)
        assert last["images_float"][0][:3] != last["images_float"][0][3:6]  # RGB out
        wide = rng.integers(0, 256, (24, 40), dtype=np.uint8)
        assert act(page, lambda p: p.set_input_files("#image", png_file("wide.png", wide))
                   ) == ("ready", "Ready.")
        assert "40×24, resized to 16×16" in page.inner_text("#input-caption")
        assert_parity(folders["pix2pix"], page.evaluate("window.tfganZoo.last"), 0)
        text = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a picture"}
        assert_error(act(page, lambda p: p.set_input_files("#image", text)),
                     "notes.txt is not an image")
        photo = png_file("photo.png", rng.integers(0, 256, (16, 16, 3), dtype=np.uint8))
        assert_error(act(page, lambda p: p.set_input_files("#image", photo)),
                     "photo.png has 3 channels (RGB); this model takes 1 (grayscale)")
        alpha = png_file("a.png", np.stack([edges, np.full((16, 16), 100, np.uint8)], -1))
        assert_error(act(page, lambda p: p.set_input_files("#image", alpha)),
                     "a.png has 2 channels (grayscale with transparency)")


def test_caption(exported, chromium, tmp_path):
    models, folders = exported
    model, folder = models["stackgan"], folders["stackgan"]
    with opened(chromium, folder) as page:
        loaded(page, folder, tmp_path, "stackgan")
        caption = "a large red zebra circle"
        page.fill("#caption", caption)
        assert page.inner_text("#words .unknown") == "zebra"  # shown, not dropped
        assert "zebra" in page.inner_text("#unknown")
        assert act(page, lambda p: p.click("#sample")) == ("ready", "Ready.")
        last = page.evaluate("window.tfganZoo.last")
        ids = tokenizer.tokenize([caption], model.vocabulary, model.max_length)[0]
        assert last["inputs"][0]["tokens"] == ids.tolist() and tokenizer.UNKNOWN in ids
        assert_parity(folder, last, 0)
        embedding = web.python_outputs(folder, last["inputs"][0])["embedding"]
        np.testing.assert_allclose(last["inputs"][0]["embedding"], embedding.ravel(), atol=1e-5)
        for text, message in [("", "the caption is empty"),
                              ("red " * (model.max_length + 1), "reads at most"),
                              ("zebra giraffe", "is in the model's vocabulary")]:
            page.fill("#caption", text)
            assert_error(act(page, lambda p: p.click("#sample")), message)


# ------------------------------------------------------------ load errors
def break_missing_model(folder):
    (folder / web.read_spec(folder)["generator"]["file"]).unlink()
    return "is missing (HTTP 404)"


def break_runtime(folder):
    """The published runtime, with no network to fetch it from."""
    spec = web.read_spec(folder)
    spec["runtime"] = web.runtime_spec()
    (folder / "web.json").write_text(json.dumps(spec))
    web.write_page(folder, spec, "offline")
    return "did not load"


@pytest.mark.parametrize("breaking", [break_missing_model, break_runtime])
def test_load_errors_show_one_line(exported, chromium, tmp_path, breaking):
    folder = tmp_path / "page"
    shutil.copytree(exported[1]["dcgan"], folder)
    fragment = breaking(folder)
    with opened(chromium, folder) as page:
        assert_error(browser.status(page), fragment)
        assert page.is_visible("#status")
