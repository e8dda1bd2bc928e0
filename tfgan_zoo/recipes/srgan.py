"""Ledig et al. 2017: SRGAN x4 on the embedded low-res -> high-res patches
(8x8 -> 32x32 crops of scikit-image/scikit-learn photos reduced to a 128-px
short side, `sr:4:128`, offline: at native resolution a 32-px patch is a
smooth stretch on which bicubic already reaches 40 dB). A small SRResNet
(32 wide, 4 residual blocks) is first pre-trained on the pixel error
(SRResNet, 2000 steps), then trained adversarially for 1000 steps with the
perceptual loss: content + 1e-3 adversarial + TV.

Three project options, each measured in benchmarks/RESULTS.md (pass
`--residual False --augment False --pretrain-loss mse --dataset sr:4` for
the paper's setting): the generator predicts the residual over the bicubic
upsampling (`residual`, VDSR's global skip: it starts as bicubic); training
pairs are flipped, transposed, channel-permuted and inverted (`augment`:
the held-out photos have colours the six training photos lack); the MSE
stage minimises the per-image MSE in dB (`pretrain_loss log_mse`, minus the
mean per-image PSNR; the plain MSE lets the network add noise to smooth
patches, which PSNR punishes). Adam with beta_1 0.9 as in the paper, the discriminator at
the paper's 1e-4, the generator at 1e-3: ten times the paper's rate, for a
run of 10^3 steps instead of 10^6 (measured: benchmarks/history/restoration.md).

The content loss is VGG19 φ5,4 when --vgg-weights PATH names a Keras
VGG19(include_top=False) weights file; without one (ImageNet weights cannot
be downloaded here) it is the pixel MSE, and the run says so. Afterwards the
Y-channel PSNR/SSIM/MAE of SRGAN and of bicubic upscaling on held-out photos
go to RUN/metrics.json and a bicubic | SRGAN | truth grid to
RUN/super_resolution.png."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.image2image import srgan_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="srgan", model="srgan", dataset="sr:4:128", image_size=32,
                steps=3000, batch_size=16, g_lr=1e-3, d_lr=1e-4, beta_1=0.9,
                sample_every=500, checkpoint_every=500, num_samples=16,
                model_args={"filters": 32, "num_blocks": 4, "ndf": 16,
                            "pretrain_steps": 2000, "residual": True, "augment": True,
                            "pretrain_loss": "log_mse"})


# Held-out measurements and pictures of the trained model (`reports`).
after = srgan_report


if __name__ == "__main__":
    main(RECIPE, after=after)
