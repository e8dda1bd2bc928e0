"""DCGAN's latent-space report (tfgan_zoo.reports.latent): the grids and
report.json under RUN/latent/."""

import json

from tfgan_zoo.config import Config
from tfgan_zoo.reports.latent import write_latent_report
from tests.test_latent import classify_by_brightness, tiny_dcgan


def test_latent_report_writes_its_grids_and_json(tmp_path):
    model = tiny_dcgan()
    config = Config(out=str(tmp_path), seed=0)
    report = write_latent_report(model, config, classify=classify_by_brightness,
                                 equations=[(2, 1, 0)])
    for name in ("interpolation.png", "class_means.png", "arithmetic.png"):
        assert (tmp_path / "latent" / name).stat().st_size > 0
    saved = json.loads((tmp_path / "latent" / "report.json").read_text())
    assert saved == json.loads(json.dumps(report))
    assert saved["arithmetic"][0]["equation"] == "mean[2] - mean[1] + mean[0]"
