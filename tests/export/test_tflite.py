"""Quantized LiteRT variants (tfgan_zoo.export.tflite) on a few models that
stand for their families (noise, label, image, low-res tile and caption
embedding inputs): float16 and full-integer int8 keep a PSNR floor against
the Keras generator with built-in ops only, int8 keeps the label's effect,
and int8 calibration draws from the recipe's data. Float32 parity of every
registered model is in test_registry_export.py."""

import numpy as np
import pytest

from tfgan_zoo.evaluation.metrics import psnr
from tfgan_zoo.export import tflite
from tests.support.models import build_for_export, images

REPRESENTATIVE = ("dcgan", "cgan", "pix2pix", "srgan", "stackgan")
VARIANTS = ("none", "float16", "int8")
# Thresholds of the export issue; measured values are in the model cards.
TFLITE_FLOAT32_ATOL = 1e-4
MIN_PSNR = {"float16": 30.0, "int8": 20.0}
pytestmark = pytest.mark.xdist_group("tflite-variants")


@pytest.fixture(scope="module")
def converted():
    """{name: (model, {variant: flatbuffer}, card info)} of each
    representative model, converted once."""
    out = {}
    for name in REPRESENTATIVE:
        model = build_for_export(name)
        blobs, card = tflite.convert_variants(model, VARIANTS, calibration_samples=20,
                                              measure_inputs=4, latency_runs=1)
        out[name] = model, blobs, card
    return out


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_quantized_variants(converted, name):
    model, blobs, card = converted[name]
    assert set(blobs) == {"float32", "float16", "int8"} == set(card["variants"])
    lite = tflite.lite_model(model)  # e.g. a caption embedding for a string
    inputs = lite.example_inputs(6, seed=9)
    reference = images(lite, inputs)
    measured = {}
    for variant, blob in blobs.items():
        builtin, custom = tflite.operators(blob)
        assert custom == [] and not any(op.startswith("Flex") for op in builtin)
        details = tflite.io_details(blob)
        assert set(details["inputs"]) == set(lite.generator_input_spec())
        assert all(d["shape"][0] == 1 for d in details["inputs"].values())
        out = tflite.run(blob, inputs)
        assert out["images"].dtype == np.uint8
        measured[variant] = out["images_float"]
        info = card["variants"][variant]
        assert info["bytes"] == len(blob) and info["latency_ms"] > 0
    assert np.abs(measured["float32"] - reference).max() <= TFLITE_FLOAT32_ATOL
    for variant, minimum in MIN_PSNR.items():
        assert psnr(measured[variant], reference, per_image=False) >= minimum, variant
    assert card["variants"]["int8"]["integer_only"]


def test_int8_keeps_the_label_effect(converted):
    """One z under every class: how much the image changes with the label
    must survive int8, or a phone draws the wrong class."""
    model, blobs, _ = converted["cgan"]
    assert "ONE_HOT" not in tflite.operators(blobs["int8"])[0]
    inputs = model.example_inputs(model.num_classes, seed=3)
    inputs["z"] = np.repeat(inputs["z"][:1], model.num_classes, 0)
    float_effect = images(model, inputs).std(0).mean()
    int8_effect = tflite.run(blobs["int8"], inputs)["images_float"].std(0).mean()
    assert 0.8 <= int8_effect / float_effect <= 1.25


def test_int8_calibration_uses_the_recipes_data():
    model = build_for_export("cgan")
    config = {"dataset": "mnist5k", "image_size": 16, "channels": 1, "seed": 0}
    inputs, source = tflite.representative_inputs(model, 20, config)
    assert "label from dataset 'mnist5k'" in source and "z from the model's prior" in source
    assert inputs["z"].shape == (20, 8) and inputs["label"].dtype == np.int32
    assert not np.array_equal(inputs["label"], np.arange(20) % 10)  # not the cycle
    with pytest.warns(UserWarning, match="without dataset"):
        inputs, source = tflite.representative_inputs(
            model, 4, {"dataset": "no-such-dataset"})
    assert "label from example_inputs" in source
