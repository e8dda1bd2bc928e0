"""What the MoCoGAN recipe writes after training (RUN/video/report.json,
samples.gif, real.gif): the checks of Tulyakov et al. 2018 §4 on the run's
videos (the procedural shape-motion set, or real pedestrian clips), with
classifiers trained on real training videos only and scored on generated
ones:

- motion control score (MCS): an action classifier (the "judge") reads the
  action the generator was asked for (target >= 0.8), with the confusion
  counts (row: asked, column: read). On the shape-motion set the judge
  trains on appearance-jittered real clips (`video.appearance_jitter`:
  size, shape, colour, fade, blur, noise, pace and a drift, the direction
  kept), so that it reads the direction of motion of a grey, dim or
  growing blob as it does a clean coloured shape's; trained on the clips as
  they are it misread dim real clips (RESULTS, MoCoGAN's judge). The report
  names the judge's training (`action_classifier`);
- ACD: the content distance between consecutive frames of a generated
  video, at most 1.5x the real videos' (and far below the distance between
  frames of two different videos; the real shape-motion videos keep their
  colour exactly, real ACD ~ 0, so `acd_vs_random_pair_real` is reported
  beside the ratio); beside it the ACD less the drift all videos share
  (`acd_*_less_shared_path`, `shared_path_change_*`) and the norm of the
  mean motion code per frame (`motion_code_mean_norm`), which show when
  G's GRU runs like a clock and draws one drift into every video;
- swaps: with z_C fixed and the motion (eps and action) redrawn, the frame
  classifier reads the same shape (shape-motion only: real clips have no
  content label); with the motion fixed and z_C redrawn, the action
  classifier reads the same action."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import motion, pedestrians
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import video
from tfgan_zoo.files import write_atomic
from tfgan_zoo.samples import preview_video

TARGETS = {"motion_control_score": 0.8, "acd_ratio": 1.5}
# The jittered judge has a wider range of clips to fit than the clean one's
# 300 steps allow: at 300 its seed-1 judge read dark, G-like real clips 0.615
# and dim ones 0.935, at 600 1.0 and 1.0 (benchmarks/mocogan_judge.py).
JITTERED_JUDGE_STEPS = 600


def _generate(model, inputs, batch=32):
    n = len(next(iter(inputs.values())))
    return np.concatenate([model.generate_from(
        {k: tf.convert_to_tensor(v[i:i + batch]) for k, v in inputs.items()}).numpy()
        for i in range(0, n, batch)])


@dataclass
class RealVideos:
    """The real clips a report reads a run against: train (classifiers)
    and test (ACD scale, held-out accuracy) with their actions; `shapes`
    the train clips' content labels where the data has them."""
    train: np.ndarray
    train_actions: np.ndarray
    test: np.ndarray
    test_actions: np.ndarray
    actions: tuple
    features: object
    shapes: np.ndarray | None = None
    # the action judge trains on appearance-jittered clips (shape-motion:
    # a shape on a black ground, `video.appearance_jitter`'s premise)
    jitter: bool = False


def real_videos(dataset, size, frames):
    """RealVideos of a run's dataset: `motion[...]` or `pedestrians[...]`."""
    name, _, arg = str(dataset).partition(":")
    if name == "motion":
        train, train_actions, shapes = motion.generate(motion.DEFAULT_COUNT["train"], size,
                                                       "train", frames)
        test, test_actions, _ = motion.generate(motion.DEFAULT_COUNT["test"], size, "test",
                                                frames)
        return RealVideos(train, train_actions, test, test_actions, motion.ACTIONS,
                          video.content_features, shapes, jitter=True)
    if name == "pedestrians":
        path = pedestrians.load_source(arg, image_size=size).path
        if frames != pedestrians.CLIP_LENGTH:
            raise UserError(f"pedestrian clips have {pedestrians.CLIP_LENGTH} frames, the "
                            f"model {frames}: train with --video-length "
                            f"{pedestrians.CLIP_LENGTH}")
        train, test = (pedestrians.generate(path, size, part) for part in pedestrians.PARTS)
        return RealVideos(train[0], train[1], test[0], test[1], pedestrians.ACTIONS,
                          video.frame_colours)
    raise UserError(f"no video report for dataset '{dataset}': it is written for motion and "
                    "pedestrians; train on one of them or pass --no-report")


