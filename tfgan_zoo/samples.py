"""What a generator draws when it is not an image: the sample kinds of
issue #24 ("Beyond 2-D images") and, for each, its served outputs and the
preview a run directory writes.

A model names its kind in `sample_kind` (core.AdversarialModel; "images"
by default) and `KINDS[kind]` says the rest:

  kind       generate_from returns            served outputs                preview
  images     float [B, H, W, C] in [-1, 1]    images uint8, images_float    PNG grid
  tokens     float [B, T] token ids           tokens int32, tokens_float    text, one line each
  series     float [B, T, C] in [-1, 1]       series float32                line plots (PNG)
  pianoroll  float [B, 16, P] in [-1, 1]      pianoroll float32, notes      piano-roll PNG + MIDI
             (on where > 0)                   bool
  video      float [B, T, H, W, C] in [-1, 1] frames uint8, frames_float    animated GIF
  voxels     float [B, D, H, W, 1] in [-1, 1] voxels float32, occupied      three max-projections
             (occupied where > 0)             bool                          (PNG)

Token ids travel as float32 through `generate_from` so that every sampler,
the registry tests and the export parity checks read one float tensor; the
`tokens` output is their int32 rounding. Every preview writes atomically
(files.write_atomic) and draws with Pillow only."""

from __future__ import annotations

import dataclasses
import io
from typing import Callable

import numpy as np
import tensorflow as tf
from PIL import Image, ImageDraw

from tfgan_zoo.errors import UserError
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import make_grid, save_grid
from tfgan_zoo.signatures import as_uint8, image_outputs, serving_outputs


# ------------------------------------------------------------ served outputs
def token_outputs(result):
    """`tokens` int32 [B, T] (the rounded ids) and `tokens_float`."""
    result = tf.cast(result, tf.float32)
    return {"tokens": tf.cast(tf.round(result), tf.int32), "tokens_float": result}


def series_outputs(result):
    return {"series": tf.cast(result, tf.float32)}


def pianoroll_outputs(result):
    result = tf.cast(result, tf.float32)
    return {"pianoroll": result, "notes": result > 0}


def video_outputs(result):
    result = tf.cast(result, tf.float32)
    return {"frames": as_uint8(result), "frames_float": result}


def voxel_outputs(result):
    result = tf.cast(result, tf.float32)
    return {"voxels": result, "occupied": result > 0}


def _specs(dtypes):
    def spec(shape, batch_size=None):
        full = [batch_size, *shape]
        return {name: tf.TensorSpec(full, dtype, name=name) for name, dtype in dtypes.items()}
    return spec


# ------------------------------------------------------------------ previews
def _png(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def preview_images(path, samples, **_):
    save_grid(path.with_suffix(".png"), samples, scale=max(1, 128 // samples.shape[1]))
    return [path.with_suffix(".png")]


def preview_tokens(path, samples, vocabulary=None, **_):
    """One line per sample: the words of `vocabulary` (a list, id -> word),
    or the ids."""
    ids = np.rint(samples).astype(int)
    lines = [" ".join(vocabulary[i] if vocabulary is not None and 0 <= i < len(vocabulary)
                      else str(i) for i in row) for row in ids]
    target = path.with_suffix(".txt")
    write_atomic(target, ("\n".join(lines) + "\n").encode())
    return [target]


def line_plots(series, width=160, height=64):
    """[B, T, C] in [-1, 1] as one PNG: a panel per sample, a line per
    channel (Pillow, so that no plotting library is needed)."""
    colours = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40),
               (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127)]
    panels = []
    for sample in np.clip(series, -1, 1):
        panel = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(panel)
        draw.line([(0, height // 2), (width, height // 2)], fill=(220, 220, 220))
        steps = max(1, sample.shape[0] - 1)
        for c in range(sample.shape[1]):
            points = [(t * (width - 1) / steps, (1 - sample[t, c]) * (height - 1) / 2)
                      for t in range(sample.shape[0])]
            draw.line(points, fill=colours[c % len(colours)], width=1)
        panels.append(np.asarray(panel, np.float32) / 127.5 - 1)
    return make_grid(np.stack(panels))


def preview_series(path, samples, **_):
    target = path.with_suffix(".png")
    write_atomic(target, _png(Image.fromarray(line_plots(samples))))
    return [target]


def midi_bytes(roll, lowest_pitch=48, ticks_per_step=120, velocity=100):
    """A one-track standard MIDI file of piano-rolls [bars, 16, P] (on where
    > 0), bars one after another: written by hand so that no music package
    is needed to listen to a sample."""
    steps = np.asarray(roll).reshape(-1, np.asarray(roll).shape[-1]) > 0
    events, previous = [], np.zeros(steps.shape[1], bool)
    for t, now in enumerate(np.vstack([steps, np.zeros((1, steps.shape[1]), bool)])):
        for pitch in np.flatnonzero(previous & ~now):
            events.append((t * ticks_per_step, 0x80, lowest_pitch + pitch, 0))
        for pitch in np.flatnonzero(now & ~previous):
            events.append((t * ticks_per_step, 0x90, lowest_pitch + pitch, velocity))
        previous = now
    track, clock = bytearray(), 0
    for tick, status, pitch, vel in sorted(events, key=lambda e: (e[0], e[1])):
        track += _varlen(tick - clock) + bytes([status, int(pitch) & 0x7F, vel])
        clock = tick
    track += b"\x00\xff\x2f\x00"  # end of track
    header = b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big")
    header += (4 * ticks_per_step).to_bytes(2, "big")  # 16 steps = 4 beats a bar
    return header + b"MTrk" + len(track).to_bytes(4, "big") + bytes(track)


def _varlen(value):
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))


def preview_pianoroll(path, samples, lowest_pitch=48, **_):
    """A piano-roll PNG (time across, pitch up) and the samples as one MIDI
    file, one bar after another."""
    rolls = np.transpose(samples, (0, 2, 1))[:, ::-1, :, None]  # [B, P, 16, 1]
    png = path.with_suffix(".png")
    save_grid(png, np.where(rolls > 0, 1.0, -1.0), scale=4)
    midi = path.with_suffix(".mid")
    write_atomic(midi, midi_bytes(samples, lowest_pitch))
    return [png, midi]


def preview_video(path, samples, **_):
    """An animated GIF: frame t of every clip side by side."""
    frames = [Image.fromarray(_grid_uint8(samples[:, t])) for t in range(samples.shape[1])]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:],
                   duration=120, loop=0)
    target = path.with_suffix(".gif")
    write_atomic(target, buffer.getvalue())
    return [target]


