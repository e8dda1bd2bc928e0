"""Does MoCoGAN's action judge read motion or looks? Held-out real
shape-motion clips whose motion is known exactly but whose appearance is
shifted the way the generator's is, read by the report's action judge as
it is trained without and with appearance augmentation (issue #24; no
generator is involved):

    PYTHONPATH=. python benchmarks/mocogan_judge.py [--seeds 0 1 2 3] [--num 50] [--out DIR]

The shifted clips are drawn afresh (seed 5018, neither the train nor the
test part's) with `data.motion`'s parameters (shape, radius, colour,
offset, the same straight path) and rendered here, not through the
judge's augmentation (`evaluation.video.appearance_jitter`, which
transforms rendered clips), one shift a set of `--num` clips an action:

    clean     as drawn (another held-out set)
    grey      a whitish grey instead of a colour (grey 0.6-0.95, tint +-0.05)
    dim       the colour at 0.4 of its brightness (low contrast)
    blur      a Gaussian blur of 1.5 pixels
    resize    the radius grows 0.5x -> 1.5x over the clip (half the clips)
              or shrinks 1.5x -> 0.5x
    deform    the height and width swing apart (x(1 +- 0.4 sin), two cycles)
    noise     per-pixel Gaussian noise, sigma 0.25 (colour speckle)
    speckle   the shape's fill speckled: each pixel's brightness 0.2-1
    fade-in   the shape's brightness 0.15 -> 1 over the clip
    G-like    grey, speckled (0.5-1), growing 0.9x -> 1.4x, fading in from
              0.55, blurred 1 pixel, noise 0.15: the brightness, ground,
              saturation and blob area measured on MoCoGAN's samples
    G-like dark  the same darker and smaller (the first try: grey at 0.6,
              speckle 0.2-1, growing 0.6x -> 1.4x, fading in from 0.3)
    short     the path 0.45 of the full one (0.24 frame widths), placed at
              random along it
    drift     the shape drifts across the axis by 0.4 of its travel
    forms     the first 6 frames a sparse cloud (1.8x -> 1x the shape, a
              quarter of its pixels -> all) that gathers into the shape
    G-like path  G-like, short, drift and forms together

For each judge seed (the report trains its judge with the run's seed) it
prints the share of each set read as its true direction by the judge
trained on the clips as they are (the report's judge before this
benchmark) and by the judge trained on appearance-jittered clips, beside
the read of the frames' centroid path (`centroid_motion`, nothing
learned) on the same clips, and writes OUT/judge.json and OUT/shifts.png
(4 clips a set, frames 0, 3, ..., 15)."""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tfgan_zoo.data import motion  # noqa: E402
from tfgan_zoo.evaluation import video  # noqa: E402
from tfgan_zoo.reports.video import JITTERED_JUDGE_STEPS  # noqa: E402

# Each shift's look: grey (a whitish grey instead of the colour), gain (of
# the brightness), blur (sigma, pixels), resize (0.5x <-> 1.5x over the
# clip), grow (the radius from one factor to another over the clip), deform
# (height and width swing apart), noise (sigma in [-1, 1] units), speckle
# (each fill pixel's brightness from this to 1), fade (the brightness from
# this to 1 over the clip).
SHIFTS = {
    "clean": {}, "grey": {"grey": True}, "dim": {"gain": 0.4}, "blur": {"blur": 1.5},
    "resize": {"resize": True}, "deform": {"deform": True}, "noise": {"noise": 0.25},
    "speckle": {"speckle": 0.2}, "fade-in": {"fade": 0.15},
    # G's frames measured (RUN/look in RESULTS): the brightest 3 % of pixels at
    # 0.33-0.50 in the first 4 frames and 0.55-0.66 in the last 4 ([0, 1]),
    # ground 0.02-0.09, saturation 0.13-0.16, blob area 7-15 % -> 13-18 % of
    # the frame (real clips: 0.84, 0, 0.36, 9 %)
    "G-like": {"grey": True, "speckle": 0.5, "fade": 0.55, "grow": (0.9, 1.4), "blur": 1.0,
               "noise": 0.15},
    # the first try, darker and smaller than G's blobs
    "G-like dark": {"grey": True, "gain": 0.6, "speckle": 0.2, "grow": (0.6, 1.4),
                    "fade": 0.3, "blur": 1.0, "noise": 0.15},
    # the path, not the look (G's blobs travel 0.24-0.33 frame widths, not
    # 0.54, drift off the axis, and gather out of speckle; RESULTS)
    "short": {"travel": 0.45}, "drift": {"drift": 0.4}, "forms": {"forms": 6},
    "G-like path": {"grey": True, "speckle": 0.5, "fade": 0.55, "grow": (0.9, 1.4),
                    "blur": 1.0, "noise": 0.15, "travel": 0.45, "drift": 0.4, "forms": 6},
}
SEED = 5018


def _blob(shape, cx, cy, rx, ry, x, y):
    if shape == 0:
        return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
    return (np.abs(x - cx) <= rx) & (np.abs(y - cy) <= ry)


