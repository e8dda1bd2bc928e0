"""Any TensorFlow Datasets image dataset (`tfds:NAME`). TFDS is imported
only when such a dataset is asked for: it is heavy and needs a download."""

from __future__ import annotations

import tensorflow as tf

from tfgan_zoo.data.base import Source, one_line, online
from tfgan_zoo.errors import UserError


def load_tfds(name, *, split, data_dir, image_size):
    """Any TFDS dataset with an Image feature; downloads and prepares it when
    it is not prepared in `data_dir` and the network is reachable."""
    import tensorflow_datasets as tfds

    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        raise UserError(f"unknown TFDS dataset '{name}': see "
                        "https://www.tensorflow.org/datasets/catalog or "
                        "`python -c 'import tensorflow_datasets as t; print(t.list_builders())'`"
                        ) from None
    except Exception as e:  # bad config or version: tfds says which in its first line
        raise UserError(f"cannot open TFDS dataset '{name}' ({one_line(e)})") from None
    if not builder.is_prepared():
        root = builder._data_dir_root  # pylint: disable=protected-access
        fix = (f"run `tfds build {name} --data_dir DIR` on a machine with internet "
               "and pass --data-dir DIR")
        if not online():
            raise UserError(f"TFDS dataset '{name}' is not prepared in {root} and cannot "
                            f"be downloaded (no network): {fix}")
        try:
            builder.download_and_prepare()
        except Exception as e:  # network, manual-download or disk errors, all alike to a user
            raise UserError(f"TFDS dataset '{name}' is not prepared in {root} and "
                            f"preparing it failed ({one_line(e)}): {fix}") from e
    features = builder.info.features
    image_key = "image" if "image" in features else next(
        (k for k, f in features.items() if isinstance(f, tfds.features.Image)), None)
    if image_key is None:
        raise UserError(f"TFDS dataset '{name}' has no image feature "
                        f"(features: {', '.join(features)})")
    label = features["label"] if "label" in features else None
    if not isinstance(label, tfds.features.ClassLabel):
        label = None
    try:
        ds = builder.as_dataset(split=split, shuffle_files=False)
    except Exception as e:
        raise UserError(f"TFDS dataset '{name}' has no split '{split}' "
                        f"(splits: {', '.join(builder.info.splits) or 'unknown'})") from e
    n = int(ds.cardinality())
    if n < 0:
        n = builder.info.splits[split].num_examples
    ds = ds.map((lambda ex: (ex[image_key], tf.cast(ex["label"], tf.int32))) if label
                else (lambda ex: ex[image_key]))
    return Source(f"tfds:{name}", tuple(features[image_key].shape), n, stream=ds,
                   num_classes=label.num_classes if label else None,
                   class_names=tuple(label.names) if label else None)
