"""tfgan_zoo: a TensorFlow 2 / Keras 3 zoo of generative adversarial networks.

    import tfgan_zoo as tz
    model = tz.build_model("dcgan", image_shape=(32, 32, 1))
    tz.train(tz.Config(model="dcgan", dataset="mnist5k", image_size=32, steps=500))
"""

__version__ = "0.1.0"

import os as _os

# TensorFlow's C++ start-up chatter (CUDA probing, oneDNN notices) hides the
# progress bar; users can still set TF_CPP_MIN_LOG_LEVEL themselves.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tfgan_zoo.errors import UserError
from tfgan_zoo.registry import MODELS, build_model, get_model_class, model_names
from tfgan_zoo.core import AdversarialModel, ConditionalModel
from tfgan_zoo.config import Config


def __getattr__(name):
    # The data and training layers pull in TFDS and more; import on first use.
    if name == "load_dataset":
        from tfgan_zoo.data import load_dataset
        return load_dataset
    if name == "train":
        from tfgan_zoo.trainer import train
        return train
    raise AttributeError(f"module 'tfgan_zoo' has no attribute '{name}'")


__all__ = ["AdversarialModel", "ConditionalModel", "Config", "MODELS", "UserError",
           "build_model", "get_model_class", "load_dataset", "model_names", "train"]
