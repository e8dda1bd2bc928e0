"""One-bar melodies with their chords, from music21's bundled corpus: the
data of MidiNet (Yang, Chou & Yang 2017).

A bar is 16 sixteenth-note steps of a monophonic melody over PITCHES = 24
pitches, C4 (MIDI 60) to B5: the paper's two octaves (the reference code's
`octave2_x.npy`); a note outside them is moved by octaves into them. Each
bar comes with the bar before it in the same piece (silence for a first
bar), MidiNet's 2-D condition, and a 13-d chord, its 1-D condition: the
root's pitch class one-hot (12) and 1 for minor, 0 for major. Elements are
(bar, previous bar, chord): float32 [16, 24] and [16, 24] in {-1, 1} (1
where a note sounds) and float32 [13].

    bach_chorales[:part]  the 4/4 bars of music21's Bach chorales: the
                          soprano is the melody, the chord of each bar the
                          major or minor triad that best fits the lower
                          three voices (`bar_chord`). Parts: train (9 of
                          every 10 chorales, transposed to all 12 keys as
                          the paper augments) and test (every 10th, in its
                          own key, for evaluation).
    essen_folk[:N]        the 4/4 and 2/4 tunes of music21's Essen folk-song
                          collection (two 2/4 bars make one bar), the first
                          N tunes (default 2000), transposed to 12 keys; no
                          chords, so a model trains on it without them.
    music_folder:<dir>    every MIDI, ABC or MusicXML file in a folder: the
                          first part is the melody, the others give the
                          chords (none for one part); 12 keys.

A file that does not parse is skipped and counted (`ParsedBars.skipped`);
none parsing is a one-line error. Parsing the corpus takes minutes, so the
parsed bars are cached as .npz under $TFGAN_ZOO_CACHE/music (written
atomically), keyed by the files' names, sizes and times. music21 is an
optional dependency: `pip install tfgan_zoo[music]`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.data.base import Data, check_positive_int, only_train
from tfgan_zoo.errors import UserError
from tfgan_zoo.files import cached_arrays
from tfgan_zoo.optional import require

STEPS = 16  # sixteenth notes in a 4/4 bar
PITCHES = 24
LOWEST_PITCH = 60  # C4
CHORD_DIM = 13
REST = -1
PARTS = ("train", "test")
TEST_EVERY = 10  # every 10th piece is held out
ESSEN_DEFAULT_TUNES = 2000
MUSIC_SUFFIXES = (".mid", ".midi", ".abc", ".xml", ".mxl", ".musicxml", ".krn")
_CACHE_VERSION = 1
MAJOR, MINOR = (0, 4, 7), (0, 3, 7)


def music21():
    """The music21 module, or a one-line error naming the extra."""
    return require("music21", "this dataset")


# ------------------------------------------------------------ one bar
def bar_chord(weights, bass=None):
    """(root pitch class, minor) of the major or minor triad that covers
    most of a bar's pitch-class `weights` [12] (durations), a bass note's
    weight `bass` [12] breaking ties towards its root; (REST, 0) for an
    empty bar."""
    weights = np.asarray(weights, np.float64)
    if weights.sum() <= 0:
        return REST, 0
    bass = np.zeros(12) if bass is None else np.asarray(bass, np.float64)
    best, choice = -1.0, (REST, 0)
    for minor, triad in enumerate((MAJOR, MINOR)):
        for root in range(12):
            score = sum(weights[(root + i) % 12] for i in triad) + 0.5 * bass[root]
            if score > best + 1e-9:
                best, choice = score, (root, minor)
    return choice


def chord_vector(root, minor):
    """MidiNet's 13-d chord: one-hot root and a minor flag; zeros for none
    (root REST)."""
    root, minor = np.asarray(root), np.asarray(minor)
    vector = np.zeros(root.shape + (CHORD_DIM,), np.float32)
    has = root >= 0
    vector[has, root[has]] = 1.0
    vector[..., 12] = np.where(has, minor, 0)
    return vector


def melody_roll(melody, shift=0):
    """[N, 16] MIDI pitches (REST for silence) -> int8 [N, 16, PITCHES] in
    {-1, 1}: transposed by `shift` semitones, folded by octaves into
    C4-B5."""
    melody = np.asarray(melody, np.int64)
    sounding = melody != REST
    index = np.mod(melody + shift - LOWEST_PITCH, 12) + 12 * np.clip(
        (melody + shift - LOWEST_PITCH) // 12, 0, PITCHES // 12 - 1)
    roll = -np.ones(melody.shape + (PITCHES,), np.int8)
    n, t = np.nonzero(sounding)
    roll[n, t, index[n, t]] = 1
    return roll


def roll_melody(roll, lowest_pitch=LOWEST_PITCH):
    """[..., 16, P] piano-roll (on where > 0) -> [..., 16] MIDI pitches, the
    highest sounding one at each step (monophonic), REST where none."""
    roll = np.asarray(roll)
    on = roll > 0
    top = roll.shape[-1] - 1 - np.argmax(on[..., ::-1], axis=-1)
    return np.where(on.any(-1), lowest_pitch + top, REST)


def monophonic(roll):
    """[..., 16, P] scores -> the same roll in {-1, 1} with one note a step:
    the highest-scoring pitch where it is > 0 (the generator's bars are
    made monophonic this way before they are heard or fed back)."""
    roll = np.asarray(roll, np.float32)
    top = np.argmax(roll, axis=-1)
    out = -np.ones_like(roll)
    on = np.take_along_axis(roll, top[..., None], -1)[..., 0] > 0
    np.put_along_axis(out, top[..., None], np.where(on, 1.0, -1.0)[..., None], -1)
    return out


# ---------------------------------------------------------- parsing
def _steps(notes, length):
    """[16] MIDI pitches of (offset in quarters, quarters, pitch) notes
    in a bar `length` quarters long (16 sixteenths for 4 quarters)."""
    steps = np.full(STEPS, REST, np.int16)
    scale = STEPS / length
    for offset, duration, pitch in notes:
        start, end = int(round(offset * scale)), int(round((offset + duration) * scale))
        steps[max(start, 0):min(end, STEPS)] = pitch
    return steps


def _pitch_weights(notes):
    weights, bass = np.zeros(12), np.zeros(12)
    for offset, duration, pitches in notes:
        for p in pitches:
            weights[p % 12] += duration
        bass[min(pitches) % 12] += duration
    return weights, bass


def _measures(part):
    """[(quarters, [(offset, duration, pitches)])] of a part's measures."""
    found = []
    for measure in part.getElementsByClass("Measure"):
        notes = [(float(n.offset), float(n.quarterLength), [p.midi for p in n.pitches])
                 for n in measure.flatten().notes if n.quarterLength > 0]
        found.append((float(measure.duration.quarterLength), notes))
    return found


