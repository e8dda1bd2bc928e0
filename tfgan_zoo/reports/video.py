"""What the MoCoGAN recipe writes after training (RUN/video/report.json,
samples.gif, real.gif): the checks of Tulyakov et al. 2018 §4 on the
procedural shape-motion set, with classifiers trained on real training
videos only and scored on generated ones:

- motion control score (MCS): an action classifier reads the action the
  generator was asked for (target >= 0.8);
- ACD: the content distance between consecutive frames of a generated
  video, at most 1.5x the real videos' (and far below the distance between
  frames of two different videos; the real shape-motion videos keep their
  colour exactly, real ACD ~ 0, so `acd_vs_random_pair_real` is reported
  beside the ratio);
- swaps: with z_C fixed and the motion (eps and action) redrawn, the frame
  classifier reads the same shape; with the motion fixed and z_C redrawn,
  the action classifier reads the same action."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import motion
from tfgan_zoo.evaluation import video
from tfgan_zoo.files import write_atomic
from tfgan_zoo.samples import preview_video

TARGETS = {"motion_control_score": 0.8, "acd_ratio": 1.5}


def _generate(model, inputs, batch=32):
    n = len(next(iter(inputs.values())))
    return np.concatenate([model.generate_from(
        {k: tf.convert_to_tensor(v[i:i + batch]) for k, v in inputs.items()}).numpy()
        for i in range(0, n, batch)])


def video_report(model, per_action=50, classifier_steps=300, seed=0):
    """The checks as a dict (see the module docstring), and sample videos."""
    size, frames = model.image_shape[0], model.video_length
    train, train_actions, train_shapes = motion.generate(
        motion.DEFAULT_COUNT["train"], size, "train", frames)
    test, _, _ = motion.generate(motion.DEFAULT_COUNT["test"], size, "test", frames)
    actions = len(motion.ACTIONS)
    action_net = video.train_action_classifier(train, train_actions, actions,
                                               classifier_steps, seed=seed)
    picked = np.random.default_rng(seed).integers(frames, size=len(train))
    frame_net = video.train_frame_classifier(train[np.arange(len(train)), picked],
                                             train_shapes, len(motion.SHAPES),
                                             classifier_steps, seed=seed)
    n = per_action * actions
    inputs = model.example_inputs(n, seed=seed)
    inputs["action"] = np.repeat(np.arange(actions), per_action).astype(np.int32)
    fake = _generate(model, inputs)
    read_actions = video.predict(action_net, fake)
    shapes = video.video_shapes(frame_net, fake)
    # swap the motion: same z_C, new eps and action
    swapped_motion = dict(model.example_inputs(n, seed=seed + 1), z=inputs["z"])
    swapped_motion["action"] = (inputs["action"] + 1) % actions
    motion_swap = _generate(model, swapped_motion)
    # swap the content: same eps and action, new z_C
    content_swap = _generate(model, dict(inputs, z=model.example_inputs(n, seed + 2)["z"]))
    real_acd = video.average_content_distance(test)
    report = {
        "videos": n,
        "classifier_held_out_accuracy": float(np.mean(video.predict(
            action_net, test) == motion.generate(motion.DEFAULT_COUNT["test"], size,
                                                 "test", frames)[1])),
        "motion_control_score": float(np.mean(read_actions == inputs["action"])),
        "acd_samples": video.average_content_distance(fake), "acd_real": real_acd,
        "random_pair_distance_samples": video.random_pair_distance(fake, seed),
        "random_pair_distance_real": video.random_pair_distance(test, seed),
        "shape_kept_when_motion_swapped": float(np.mean(
            video.video_shapes(frame_net, motion_swap) == shapes)),
        "action_read_after_motion_swap": float(np.mean(
            video.predict(action_net, motion_swap) == swapped_motion["action"])),
        "action_kept_when_content_swapped": float(np.mean(
            video.predict(action_net, content_swap) == read_actions)),
        "shape_shares_samples": np.bincount(shapes, minlength=2).tolist(),
        "targets": TARGETS,
    }
    report["acd_ratio"] = report["acd_samples"] / max(real_acd, 1e-6)
    # The real videos keep one colour exactly (ACD ~ 0), so the ratio to
    # the real ACD only passes a perfect generator: ACD against the
    # distance between two different real videos is the readable scale.
    report["acd_vs_random_pair_real"] = (report["acd_samples"]
                                         / report["random_pair_distance_real"])
    report["passed"] = {
        "motion_control_score": report["motion_control_score"] >= TARGETS["motion_control_score"],
        "acd": report["acd_ratio"] <= TARGETS["acd_ratio"]}
    return report, fake, test


def write_video_report(model, config):
    """Write RUN/video/{report.json, samples.gif, real.gif}; returns the report."""
    out = Path(config.out) / "video"
    report, fake, test = video_report(model, seed=config.seed)
    per_action = len(fake) // len(motion.ACTIONS)
    preview_video(out / "samples", fake[::per_action // 4][:16])
    preview_video(out / "real", test[:16])
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report
