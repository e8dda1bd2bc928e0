"""The model registry: every GAN in the zoo under one name.

Adding a GAN is one line here. Tests and the trainer go through this table,
so a new model is built, trained, distributed and exported by the same code.
"""

from __future__ import annotations

import importlib

from tfgan_zoo.errors import UserError

MODELS = {
    "gan": "tfgan_zoo.models.noise2image.gan:GAN",
    "dcgan": "tfgan_zoo.models.noise2image.dcgan:DCGAN",
    "cgan": "tfgan_zoo.models.noise2image.cgan:CGAN",
    "wgan": "tfgan_zoo.models.noise2image.wgan:WGAN",
    "wgan_gp": "tfgan_zoo.models.noise2image.wgan_gp:WGANGP",
    "lsgan": "tfgan_zoo.models.noise2image.lsgan:LSGAN",
    "stackgan": "tfgan_zoo.models.text2image.stackgan:StackGAN",
    "gan_int_cls": "tfgan_zoo.models.text2image.gan_int_cls:GANINTCLS",
    "gawwn": "tfgan_zoo.models.text2image.gawwn:GAWWN",
    "semantic_synthesis": "tfgan_zoo.models.text2image.semantic_synthesis:SemanticSynthesis",
    "pix2pix": "tfgan_zoo.models.image2image.pix2pix:Pix2Pix",
    "cyclegan": "tfgan_zoo.models.image2image.cyclegan:CycleGAN",
    "dualgan": "tfgan_zoo.models.image2image.dualgan:DualGAN",
    "discogan": "tfgan_zoo.models.image2image.discogan:DiscoGAN",
    "munit": "tfgan_zoo.models.image2image.munit:MUNIT",
    "bicyclegan": "tfgan_zoo.models.image2image.bicyclegan:BicycleGAN",
    "srgan": "tfgan_zoo.models.image2image.srgan:SRGAN",
    "context_encoder": "tfgan_zoo.models.image2image.context_encoder:ContextEncoder",
    "dagan": "tfgan_zoo.models.image2image.dagan:DAGAN",
    "idcgan": "tfgan_zoo.models.image2image.idcgan:IDCGAN",
    "reflection": "tfgan_zoo.models.image2image.reflection:ReflectionSeparation",
}


def model_names():
    return sorted(MODELS)


def get_model_class(name):
    """The class registered under `name`."""
    if name not in MODELS:
        raise UserError(f"unknown model '{name}': choose one of "
                        f"{', '.join(model_names())}")
    module, cls = MODELS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def build_model(name, **kwargs):
    """Construct the GAN registered under `name` with hyperparameters."""
    return get_model_class(name)(**kwargs)
