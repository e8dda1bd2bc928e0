"""Pedestrian clips cut from a real video: detection, tracking, direction
labels, the split in time, the cache and the one-line errors, on a small
video with two walkers of known direction (tests/support/videos.py)."""
import os
import sys

import numpy as np
import pytest

from tfgan_zoo.data import load_dataset, pedestrians
from tfgan_zoo.errors import UserError
from tests.support.videos import FRAMES, write_walkers

pytest.importorskip("av")


@pytest.fixture(scope="module")
def walkers(tmp_path_factory):
    return write_walkers(tmp_path_factory.mktemp("video") / "walkers.avi")


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TFGAN_ZOO_CACHE", str(tmp_path / "cache"))


def test_walkers_are_tracked_and_labelled_by_direction(walkers):
    found = pedestrians.extract(walkers, 16)
    assert found["clips"].shape[1:] == (16, 16, 16, 3) and int(found["frames"]) == FRAMES
    assert len(np.unique(found["tracks"])) == 2
    labels_per_track = {int(k): set(found["labels"][found["tracks"] == k].tolist())
                        for k in np.unique(found["tracks"])}
    assert sorted(map(tuple, labels_per_track.values())) == [(0,), (1,)]
    # In a left-to-right clip the dark walker's column moves right.
    clip = found["clips"][np.argmax(found["labels"] == 0)].astype(float).mean(-1)
    first, last = (np.argmin(clip[i].min(0)) for i in (0, -1))
    assert last > first


def test_parts_split_in_time_and_the_cache_is_used(walkers, monkeypatch):
    found = pedestrians.extract(walkers, 16)
    cut = int(pedestrians.TRAIN_FRACTION * FRAMES)
    train, _ = pedestrians.generate(walkers, 16, "train")
    assert len(train) == int(np.sum(found["starts"] + 16 <= cut))
    assert train.dtype == np.float32 and -1 <= train.min() and train.max() <= 1
    monkeypatch.setattr(pedestrians, "decode", lambda path: pytest.fail("decoded again"))
    assert np.array_equal(pedestrians.extract(walkers, 16)["clips"], found["clips"])


def test_load_dataset_batches_clips(walkers):
    data = load_dataset(f"pedestrians:train:{walkers}", batch_size=2, image_size=16)
    videos, labels = next(iter(data.dataset))
    assert videos.shape == (2, 16, 16, 16, 3) and data.model_args == {"video_length": 16}
    assert data.class_names == pedestrians.ACTIONS and set(labels.numpy()) <= {0, 1}


def test_bad_inputs_get_one_line_errors(walkers, tmp_path, monkeypatch):
    with pytest.raises(UserError, match=r"no video at /nowhere.avi: pass an existing"):
        load_dataset("pedestrians:/nowhere.avi", batch_size=2)
    if not os.path.exists(pedestrians.DEFAULT_VIDEO):
        with pytest.raises(UserError, match=r"apt install opencv-doc"):
            load_dataset("pedestrians", batch_size=2)
    junk = tmp_path / "junk.avi"
    junk.write_bytes(b"not a video")
    with pytest.raises(UserError, match=r"cannot decode video .*junk.avi"):
        pedestrians.decode(junk)
    with pytest.raises(UserError, match=r"power of 2"):
        load_dataset(f"pedestrians:{walkers}", batch_size=2, image_size=20)
    monkeypatch.setitem(sys.modules, "av", None)   # import raises ImportError
    with pytest.raises(UserError, match=r"pip install tfgan_zoo\[video\]"):
        pedestrians.decode(walkers)


@pytest.mark.skipif(not os.path.exists(pedestrians.DEFAULT_VIDEO),
                    reason="OpenCV's vtest.avi is not installed (apt install opencv-doc)")
def test_the_real_clip_gives_both_directions_in_both_parts():
    for part in pedestrians.PARTS:
        videos, labels = pedestrians.generate(part=part)
        assert len(videos) >= 50 and set(labels.tolist()) == {0, 1}
