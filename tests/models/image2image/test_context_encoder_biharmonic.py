"""The Context Encoder's `fill="biharmonic"`: the exact biharmonic fill of
a fixed hole, one matmul in the graph, equals scikit-image's
`inpaint_biharmonic` (centre hole, and a hole touching the image border
where the stencil is cut); the generator starts as that fill and never sees
the hole; random masks are refused in one line; the SavedModel and the
built-in-ops LiteRT model of a generator over it match Keras. The residual
gate scales by the context's fine detail, so a flat context keeps the fill."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.export import tflite
from tfgan_zoo.export.graph import write_graph
from tfgan_zoo.masks import center_mask
from tfgan_zoo.models.image2image.context_encoder import ContextEncoder
from tfgan_zoo.networks.restoration import BiharmonicFill, DetailGate, biharmonic_operator
from tests.support.models import build_for_export, images, one_line_error


def _patches(n, side, seed=0):
    """Smooth ramps plus noise, so the fill has both structure and range."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:side, 0:side] / side
    smooth = np.stack([np.sin(3 * x + c) * np.cos(2 * y - c) for c in range(3)], -1)
    return np.clip(0.6 * smooth + rng.uniform(-0.4, 0.4, (n, side, side, 3)),
                   -1, 1).astype("float32")


@pytest.mark.parametrize("side,hole", [
    (32, center_mask(32, 32)),
    (12, np.pad(np.ones((4, 5), bool), ((0, 8), (6, 1))) | np.pad(np.ones((2, 3), bool),
                                                                  ((9, 1), (0, 9))))])
def test_biharmonic_fill_equals_scikit_image(side, hole):
    from skimage.restoration import inpaint_biharmonic
    x = _patches(3, side)
    ours = BiharmonicFill(hole)(x * (1 - hole[None, ..., None])).numpy()
    reference = np.stack([inpaint_biharmonic(p.astype(np.float64), hole, channel_axis=-1)
                          for p in x])
    assert np.abs(ours - reference).max() <= 1e-4
    np.testing.assert_array_equal(ours[:, ~hole], x[:, ~hole])
    # Linear in the context, with rows summing to 1 (constants are kept),
    # and only a two-pixel ring of the context matters.
    ring, matrix = biharmonic_operator(hole)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-9)
    if side == 32:
        assert matrix.shape == (256, 132) and ring.min() == 6 * 32 + 8


@pytest.mark.parametrize("generator", ["encoder_decoder", "unet"])
def test_biharmonic_context_encoder_starts_as_the_fill(generator):
    model = ContextEncoder(image_shape=(16, 16, 3), ngf=8, ndf=8, fill="biharmonic",
                           generator=generator, seed=0)
    model.build_networks()
    x = _patches(2, 16, seed=1)
    mask = np.broadcast_to(center_mask(16, 16)[None, ..., None], (2, 16, 16, 1))
    mask = mask.astype("float32")
    out = model.inpaint(x, mask).numpy()
    fill = BiharmonicFill(center_mask(16, 16))(x * (1 - mask)).numpy()
    np.testing.assert_allclose(out, fill, atol=1e-6)
    changed = x.copy()
    changed[:, 4:12, 4:12] = 0.7
    np.testing.assert_allclose(model.inpaint(changed, mask).numpy(), out, atol=1e-6)
    assert ContextEncoder.from_config(model.get_config()).fill == "biharmonic"


def test_biharmonic_fill_refuses_random_masks():
    with pytest.raises(UserError) as info:
        ContextEncoder(image_shape=(16, 16, 3), ngf=8, ndf=8, fill="biharmonic",
                       mask="random")
    one_line_error(info, "fill 'biharmonic'", "--mask center", "--fill diffusion")
    with pytest.raises(UserError, match="solved for 16x16 images, got 8x8"):
        BiharmonicFill(center_mask(16, 16))(np.zeros((1, 8, 8, 3), np.float32))


def _exported_case():
    """A generator over the fill with weights drawn at fan-in scale (the
    residual is not zero), its inputs and its Keras images."""
    model = build_for_export("context_encoder", shape=(16, 16, 3), mask="center",
                             fill="biharmonic")
    lite = tflite.lite_model(model)
    inputs = lite.example_inputs(2, seed=3)
    inputs["image"] = _patches(2, 16, seed=2) * (1 - inputs["mask"])
    reference = images(lite, inputs)
    fill = BiharmonicFill(center_mask(16, 16))(inputs["image"]).numpy()
    assert np.abs(reference - fill).max() > 1e-2
    return model, inputs, reference


def test_biharmonic_generator_saved_model_parity(tmp_path):
    model, inputs, reference = _exported_case()
    write_graph(model, tmp_path / "export")  # the SavedModel `export` writes
    served = tf.saved_model.load(str(tmp_path / "export")).signatures["serving_default"](
        **{k: tf.constant(v) for k, v in inputs.items()})
    np.testing.assert_allclose(served["images_float"].numpy(), reference, atol=1e-5)


def test_biharmonic_generator_litert_builtins_parity():
    model, inputs, reference = _exported_case()
    blob = tflite.convert(model)
    builtin, custom = tflite.operators(blob)
    assert custom == [] and not any(op.startswith("Flex") for op in builtin)
    np.testing.assert_allclose(tflite.run(blob, inputs)["images_float"], reference,
                               atol=1e-4)


def test_detail_gate_scales_the_residual_by_the_context_detail():
    from scipy.ndimage import convolve
    x = _patches(2, 16, seed=4)
    mask = np.zeros((2, 16, 16, 1), np.float32)
    mask[:, 4:12, 4:12] = 1
    residual = np.ones_like(x)
    out = DetailGate(scale=0.5)([residual, x, mask]).numpy()
    kernel = np.outer([1, 2, 1], [1, 2, 1])[..., None] / 16
    detail = np.abs(x - np.stack([convolve(p, kernel, mode="reflect") for p in x])).mean(-1)
    expected = [(d[m[..., 0] == 0]).mean() / 0.5 for d, m in zip(detail, mask)]
    np.testing.assert_allclose(out[:, 0, 0, 0], expected, rtol=1e-5)
    # A flat context has no detail: a generator with the gate keeps the fill
    # whatever its (spread) weights predict.
    model = build_for_export("context_encoder", shape=(16, 16, 3), mask="center",
                             fill="biharmonic", residual_gate="detail")
    flat = np.full((1, 16, 16, 3), 0.3, np.float32)
    np.testing.assert_allclose(model.inpaint(flat, mask[:1]).numpy(), flat, atol=1e-6)
    with pytest.raises(UserError, match="pass --fill diffusion or --fill biharmonic"):
        ContextEncoder(image_shape=(16, 16, 3), residual_gate="detail")
    with pytest.raises(UserError, match="unknown residual gate 'edge': choose none, detail"):
        ContextEncoder(image_shape=(16, 16, 3), fill="diffusion", residual_gate="edge")