def _full_bars(measures):
    """Indices of whole 16-step bars: a 4-quarter measure, or two 2-quarter
    measures in a row (2/4); pickups and other metres are left out."""
    bars, i = [], 0
    while i < len(measures):
        if measures[i][0] == 4.0:
            bars.append((i,))
        elif measures[i][0] == 2.0 and i + 1 < len(measures) and measures[i + 1][0] == 2.0:
            bars.append((i, i + 1))
            i += 1
        i += 1
    return bars


VOICES = ("soprano", "alto", "tenor", "bass")


def _voices(score):
    """The melody part first, then the chord parts: a chorale's soprano,
    alto, tenor and bass by name (its instrument doublings left out), else
    every part in order."""
    parts = list(score.parts) or [score]
    named = {}
    for part in parts:
        name = (part.partName or "").strip().lower()
        if name in VOICES and name not in named:
            named[name] = part
    if "soprano" in named:
        return [named[v] for v in VOICES if v in named]
    return parts


def score_bars(score):
    """(melody [N, 16], root [N], minor [N], previous [N, 16]) of one score:
    its first part the melody (highest note at each step), the others the
    chords; previous is the bar before in the score, REST for none."""
    parts = _voices(score)
    melody_part = _measures(parts[0])
    lower = [_measures(p) for p in parts[1:]]
    melody, roots, minors, previous = [], [], [], []
    last_index, last_steps = None, None
    silent = np.full(STEPS, REST, np.int16)
    for bar in _full_bars(melody_part):
        notes, weights, bass = [], np.zeros(12), np.zeros(12)
        for k, index in enumerate(bar):  # a second 2/4 measure starts 2 quarters in
            notes += [(o + 2.0 * k, d, max(p)) for o, d, p in melody_part[index][1]]
            for voice in lower:
                if index < len(voice):
                    w, b = _pitch_weights(voice[index][1])
                    weights, bass = weights + w, bass + b
        steps = _steps(notes, 4.0)
        root, minor = bar_chord(weights, bass) if lower else (REST, 0)
        previous.append(last_steps if last_index == bar[0] - 1 else silent)
        melody.append(steps)
        roots.append(root)
        minors.append(minor)
        last_index, last_steps = bar[-1], steps
    empty = np.zeros((0, STEPS), np.int16)
    return (np.array(melody, np.int16).reshape(-1, STEPS) if melody else empty,
            np.array(roots, np.int8), np.array(minors, np.int8),
            np.array(previous, np.int16).reshape(-1, STEPS) if previous else empty)


