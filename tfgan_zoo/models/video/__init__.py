"""Video GANs: generators of clips [B, T, H, W, C] in [-1, 1]
(`tfgan_zoo.samples` kind "video"), served as `frames` (uint8) and
`frames_float` and previewed as animated GIFs. MoCoGAN (Tulyakov et al.
2018) trains on the procedural shape-motion videos of
`tfgan_zoo.data.motion`; its Conv3D video discriminator comes from
`tfgan_zoo.networks.volume`, its frame generator from
`tfgan_zoo.networks.dcgan`."""
