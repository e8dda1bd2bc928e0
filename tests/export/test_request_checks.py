"""Every exported signature refuses a malformed request with an error, never
a garbage image: asserts built from the model's Input table, in the graph,
so they hold in TF Serving. The LiteRT graph carries none and still
converts with built-in ops only."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import registry
from tfgan_zoo.export import tflite
from tfgan_zoo.export.graph import MAX_IMAGES, write_graph
from tfgan_zoo.export.saved_model import export_saved_model

SHAPE = (16, 16, 1)
MODELS = ("cgan", "srgan", "gan_int_cls", "context_encoder")


def build(name):
    cls = registry.get_model_class(name)
    kwargs = dict(image_shape=SHAPE, num_classes=10, latent_dim=8, seed=0)
    model = cls(**{**kwargs, **getattr(cls, "test_config", {})})
    model.build_networks()
    return model


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """{name: (model, loaded SavedModel)} for a few kinds of input."""
    root = tmp_path_factory.mktemp("served")
    found = {}
    for name in MODELS:
        model = build(name)
        export_saved_model(model, root / name)
        found[name] = model, tf.saved_model.load(str(root / name))
    return found


def call(served, name, signature, **inputs):
    return served[name][1].signatures[signature](
        **{k: tf.constant(v) for k, v in inputs.items()})


Z = np.zeros((2, 8), np.float32)
LABELS = np.array([1, 2], np.int32)
SEED = np.int64(3)
LONG = " ".join(["red"] * 17)  # the text encoder reads 16 words


@pytest.mark.parametrize("name, signature, inputs, message", [
    ("cgan", "serving_default", dict(z=Z, label=np.array([1, 10], np.int32)),
     "label must be at most 9"),
    ("cgan", "serving_default", dict(z=Z, label=np.array([-1, 0], np.int32)),
     "label must be at least 0"),
    ("cgan", "serving_default", dict(z=np.full((2, 8), np.nan, np.float32), label=LABELS),
     "z must be finite"),
    ("cgan", "serving_default", dict(z=np.zeros((2, 9), np.float32), label=LABELS),
     "z must have shape [B, 8]"),
    ("cgan", "serving_default", dict(z=np.zeros((3, 8), np.float32), label=LABELS),
     "label must have as many rows as z"),
    ("cgan", "serving_default", dict(z=np.zeros((MAX_IMAGES + 1, 8), np.float32),
                                     label=np.zeros(MAX_IMAGES + 1, np.int32)),
     f"at most {MAX_IMAGES} rows per request"),
    ("cgan", "sample", dict(seed=SEED, num_images=np.int32(0), label=LABELS[:1]),
     "num_images must be at least 1"),
    ("cgan", "sample", dict(seed=SEED, num_images=np.int32(-5), label=LABELS[:1]),
     "num_images must be at least 1"),
    ("cgan", "sample", dict(seed=SEED, num_images=np.int32(10 ** 6), label=LABELS[:1]),
     f"num_images must be at most {MAX_IMAGES} per request"),
    ("cgan", "sample", dict(seed=SEED, num_images=np.int32(2), label=np.int32([12])),
     "label must be at most 9"),
    ("cgan", "interpolate", dict(z_start=Z, z_end=Z, steps=np.int32(0), label=LABELS),
     "steps must be at least 1"),
    ("cgan", "interpolate", dict(z_start=Z, z_end=Z, steps=np.int32(200), label=LABELS),
     f"rows x steps must be at most {MAX_IMAGES}"),
    ("cgan", "interpolate", dict(z_start=Z, z_end=np.full((2, 8), np.inf, np.float32),
                                 steps=np.int32(2), label=LABELS), "z_end must be finite"),
    ("srgan", "serving_default", dict(image=np.full((1, 4, 4, 1), 2.0, np.float32)),
     "image must be at most 1"),
    ("srgan", "serving_default", dict(image=np.zeros((1, 4, 4, 3), np.float32)),
     "image must have shape [B, any, any, 1]"),
    ("srgan", "serving_default", dict(image=np.zeros((1, 0, 4, 1), np.float32)),
     "image must have at least one pixel on each side"),
    ("srgan", "serving_default", dict(image=np.zeros((1, 5000, 1, 1), np.float32)),
     "image must be at most 4096 pixels a side"),
    ("context_encoder", "serving_default",
     dict(image=np.zeros((1, 16, 16, 1), np.float32), mask=np.full((1, 16, 16, 1), 3.0,
                                                                   np.float32)),
     "mask must be at most 1"),
    ("context_encoder", "serving_default",
     dict(image=np.zeros((1, 8, 8, 1), np.float32), mask=np.zeros((1, 16, 16, 1),
                                                                  np.float32)),
     "image must have shape [B, 16, 16, 1]"),
    ("gan_int_cls", "serving_default", dict(text=np.array([""]), z=Z[:1]),
     "text must not be empty"),
    ("gan_int_cls", "serving_default", dict(text=np.array(["   "]), z=Z[:1]),
     "text must not be empty"),
    ("gan_int_cls", "serving_default", dict(text=np.array([LONG]), z=Z[:1]),
     "text must be at most 16 words"),
    ("gan_int_cls", "serving_default", dict(text=np.array(["x" * 3000]), z=Z[:1]),
     "text must be at most 2000 bytes"),
    ("gan_int_cls", "embed_text", dict(text=np.array(["a red circle", ""])),
     "text must not be empty"),
    ("gan_int_cls", "interpolate_text",
     dict(text_start=np.array(["a red circle"]), text_end=np.array([LONG]), z=Z[:1],
          steps=np.int32(2)), "text_end must be at most 16 words"),
    ("gan_int_cls", "sample", dict(seed=SEED, num_images=np.int32(300),
                                   text=np.array(["a red circle"])),
     f"num_images must be at most {MAX_IMAGES}"),
])
def test_malformed_requests_are_refused(served, name, signature, inputs, message):
    with pytest.raises(tf.errors.InvalidArgumentError) as error:
        call(served, name, signature, **inputs)
    assert message in str(error.value)


def test_a_wrong_dtype_is_refused_by_the_signature(served):
    with pytest.raises((tf.errors.InvalidArgumentError, TypeError, ValueError)):
        call(served, "cgan", "serving_default", z=Z.astype(np.int32), label=LABELS)
    with pytest.raises((tf.errors.InvalidArgumentError, TypeError, ValueError)):
        call(served, "cgan", "serving_default", z=Z, label=LABELS.astype(np.float32))


def test_valid_requests_still_answer(served):
    out = call(served, "cgan", "serving_default", z=Z, label=np.array([0, 9], np.int32))
    assert out["images"].shape == (2, *SHAPE)
    out = call(served, "cgan", "sample", seed=SEED, num_images=np.int32(MAX_IMAGES),
               label=LABELS[:1])
    assert out["images"].shape[0] == MAX_IMAGES
    out = call(served, "srgan", "serving_default",
               image=np.linspace(-1, 1, 48, dtype=np.float32).reshape(1, 4, 12, 1))
    assert out["images"].shape == (1, 16, 48, 1)
    words = " ".join(["red"] * 16)  # exactly the most the encoder reads
    out = call(served, "gan_int_cls", "serving_default",
               text=np.array([words, "A small, red circle!"]), z=Z)
    assert out["images"].shape == (2, *SHAPE)


def test_the_litert_graph_has_no_asserts_and_converts_with_builtins(tmp_path):
    model = build("cgan")
    write_graph(model, tmp_path / "checked")
    write_graph(model, tmp_path / "lite", batch_size=1, names=["serving_default"],
                checks=False)
    assert "Assert" in ops_of(tmp_path / "checked")
    assert "Assert" not in ops_of(tmp_path / "lite")
    data = tflite.convert(model)
    builtin, custom = tflite.operators(data)
    assert custom == [] and builtin


def ops_of(directory):
    from tensorflow.core.protobuf import saved_model_pb2
    proto = saved_model_pb2.SavedModel()
    proto.ParseFromString((directory / "saved_model.pb").read_bytes())
    graph = proto.meta_graphs[0].graph_def
    return {n.op for n in graph.node} | {n.op for f in graph.library.function
                                         for n in f.node_def}
