"""MidiNet's checks on held-out Bach chorales (FAMILIES.md E3, issue #24).

Trains the `midinet` recipe (chords and previous bar) and, with the same
steps and seed, an unconditional baseline (--chords False --previous-bar
False), then asks each for every bar of the test chorales (every 10th
chorale, in its own key) given that bar's chord and the real bar before
it, made monophonic, and measures against the real test bars:

- chord-tone ratio (share of sounding sixteenth steps on a tone of the
  requested triad): MidiNet >= real's - 0.1 and >= unconditional + 0.15;
- pitch-class KL(generated || real): MidiNet < a third of random notes';
- empty-bar rate and the mean |interval| across the bar line.

A last row asks MidiNet for the same bars with the chords shuffled among
them (ratios against the chords asked for): how much of its chord-tone
ratio follows the chord rather than the previous bar's key.

Eight-bar melodies (each bar fed back as the next one's previous bar) over
the chords of the first test chorales are written as MIDI files beside the
runs, and one JSON of every figure.

    python benchmarks/midinet_checks.py [--out runs/midinet_checks] [--steps N]
"""

import json
from pathlib import Path

import numpy as np

from benchmarks._runs import arguments, step_flags, train_recipe
from tfgan_zoo.data import music
from tfgan_zoo.evaluation.music import melody_metrics, random_bars
from tfgan_zoo.files import write_atomic
from tfgan_zoo.samples import midi_bytes
from tfgan_zoo.rundir.run import load_run

BASELINE = ["--chords", "False", "--previous-bar", "False"]


def generate(model, bars, previous, chords, seed=0):
    """A monophonic bar for every test bar, given its chord and previous bar."""
    z = np.random.default_rng(seed).standard_normal((len(bars), model.latent_dim))
    inputs = {"z": z.astype(np.float32), "chord": chords,
              "previous_bar": previous.astype(np.float32)}
    table = model.generator_inputs()
    out = [model.sample(len(bars[i:i + 512]), **{k: v[i:i + 512] for k, v in inputs.items()
                                                  if k in table})
           for i in range(0, len(bars), 512)]
    return music.monophonic(np.concatenate(out))


def write_melodies(model, test, out, name, pieces=4, length=8):
    """8-bar melodies over the chords of the first test chorales, as MIDI."""
    paths = []
    for piece in np.unique(test["piece"])[:pieces]:
        chords = music.chord_vector(test["root"], test["minor"])[test["piece"] == piece][:length]
        roll = model.melody(chords, seed=int(piece))
        path = Path(out) / f"{name}-chorale{int(piece)}.mid"
        write_atomic(path, midi_bytes(roll, model.lowest_pitch))
        paths.append(str(path))
    return paths


def main():
    parser = arguments(__doc__, "runs/midinet_checks", 0)
    args = parser.parse_args()
    out = Path(args.out)
    timings = {"midinet": train_recipe("midinet", out / "midinet", *step_flags(args)),
               "unconditional": train_recipe("midinet", out / "unconditional",
                                             *step_flags(args), *BASELINE)}
    parsed = music.bach_bars()
    source = music.bar_source("bach_chorales", parsed, "test")
    bars = source.bars.astype(np.float32)
    previous, chords = source.previous.astype(np.float32), source.chords_vectors
    test = music.split_bars(parsed, "test")
    test["piece"] = parsed.piece[parsed.piece % music.TEST_EVERY == music.TEST_EVERY - 1]
    rows = {"real": melody_metrics(bars, bars, chords, previous),
            "random notes": melody_metrics(random_bars(len(bars), bars.shape[-1]), bars,
                                           chords, previous)}
    midi = {}
    for name in ("midinet", "unconditional"):
        model, _ = load_run(out / name)
        rows[name] = melody_metrics(generate(model, bars, previous, chords), bars, chords,
                                    previous)
        midi[name] = write_melodies(model, test, out, name)
        if name == "midinet":  # the same bars asked for other bars' chords
            shuffled = chords[np.random.default_rng(0).permutation(len(chords))]
            rows["midinet, chords shuffled"] = melody_metrics(
                generate(model, bars, previous, shuffled), bars, shuffled, previous)
    checks = {
        "chord-tone ratio >= real - 0.1": rows["midinet"]["chord_tone_ratio"]
        >= rows["real"]["chord_tone_ratio"] - 0.1,
        "chord-tone ratio >= unconditional + 0.15": rows["midinet"]["chord_tone_ratio"]
        >= rows["unconditional"]["chord_tone_ratio"] + 0.15,
        "pitch-class KL < random / 3": rows["midinet"]["pitch_class_kl"]
        < rows["random notes"]["pitch_class_kl"] / 3}
    result = {"test_bars": len(bars), "rows": rows, "checks": checks, "timings": timings,
              "midi": midi}
    (out / "results.json").write_text(json.dumps(result, indent=2, default=str))
    print(f"| bars (n = {len(bars)} test bars) | chord-tone ratio | pitch-class KL | "
          "empty bars | mean abs interval over the bar line |")
    print("| --- | --- | --- | --- | --- |")
    for name, row in rows.items():
        print(f"| {name} | {row['chord_tone_ratio']:.3f} | {row['pitch_class_kl']:.4f} | "
              f"{row['empty_bar_rate']:.3f} | {row['boundary_interval']:.2f} |")
    for check, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {check}")
    print(json.dumps(timings, indent=2))


if __name__ == "__main__":
    main()
