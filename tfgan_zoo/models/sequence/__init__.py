"""Sequence GANs (issue #24, "Beyond 2-D images"): SeqGAN, whose generator
is a policy over discrete tokens trained by REINFORCE with Monte-Carlo
rollouts (`tfgan_zoo.policy`), and RCGAN, a recurrent conditional GAN for
real-valued time series. Their blocks are in `tfgan_zoo.networks.sequence`,
their data in `tfgan_zoo.data.sequences`, their metrics in
`tfgan_zoo.evaluation.sequence` and `tfgan_zoo.evaluation.series`."""
