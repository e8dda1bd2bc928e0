"""The model registry: every GAN in the zoo under one name.

Adding a GAN is one line here. Tests and the trainer go through this table,
so a new model is built, trained, distributed and exported by the same code.
"""

from __future__ import annotations

import importlib

from tfgan_zoo.errors import unknown_name

MODELS = {
    "gan": "tfgan_zoo.models.noise2image.gan:GAN",
    "dcgan": "tfgan_zoo.models.noise2image.dcgan:DCGAN",
    "cgan": "tfgan_zoo.models.noise2image.cgan:CGAN",
    "wgan": "tfgan_zoo.models.noise2image.wgan:WGAN",
    "wgan_gp": "tfgan_zoo.models.noise2image.wgan_gp:WGANGP",
    "lsgan": "tfgan_zoo.models.noise2image.lsgan:LSGAN",
    "sngan": "tfgan_zoo.models.noise2image.sngan:SNGAN",
    "can": "tfgan_zoo.models.noise2image.can:CAN",
    "tag_gan": "tfgan_zoo.models.noise2image.tag_gan:TagGAN",

    "began": "tfgan_zoo.models.noise2image.began:BEGAN",
    "infogan": "tfgan_zoo.models.noise2image.infogan:InfoGAN",
    "lapgan": "tfgan_zoo.models.noise2image.lapgan:LAPGAN",
    "progan": "tfgan_zoo.models.noise2image.progan:ProGAN",
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
    "pixeldtgan": "tfgan_zoo.models.image2image.pixeldtgan:PixelDTGAN",
    "pg2": "tfgan_zoo.models.image2image.pg2:PG2",
    "dagan": "tfgan_zoo.models.image2image.dagan:DAGAN",
    "idcgan": "tfgan_zoo.models.image2image.idcgan:IDCGAN",
    "reflection": "tfgan_zoo.models.image2image.reflection:ReflectionSeparation",
    "dann": "tfgan_zoo.models.domain.dann:DANN",
    "adda": "tfgan_zoo.models.domain.adda:ADDA",
    "mdan": "tfgan_zoo.models.domain.mdan:MDAN",
    "dtn": "tfgan_zoo.models.domain.dtn:DTN",
    "anogan": "tfgan_zoo.models.latent.anogan:AnoGAN",
    "icgan": "tfgan_zoo.models.latent.icgan:IcGAN",
    "igan": "tfgan_zoo.models.latent.igan:IGAN",
    "drgan": "tfgan_zoo.models.latent.drgan:DRGAN",
    "tpgan": "tfgan_zoo.models.latent.tpgan:TPGAN",
    "uvgan": "tfgan_zoo.models.latent.uvgan:UVGAN",
    "caae": "tfgan_zoo.models.latent.caae:CAAE",
    "ipcgan": "tfgan_zoo.models.latent.ipcgan:IPCGAN",
    "seqgan": "tfgan_zoo.models.sequence.seqgan:SeqGAN",
    "rcgan": "tfgan_zoo.models.sequence.rcgan:RCGAN",
    "gan3d": "tfgan_zoo.models.volume.gan3d:GAN3D",
    "mocogan": "tfgan_zoo.models.video.mocogan:MoCoGAN",
    "midinet": "tfgan_zoo.models.music.midinet:MidiNet",
}


def model_names():
    return sorted(MODELS)


def get_model_class(name):
    """The class registered under `name`."""
    if name not in MODELS:
        raise unknown_name("model", name, model_names(), "tfgan_zoo.registry.model_names()")
    module, cls = MODELS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def model_family(name):
    """The task family of a model: its folder under tfgan_zoo/models, e.g.
    "noise2image" for dcgan."""
    get_model_class(name)  # a one-line error for an unknown name
    return MODELS[name].split(":")[0].split(".")[2]


def build_model(name, **kwargs):
    """Construct the GAN registered under `name` with hyperparameters."""
    return get_model_class(name)(**kwargs)
