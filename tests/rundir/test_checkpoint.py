"""Run-directory checkpoints (tfgan_zoo.rundir.checkpoint): a save killed
half-way leaves nothing that looks complete, and only the last `keep`
checkpoints are kept."""

from tfgan_zoo import registry
from tfgan_zoo.rundir.checkpoint import CheckpointDir


def test_checkpoints_are_atomic_and_pruned(tmp_path):
    model = registry.build_model("gan", image_shape=(8, 8, 1), latent_dim=4)
    model.build_networks()
    checkpoints = CheckpointDir(tmp_path, model, keep=2)
    # A save killed half-way leaves only a temporary directory behind...
    (tmp_path / ".tmp-ckpt-00000009-x").mkdir()
    (tmp_path / "ckpt-00000009").mkdir()  # ...or a directory without state
    assert checkpoints.latest() is None
    for step in (1, 2, 3):
        checkpoints.save(step)
    assert checkpoints.steps() == [2, 3]
    assert not list(tmp_path.glob(".tmp-*"))
    assert checkpoints.restore(3)["step"] == 3
