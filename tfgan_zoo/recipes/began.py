"""Berthelot et al. 2017: BEGAN on mnist5k's 4,500 training digits at 32x32
(gamma = 0.5, lambda_k = 0.001, Adam 1e-4 with beta_1 = 0.5). k_t and
M_global are logged as `k` and `m_global`."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="began", model="began", dataset="mnist5k:train", image_size=32,
                steps=3000, batch_size=16, g_lr=1e-4, d_lr=1e-4, beta_1=0.5,
                model_args={"filters": 32, "hidden_dim": 64, "latent_dim": 64})


if __name__ == "__main__":
    main(RECIPE)