def shifted_clip(kind, shape, action, size, radius, colour, offset, frames, rng):
    """One clip of `motion.render`'s path and parameters with the look of
    `kind` (`SHIFTS`); [frames, size, size, 3] in [-1, 1]."""
    spec = SHIFTS[kind]
    grid = np.arange(size) + 0.5
    y, x = np.meshgrid(grid, grid, indexing="ij")
    ramp = np.linspace(0, 1, frames)
    length = spec.get("travel", 1.0) * (size - 2 * radius)
    first = rng.uniform(radius, size - radius - length) if "travel" in spec else radius
    along = np.linspace(first, first + length, frames)
    if action in (1, 3):
        along = along[::-1]
    drift = spec["drift"] * length * rng.choice([-1, 1]) if "drift" in spec else 0
    across = radius + offset * (size - 2 * radius) + drift * (ramp - 0.5)
    colour = np.asarray(colour, np.float64)
    if spec.get("grey"):
        colour = rng.uniform(0.6, 0.95) + rng.uniform(-0.05, 0.05, 3)
    colour = colour * spec.get("gain", 1.0)
    rx = ry = radius * np.ones(frames)
    if spec.get("resize"):
        rx = ry = radius * (0.5 + ramp if rng.random() < 0.5 else 1.5 - ramp)
    if "grow" in spec:
        first, last = spec["grow"]
        rx = ry = radius * (first + (last - first) * ramp)
    if spec.get("deform"):
        swing = 0.4 * np.sin(4 * np.pi * ramp + rng.uniform(0, 2 * np.pi))
        rx, ry = radius * (1 + swing), radius * (1 - swing)
    brightness = spec.get("fade", 1.0) + (1 - spec.get("fade", 1.0)) * ramp
    clip = np.zeros((frames, size, size, 3))
    for t, (a, b) in enumerate(zip(along, across)):
        cx, cy = (a, b) if action < 2 else (b, a)
        fill = colour * brightness[t]
        if "speckle" in spec:
            fill = fill * rng.uniform(spec["speckle"], 1.0, (size, size, 1))
        inside = _blob(shape, cx, cy, rx[t], ry[t], x, y)
        if t < spec.get("forms", 0):  # a sparse cloud that gathers into the shape
            share = t / spec["forms"]
            inside = (_blob(shape, cx, cy, rx[t] * (1.8 - 0.8 * share),
                            ry[t] * (1.8 - 0.8 * share), x, y)
                      & (rng.random((size, size)) < 0.25 + 0.75 * share))
        clip[t] = np.where(inside[..., None], fill, 0)
    if "blur" in spec:
        from scipy import ndimage
        clip = ndimage.gaussian_filter(clip, (0, spec["blur"], spec["blur"], 0))
    if "noise" in spec:
        clip = clip + rng.normal(0, spec["noise"] / 2, clip.shape)  # [0, 1] units
    return (np.clip(clip, 0, 1) * 2 - 1).astype(np.float32)


def shifted_set(kind, per_action, size=motion.DEFAULT_SIZE, frames=motion.CLIP_LENGTH,
                seed=SEED):
    """(clips, actions) of one shift: `per_action` clips an action, the
    parameters drawn as `motion.generate` draws them."""
    rng = np.random.default_rng(seed)
    clips, actions = [], []
    for _ in range(per_action):
        for action in range(len(motion.ACTIONS)):
            shape = int(rng.integers(2))
            radius = rng.uniform(0.12, 0.2) * size
            colour = rng.uniform(0.3, 1.0, 3)
            clips.append(shifted_clip(kind, shape, action, size, radius, colour,
                                      rng.uniform(0, 1), frames, rng))
            actions.append(action)
    return np.stack(clips), np.asarray(actions, np.int32)


def look(clips):
    """What a set of clips looks like, in [0, 1]: the brightest 3 % of
    pixels (the blob) over the first and the last 4 frames, the ground (the
    median pixel), the saturation of the foreground (brighter than the
    ground by 0.15) in the last 4 frames, and the foreground's share of the
    frame over the first and last 4 frames."""
    v = (np.asarray(clips) + 1) / 2
    bright = v.max(-1)
    flat = bright.reshape(*bright.shape[:2], -1)
    top, ground = np.percentile(flat, 97, axis=2), np.median(flat, axis=2)
    fg = bright > ground[..., None, None] + 0.15
    saturation = ((v.max(-1) - v.min(-1)) * fg).sum((2, 3)) / np.maximum(fg.sum((2, 3)), 1)
    area = fg.mean((2, 3))
    figures = {"top_first": top[:, :4].mean(), "top_last": top[:, -4:].mean(),
               "ground": ground.mean(), "saturation": saturation[:, -4:].mean(),
               "area_first": area[:, :4].mean(), "area_last": area[:, -4:].mean()}
    return {k: round(float(x), 3) for k, x in figures.items()}


