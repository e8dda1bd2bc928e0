"""One-class splits of mnist5k (`mnist5k:train:normal=0-8`)."""

import numpy as np
import pytest

from tfgan_zoo.data import digits
from tfgan_zoo.errors import UserError


def test_normal_classes_parse():
    assert digits.normal_classes("0-8") == list(range(9))
    assert digits.normal_classes("3") == [3]
    assert digits.normal_classes("0,2,4-5") == [0, 2, 4, 5]


@pytest.mark.parametrize("spec", ["0-10", "11", "0-9", "a-b"])
def test_classes_outside_the_labels_are_refused(spec):
    with pytest.raises(UserError, match=f"normal={spec}"):
        digits.normal_classes(spec)


def test_one_class_split_keeps_only_normal_training_digits():
    source = digits.load_mnist5k("train:normal=0-8", split="train", data_dir=None,
                                 image_size=None)
    assert set(np.unique(source.labels)) == set(range(9))
    assert source.num_examples == int(np.sum(digits.mnist5k_arrays()[1][
        digits.mnist5k_part("train")] != 9))
    with pytest.raises(UserError, match="normal=0-8"):
        digits.load_mnist5k("train:odd=1", split="train", data_dir=None, image_size=None)
