"""The PyTorch reference DCGAN, for throughput comparisons only.

A re-implementation of pytorch/examples `dcgan/main.py` run as
`python main.py --dataset fake` (64x64x3, nz=100, ngf=ndf=64, batch 64):
the same Generator and Discriminator (`nn.Sequential` of ConvTranspose2d /
Conv2d, BatchNorm2d, ReLU / LeakyReLU(0.2), Tanh / Sigmoid, no biases), the
same `weights_init` (N(0, 0.02) convolutions, N(1, 0.02) batch-norm scales),
`nn.BCELoss`, Adam(lr 2e-4, betas (0.5, 0.999)) for both players, and the
same training iteration, line for line: D on the real batch, backward; one
noise batch, `fake = netG(noise)`, D on `fake.detach()`, backward, D step;
then G's loss on D(fake) with the updated D, backward, G step; the losses
and D outputs read back with `.item()` every iteration, as the original
prints them.

Differences, none of which touch the training step: torchvision is not
used (PyPI's torchvision does not import beside the CPU torch wheel here),
so `FakeData(image_size=(3, 64, 64), transform=ToTensor())` (1,000 random
images in [0, 1]) is replaced by 1,000 random tensors in [0, 1] held in
memory and batched by shuffled index (full batches only); sample-image and
checkpoint writing are left out; the loop runs a fixed number of iterations
and times them. torch is a benchmark-only tool, never a dependency of
tfgan_zoo.

    python benchmarks/pytorch_dcgan_reference.py --iters 30 --warmup 5
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.optim as optim

from _timing import cpu_seconds, machine_cores_busy, other_load  # benchmarks/


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--batchSize", type=int, default=64)
    p.add_argument("--imageSize", type=int, default=64)
    p.add_argument("--nz", type=int, default=100)
    p.add_argument("--ngf", type=int, default=64)
    p.add_argument("--ndf", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.0002)
    p.add_argument("--beta1", type=float, default=0.5)
    p.add_argument("--cuda", action="store_true")
    p.add_argument("--manualSeed", type=int, default=0)
    p.add_argument("--iters", type=int, default=30, help="timed iterations")
    p.add_argument("--warmup", type=int, default=5, help="untimed iterations first")
    p.add_argument("--threads", type=int, default=os.cpu_count(),
                   help="intra-op threads (inter-op threads: 2)")
    p.add_argument("--pool", type=int, default=1000, help="FakeData's default size")
    p.add_argument("--json", help="append the result as one JSON line to this file")
    return p.parse_args(argv)


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        torch.nn.init.normal_(m.weight, 1.0, 0.02)
        torch.nn.init.zeros_(m.bias)


class Generator(nn.Module):
    def __init__(self, nz, ngf, nc):
        super().__init__()
        self.main = nn.Sequential(
            # input is Z, going into a convolution
            nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 8),
            nn.ReLU(True),
            # state size. (ngf*8) x 4 x 4
            nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            # state size. (ngf*4) x 8 x 8
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            # state size. (ngf*2) x 16 x 16
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            # state size. (ngf) x 32 x 32
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),
            nn.Tanh(),
            # state size. (nc) x 64 x 64
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self, ndf, nc):
        super().__init__()
        self.main = nn.Sequential(
            # input is (nc) x 64 x 64
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf) x 32 x 32
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf*2) x 16 x 16
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 4),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf*4) x 8 x 8
            nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 8),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf*8) x 4 x 4
            nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, input):
        output = self.main(input)
        return output.view(-1, 1).squeeze(1)


def batches(pool, batch_size, generator):
    """Shuffled full batches of the in-memory fake images, forever."""
    while True:
        order = torch.randperm(len(pool), generator=generator)
        for i in range(0, len(pool) - batch_size + 1, batch_size):
            yield pool[order[i:i + batch_size]]


def main(argv=None):
    opt = parse_args(argv)
    torch.set_num_threads(opt.threads)
    torch.set_num_interop_threads(2)
    torch.manual_seed(opt.manualSeed)
    device = torch.device("cuda:0" if opt.cuda else "cpu")
    if opt.cuda:
        torch.backends.cudnn.benchmark = True
    nz, nc = opt.nz, 3

    netG = Generator(nz, opt.ngf, nc).to(device)
    netG.apply(weights_init)
    netD = Discriminator(opt.ndf, nc).to(device)
    netD.apply(weights_init)
    criterion = nn.BCELoss()
    real_label, fake_label = 1, 0
    optimizerD = optim.Adam(netD.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))

    # FakeData + ToTensor: random images in [0, 1].
    pool = torch.rand(opt.pool, nc, opt.imageSize, opt.imageSize)
    data = batches(pool, opt.batchSize, torch.Generator().manual_seed(opt.manualSeed))

    times = []
    for i in range(opt.warmup + opt.iters):
        ############################
        # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
        ###########################
        # train with real
        netD.zero_grad()
        real_cpu = next(data).to(device)
        batch_size = real_cpu.size(0)
        label = torch.full((batch_size,), real_label, dtype=real_cpu.dtype, device=device)

        output = netD(real_cpu)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()

        # train with fake
        noise = torch.randn(batch_size, nz, 1, 1, device=device)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()

        ############################
        # (2) Update G network: maximize log(D(G(z)))
        ###########################
        netG.zero_grad()
        label.fill_(real_label)  # fake labels are real for generator cost
        output = netD(fake)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()
        losses = (errD.item(), errG.item(), D_x, D_G_z1, D_G_z2)  # as printed
        times.append((time.perf_counter(), cpu_seconds(), machine_cores_busy()))

    elapsed = times[-1][0] - times[opt.warmup - 1][0]
    cpu = (times[-1][1] - times[opt.warmup - 1][1]) / opt.iters
    others = other_load(times[opt.warmup - 1][2], times[-1][2], cpu * opt.iters, elapsed)
    rate = opt.iters * opt.batchSize / elapsed
    if opt.cuda:
        name = torch.cuda.get_device_name(0)
    else:
        name = "CPU"
        try:
            with open("/proc/cpuinfo") as f:
                name = next(l.split(":", 1)[1].strip() for l in f
                            if l.startswith("model name"))
        except (OSError, StopIteration):
            pass
        name = f"CPU: {name} ({os.cpu_count()} cores)"
    record = {
        "benchmark": "pytorch_dcgan_reference",
        "command": "python " + " ".join([os.path.relpath(sys.argv[0])] + (argv or sys.argv[1:])),
        "date": datetime.date.today().isoformat(), "device": name,
        "torch": torch.__version__, "threads": opt.threads,
        "batch_size": opt.batchSize, "image_size": opt.imageSize,
        "images_per_s": round(rate, 2),
        "ms_per_step": round(1000 * opt.batchSize / rate, 2),
        "cpu_s_per_step": round(cpu, 3), "load_average": os.getloadavg(),
        "other_processes_cores": others,
        "final_losses": {"d_loss": losses[0], "g_loss": losses[1]},
    }
    print(f"device            {name}")
    print(f"torch {torch.__version__}; {opt.threads} threads")
    print(f"train iteration   {rate:.1f} images/s ({record['ms_per_step']:.1f} ms/iter, "
          f"batch {opt.batchSize}, {opt.iters} timed after {opt.warmup} warm-up; "
          f"{cpu:.2f} CPU-s/iter; other processes {others} cores)")
    print(f"final losses      Loss_D {losses[0]:.4f} Loss_G {losses[1]:.4f} "
          f"D(x) {losses[2]:.4f} D(G(z)) {losses[3]:.4f} / {losses[4]:.4f}")
    if opt.json:
        with open(opt.json, "a") as f:
            f.write(json.dumps(record) + "\n")
    return record


if __name__ == "__main__":
    main()
