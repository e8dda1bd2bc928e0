"""`python -m tfgan_zoo.data`: every dataset name `--dataset` takes, with
what it is (its loader's first paragraph), without loading any."""

import sys

from tfgan_zoo.data import dataset_names, describe_dataset


def main():
    for shown in dataset_names():
        key = shown.split("[")[0].split("<")[0]
        about = describe_dataset(key if not key.endswith(":") else key + "x") or ""
        print(f"{shown:24s} {about}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
