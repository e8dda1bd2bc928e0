"""tfgan_zoo: a TensorFlow 2 / Keras 3 zoo of generative adversarial networks.

    import tfgan_zoo as tz
    model = tz.build_model("dcgan", image_shape=(32, 32, 1))
    tz.train(tz.Config(model="dcgan", dataset="mnist5k", image_size=32, steps=500))
"""

import os as _os

# TensorFlow's C++ start-up chatter (CUDA probing, oneDNN notices) hides the
# progress bar; users can still set TF_CPP_MIN_LOG_LEVEL themselves.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tfgan_zoo.config import Config  # noqa: E402
from tfgan_zoo.core import AdversarialModel, ConditionalModel, Input  # noqa: E402
from tfgan_zoo.data import load_dataset  # noqa: E402
from tfgan_zoo.errors import UserError  # noqa: E402
from tfgan_zoo.registry import MODELS, build_model, get_model_class, model_names  # noqa: E402
from tfgan_zoo.training.trainer import train  # noqa: E402
from tfgan_zoo.version import __version__  # noqa: E402


__all__ = ["__version__", "AdversarialModel", "ConditionalModel", "Config", "Input", "MODELS", "UserError",
           "build_model", "get_model_class", "load_dataset", "model_names", "train"]
