"""The action judge's appearance jitter changes a real clip's look and keeps
its direction of motion, and a judge trained with it on a tiny set still
tells the four directions apart."""
import numpy as np

from tfgan_zoo.data import motion
from tfgan_zoo.evaluation import video


def test_zoom_about_a_point_keeps_it_and_a_shift_moves_it():
    clips, _, _ = motion.generate(1, 16, "test", 4)
    frames = (clips + 1) / 2
    cy, cx = video._centroids(frames.max(-1))
    ones = np.ones_like(cy)
    np.testing.assert_allclose(video._zoom_about(frames, cy, cx, ones, ones), frames,
                               atol=1e-6)
    grown = video._zoom_about(frames, cy, cx, 1.3 * ones, 0.8 * ones)
    assert not np.allclose(grown, frames)
    # a shift of (2, -3) pixels moves the centroid by that (the middle frames of a
    # top-to-bottom clip, away from the frame's edges)
    moved = video._zoom_about(frames, cy, cx, ones, ones, 2.0, -3.0)
    my, mx = video._centroids(moved.max(-1))
    np.testing.assert_allclose(my[2, 1:3], cy[2, 1:3] + 2, atol=0.05)
    np.testing.assert_allclose(mx[2, 1:3], cx[2, 1:3] - 3, atol=0.05)


def test_appearance_jitter_changes_the_look_and_keeps_the_direction_of_motion():
    clips, actions, _ = motion.generate(25, 32, "test")
    jittered = video.appearance_jitter(clips, np.random.default_rng(0), keep=0.0)
    assert jittered.shape == clips.shape and jittered.dtype == np.float32
    assert jittered.min() >= -1 and jittered.max() <= 1
    # every clip changed: its colour, brightness, size or noise
    assert np.all(np.abs(jittered - clips).reshape(len(clips), -1).max(1) > 0.1)
    # ...and the path of its centroid still goes the asked way, every clip
    read = video.centroid_motion(jittered)
    np.testing.assert_array_equal(read["direction"], actions)
    along = np.choose(actions, [read["dx"], -read["dx"], read["dy"], -read["dy"]])
    assert along.min() > 0.05 and along.mean() > 0.25  # (real clips: 0.54)
    # keep: that share of clips as they were
    some = video.appearance_jitter(clips, np.random.default_rng(1), keep=0.5)
    same = np.all(some == clips, axis=(1, 2, 3, 4))
    assert 0.3 < same.mean() < 0.7


def test_a_judge_trained_with_the_jitter_on_a_tiny_set_separates_the_four_directions():
    train, train_actions, _ = motion.generate(8, 16, "train", 8)
    test, test_actions, _ = motion.generate(5, 16, "test", 8)
    judge = video.train_action_classifier(train, train_actions, 4, steps=150,
                                          batch_size=16, seed=0, augment=True)
    read = video.predict(judge, test)
    assert np.mean(read == test_actions) >= 0.9
    # ...and jittered held-out clips too
    shifted = video.appearance_jitter(test, np.random.default_rng(3), keep=0.0)
    assert np.mean(video.predict(judge, shifted) == test_actions) >= 0.75


def test_judge_training_names_the_jitter():
    assert "appearance-jittered" in video.judge_training(300, augment=True)
    assert "as they are" in video.judge_training(300, augment=False)
    assert "300 steps of batch 32" in video.judge_training(300)
