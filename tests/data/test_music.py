"""One-bar melodies: chords from voices, rolls folded into two octaves, the
parsed-bar cache, and files that do not parse skipped and counted."""

import sys

import numpy as np
import pytest

from tfgan_zoo.data import music
from tfgan_zoo.errors import UserError

ABC = """X:1
T:Test
M:4/4
L:1/4
K:C
C D E F | G A B c | c2 G2 |
"""


def test_bar_chord_picks_the_triad_of_the_voices():
    weights = np.zeros(12)
    weights[[9, 0, 4]] = [2.0, 1.0, 1.0]  # A, C, E: A minor
    bass = np.zeros(12)
    bass[9] = 2.0
    assert music.bar_chord(weights, bass) == (9, 1)
    weights = np.zeros(12)
    weights[[7, 11, 2]] = 1.0  # G, B, D: G major
    assert music.bar_chord(weights) == (7, 0)
    assert music.bar_chord(np.zeros(12)) == (music.REST, 0)


def test_chord_vector_and_rolls():
    vector = music.chord_vector(np.array([9, music.REST]), np.array([1, 0]))
    assert vector.shape == (2, 13) and vector[0, 9] == 1 and vector[0, 12] == 1
    assert not vector[1].any()  # no chord: zeros
    melody = np.array([[59, 60, 83, 84, music.REST] + [72] * 11])
    roll = music.melody_roll(melody)
    assert roll.shape == (1, 16, music.PITCHES) and set(np.unique(roll)) == {-1, 1}
    # B3 -> B4 (up an octave), C4, B5, C6 -> C5 (down), a rest
    np.testing.assert_array_equal(music.roll_melody(roll)[0, :5], [71, 60, 83, 72, -1])
    # transposing moves every note, folded back into C4-B5
    assert music.roll_melody(music.melody_roll(melody, 2))[0, 1] == 62
    noisy = np.where(roll > 0, 0.9, -0.5)
    noisy[0, 5, 3] = 0.95  # a louder second note: the step keeps only it
    mono = music.monophonic(noisy)
    assert (mono > 0).sum(-1).max() == 1 and mono[0, 5, 3] == 1 and mono[0, 4].max() == -1


def test_missing_music21_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "music21", None)   # import raises ImportError
    with pytest.raises(UserError, match=r"pip install tfgan_zoo\[music\]"):
        music.music21()


def test_folder_skips_files_that_do_not_parse_and_caches(tmp_path, monkeypatch):
    pytest.importorskip("music21")
    monkeypatch.setenv("TFGAN_ZOO_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "tunes"
    folder.mkdir()
    (folder / "tune.abc").write_text(ABC)
    (folder / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06not a midi file")
    source = music.load_music_folder(str(folder), split="train", data_dir=None,
                                     image_size=None)
    assert source.skipped == 1 and not source.chords  # one part: no chords
    assert source.num_examples == 3 * 12  # three whole 4/4 bars, 12 keys (key-major)
    first = music.roll_melody(source.bars[18])  # bar 1 untransposed (shift 0: 7th key)
    np.testing.assert_array_equal(first[::4], [60, 62, 64, 65])
    np.testing.assert_array_equal(source.previous[19], source.bars[18])  # bar 2 follows 1
    assert (source.previous[18] == -1).all()  # a first bar follows silence
    cached = list((tmp_path / "cache" / "music").glob("folder-*.npz"))
    assert len(cached) == 1
    monkeypatch.setattr(music, "parse_scores", lambda *a: pytest.fail("not cached"))
    again = music.load_music_folder(str(folder), split="train", data_dir=None,
                                    image_size=None)
    np.testing.assert_array_equal(again.bars, source.bars)
    data = source.build(batch_size=4)
    bar, previous, chord = next(iter(data.dataset))
    assert data.image_shape == (16, music.PITCHES) and data.model_args == {"chords": False}
    assert bar.shape == (4, 16, music.PITCHES) and chord.shape == (4, 13)


def test_bad_folders_are_one_line(tmp_path):
    with pytest.raises(UserError, match="is not a folder"):
        music.folder_bars(tmp_path / "missing")
    with pytest.raises(UserError, match="no MIDI, ABC or MusicXML files"):
        music.folder_bars(tmp_path)
    pytest.importorskip("music21")
    (tmp_path / "broken.abc").write_text("this is not abc at all {{{")
    (tmp_path / "broken.mid").write_bytes(b"garbage")
    with pytest.raises(UserError, match="did not parse"):
        music.parse_scores(sorted(str(p) for p in tmp_path.iterdir()), music.read_file)


def test_bad_names_fail_before_any_parsing(monkeypatch):
    monkeypatch.setattr(music, "music21", lambda: pytest.fail("parsed"))
    with pytest.raises(UserError, match="parts train, test"):
        music.load_bach_chorales("valid", split="train", data_dir=None, image_size=None)
    with pytest.raises(UserError, match="essen_folk:500"):
        music.load_essen_folk("many", split="train", data_dir=None, image_size=None)
    source = music.BarSource("x", np.zeros((4, 16, 24), np.int8), np.zeros((4, 16, 24), np.int8),
                             np.zeros((4, 13), np.float32), True)
    with pytest.raises(UserError, match="leave --image-size"):
        source.build(batch_size=2, image_size=32)
    with pytest.raises(UserError, match="lower --batch-size"):
        source.build(batch_size=8)



def test_essen_tokens_are_the_tunes_notes_folded_into_range(tmp_path, monkeypatch):
    from tfgan_zoo.data import sequences
    assert sequences.fold_pitches([35, 36, 96, 97, 110]).tolist() == [47, 36, 96, 85, 86]
    assert sequences.ESSEN_VOCABULARY[1] == "C2" and sequences.ESSEN_VOCABULARY[-1] == "C7"
    # A stand-in corpus: one opus of 10 tunes; tune k climbs k semitones a note.
    (tmp_path / "essenFolksong").mkdir()
    notes = "C D E F G A B c d e f g a b c' d' e' f' g' a' b' c''"
    tunes = [f"X:{k + 1}\nT:t{k}\nM:4/4\nL:1/4\nK:C\n{notes}|\n" for k in range(10)]
    (tmp_path / "essenFolksong" / "test.abc").write_text("\n".join(tunes))
    monkeypatch.setattr(music, "corpus_dir", lambda folder: tmp_path / folder)
    monkeypatch.setenv("TFGAN_ZOO_CACHE", str(tmp_path / "cache"))
    found = sequences.essen_pitches(10)
    assert len(found["starts"]) == 10 and found["pitches"][:3].tolist() == [60, 62, 64]
    train, test = (sequences.essen_windows(10, s) for s in ("train", "test"))
    # 22 notes a tune: windows at 0 (20 notes) and 2 would need stride 2; stride 10
    # gives one window a tune; tune 9 is the test part.
    assert train.shape == (9, 20) and test.shape == (1, 20)
    assert sequences.decode_notes(train[0]).split()[:3] == ["C4", "D4", "E4"]