def _grid_uint8(images):
    grid = make_grid(images)
    return grid[..., 0] if grid.shape[-1] == 1 else grid


def voxel_projections(voxels):
    """[B, D, H, W, 1] -> [B, H, 3W, 1]: the occupancy's max along depth,
    height and width, side by side (cubes: D = H = W)."""
    occupied = np.where(voxels[..., 0] > 0, 1.0, -1.0)
    views = [occupied.max(axis=1), occupied.max(axis=2), occupied.max(axis=3)]
    return np.concatenate(views, axis=2)[..., None]


def preview_voxels(path, samples, **_):
    target = path.with_suffix(".png")
    save_grid(target, voxel_projections(samples), scale=2)
    return [target]


# --------------------------------------------------------------------- kinds
@dataclasses.dataclass(frozen=True)
class SampleKind:
    """What one kind of sample is served as and previewed with."""

    name: str
    rank: int  # per-example rank of generate_from's result
    outputs: Callable  # generate_from result -> {name: tensor}
    output_spec: Callable  # (sample_shape, batch_size=None) -> {name: TensorSpec}
    float_output: str  # the float output export parity is measured on
    output_docs: dict
    preview: Callable  # (path without suffix, numpy samples, **info) -> [paths]


KINDS = {kind.name: kind for kind in [
    SampleKind("images", 3, serving_outputs, image_outputs, "images_float",
               {"images": "uint8 NHWC in [0, 255], round((x + 1) * 127.5)",
                "images_float": "float32 NHWC in [-1, 1]"}, preview_images),
    SampleKind("tokens", 1, token_outputs, _specs({"tokens": tf.int32,
                                                   "tokens_float": tf.float32}),
               "tokens_float", {"tokens": "int32 [B, T] token ids of the vocabulary",
                                "tokens_float": "float32 [B, T], the same ids"},
               preview_tokens),
    SampleKind("series", 2, series_outputs, _specs({"series": tf.float32}), "series",
               {"series": "float32 [B, T, C] in [-1, 1]"}, preview_series),
    SampleKind("pianoroll", 2, pianoroll_outputs,
               _specs({"pianoroll": tf.float32, "notes": tf.bool}), "pianoroll",
               {"pianoroll": "float32 [B, 16, P] in [-1, 1], a bar of 16 steps",
                "notes": "bool [B, 16, P], a note sounds where pianoroll > 0"},
               preview_pianoroll),
    SampleKind("video", 4, video_outputs, _specs({"frames": tf.uint8,
                                                  "frames_float": tf.float32}),
               "frames_float", {"frames": "uint8 [B, T, H, W, C] in [0, 255]",
                                "frames_float": "float32 [B, T, H, W, C] in [-1, 1]"},
               preview_video),
    SampleKind("voxels", 4, voxel_outputs, _specs({"voxels": tf.float32,
                                                   "occupied": tf.bool}), "voxels",
               {"voxels": "float32 [B, D, H, W, 1] in [-1, 1]",
                "occupied": "bool [B, D, H, W, 1], where voxels > 0"}, preview_voxels),
]}


def sample_kind(name):
    """The `SampleKind` called `name`, or a one-line UserError."""
    if name not in KINDS:
        raise UserError(f"unknown sample kind {name!r}: use one of {', '.join(KINDS)}")
    return KINDS[name]


def write_preview(model, path, samples, **info):
    """Write the preview of `model`'s kind for numpy `samples` at `path`
    (its suffix chosen by the kind); returns the files written."""
    kind = sample_kind(model.sample_kind)
    if samples.ndim != kind.rank + 1:
        raise UserError(f"{kind.name} samples have rank {kind.rank + 1} with the batch, "
                        f"got shape {samples.shape}")
    return kind.preview(path, samples, **{**model.preview_info(), **info})
