"""The restoration recipes' reports write held-out figures beside their
baselines (tiny untrained models, 16x16 data)."""

import json

import numpy as np
import pytest

from tests.support.tiny_models import tiny_model
from tfgan_zoo import losses
from tfgan_zoo.config import Config
from tfgan_zoo.reports import restoration

CASES = {
    "dagan": ("mri_slices:axial", (16, 16, 1), "dagan_report", "reconstructions.png",
              {"dagan", "zero_filled", "psnr_gain_db", "dipy_slice"}),
    "idcgan": ("derain", (16, 16, 3), "idcgan_report", "restorations.png",
               {"idcgan", "degraded_input", "psnr_gain_db"}),
    "reflection": ("reflection", (16, 16, 3), "reflection_report", "separations.png",
                   {"transmission", "input_as_transmission", "reflection_leak"}),
}


@pytest.mark.parametrize("name", CASES)
def test_report(name, tmp_path):
    if name == "dagan":
        pytest.importorskip("nibabel")
    dataset, shape, report, picture, keys = CASES[name]
    config = Config(model=name, dataset=dataset, image_size=16, out=str(tmp_path))
    model = tiny_model(name, image_shape=shape)
    result = getattr(restoration, report)(model, config)
    assert keys <= set(result) and (tmp_path / picture).is_file()
    assert json.loads((tmp_path / "metrics.json").read_text()) == result
    if name == "reflection":
        leak = result["reflection_leak"]
        assert leak["input"] > 0.2 > abs(leak["true_transmission"])
        assert -1 <= leak["against_estimated_reflection"] <= 1
        # The estimate is the exclusion of the model's own (T_hat, R_hat), whatever an
        # untrained model's R_hat happens to be (it varies with the CPU's kernels), and the
        # true layers' edges meet a little but not nowhere.
        blend = np.concatenate([b[0] for b in restoration.held_out_batches(config)])
        t_hat, r_hat = restoration.separations(model, blend)
        by_hand = losses.exclusion_loss((t_hat + 1) / 2, (r_hat + 1) / 2)
        assert result["exclusion"]["estimate"] == pytest.approx(float(by_hand), abs=1e-4)
        assert 0 < result["exclusion"]["truth"] < 1
