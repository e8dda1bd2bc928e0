"""The MoCoGAN report reads a run against its own data: the shape-motion
set (with the content swap) or real pedestrian clips (without), and
refuses other data with the fix."""
import numpy as np
import pytest

from tfgan_zoo.data import motion
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import video
from tfgan_zoo.models.video.mocogan import MoCoGAN
from tfgan_zoo.reports.video import real_videos, video_report
from tests.support.videos import write_walkers


def tiny(actions):
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=16, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=actions, ngf=4, ndf=4, seed=1)
    m.build_networks()
    return m


@pytest.mark.parametrize("data", ["motion", "pedestrians"])
def test_report_keys_follow_the_data(data, tmp_path, monkeypatch):
    monkeypatch.setattr(motion, "DEFAULT_COUNT", {"train": 4, "test": 2})  # small real sets
    if data == "pedestrians":
        pytest.importorskip("av")
        monkeypatch.setenv("TFGAN_ZOO_CACHE", str(tmp_path / "cache"))
        data = f"pedestrians:{write_walkers(tmp_path / 'walkers.avi')}"
    actions = len(real_videos(data, 16, 16).actions)
    report, fake, test = video_report(tiny(actions), data, per_action=2, classifier_steps=2,
                                      judge_steps=2)
    assert report["videos"] == 2 * actions and fake.shape == (2 * actions, 16, 16, 16, 3)
    assert np.isfinite(report["acd_samples"]) and 0 <= report["motion_control_score"] <= 1
    assert len(report["motion_code_mean_norm"]) == 16
    assert report["acd_samples_less_shared_path"] >= 0 and report["shared_path_change_real"] >= 0
    # confusion rows are the actions asked for (2 videos each); its diagonal is the MCS
    confusion = np.array(report["motion_control_confusion"])
    assert confusion.shape == (actions, actions) and list(confusion.sum(1)) == [2] * actions
    assert np.trace(confusion) / (2 * actions) == pytest.approx(report["motion_control_score"])
    assert ("shape_kept_when_motion_swapped" in report) == data.startswith("motion")
    # the judge's training is named: appearance-jittered clips for the shape-motion set
    # (a shape on a black ground), the clips as they are for real footage
    assert report["action_classifier"] == video.judge_training(
        2, augment=data.startswith("motion"))
    assert test.shape[1:] == (16, 16, 16, 3)


def test_other_data_and_clip_lengths_are_refused(tmp_path):
    with pytest.raises(UserError, match=r"no video report for dataset 'mnist5k'.*--no-report"):
        real_videos("mnist5k", 16, 16)
    pytest.importorskip("av")
    walkers = write_walkers(tmp_path / "walkers.avi")
    with pytest.raises(UserError, match=r"pedestrian clips have 16 frames, the model 8: train "
                                        r"with --video-length 16"):
        real_videos(f"pedestrians:{walkers}", 16, 8)


def test_shared_path_parts_by_hand():
    # two one-pixel grey videos of 3 frames: a drift both share (+0.1 a frame)
    # and one video's own flicker (+-0.2 on the middle frame)
    shared = np.array([0.0, 0.1, 0.2])
    own = np.array([[0.0, 0.2, 0.0], [0.0, -0.2, 0.0]])
    videos = np.broadcast_to((shared + own)[:, :, None, None, None], (2, 3, 1, 1, 3))
    f = video.frame_colours(videos)
    assert video.average_content_distance(videos, video.frame_colours) == pytest.approx(
        np.mean(np.abs(np.diff(f[..., 0], axis=1))) * np.sqrt(3))
    rest, change = video.shared_path_parts(videos, video.frame_colours)
    assert rest == pytest.approx(0.2 * np.sqrt(3))  # each step of the flicker, in 3 channels
    assert change == pytest.approx(0.2 * np.sqrt(3))  # 0 -> 0.2 in every channel
    still = np.broadcast_to(shared[None, :, None, None, None], (2, 3, 1, 1, 3))
    assert video.shared_path_parts(still, video.frame_colours)[0] == pytest.approx(0)


def test_motion_codes_are_the_sampling_generators_gru():
    m = tiny(4)
    inputs = m.example_inputs(3, seed=0)
    codes = m.motion_codes(inputs)
    assert codes.shape == (3, 16, 2)
    gru = m.generator.get_layer("motion_gru")
    np.testing.assert_allclose(codes, gru(inputs["motion"]).numpy(), rtol=1e-5, atol=1e-6)
