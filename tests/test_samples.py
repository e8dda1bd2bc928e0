"""The sample kinds beyond images (tfgan_zoo.samples): every kind's served
outputs match its specs, and every preview writes a file that reads back
as what it says (PNG, text, GIF frames, a parseable MIDI file)."""

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tfgan_zoo.core import AdversarialModel
from tfgan_zoo.errors import UserError
from tfgan_zoo.samples import KINDS, midi_bytes, voxel_projections, write_preview
from tests.support.models import one_line_error

SHAPES = {"images": (8, 8, 3), "tokens": (6,), "series": (12, 3), "pianoroll": (16, 10),
          "video": (4, 8, 8, 1), "voxels": (8, 8, 8, 1)}


class Drawer:
    """The part of a model that the previews read."""

    def __init__(self, kind):
        self.sample_kind = kind

    preview_info = AdversarialModel.preview_info


def batch(kind, n=3):
    rng = np.random.default_rng(0)
    if kind == "tokens":
        return rng.integers(0, 5, (n,) + SHAPES[kind]).astype("float32")
    return rng.uniform(-1, 1, (n,) + SHAPES[kind]).astype("float32")


@pytest.mark.parametrize("kind", list(KINDS))
def test_outputs_match_specs(kind):
    spec = KINDS[kind].output_spec(SHAPES[kind], None)
    assert KINDS[kind].float_output in spec and set(KINDS[kind].output_docs) == set(spec)
    out = KINDS[kind].outputs(tf.constant(batch(kind)))
    assert set(out) == set(spec)
    for name, value in out.items():
        assert value.dtype == spec[name].dtype and spec[name].shape.is_compatible_with(
            value.shape), name
    np.testing.assert_array_equal(out[KINDS[kind].float_output], batch(kind))


def test_tokens_are_the_rounded_ids():
    out = KINDS["tokens"].outputs(tf.constant([[0.0, 2.0, 4.0]]))
    np.testing.assert_array_equal(out["tokens"], [[0, 2, 4]])


@pytest.mark.parametrize("kind", list(KINDS))
def test_previews_read_back(kind, tmp_path):
    info = {"vocabulary": list("abcde")} if kind == "tokens" else {}
    paths = write_preview(Drawer(kind), tmp_path / "step-1", batch(kind), **info)
    assert paths and all(p.exists() and p.stat().st_size for p in paths)
    main = paths[0]
    if kind == "tokens":
        lines = main.read_text().splitlines()
        assert len(lines) == 3 and all(len(line.split()) == 6 for line in lines)
        assert set("".join(lines).replace(" ", "")) <= set("abcde")
    elif kind == "video":
        with Image.open(main) as gif:
            assert gif.n_frames == SHAPES["video"][0]
    else:
        with Image.open(main) as png:
            assert png.format == "PNG"
    if kind == "pianoroll":
        assert paths[1].read_bytes()[:4] == b"MThd"


def test_midi_has_one_note_on_and_off_per_held_note():
    roll = -np.ones((1, 16, 4), np.float32)
    roll[0, 2:6, 1] = 1  # one note held four steps
    data = midi_bytes(roll, lowest_pitch=60, ticks_per_step=10)
    track = data[data.index(b"MTrk") + 8:]
    # delta 20 note-on 61, delta 40 note-off 61, end of track
    assert track == bytes([20, 0x90, 61, 100, 40, 0x80, 61, 0]) + b"\x00\xff\x2f\x00"


def test_voxel_projections_are_max_along_each_axis():
    voxels = -np.ones((1, 4, 4, 4, 1), np.float32)
    voxels[0, 1, 2, 3, 0] = 1
    views = voxel_projections(voxels)[0, ..., 0]
    assert views.shape == (4, 12)
    # depth view: (h, w) = (2, 3); height view: (d, w) = (1, 3); width view: (d, h) = (1, 2)
    assert np.argwhere(views > 0).tolist() == [[1, 7], [1, 10], [2, 3]]


def test_bad_kind_and_rank_are_one_line_errors(tmp_path):
    with pytest.raises(UserError) as excinfo:
        write_preview(Drawer("sound"), tmp_path / "x", batch("series"))
    one_line_error(excinfo, "unknown sample kind", "series")
    with pytest.raises(UserError) as excinfo:
        write_preview(Drawer("video"), tmp_path / "x", batch("series"))
    one_line_error(excinfo, "video samples have rank 5")
