"""CUB-200-2011 birds and Oxford-102 flowers with Reed et al.'s captions.

Reed et al. 2016 ("Learning Deep Representations of Fine-Grained Visual
Descriptions") collected ten captions per image; their archives (cub_icml,
flowers_icml) hold them as

    CAPTIONS/text_c10/<class>/<image>.txt     one caption per line
    CAPTIONS/trainclasses.txt, testclasses.txt (optional class split)

An image is matched to its captions by file name (`<image>.jpg` for
`<image>.txt`). The images come from

- an image folder (`--data-dir`, searched recursively, e.g.
  CUB_200_2011/images or Oxford-102's jpg/), or, when none is given, an
  `images/` or `jpg/` folder beside the captions;
- otherwise the TFDS datasets `caltech_birds2011` / `oxford_flowers102`
  (chosen from the class names), prepared in `--data-dir` or TFDS's default
  directory. Nothing is downloaded when the network is unreachable: a clear
  error says what to fetch.

    python -m tfgan_zoo.recipes.stackgan --dataset captions:/data/cub_icml \\
        --data-dir /data/CUB_200_2011/images

Elements match `shapes_captions`: `(image, {"tokens": [10, L], "class",
"bbox", "attributes"})`; the vocabulary is the words seen at least twice.
"""

from __future__ import annotations

import collections
import functools
import os
import re
import warnings
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.data.base import Source, one_line, online
from tfgan_zoo.text.tokenizer import tokenize
from tfgan_zoo.errors import UserError

CAPTIONS = 10
MAX_LENGTH = 24
MIN_COUNT = 2
MAX_VOCABULARY = 5000
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
TFDS = {"caltech_birds2011": "image/filename", "oxford_flowers102": "file_name"}


def _words(text):
    # The same standardization as TextVectorization's lower_and_strip_punctuation.
    return re.sub(r"[!\"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~']", "", text.lower()).split()


@functools.lru_cache(maxsize=4)
def read_captions(root):
    """{image stem: (class name, [captions])} from CAPTIONS/text_c10."""
    root = Path(root).expanduser()
    text_dir = root / "text_c10"
    if not text_dir.is_dir():
        raise UserError(f"caption folder {root} has no text_c10/<class>/<image>.txt files: "
                        "pass the folder of Reed et al.'s captions (cub_icml or flowers_icml, "
                        "from github.com/reedscot/icml2016) to --dataset captions:DIR")
    found = {}
    for class_dir in sorted(p for p in text_dir.iterdir() if p.is_dir()):
        for path in sorted(class_dir.glob("*.txt")):
            lines = [l.strip() for l in path.read_text(errors="replace").splitlines()]
            lines = [l for l in lines if _words(l)]
            if lines:
                found[path.stem] = (class_dir.name, lines)
    if not found:
        raise UserError(f"caption folder {root} has no non-empty caption files under "
                        "text_c10/<class>/<image>.txt")
    return found


def _split_classes(root, split):
    """The classes of `split` from trainclasses.txt / testclasses.txt (all
    classes for train when there are none)."""
    name = {"train": "trainclasses.txt", "test": "testclasses.txt"}.get(split)
    if name is None:
        raise UserError(f"captioned datasets have splits train and test, got '{split}'")
    path = Path(root).expanduser() / name
    if path.is_file():
        return {l.strip() for l in path.read_text().splitlines() if l.strip()}
    if split == "test":
        raise UserError(f"{root} has no testclasses.txt, so no test split: use split train")
    return None


def vocabulary(captions):
    """Words seen at least MIN_COUNT times, most frequent first."""
    counts = collections.Counter(w for _, lines in captions.values()
                                 for line in lines for w in _words(line))
    words = sorted((w for w, c in counts.items() if c >= MIN_COUNT),
                   key=lambda w: (-counts[w], w))
    return tuple(words[:MAX_VOCABULARY])


