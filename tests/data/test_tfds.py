"""Any TensorFlow Datasets image dataset (`tfds:NAME`, tfgan_zoo.data.tfds),
offline: mocked data, a locally prepared dataset read without the network,
and one-line errors when a dataset is unknown or cannot be prepared."""

import time

import numpy as np
import pytest

from tfgan_zoo.data import base, load_dataset
from tfgan_zoo.data import tfds as tfds_source
from tfgan_zoo.errors import UserError

tfds = pytest.importorskip("tensorflow_datasets")


def first_batch(data):
    return [t.numpy() for t in next(iter(data.dataset))]


def error(*args, **kwargs):
    with pytest.raises(UserError) as info:
        load_dataset(*args, **kwargs)
    assert "\n" not in str(info.value), str(info.value)
    return str(info.value)


def test_tfds_mocked_offline(monkeypatch, tmp_path):
    # mock_data makes download_and_prepare a no-op; the probe is the only network use.
    monkeypatch.setattr(tfds_source, "online", lambda: True)
    with tfds.testing.mock_data(num_examples=20):
        data = load_dataset("tfds:mnist", batch_size=8, data_dir=str(tmp_path))
        x, y = first_batch(data)
        assert (data.name, data.image_shape, data.num_classes) == ("tfds:mnist", (28, 28, 1), 10)
        assert data.num_examples == 20 and len(data.class_names) == 10
        assert x.shape == (8, 28, 28, 1) and x.dtype == np.float32 and y.dtype == np.int32
        assert x.min() >= -1 and x.max() <= 1
        assert sum(1 for _ in load_dataset("tfds:mnist", batch_size=8, repeat=False,
                                           data_dir=str(tmp_path)).dataset) == 2
        x = first_batch(load_dataset("tfds:cifar10", batch_size=4, image_size=16, channels=1,
                                     data_dir=str(tmp_path)))[0]
        assert x.shape == (4, 16, 16, 1)
        assert "pass --image-size" in error("tfds:oxford_flowers102", batch_size=4,
                                            data_dir=str(tmp_path))


def test_tfds_not_prepared_offline_is_one_line(monkeypatch, tmp_path):
    def no_download(*args, **kwargs):
        raise AssertionError("download attempted")  # the probe must stop it first
    monkeypatch.setattr(tfds_source, "online", lambda: False)
    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", no_download)
    message = error("tfds:mnist", batch_size=8, data_dir=str(tmp_path))
    assert "not prepared" in message
    assert "'mnist'" in message and str(tmp_path) in message
    assert "tfds build mnist --data_dir DIR" in message and "--data-dir" in message


def test_tfds_download_failure_is_one_line(monkeypatch, tmp_path):
    def failing_download(*args, **kwargs):
        raise ConnectionError("Max retries exceeded\nwith url: ...")
    monkeypatch.setattr(tfds_source, "online", lambda: True)
    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", failing_download)
    message = error("tfds:mnist", batch_size=8, data_dir=str(tmp_path))
    assert "preparing it failed" in message
    assert "ConnectionError: Max retries exceeded" in message


def test_tfds_unknown_name_or_config(tmp_path):
    assert "unknown TFDS dataset 'no_such_dataset_xyz'" in error(
        "tfds:no_such_dataset_xyz", batch_size=8, data_dir=str(tmp_path))
    assert "cannot open TFDS dataset 'mnist:9.9.9'" in error(
        "tfds:mnist:9.9.9", batch_size=8, data_dir=str(tmp_path))


def test_online_probe_is_quick():
    start = time.time()
    assert isinstance(base.online(), bool)
    assert time.time() - start < 20


def test_tfds_prepared_dataset_is_read_without_network(monkeypatch, tmp_path):
    # DummyMnist writes real TFRecord files locally; preparing needs importlib_resources.
    pytest.importorskip("importlib_resources")
    tfds.testing.DummyMnist(data_dir=str(tmp_path)).download_and_prepare()
    monkeypatch.setattr(tfds_source, "online",
                        lambda: pytest.fail("probed a prepared dataset"))
    data = load_dataset("tfds:dummy_mnist", split="test", batch_size=4, repeat=False,
                        data_dir=str(tmp_path))
    assert (data.num_examples, data.image_shape, data.num_classes) == (20, (28, 28, 1), 10)
    batches = list(data.dataset)
    assert len(batches) == 5 and batches[0][0].shape == (4, 28, 28, 1)
    assert "has no split 'nope'" in error("tfds:dummy_mnist", split="nope", batch_size=4,
                                          data_dir=str(tmp_path))