def generated(run):
    """(the report's 200 videos of a run, 50 an action; their actions; the run's seed)."""
    from tfgan_zoo.reports.video import _generate
    from tfgan_zoo.rundir.run import load_run
    model, config = load_run(run)
    inputs = model.example_inputs(200, seed=config.seed)
    inputs["action"] = np.repeat(np.arange(len(motion.ACTIONS)), 50).astype(np.int32)
    return _generate(model, inputs), inputs["action"], config.seed


def read(judge, clips, actions):
    """(share read as `actions`, confusion rows asked x columns read)."""
    k = len(motion.ACTIONS)
    got = video.predict(judge, clips)
    return (float(np.mean(got == actions)),
            np.bincount(actions * k + got, minlength=k * k).reshape(k, k).tolist())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/bench/mocogan_judge")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3],
                        help="judge seeds (the runs' seeds are added)")
    parser.add_argument("--num", type=int, default=50, help="clips an action a shift")
    parser.add_argument("--steps", type=int, default=None,
                        help="judge training steps (default: the report's, 300 clean and "
                             "JITTERED_JUDGE_STEPS jittered)")
    parser.add_argument("--judges", nargs="+", default=["clean", "jittered"],
                        choices=["clean", "jittered"], help="which judges to train")
    parser.add_argument("--runs", nargs="*", default=[],
                        help="MoCoGAN run directories: their report's videos read by both "
                             "judges of the run's seed, their look printed beside the sets'")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    train, train_actions, _ = motion.generate(motion.DEFAULT_COUNT["train"])
    test, test_actions, _ = motion.generate(motion.DEFAULT_COUNT["test"], part="test")
    sets = {kind: shifted_set(kind, args.num) for kind in SHIFTS}
    from tfgan_zoo.images import save_grid
    shown = np.stack([clips[:4, ::3] for clips, _ in sets.values()])
    save_grid(out / "shifts.png", shown.reshape(-1, *shown.shape[-3:]), rows=4 * len(SHIFTS),
              scale=2)
    runs = {run: generated(run) for run in args.runs}
    looks = {kind: look(c) for kind, (c, _) in sets.items()}
    looks.update({run: look(clips) for run, (clips, _, _) in runs.items()})
    for name, figures in looks.items():
        print(name, figures)
    centroid = lambda c, a: float(np.mean(video.centroid_motion(c)["direction"] == a))  # noqa
    result = {"centroid": dict(test=centroid(test, test_actions),
                               **{kind: centroid(c, a) for kind, (c, a) in sets.items()}),
              "looks": looks, "judges": {},
              "runs": {run: {"seed": seed, "centroid": centroid(clips, actions)}
                       for run, (clips, actions, seed) in runs.items()}}
    for seed in sorted(set(args.seeds) | {seed for _, _, seed in runs.values()}):
        for augment in [j == "jittered" for j in args.judges]:
            steps = args.steps or (JITTERED_JUDGE_STEPS if augment else 300)
            start = time.process_time()
            judge = video.train_action_classifier(train, train_actions, len(motion.ACTIONS),
                                                  steps, seed=seed, augment=augment)
            cpu = time.process_time() - start
            reads = {"test": read(judge, test, test_actions)[0]}
            confusions = {}
            for kind, (c, a) in sets.items():
                reads[kind], confusions[kind] = read(judge, c, a)
            kind = "jittered" if augment else "clean"
            result["judges"][f"{kind} seed {seed}"] = {
                "training": video.judge_training(steps, augment=augment),
                "train_cpu_s": cpu, "reads": reads, "confusions": confusions}
            print(f"{kind} seed {seed}", f"({cpu:.0f} CPU-s):",
                  " ".join(f"{k} {v:.3f}" for k, v in reads.items()), flush=True)
            for run, (clips, actions, run_seed) in runs.items():
                if run_seed == seed:
                    share, confusion = read(judge, clips, actions)
                    result["runs"][run][kind] = share
                    result["runs"][run][f"{kind}_confusion"] = confusion
                    print(f"  {run}: {share:.3f} {confusion} (centroid "
                          f"{result['runs'][run]['centroid']:.3f})", flush=True)
    (out / "judge.json").write_text(json.dumps(result, indent=2))
    print("| judge | held-out test | " + " | ".join(SHIFTS) + " |")
    print("|---" * (len(SHIFTS) + 2) + "|")
    print("| centroid (nothing learned) | " + " | ".join(
        f"{result['centroid'][k]:.3f}" for k in ("test", *SHIFTS)) + " |")
    for name, judge in result["judges"].items():
        print(f"| {name} | " + " | ".join(f"{judge['reads'][k]:.3f}"
                                          for k in ("test", *SHIFTS)) + " |")
    print("| run | seed | centroid | " + " | ".join(args.judges) + " |")
    for run, figures in result["runs"].items():
        print(f"| {run} | {figures['seed']} | {figures['centroid']:.3f} | " + " | ".join(
            f"{figures.get(j, float('nan')):.3f}" for j in args.judges) + " |")


if __name__ == "__main__":
    main()