def vocabulary_and_examples(root, data_dir=None, n=8):
    """(vocabulary, n example captions) of a caption folder."""
    captions = read_captions(str(root))
    stems = sorted(captions)
    step = max(1, len(stems) // n)
    return vocabulary(captions), [captions[s][1][0] for s in stems[::step][:n]]


def _image_files(folder):
    files = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for f in filenames:
            if f.lower().endswith(IMAGE_EXTENSIONS) and not f.startswith("."):
                files.setdefault(os.path.splitext(f)[0], os.path.join(dirpath, f))
    return files


def _image_folder(root, data_dir):
    """The image folder to use, or None (then TFDS)."""
    if data_dir and not any(Path(data_dir, n).is_dir() for n in TFDS):
        if not Path(data_dir).is_dir():
            raise UserError(f"image folder {data_dir} does not exist: pass --data-dir with "
                            "the dataset's images (e.g. CUB_200_2011/images)")
        return Path(data_dir)
    if not data_dir:
        for name in ("images", "jpg"):
            for base in (Path(root), Path(root).parent):
                if (base / name).is_dir():
                    return base / name
    return None


def _mismatch(root, where, stems):
    example = next(iter(sorted(stems)))
    return UserError(f"caption folder {root} does not match the images in {where}: none of "
                     f"its {len(stems)} caption files names an image there (e.g. "
                     f"{example}.txt has no {example}.jpg); pass the images these captions "
                     "describe")


def _features(rows, captions, classes, vocab):
    texts = []
    for stem in rows:
        lines = captions[stem][1]
        texts += [lines[i % len(lines)] for i in range(CAPTIONS)]
    tokens = tokenize(texts, vocab, MAX_LENGTH, check=False).reshape(len(rows), CAPTIONS,
                                                                     MAX_LENGTH)
    class_ids = {c: i for i, c in enumerate(classes)}
    return {"tokens": tokens,
            "class": np.array([class_ids[captions[s][0]] for s in rows], np.int32),
            "bbox": np.zeros((len(rows), 2, 4), np.float32),
            "attributes": np.full((len(rows), 7), -1, np.int32)}


def _square(image, size):
    """Centre crop to a square, resize to size x size (uint8)."""
    shape = tf.shape(image)
    side = tf.minimum(shape[0], shape[1])
    image = tf.image.crop_to_bounding_box(image, (shape[0] - side) // 2,
                                          (shape[1] - side) // 2, side, side)
    image = tf.image.resize(tf.cast(image, tf.float32), (size, size), antialias=True)
    return tf.cast(tf.clip_by_value(tf.round(image), 0, 255), tf.uint8)


def load_source(arg, *, split, data_dir, image_size):
    """The `captions:<dir>` loader of `tfgan_zoo.data` (see module doc)."""
    if not arg:
        raise UserError("captions: needs the caption folder, e.g. captions:/data/cub_icml")
    root = str(Path(arg).expanduser())
    captions = read_captions(root)
    vocab = vocabulary(captions)
    keep = _split_classes(root, split)
    classes = sorted({c for c, _ in captions.values()})
    stems = sorted(s for s in captions if keep is None or captions[s][0] in keep)
    size = image_size or 64
    folder = _image_folder(root, data_dir)
    if folder is not None:
        files = _image_files(folder)
        rows = [s for s in stems if s in files]
        if not rows:
            raise _mismatch(root, folder, stems)
        if len(rows) < len(stems):
            warnings.warn(f"{len(stems) - len(rows)} of {len(stems)} caption files in {root} "
                          f"have no image in {folder}; they are skipped", stacklevel=3)
        features = _features(rows, captions, classes, vocab)
        paths = tf.constant([files[s] for s in rows])

        def decode(path, feats):
            image = tf.io.decode_image(tf.io.read_file(path), channels=3,
                                       expand_animations=False)
            return _square(image, size), feats

        stream = tf.data.Dataset.from_tensor_slices((paths, features)).map(
            decode, num_parallel_calls=tf.data.AUTOTUNE)
        name = f"captions:{root}"
    else:
        stream, rows = _tfds_stream(root, captions, stems, classes, vocab, data_dir, size)
        name = f"captions:{root}"
    return Source(name, (size, size, 3), len(rows), stream=stream,
                   num_classes=len(classes), class_names=tuple(classes))


def _tfds_name(captions):
    first = next(iter(captions.values()))[0]
    return "oxford_flowers102" if first.startswith("class_") else "caltech_birds2011"


def _tfds_stream(root, captions, stems, classes, vocab, data_dir, size):
    """Images from TFDS, joined to the captions by file name."""
    import tensorflow_datasets as tfds

    name = _tfds_name(captions)
    builder = tfds.builder(name, data_dir=data_dir)
    if not builder.is_prepared():
        fix = (f"pass --data-dir with the images (a folder), or run `tfds build {name} "
               "--data_dir DIR` on a machine with internet and pass --data-dir DIR")
        if not online():
            raise UserError(f"no images for the captions in {root}: TFDS '{name}' is not "
                            f"prepared and cannot be downloaded (no network): {fix}")
        try:
            builder.download_and_prepare()
        except Exception as e:  # network or disk: one line for the user
            raise UserError(f"no images for the captions in {root}: preparing TFDS '{name}' "
                            f"failed ({one_line(e)}): {fix}") from e
    key = TFDS[name]
    ds = builder.as_dataset(split="+".join(builder.info.splits) or "train",
                            shuffle_files=False)
    table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(
        tf.constant(stems), tf.range(len(stems), dtype=tf.int64)), -1)
    features = {k: tf.constant(v) for k, v in _features(stems, captions, classes, vocab).items()}

    def row(example):
        stem = tf.strings.regex_replace(
            tf.strings.regex_replace(example[key], r"^.*/", ""), r"\.[^.]*$", "")
        return example["image"], table.lookup(stem)

    ds = ds.map(row).filter(lambda image, index: index >= 0)
    found = int(ds.reduce(tf.constant(0, tf.int64), lambda n, _: n + 1))
    if not found:
        raise _mismatch(root, f"TFDS '{name}'", stems)
    stream = ds.map(lambda image, index: (
        _square(image, size), {k: tf.gather(v, index) for k, v in features.items()}),
        num_parallel_calls=tf.data.AUTOTUNE)
    return stream, range(found)
