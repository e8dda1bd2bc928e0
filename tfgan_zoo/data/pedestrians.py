"""Pedestrians walking across a real street clip: MoCoGAN's real-video option.

    pedestrians[:part][:path]   16-frame clips [T, S, S, 3] in [-1, 1] of people
                                walking, cut from a real video (default: OpenCV's
                                sample clip vtest.avi, 795 frames of a campus
                                walkway, from Debian's opencv-doc); label = the
                                walking direction, 0 left-to-right, 1 right-to-left

How the clips are cut, with no learned detector:
1. decode the video with PyAV at half size (`DETECT_WIDTH` wide);
2. the background is the per-pixel median of every 5th frame (the camera
   is fixed);
3. a pixel is foreground where any channel differs from it by more than
   `THRESHOLD`; an opening removes speckle and a closing joins a body's
   parts; connected components taller than `MIN_HEIGHT` and upright
   (height >= 1.2 x width) are people;
4. people are tracked frame to frame by the nearest centroid within
   `MAX_STEP` pixels (a track survives 2 missed frames);
5. every `CLIP_STRIDE` frames along a track, a 16-frame clip whose net
   horizontal displacement is at least `MIN_SHIFT` x the person's height
   and larger than the vertical one is cut with a square window fixed over
   the clip (centred on the mean position, side 1.5 x height plus the
   displacement), so the person walks across it.

Parts split the video in time: `train` clips end before 80 % of its frames,
`test` clips start after; a clip that spans the cut is dropped. The clips
are cached ($TFGAN_ZOO_CACHE/pedestrians/, keyed by the file and the size).
Needs PyAV (`pip install tfgan_zoo[video]`).
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np
from PIL import Image
from scipy import ndimage

from tfgan_zoo.data.base import labelled_data
from tfgan_zoo.errors import UserError
from tfgan_zoo.files import cached_arrays
from tfgan_zoo.optional import require

DEFAULT_VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"
ACTIONS = ("left-to-right", "right-to-left")
PARTS = ("train", "test")
CLIP_LENGTH = 16
DEFAULT_SIZE = 32
DETECT_WIDTH = 384
THRESHOLD = 35
MIN_HEIGHT = 18
MAX_STEP = 12
CLIP_STRIDE = 4
MIN_SHIFT = 0.3
TRAIN_FRACTION = 0.8
_CACHE_VERSION = 1


def decode(path, width=DETECT_WIDTH):
    """Every frame of the video at `path`, RGB uint8 [T, H, width, 3]."""
    av = require("av", "pedestrians (to decode video)")
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            height = int(round(stream.height * width / stream.width / 2)) * 2
            frames = [f.reformat(width=width, height=height).to_ndarray(format="rgb24")
                      for f in container.decode(stream)]
    except (av.error.FFmpegError, IndexError) as e:
        raise UserError(f"cannot decode video {path} ({type(e).__name__}): pass a video file "
                        "PyAV can read, e.g. pedestrians:clip.avi") from None
    if len(frames) < CLIP_LENGTH:
        raise UserError(f"video {path} has {len(frames)} frames, fewer than one "
                        f"{CLIP_LENGTH}-frame clip: pass a longer video")
    return np.stack(frames)


def detect(frames):
    """Per frame, the upright foreground blobs against the median
    background: a list of arrays [n, 4] (centre y, centre x, height, width)."""
    background = np.median(frames[::5], axis=0).astype(np.int16)
    found = []
    for frame in frames:
        mask = np.abs(frame.astype(np.int16) - background).max(-1) > THRESHOLD
        mask = ndimage.binary_closing(ndimage.binary_opening(mask, np.ones((3, 3))),
                                      np.ones((7, 5)))
        blobs = []
        for rows, cols in ndimage.find_objects(ndimage.label(mask)[0]):
            h, w = rows.stop - rows.start, cols.stop - cols.start
            if h >= MIN_HEIGHT and h >= 1.2 * w and w >= 6:
                blobs.append(((rows.start + rows.stop) / 2, (cols.start + cols.stop) / 2, h, w))
        found.append(np.asarray(blobs, np.float32).reshape(-1, 4))
    return found


def track(detections, max_step=MAX_STEP, max_missed=2):
    """Greedy nearest-centroid tracks: a list of arrays [n, 5] (frame, y, x,
    height, width), one row per frame the person was found in."""
    done, active = [], []   # active: [rows, frames missed]
    for t, blobs in enumerate(detections):
        free = set(range(len(blobs)))
        still = []
        for rows, missed in active:
            y, x = rows[-1][1:3]
            near = sorted((float(np.hypot(*(blobs[j, :2] - (y, x)))), j) for j in free)
            if near and near[0][0] < max_step:
                free.discard(near[0][1])
                still.append([rows + [(t, *blobs[near[0][1]])], 0])
            elif missed < max_missed:
                still.append([rows, missed + 1])
            else:
                done.append(rows)
        active = still + [[[(t, *blobs[j])], 0] for j in sorted(free)]
    done += [rows for rows, _ in active]
    return [np.asarray(rows, np.float32) for rows in done if len(rows) >= CLIP_LENGTH]


def cut_clips(frames, tracks, size):
    """Clips [N, T, size, size, 3] uint8, their direction labels, start
    frames and track numbers (see the module doc, step 5)."""
    clips, labels, starts, owners = [], [], [], []
    height, width = frames.shape[1:3]
    for number, rows in enumerate(tracks):
        by_frame = {int(r[0]): r[1:] for r in rows}
        for first in range(int(rows[0, 0]), int(rows[-1, 0]) - CLIP_LENGTH + 2, CLIP_STRIDE):
            span = range(first, first + CLIP_LENGTH)
            seen = np.asarray([by_frame[t] for t in span if t in by_frame])
            if len(seen) < CLIP_LENGTH * 3 // 4:
                continue
            person = float(np.median(seen[:, 2]))
            dy, dx = seen[-1, :2] - seen[0, :2]
            if abs(dx) < MIN_SHIFT * person or abs(dx) <= abs(dy):
                continue
            side = int(min(1.5 * person + abs(dx), height, width))
            cy, cx = seen[:, :2].mean(0)
            top = int(np.clip(round(cy - side / 2), 0, height - side))
            left = int(np.clip(round(cx - side / 2), 0, width - side))
            window = frames[first:first + CLIP_LENGTH, top:top + side, left:left + side]
            clips.append(np.stack([np.asarray(Image.fromarray(f).resize(
                (size, size), Image.BOX)) for f in window]))
            labels.append(0 if dx > 0 else 1)
            starts.append(first)
            owners.append(number)
    if not clips:
        raise UserError("no walking person was found in the video: pedestrians needs a fixed "
                        "camera with people crossing the frame (e.g. OpenCV's vtest.avi)")
    return (np.stack(clips), np.asarray(labels, np.int32), np.asarray(starts, np.int32),
            np.asarray(owners, np.int32))


def extract(path, size):
    """Every clip of the video (cached): {clips, labels, starts, tracks, frames}."""
    def compute():
        frames = decode(path)
        clips, labels, starts, owners = cut_clips(frames, track(detect(frames)), size)
        return {"clips": clips, "labels": labels, "starts": starts, "tracks": owners,
                "frames": np.asarray(len(frames))}
    return cached_arrays("pedestrians", f"clips{size}", [path], compute,
                         key=f"{_CACHE_VERSION}:{size}", what="pedestrian clip cache")


def generate(path=DEFAULT_VIDEO, size=DEFAULT_SIZE, part="train"):
    """(videos float32 [N, 16, size, size, 3] in [-1, 1], int32 direction
    labels) of `part` of the video at `path`."""
    found = extract(path, size)
    cut = int(TRAIN_FRACTION * int(found["frames"]))
    ends = found["starts"] + CLIP_LENGTH
    keep = ends <= cut if part == "train" else found["starts"] >= cut
    if not keep.any():
        raise UserError(f"the {part} part of video {path} holds no walking clip: use a longer "
                        "video with more people crossing")
    return found["clips"][keep].astype(np.float32) / 127.5 - 1, found["labels"][keep]


@dataclasses.dataclass
class PedestrianSource:
    """Pedestrian clips of one part of a video; `build` batches (videos,
    directions)."""

    part: str
    path: str
    size: int

    name = "pedestrians"

    @property
    def num_examples(self):
        return len(generate(self.path, self.size, self.part)[1])

    def build(self, *, image_size=None, channels=None, cache=True, **batching):
        videos, labels = generate(self.path, self.size, self.part)
        return labelled_data(f"pedestrians:{self.part}", videos, labels, class_names=ACTIONS,
                             image_shape=videos.shape[2:], channels=3, requested=channels,
                             what="pedestrian clips", **batching,
                             model_args={"video_length": videos.shape[1]})


def load_source(arg, *, split="train", data_dir=None, image_size=None):
    """People walking left or right across a real street clip (default
    OpenCV's vtest.avi from Debian's opencv-doc; `pedestrians:<video>` for
    another), cut by background subtraction and tracking into 16-frame
    clips; label = direction; parts train, test (split in time); needs PyAV."""
    part, path = split, DEFAULT_VIDEO
    for item in arg.split(":", 1) if arg else []:
        if item in PARTS:
            part = item
        elif item:
            path = item
    if part not in PARTS:
        raise UserError(f"pedestrians has parts {', '.join(PARTS)}, got '{part}'")
    if not os.path.isfile(path):
        fix = ("install it with apt install opencv-doc, or pass another video as "
               "pedestrians:<path>") if path == DEFAULT_VIDEO else "pass an existing video file"
        raise UserError(f"pedestrians: no video at {path}: {fix}")
    size = DEFAULT_SIZE if image_size is None else int(image_size)
    if size < 16 or size & (size - 1):
        raise UserError(f"video frame size {size} is not a power of 2 of at least 16: "
                        "pass --image-size 32 or 64")
    return PedestrianSource(part, path, size)