@dataclasses.dataclass
class ParsedBars:
    """Every bar of a collection, in its own key: melody [N, 16] MIDI
    pitches (REST silent), the bar before it, the chord (root, minor; root
    REST for none) and the piece it comes from; `skipped` files did not
    parse."""

    melody: np.ndarray
    previous: np.ndarray
    root: np.ndarray
    minor: np.ndarray
    piece: np.ndarray
    pieces: int
    skipped: int

    def arrays(self):
        return {f.name: np.asarray(getattr(self, f.name))
                for f in dataclasses.fields(self)}


def parse_scores(paths, read):
    """ParsedBars of the scores `read(path)` yields for each path (a file
    may hold several tunes, an ABC opus); a file whose reading raises is
    skipped and counted."""
    parts, skipped, pieces = [], 0, 0
    for path in paths:
        try:
            scores = list(read(path))
            found = [score_bars(s) for s in scores]
        except Exception:  # music21 raises many types for a broken file
            skipped += 1
            continue
        for melody, root, minor, previous in found:
            if len(melody):
                parts.append((melody, previous, root, minor, np.full(len(melody), pieces)))
            pieces += 1
    if not parts:
        raise UserError(f"no bars of 4/4 or 2/4 music in {len(paths)} files ({skipped} did "
                        "not parse): pass MIDI, ABC or MusicXML files of such music")
    melody, previous, root, minor, piece = (np.concatenate(a) for a in zip(*parts))
    return ParsedBars(melody, previous, root, minor, piece.astype(np.int32), pieces,
                      skipped)


def read_file(path):
    """The scores in a music file (an ABC file may be an opus of tunes)."""
    m21 = music21()
    parsed = m21.converter.parse(str(path))
    return list(parsed.scores) if isinstance(parsed, m21.stream.Opus) else [parsed]


def cached(name, paths, parse, limit=None):
    """`parse(paths)` (ParsedBars), kept in $TFGAN_ZOO_CACHE/music/ under a
    key of the files' names, sizes and times, written atomically."""
    arrays = cached_arrays("music", name, paths, lambda: parse(paths).arrays(),
                           key=f"{_CACHE_VERSION}:{limit}", what="music cache")
    return ParsedBars(**arrays)


def corpus_dir(folder):
    path = Path(music21().__file__).parent / "corpus" / folder
    if not path.is_dir():
        raise UserError(f"music21's corpus has no {folder}/: reinstall music21 "
                        "(pip install --force-reinstall music21)")
    return path


def bach_bars():
    paths = sorted(str(p) for p in corpus_dir("bach").glob("*.mxl"))
    return cached("bach_chorales", paths, lambda ps: parse_scores(ps, read_file))


def essen_bars(tunes):
    paths = sorted(str(p) for p in corpus_dir("essenFolksong").glob("*.abc"))

    def parse(ps):
        found, total = [], 0
        for path in ps:  # file by file, stopping once `tunes` tunes are read
            if total >= tunes:
                break
            try:
                bars = parse_scores([path], lambda p: read_file(p)[:tunes - total])
            except UserError:
                continue
            bars.piece += total
            total += bars.pieces
            found.append(bars)
        if not found:
            raise UserError("no tunes of music21's Essen folk songs parsed: reinstall music21")
        return ParsedBars(*(np.concatenate([getattr(b, f) for b in found])
                            for f in ("melody", "previous", "root", "minor", "piece")),
                          total, sum(b.skipped for b in found))
    return cached("essen_folk", paths, parse, limit=tunes)


def folder_bars(folder):
    root = Path(folder)
    if not root.is_dir():
        raise UserError(f"music_folder:{folder} is not a folder: pass a folder of MIDI, "
                        "ABC or MusicXML files")
    paths = sorted(str(p) for p in root.rglob("*") if p.suffix.lower() in MUSIC_SUFFIXES)
    if not paths:
        raise UserError(f"no MIDI, ABC or MusicXML files in {folder}: pass a folder of "
                        f"{', '.join(MUSIC_SUFFIXES)} files")
    return cached("folder", paths, lambda ps: parse_scores(ps, read_file))


# ------------------------------------------------------------ splits
def split_bars(bars, part):
    """The bars of `part`: every TEST_EVERY-th piece is test, the rest
    train; None: all of them."""
    test = bars.piece % TEST_EVERY == TEST_EVERY - 1
    keep = test if part == "test" else ~test if part == "train" else np.ones_like(test)
    return {k: v[keep] for k, v in (("melody", bars.melody), ("previous", bars.previous),
                                    ("root", bars.root), ("minor", bars.minor))}


