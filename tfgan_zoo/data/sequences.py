"""Sequences for SeqGAN and RCGAN (issue #24), all made or read offline.

Tokens (int32 [N, T], unlabelled; `Data.model_args` carries vocab_size,
seq_length and vocabulary):

    oracle[:N]           SeqGAN's synthetic benchmark (Yu et al. 2017, §4):
                         N (10,000) sequences of length 20 over 5,000 tokens
                         drawn from an "oracle" LSTM (embedding and hidden 32)
                         whose every parameter is N(0, 1), seed ORACLE_SEED.
                         `oracle_nll` scores samples under it; its NLL on its
                         own samples (`oracle_floor`) is the floor.
    shapes_text[:N]      captions of the captioned-shapes grammar
                         (`tfgan_zoo.data.shapes`) as word ids, 0 padding at
                         the end; `valid_sentences` is the exact rate of
                         sequences the grammar can produce.
    essen_tokens[:N]     the melodies of the first N (1,000) tunes of music21's
                         Essen folk songs as pitch tokens (each note's MIDI
                         pitch, rests and durations dropped, folded by octaves
                         into C2-C7; 0 pads a short tune's end): windows of 20
                         notes every 10; every 10th tune is test. Needs the
                         `music` extra; the parsed notes are cached.

Series (float32 [N, T, C] in [-1, 1], with int32 labels):

    sines[:T]            one-channel sine waves, T steps (30), frequency
                         U(1, 5) cycles a sequence, amplitude U(0.1, 0.9),
                         phase U(-pi, pi) (RCGAN's toy set, Esteban et al.
                         2017, §4.1); the label is the frequency's third
                         (3 classes), a condition of our own.
    mnist_seq[:D]        mnist5k digits D (default 0,1,2: the paper's
                         3-digit setting) at 14x14, read row by row: 14 steps
                         of 14 values (Esteban et al. 2017, §5.1); the
                         `train`/`test` splits are mnist5k's 4,500/500.
    basic_motions, japanese_vowels
                         sktime's bundled UEA sets (6-D accelerometer and gyro,
                         100 steps, 4 classes; 12-D cepstra, 9 speakers, cropped
                         or padded to 20 steps); the optional `sktime` extra.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import digits, music, shapes
from tfgan_zoo.data.base import Data, check_positive_int
from tfgan_zoo.errors import UserError
from tfgan_zoo.files import cached_arrays
from tfgan_zoo.optional import require
from tfgan_zoo.networks.sequence import TokenGenerator

ORACLE_SEED = 88
ORACLE_VOCAB = 5000
ORACLE_LENGTH = 20
ORACLE_HIDDEN = 32
ORACLE_SAMPLES = 10_000
SPLIT_SEEDS = {"train": 0, "test": 1}
SINE_LENGTH = 30


@dataclasses.dataclass
class SequenceSource:
    """In-memory sequences (tokens [N, T] or series [N, T, C]) with optional
    labels; `build` makes the batched `Data` (its `image_shape` is the
    per-example shape) the trainer reads."""

    name: str
    values: np.ndarray
    labels: np.ndarray | None = None
    num_classes: int | None = None
    model_args: dict = dataclasses.field(default_factory=dict)

    @property
    def num_examples(self):
        return len(self.values)

    @property
    def image_shape(self):
        return tuple(self.values.shape[1:])

    def build(self, *, batch_size, shuffle, seed, repeat, drop_remainder, **_):
        if drop_remainder and batch_size > self.num_examples:
            raise UserError(f"batch size {batch_size} is larger than dataset '{self.name}' "
                            f"({self.num_examples} sequences): lower --batch-size")
        element = self.values if self.labels is None else (self.values, self.labels)
        ds = tf.data.Dataset.from_tensor_slices(element)
        if shuffle:
            ds = ds.shuffle(self.num_examples, seed=seed, reshuffle_each_iteration=True)
        if repeat:
            ds = ds.repeat()
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA)
        ds = ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
        return Data(dataset=ds.with_options(options), image_shape=self.image_shape,
                    num_classes=self.num_classes, num_examples=self.num_examples,
                    name=self.name, model_args=dict(self.model_args))


def _count(name, arg, default):
    return default if not arg else check_positive_int(f"{name}'s number of sequences",
                                                      int(arg) if arg.isdigit() else arg)


def _split(name, split):
    if split not in SPLIT_SEEDS:
        raise UserError(f"dataset '{name}' has splits train and test, got '{split}'")


# ------------------------------------------------------------------ oracle
@functools.lru_cache(maxsize=2)
def oracle_parameters(seed=ORACLE_SEED, vocab_size=ORACLE_VOCAB, hidden=ORACLE_HIDDEN):
    """The oracle LSTM's weights, every one N(0, 1) from `seed` (the paper's
    initialisation), in the order of `networks.sequence.TokenGenerator`'s
    weights: embedding, LSTM kernel, recurrent kernel, bias, output kernel,
    output bias."""
    rng = np.random.default_rng(seed)
    shapes_ = [(vocab_size + 1, hidden), (hidden, 4 * hidden), (hidden, 4 * hidden),
               (4 * hidden,), (hidden, vocab_size), (vocab_size,)]
    return [rng.standard_normal(s).astype("float32") for s in shapes_]


def oracle_tokens(n, seed, oracle_seed=ORACLE_SEED):
    """n oracle sequences int32 [n, 20], drawn with uniforms from `seed`."""
    draw = tf.function(_oracle(oracle_seed).sample)
    u = np.random.default_rng([seed, oracle_seed]).random((n, ORACLE_LENGTH), np.float32)
    return np.concatenate([draw(tf.constant(u[i:i + 2000])).numpy()
                           for i in range(0, n, 2000)])


@functools.lru_cache(maxsize=2)
def _oracle(seed):
    oracle = TokenGenerator(ORACLE_VOCAB, ORACLE_HIDDEN, ORACLE_HIDDEN, name="oracle")
    oracle.logits(tf.zeros([1, ORACLE_LENGTH], tf.int32))
    oracle.set_weights(oracle_parameters(seed))
    return oracle


def oracle_network(seed=ORACLE_SEED):
    """The oracle LSTM (a `TokenGenerator`), built and frozen."""
    return _oracle(seed)


def load_oracle(arg, *, split, data_dir, image_size):
    """SeqGAN's synthetic oracle data: sequences of length 20 over 5,000
    tokens from a random LSTM with N(0, 1) parameters (Yu et al. 2017, §4),
    fixed seed; `oracle:N` for N sequences (10,000)."""
    _split("oracle", split)
    n = _count("oracle", arg, ORACLE_SAMPLES)
    return SequenceSource("oracle", _oracle_samples(n, split), model_args={
        "vocab_size": ORACLE_VOCAB, "seq_length": ORACLE_LENGTH})


@functools.lru_cache(maxsize=4)
def _oracle_samples(n, split):
    return oracle_tokens(n, SPLIT_SEEDS[split])


# ------------------------------------------------------------- shapes text
SHAPES_VOCABULARY = ("<pad>",) + shapes.VOCABULARY
SHAPES_LENGTH = shapes.MAX_LENGTH


def encode_sentences(sentences):
    """Word ids int32 [N, 16] of grammar sentences (0 pads at the end)."""
    index = {w: i for i, w in enumerate(SHAPES_VOCABULARY)}
    out = np.zeros((len(sentences), SHAPES_LENGTH), np.int32)
    for row, sentence in zip(out, sentences):
        ids = [index[w] for w in sentence.split()]
        row[:len(ids)] = ids
    return out


def decode_sentence(ids):
    """The words of one id row, padding dropped; None where a word follows
    padding or an id is not a word (not a sentence at all)."""
    ids = [int(i) for i in ids]
    words = ids[:ids.index(0)] if 0 in ids else ids
    if any(ids[len(words):]) or not all(0 < i < len(SHAPES_VOCABULARY) for i in words):
        return None
    return " ".join(SHAPES_VOCABULARY[i] for i in words)


@functools.lru_cache(maxsize=1)
def grammar_sentences():
    """Every caption the shapes grammar can write (a frozenset of strings)."""
    rng = np.random.default_rng(0)
    colours, kinds, sizes = len(shapes.COLOURS), len(shapes.SHAPES), len(shapes.SIZES)
    objects = list(itertools.product(range(colours), range(kinds), range(sizes)))
    sentences = set()
    for obj in objects:
        sentences.update(shapes.captions_for((0, *obj, -1, -1, -1), rng, k=99))
    for layout, a, b in itertools.product((1, 2), objects, objects):
        sentences.update(shapes.captions_for((layout, *a, *b), rng, k=99))
    return frozenset(sentences)


def valid_sentences(tokens):
    """The fraction of id rows [N, 16] that are sentences of the grammar."""
    grammar = grammar_sentences()
    return float(np.mean([decode_sentence(row) in grammar for row in np.asarray(tokens)]))


def load_shapes_text(arg, *, split, data_dir, image_size):
    """Captions of the captioned-shapes grammar as word sequences (16 ids,
    padded): an exact valid-sentence rate; `shapes_text:N` for N scenes'
    captions (2,000 scenes, 5 captions each)."""
    _split("shapes_text", split)
    n = _count("shapes_text", arg, 2000)
    scenes = shapes.make_scenes(n, split="train" if split == "train" else "test")
    tokens = encode_sentences(scenes.captions.reshape(-1))
    return SequenceSource("shapes_text", tokens, model_args={
        "vocab_size": len(SHAPES_VOCABULARY), "seq_length": SHAPES_LENGTH,
        "vocabulary": SHAPES_VOCABULARY})


# ------------------------------------------------------------ essen tokens
ESSEN_LOW, ESSEN_HIGH = 36, 96          # C2 .. C7, MIDI
ESSEN_LENGTH, ESSEN_STRIDE, ESSEN_TUNES = 20, 10, 1000
PITCH_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
ESSEN_VOCABULARY = ("<pad>",) + tuple(f"{PITCH_NAMES[p % 12]}{p // 12 - 1}"
                                      for p in range(ESSEN_LOW, ESSEN_HIGH + 1))


def fold_pitches(pitches):
    """MIDI pitches moved by octaves into [ESSEN_LOW, ESSEN_HIGH]."""
    p = np.asarray(pitches, np.int64)
    p = np.where(p < ESSEN_LOW, ESSEN_LOW + (p - ESSEN_LOW) % 12, p)
    return np.where(p > ESSEN_HIGH, ESSEN_HIGH - 11 + (p - ESSEN_HIGH + 11) % 12, p)


def essen_pitches(tunes=ESSEN_TUNES):
    """{"pitches": every note's MIDI pitch, tune after tune; "starts": each
    tune's first index} of the first `tunes` tunes that have notes (cached)."""
    paths = sorted(str(p) for p in music.corpus_dir("essenFolksong").glob("*.abc"))

    def parse():
        melodies = []
        for path in paths:
            for score in music.read_file(path):
                notes = [n.pitch.midi for n in score.flatten().notes if n.isNote]
                if notes and len(melodies) < tunes:
                    melodies.append(notes)
            if len(melodies) >= tunes:
                break
        lengths = [len(m) for m in melodies]
        return {"pitches": np.concatenate(melodies).astype(np.int16),
                "starts": np.cumsum([0] + lengths[:-1]).astype(np.int64)}
    return cached_arrays("music", "essen_pitches", paths, parse, key=f"1:{tunes}",
                         what="music cache")


def essen_windows(tunes, split):
    """Token windows int32 [N, 20] of the `split` tunes (every 10th is test)."""
    found = essen_pitches(tunes)
    bounds = list(found["starts"]) + [len(found["pitches"])]
    rows = []
    for tune in range(len(found["starts"])):
        if (tune % 10 == 9) != (split == "test"):
            continue
        ids = fold_pitches(found["pitches"][bounds[tune]:bounds[tune + 1]]) - ESSEN_LOW + 1
        for start in range(0, max(len(ids) - ESSEN_LENGTH, 0) + 1, ESSEN_STRIDE):
            row = np.zeros(ESSEN_LENGTH, np.int32)
            window = ids[start:start + ESSEN_LENGTH]
            row[:len(window)] = window
            rows.append(row)
    return np.stack(rows)


def decode_notes(ids):
    """The note names of one id row, padding dropped."""
    return " ".join(ESSEN_VOCABULARY[int(i)] for i in ids
                    if 0 < int(i) < len(ESSEN_VOCABULARY))


def load_essen_tokens(arg, *, split, data_dir, image_size):
    """Melodies of music21's Essen folk songs as pitch tokens (20 notes,
    C2-C7, durations dropped); `essen_tokens:N` for the first N tunes
    (1,000); every 10th tune is test; needs tfgan_zoo[music]."""
    _split("essen_tokens", split)
    tokens = essen_windows(_count("essen_tokens", arg, ESSEN_TUNES), split)
    return SequenceSource("essen_tokens", tokens, model_args={
        "vocab_size": len(ESSEN_VOCABULARY), "seq_length": ESSEN_LENGTH,
        "vocabulary": ESSEN_VOCABULARY})


# ------------------------------------------------------------------ series
def sine_waves(n, length, seed):
    """(float32 [n, length, 1], int32 [n] frequency thirds): RCGAN's sines."""
    rng = np.random.default_rng(seed)
    freq = rng.uniform(1, 5, n)
    amplitude = rng.uniform(0.1, 0.9, n)
    phase = rng.uniform(-np.pi, np.pi, n)
    t = np.arange(length) / length
    x = amplitude[:, None] * np.sin(2 * np.pi * freq[:, None] * t + phase[:, None])
    labels = np.minimum(((freq - 1) / 4 * 3).astype(np.int32), 2)
    return x[..., None].astype(np.float32), labels


def load_sines(arg, *, split, data_dir, image_size):
    """Sine waves (RCGAN's toy data, Esteban et al. 2017 §4.1): 10,000 of
    `sines:T` steps (30), frequency U(1, 5), amplitude U(0.1, 0.9); label:
    the frequency's third."""
    _split("sines", split)
    length = SINE_LENGTH if not arg else check_positive_int(
        "sequence length", int(arg) if arg.lstrip("-").isdigit() else arg)
    x, y = sine_waves(10_000 if split == "train" else 2_000, length, 10 + SPLIT_SEEDS[split])
    return SequenceSource("sines", x, y, 3, {"seq_length": length, "channels": 1})


def mnist_sequences(part, classes=(0, 1, 2)):
    """mnist5k `part` digits of `classes` at 14x14 (2x2 means), rows as steps:
    (float32 [N, 14, 14] in [-1, 1], int32 labels 0..len(classes)-1)."""
    images, labels = digits.mnist5k_arrays()
    keep = digits.mnist5k_part(part)
    keep = keep[np.isin(labels[keep], classes)]
    small = images[keep, :, :, 0].astype(np.float32).reshape(-1, 14, 2, 14, 2).mean((2, 4))
    mapped = np.searchsorted(np.asarray(classes), labels[keep]).astype(np.int32)
    return small / 127.5 - 1.0, mapped


def load_mnist_sequences(arg, *, split, data_dir, image_size):
    """mnist5k digits as sequences, RCGAN's MNIST experiment (Esteban et al.
    2017 §5.1): 14 steps of 14 pixels; `mnist_seq:0,1,2` picks the digits
    (default 0, 1, 2); splits train (4,500 digits' part) and test (500)."""
    _split("mnist_seq", split)
    try:
        classes = tuple(sorted({int(d) for d in (arg or "0,1,2").split(",")}))
    except ValueError:
        classes = ()
    if len(classes) < 2 or not all(0 <= c <= 9 for c in classes):
        raise UserError(f"mnist_seq takes two or more digits 0-9, e.g. mnist_seq:0,1,2; "
                        f"got '{arg}'")
    x, y = mnist_sequences(split, classes)
    return SequenceSource("mnist_seq", x, y, len(classes), {"seq_length": 14, "channels": 14})


# ---------------------------------------------------------------- sktime
def _sktime_problem(name, length, split):
    datasets = require("sktime.datasets", f"dataset '{name}'")
    loader = {"basic_motions": datasets.load_basic_motions,
              "japanese_vowels": datasets.load_japanese_vowels}[name]
    x, y = loader(split=split.upper(), return_type="numpy3D")
    x = np.asarray(x, np.float32).transpose(0, 2, 1)  # [N, T, C]
    x = x[:, :length] if x.shape[1] >= length else np.pad(
        x, ((0, 0), (0, length - x.shape[1]), (0, 0)), mode="edge")
    scale = np.abs(x).max(axis=(0, 1), keepdims=True) + 1e-8
    names = sorted(set(y))
    labels = np.searchsorted(np.asarray(names), y).astype(np.int32)
    return SequenceSource(name, np.clip(x / scale, -1, 1), labels, len(names),
                          {"seq_length": length, "channels": x.shape[2]})


def load_basic_motions(arg, *, split, data_dir, image_size):
    """sktime's BasicMotions (UEA): 6-D accelerometer and gyroscope, 100
    steps, 4 activities, 40/40 train/test; scaled per channel to [-1, 1]."""
    _split("basic_motions", split)
    return _sktime_problem("basic_motions", 100, split)


def load_japanese_vowels(arg, *, split, data_dir, image_size):
    """sktime's JapaneseVowels (UEA): 12 cepstral coefficients, 9 speakers,
    cropped or padded to 20 steps; scaled per channel to [-1, 1]."""
    _split("japanese_vowels", split)
    return _sktime_problem("japanese_vowels", 20, split)
