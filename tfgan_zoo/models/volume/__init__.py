"""Volume GANs: generators of voxel occupancy grids [B, D, H, W, 1] in
[-1, 1] (occupied where > 0; `tfgan_zoo.samples` kind "voxels"), served as
`voxels` and `occupied` and previewed as three max-projections. 3D-GAN
(Wu et al. 2016) trains on the procedural furniture of
`tfgan_zoo.data.furniture`; its Conv3D blocks are in
`tfgan_zoo.networks.volume`, shared with the video family."""
