"""The global skips of the SRGAN and Context Encoder recipes: a bicubic
upsampling written in TFLite built-ins equals TensorFlow's; SRGAN with
`residual` starts as bicubic upscaling; the diffusion fill keeps the
context and reproduces smooth (linear) images; a Context Encoder with
`fill="diffusion"` (either generator) starts as that fill and never sees
the hole; the `sr:F:SHORT` dataset reduces the photos first."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.augment import symmetry_augment
from tfgan_zoo.data import load_dataset
from tfgan_zoo.errors import UserError
from tfgan_zoo.masks import center_mask
from tfgan_zoo.models.image2image.context_encoder import ContextEncoder
from tfgan_zoo.models.image2image.srgan import SRGAN
from tfgan_zoo.networks.restoration import BicubicUpsample, DiffusionFill


def _uniform(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


@pytest.mark.parametrize("scale,shape", [(4, (2, 6, 7, 3)), (2, (1, 5, 4, 1))])
def test_bicubic_upsample_equals_tf_image_resize(scale, shape):
    x = _uniform(shape)
    expected = tf.image.resize(x, (shape[1] * scale, shape[2] * scale), method="bicubic")
    np.testing.assert_allclose(BicubicUpsample(scale)(x).numpy(), expected.numpy(),
                               atol=1e-5)


def test_residual_srgan_starts_as_bicubic_upscaling():
    model = SRGAN(image_shape=(16, 16, 3), filters=8, num_blocks=1, ndf=4,
                  residual=True, seed=0)
    model.build_networks()
    x = _uniform((2, 4, 5, 3)) * 0.9
    bicubic = np.clip(tf.image.resize(x, (16, 20), method="bicubic").numpy(), -1, 1)
    np.testing.assert_allclose(model.upscale(x), bicubic, atol=1e-5)
    assert SRGAN.from_config(model.get_config()).residual is True


def test_diffusion_fill_keeps_the_context_and_continues_a_ramp():
    mask = np.broadcast_to(center_mask(16, 16)[None, ..., None], (1, 16, 16, 1))
    mask = mask.astype("float32")
    ramp = np.broadcast_to(np.linspace(-0.8, 0.8, 16)[None, None, :, None],
                           (1, 16, 16, 3)).astype("float32")
    filled = DiffusionFill()([ramp * (1 - mask), mask]).numpy()
    keep = mask[..., 0] == 0
    np.testing.assert_allclose(filled[keep], ramp[keep], atol=1e-6)
    # A linear image is harmonic and biharmonic: the fill continues it.
    assert np.abs(filled - ramp).max() < 0.02


@pytest.mark.parametrize("generator", ["encoder_decoder", "unet"])
def test_diffusion_context_encoder_starts_as_the_fill_and_never_sees_the_hole(generator):
    model = ContextEncoder(image_shape=(16, 16, 3), ngf=8, ndf=8, fill="diffusion",
                           generator=generator, seed=0)
    model.build_networks()
    images = _uniform((2, 16, 16, 3))
    mask = np.broadcast_to(center_mask(16, 16)[None, ..., None], (2, 16, 16, 1))
    mask = mask.astype("float32")
    out = model.inpaint(images, mask).numpy()
    smooth = DiffusionFill()([images * (1 - mask), mask]).numpy()
    np.testing.assert_allclose(out, np.clip(smooth, -1, 1), atol=1e-5)
    changed = images.copy()
    changed[:, 4:12, 4:12] = 0.7
    np.testing.assert_allclose(model.inpaint(changed, mask).numpy(), out, atol=1e-6)
    with pytest.raises(UserError, match="unknown fill"):
        ContextEncoder(image_shape=(16, 16, 3), fill="mean", generator=generator)
    assert ContextEncoder.from_config(model.get_config()).generator_kind == generator


def test_unet_context_encoder_has_skips_and_rejects_unknown_generators():
    model = ContextEncoder(image_shape=(16, 16, 3), ngf=8, ndf=8, generator="unet", seed=0)
    model.build_networks()
    # Without the fill it is a plain U-Net over the masked image: a tanh
    # output that already differs from the input inside the hole.
    images = _uniform((2, 16, 16, 3))
    mask = np.broadcast_to(center_mask(16, 16)[None, ..., None], (2, 16, 16, 1))
    out = model.inpaint(images, mask.astype("float32")).numpy()
    assert out.shape == images.shape and np.abs(out[:, 4:12, 4:12]).max() > 0
    assert any(type(layer).__name__ == "Concatenate"
               for layer in model.generator.get_layer("generator_unet").layers)
    with pytest.raises(UserError, match="unknown generator 'resnet': choose encoder_decoder, unet"):
        ContextEncoder(image_shape=(16, 16, 3), generator="resnet")


def test_sr_with_a_short_side_reduces_the_photos_first():
    data = load_dataset("sr:4:128", batch_size=2, image_size=32, shuffle=False,
                        repeat=False, split="test")
    low, high = next(iter(data.dataset))
    assert data.name == "sr:4:128" and low.shape == (2, 8, 8, 3) and high.shape == (2, 32, 32, 3)
    for bad in ("sr:4:x", "sr:4:0", "sr:1"):
        with pytest.raises(UserError, match="sr:4:128"):
            load_dataset(bad, batch_size=2, image_size=32)


def test_augmented_pairs_stay_pairs():
    high = _uniform((8, 8, 8, 3))
    low = tf.nn.avg_pool2d(high, 2, 2, "VALID")  # commutes with every transform
    a_low, a_high = symmetry_augment((low, tf.constant(high)), tf.constant([3, 4]))
    np.testing.assert_allclose(tf.nn.avg_pool2d(a_high, 2, 2, "VALID"), a_low, atol=1e-6)
    assert not np.allclose(a_high.numpy(), high)
    # Each output is a flip/transpose/permutation/inversion of its own input.
    assert np.allclose(np.sort(np.abs(a_high.numpy()).ravel()), np.sort(np.abs(high).ravel()))


def test_diffusion_fill_converts_to_tflite_builtins():
    import keras
    from ai_edge_litert.interpreter import Interpreter
    image, mask = keras.Input((8, 8, 3), batch_size=1), keras.Input((8, 8, 1), batch_size=1)
    model = keras.Model([image, mask], DiffusionFill(2, 3)([image, mask]))
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    interpreter = Interpreter(model_content=converter.convert())
    interpreter.allocate_tensors()
    x = _uniform((1, 8, 8, 3))
    m = np.zeros((1, 8, 8, 1), np.float32)
    m[:, 2:6, 2:6] = 1
    for detail in interpreter.get_input_details():
        interpreter.set_tensor(detail["index"], m if detail["shape"][-1] == 1 else x)
    interpreter.invoke()
    out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    np.testing.assert_allclose(out, model([x, m]).numpy(), atol=1e-5)


def test_inpaint_with_a_short_side_reduces_the_photos_first():
    data = load_dataset("inpaint:center:128", batch_size=2, image_size=32, shuffle=False,
                        repeat=False, split="test")
    masked, full = next(iter(data.dataset))
    assert data.name == "inpaint:center:128" and masked.shape == full.shape == (2, 32, 32, 3)
    hole = center_mask(32, 32).astype(bool)
    assert np.all(masked.numpy()[:, hole] == 0) and np.any(full.numpy()[:, hole] != 0)
    # The same boxes on photos half the size: different patches.
    default = load_dataset("inpaint:center", batch_size=2, image_size=32, shuffle=False,
                           repeat=False, split="test")
    assert default.name == "inpaint:center"
    assert not np.allclose(next(iter(default.dataset))[1].numpy(), full.numpy())
    for bad in ("inpaint:center:x", "inpaint:center:0", "inpaint:ring:128"):
        with pytest.raises(UserError, match="inpaint"):
            load_dataset(bad, batch_size=2, image_size=32)