def transposed(bars, keys):
    """(bar rolls int8, previous rolls int8, chords float32) in each of
    `keys` (semitone shifts), key-major."""
    rolls, previous, chords = [], [], []
    for shift in keys:
        rolls.append(melody_roll(bars["melody"], shift))
        previous.append(melody_roll(bars["previous"], shift))
        root = np.where(bars["root"] >= 0, np.mod(bars["root"] + shift, 12), REST)
        chords.append(chord_vector(root, bars["minor"]))
    return np.concatenate(rolls), np.concatenate(previous), np.concatenate(chords)


ALL_KEYS = tuple(range(-6, 6))  # each melody moves at most a tritone


@dataclasses.dataclass
class BarSource:
    """Bars, previous bars and chords in memory; `load_dataset` calls
    `build`. `chords` is False for a collection without them."""

    name: str
    bars: np.ndarray
    previous: np.ndarray
    chords_vectors: np.ndarray
    chords: bool
    skipped: int = 0

    @property
    def num_examples(self):
        return len(self.bars)

    def build(self, *, batch_size, image_size=None, channels=None, shuffle=True, seed=0,
              repeat=True, drop_remainder=True, cache=True):
        if image_size is not None or channels is not None:
            raise UserError(f"dataset '{self.name}' is piano-rolls of {STEPS} steps x "
                            f"{PITCHES} pitches: leave --image-size and --channels unset")
        if drop_remainder and batch_size > self.num_examples:
            raise UserError(f"batch size {batch_size} is larger than dataset '{self.name}' "
                            f"({self.num_examples} bars): lower --batch-size")
        ds = tf.data.Dataset.from_tensor_slices((self.bars, self.previous,
                                                 self.chords_vectors))
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA)
        if shuffle:
            ds = ds.shuffle(self.num_examples, seed=seed, reshuffle_each_iteration=True)
        if repeat:
            ds = ds.repeat()
        ds = ds.batch(batch_size, drop_remainder=drop_remainder).map(
            lambda bar, prev, chord: (tf.cast(bar, tf.float32), tf.cast(prev, tf.float32),
                                      chord), num_parallel_calls=tf.data.AUTOTUNE)
        return Data(dataset=ds.prefetch(tf.data.AUTOTUNE).with_options(options),
                    image_shape=(STEPS, PITCHES), num_classes=None,
                    num_examples=self.num_examples, name=self.name,
                    model_args={} if self.chords else {"chords": False})


def bar_source(name, bars, part, chords=True):
    """A BarSource of `part` (train: 12 keys; test: own key; None: every
    bar, 12 keys)."""
    if part is not None and part not in PARTS:
        raise UserError(f"{name} has parts {', '.join(PARTS)}, got '{part}'")
    chosen = split_bars(bars, part)
    keys = (0,) if part == "test" else ALL_KEYS
    rolls, previous, vectors = transposed(chosen, keys)
    return BarSource(name, rolls, previous, vectors, chords, bars.skipped)


def load_bach_chorales(arg, *, split, data_dir, image_size):
    """Music21's Bach chorales as one-bar melodies (the soprano) with the
    chord of the lower voices, MidiNet's data; parts train (12 keys) and
    test (every 10th chorale, own key); see tfgan_zoo.data.music."""
    part = arg or split
    if part not in PARTS:  # before the corpus is parsed
        raise UserError(f"bach_chorales has parts {', '.join(PARTS)}, got '{part}'")
    return bar_source("bach_chorales", bach_bars(), part)


def load_essen_folk(arg, *, split, data_dir, image_size):
    """The first N (default 2000) 4/4 and 2/4 tunes of music21's Essen
    folk songs as one-bar melodies in 12 keys, without chords; see
    tfgan_zoo.data.music."""
    only_train("essen_folk", split)
    tunes = ESSEN_DEFAULT_TUNES if not arg else (
        check_positive_int("essen_folk's number of tunes", int(arg)) if arg.isdigit()
        else None)
    if tunes is None:
        raise UserError(f"essen_folk takes a number of tunes, e.g. essen_folk:500; got '{arg}'")
    return bar_source("essen_folk", essen_bars(tunes), None, chords=False)


def load_music_folder(arg, *, split, data_dir, image_size):
    """Every MIDI, ABC or MusicXML file in a folder as one-bar melodies (the
    first part) with chords from the other parts, in 12 keys; files that do
    not parse are skipped and counted; see tfgan_zoo.data.music."""
    only_train("music_folder", split)
    bars = folder_bars(arg)
    has_chords = bool((bars.root >= 0).any())
    source = bar_source("music_folder", bars, None, chords=has_chords)
    if bars.skipped:
        print(f"music_folder: skipped {bars.skipped} file(s) that did not parse")
    return source
