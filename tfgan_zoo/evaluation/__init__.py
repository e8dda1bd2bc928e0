"""Evaluation: the FID Inception network, metrics, project classifiers and a
training callback. The command line lives in `tfgan_zoo.evaluate`.

    from tfgan_zoo.evaluation import FIDInception, fid_from_features
    net = FIDInception()                      # weights: see find_fid_weights
    fid = fid_from_features(net.features(real), net.features(fake))

Images are float32 NHWC in [-1, 1] everywhere; the FID protocol maps them to
x255 = clip(round((x + 1) * 127.5), 0, 255), then x255 / 128 - 1 after TF's
legacy bilinear resize to 299x299.
"""

from tfgan_zoo.evaluation.metrics import (classifier_score, density_coverage,
                                          feature_statistics, fid_from_features,
                                          frechet_distance, image_metrics,
                                          kernel_inception_distance, mae, precision_recall,
                                          psnr, rgb_to_y, ssim)
from tfgan_zoo.evaluation.inception import (FIDInception, build_fid_inception,
                                            find_fid_weights, get_fid_inception,
                                            load_fid_params, read_torch_file,
                                            to_uint8_range)
from tfgan_zoo.evaluation.classifiers import CLASSIFIERS, cache_root, load_classifier
from tfgan_zoo.evaluation.callback import MetricCallback

__all__ = ["CLASSIFIERS", "FIDInception", "MetricCallback", "build_fid_inception",
           "cache_root", "classifier_score", "density_coverage", "feature_statistics",
           "fid_from_features", "find_fid_weights", "frechet_distance",
           "get_fid_inception", "image_metrics", "kernel_inception_distance",
           "load_classifier", "load_fid_params", "mae", "precision_recall", "psnr",
           "read_torch_file", "rgb_to_y", "ssim", "to_uint8_range"]
