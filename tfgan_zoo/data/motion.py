"""Procedural "shape motion" videos, the synthetic set of MoCoGAN
(Tulyakov et al. 2018, §4: a circle or a square of random size and colour
moving on a black background), with four directions instead of the paper's
two (left to right, right to left, top to bottom, bottom to top):

    motion[:part][:N]   N videos an action (default 300 train, 100 test),
                        float32 [T, S, S, 3] in [-1, 1], T = 16 frames at
                        --image-size S (default 32); label = the action
                        (direction) 0-3; `shapes` holds the content label
                        (0 circle, 1 square) for the checks

Each video is a straight path across most of the frame, at a random offset
across the path; the shape (content) and the direction (motion) are drawn
independently, so content and motion are exact and separable labels. Train
and test differ in seed only.

`clips` cuts the CLIP_LENGTH-frame clips a model trains on from longer
videos (every `every_nth` frame, as MoCoGAN's loader does); a video shorter
than one clip is a one-line error."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from tfgan_zoo.data.base import labelled_data, part_and_count
from tfgan_zoo.errors import UserError

ACTIONS = ("left-to-right", "right-to-left", "top-to-bottom", "bottom-to-top")
SHAPES = ("circle", "square")
PARTS = ("train", "test")
DEFAULT_COUNT = {"train": 300, "test": 100}
CLIP_LENGTH = 16
DEFAULT_SIZE = 32
SEEDS = {"train": 2018, "test": 3018}


def clips(video, length=CLIP_LENGTH, every_nth=1, stride=None):
    """Every clip of `length` frames, `every_nth` apart, from a video
    [T, H, W, C], starting every `stride` frames (default: one clip span);
    [clips, length, H, W, C]. UserError for a video shorter than a clip."""
    span = (length - 1) * every_nth + 1
    if len(video) < span:
        raise UserError(f"a video of {len(video)} frames is shorter than one clip of "
                        f"{length} frames every {every_nth}: use a longer video or a "
                        "shorter --video-length")
    starts = range(0, len(video) - span + 1, stride or span)
    return np.stack([video[s:s + span:every_nth] for s in starts])


def render(shape, action, size, radius, colour, offset, frames=CLIP_LENGTH):
    """One video: a `shape` (0 circle, 1 square) of `radius` pixels and
    `colour` (RGB in [0, 1]) moving in direction `action` across the frame,
    `offset` (in [0, 1]) across its path; float32 [frames, size, size, 3]
    in [-1, 1]."""
    grid = np.arange(size) + 0.5
    y, x = np.meshgrid(grid, grid, indexing="ij")
    along = np.linspace(radius, size - radius, frames)
    if action in (1, 3):
        along = along[::-1]
    across = radius + offset * (size - 2 * radius)
    video = np.full((frames, size, size, 3), -1.0, np.float32)
    for t, a in enumerate(along):
        cx, cy = (a, across) if action < 2 else (across, a)
        if shape == 0:
            inside = (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2
        else:
            inside = (np.abs(x - cx) <= radius) & (np.abs(y - cy) <= radius)
        video[t][inside] = np.asarray(colour) * 2 - 1
    return video


@functools.lru_cache(maxsize=4)
def generate(per_action, size=DEFAULT_SIZE, part="train", frames=CLIP_LENGTH):
    """(videos float32 [4 * per_action, frames, size, size, 3], int32 action
    labels, int32 shape labels), actions in turn, seeded by part."""
    rng = np.random.default_rng(SEEDS[part])
    videos, actions, shapes = [], [], []
    for _ in range(per_action):
        for action in range(len(ACTIONS)):
            shape = int(rng.integers(2))
            radius = rng.uniform(0.12, 0.2) * size
            colour = rng.uniform(0.3, 1.0, 3)
            videos.append(render(shape, action, size, radius, colour, rng.uniform(0, 1),
                                 frames))
            actions.append(action)
            shapes.append(shape)
    return np.stack(videos), np.asarray(actions, np.int32), np.asarray(shapes, np.int32)


@dataclasses.dataclass
class MotionSource:
    """Shape-motion videos of one part; `build` batches (videos, actions)."""

    part: str
    per_action: int
    size: int

    name = "motion"

    @property
    def num_examples(self):
        return self.per_action * len(ACTIONS)

    def build(self, *, image_size=None, channels=None, cache=True, **batching):
        videos, actions, _ = generate(self.per_action, self.size, self.part)
        return labelled_data(f"motion:{self.part}", videos, actions, class_names=ACTIONS,
                             image_shape=videos.shape[2:], channels=3, requested=channels,
                             what="shape-motion videos", **batching,
                             model_args={"video_length": videos.shape[1]})


def load_source(arg, *, split="train", data_dir=None, image_size=None):
    """Procedural shape-motion videos (MoCoGAN's synthetic set: a circle or a
    square moving in one of 4 directions), labelled by the action."""
    part, count = part_and_count("motion", arg, split, PARTS, "videos an action",
                                 "motion:test:20")
    size = DEFAULT_SIZE if image_size is None else int(image_size)
    if size < 16 or size & (size - 1):
        raise UserError(f"video frame size {size} is not a power of 2 of at least 16: "
                        "pass --image-size 32 or 64")
    return MotionSource(part, count or DEFAULT_COUNT[part], size)