def video_report(model, dataset="motion", per_action=50, classifier_steps=300, seed=0,
                 judge_steps=None):
    """The checks as a dict (see the module docstring), and sample videos.
    The frame classifier trains `classifier_steps`, the action judge
    `judge_steps` (default: JITTERED_JUDGE_STEPS on jittered clips,
    `classifier_steps` on clips as they are)."""
    size, frames = model.image_shape[0], model.video_length
    real = real_videos(dataset, size, frames)
    actions = len(real.actions)
    judge_steps = judge_steps or (JITTERED_JUDGE_STEPS if real.jitter else classifier_steps)
    action_net = video.train_action_classifier(real.train, real.train_actions, actions,
                                               judge_steps, seed=seed, augment=real.jitter)
    n = per_action * actions
    inputs = model.example_inputs(n, seed=seed)
    inputs["action"] = np.repeat(np.arange(actions), per_action).astype(np.int32)
    fake = _generate(model, inputs)
    read_actions = video.predict(action_net, fake)
    # swap the motion: same z_C, new eps and action
    swapped_motion = dict(model.example_inputs(n, seed=seed + 1), z=inputs["z"])
    swapped_motion["action"] = (inputs["action"] + 1) % actions
    motion_swap = _generate(model, swapped_motion)
    # swap the content: same eps and action, new z_C
    content_swap = _generate(model, dict(inputs, z=model.example_inputs(n, seed + 2)["z"]))
    acd = lambda v: video.average_content_distance(v, real.features)  # noqa: E731
    pair = lambda v: video.random_pair_distance(v, seed, real.features)  # noqa: E731
    real_acd = acd(real.test)
    report = {
        "dataset": str(dataset).split(":")[0],
        "actions": list(real.actions),
        "videos": n,
        "action_classifier": video.judge_training(judge_steps, augment=real.jitter),
        "classifier_held_out_accuracy": float(np.mean(
            video.predict(action_net, real.test) == real.test_actions)),
        "motion_control_score": float(np.mean(read_actions == inputs["action"])),
        # row: the action asked for, column: the action read
        "motion_control_confusion": np.bincount(
            inputs["action"] * actions + read_actions,
            minlength=actions * actions).reshape(actions, actions).tolist(),
        "acd_samples": acd(fake), "acd_real": real_acd,
        "random_pair_distance_samples": pair(fake),
        "random_pair_distance_real": pair(real.test),
        "action_read_after_motion_swap": float(np.mean(
            video.predict(action_net, motion_swap) == swapped_motion["action"])),
        "action_kept_when_content_swapped": float(np.mean(
            video.predict(action_net, content_swap) == read_actions)),
        "targets": TARGETS,
    }
    if real.shapes is not None:
        picked = np.random.default_rng(seed).integers(frames, size=len(real.train))
        frame_net = video.train_frame_classifier(
            real.train[np.arange(len(real.train)), picked], real.shapes, len(motion.SHAPES),
            classifier_steps, seed=seed)
        shapes = video.video_shapes(frame_net, fake)
        report["shape_kept_when_motion_swapped"] = float(np.mean(
            video.video_shapes(frame_net, motion_swap) == shapes))
        report["shape_shares_samples"] = np.bincount(shapes, minlength=2).tolist()
    # The drift every video shares, split off: G's motion code can run like
    # a clock, the same at frame t in every video, and G can draw one change of
    # colour into all its videos with it (RESULTS, MoCoGAN on pedestrians).
    for name, videos in (("samples", fake), ("real", real.test)):
        rest, change = video.shared_path_parts(videos, real.features)
        report[f"acd_{name}_less_shared_path"] = rest
        report[f"shared_path_change_{name}"] = change
    # |mean over videos of z_M^(t)| per frame: it grows with t where the
    # GRU's codes converge on one path (a clock) whatever the noise.
    report["motion_code_mean_norm"] = np.linalg.norm(
        model.motion_codes(inputs).mean(0), axis=-1).round(4).tolist()
    report["acd_ratio"] = report["acd_samples"] / max(real_acd, 1e-6)
    # The real videos keep one colour exactly (ACD ~ 0), so the ratio to
    # the real ACD only passes a perfect generator: ACD against the
    # distance between two different real videos is the readable scale.
    report["acd_vs_random_pair_real"] = (report["acd_samples"]
                                         / report["random_pair_distance_real"])
    report["passed"] = {
        "motion_control_score": report["motion_control_score"] >= TARGETS["motion_control_score"],
        "acd": report["acd_ratio"] <= TARGETS["acd_ratio"]}
    return report, fake, real.test


def write_video_report(model, config):
    """Write RUN/video/{report.json, samples.gif, real.gif}; returns the report."""
    out = Path(config.out) / "video"
    report, fake, test = video_report(model, config.dataset, seed=config.seed)
    per_action = len(fake) // len(report["actions"])
    preview_video(out / "samples", fake[::per_action // 4][:16])
    preview_video(out / "real", test[:16])
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report
