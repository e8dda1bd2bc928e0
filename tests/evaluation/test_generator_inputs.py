"""`python -m tfgan_zoo.evaluate` on a generator with inputs beyond z and
label: the model card names each input's prior, the evaluator draws them,
and cluster[C] scores the categorical one."""

import json

import numpy as np

from tfgan_zoo.evaluation import samples
from tfgan_zoo.export.saved_model import export_saved_model
from tfgan_zoo.models.noise2image.infogan import InfoGAN


class DigitReader:
    """A stand-in classifier: reads the digit as the image's mean brightness
    decile, so the evaluator's plumbing is tested without training one."""
    classifier_name = "stub"

    def predict_logits(self, images):
        decile = np.clip(((images.mean(axis=(1, 2, 3)) + 1) * 5).astype(int), 0, 9)
        return np.eye(10)[decile]

    def protocol(self):
        return {"classifier": "stub"}


def test_codes_are_drawn_from_the_card_and_scored(tmp_path, monkeypatch):
    model = InfoGAN(image_shape=(16, 16, 1), latent_dim=4, ngf=4, ndf=4, seed=0)
    model.build_networks()
    path = export_saved_model(model, tmp_path / "export", warmup=False)
    card = json.loads((path / "model_card.json").read_text())
    assert card["generator_inputs"]["code_cat"]["prior"] == "categorical(10)"

    generator = samples.SavedModelGenerator(path)
    assert generator.priors == {"code_cat": "categorical(10)", "code_cont": "uniform(-1, 1)"}
    assert generator.categorical_input() == "code_cat"
    inputs = generator.draw_inputs(40, seed=3)
    assert inputs["code_cat"].dtype == np.int32 and inputs["code_cat"].max() < 10
    assert inputs["code_cont"].shape == (40, 2) and np.abs(inputs["code_cont"]).max() <= 1
    np.testing.assert_array_equal(inputs["z"], samples.sample_latents(4, 40, 3)[0])
    fake = generator.generate(**inputs)
    assert fake.shape == (40, 16, 16, 1)

    monkeypatch.setattr(samples, "_classifier", lambda name: DigitReader())
    monkeypatch.setitem(samples.CLASSIFIERS, "stub", None)
    result = samples.evaluate_images(fake, "cluster[stub]", real=(fake, None),
                                     categories=inputs["code_cat"])
    accuracy = result["metrics"]["cluster[stub]"]
    assert 0.1 <= accuracy <= 1.0
    assert result["protocol"]["cluster[stub]"]["matching"].startswith("Hungarian")
