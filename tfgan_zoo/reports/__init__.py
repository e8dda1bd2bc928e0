"""What a recipe writes after training: latent-space grids (DCGAN), held-out
translation and restoration tables, captioned grids and faithfulness."""
