"""A small real video file for the video-source tests, encoded with PyAV:
two dark 8x20 walkers on a fixed textured background, one walking right
along the top and one left along the bottom, 2 px a frame."""
import numpy as np

FRAMES, HEIGHT, WIDTH = 100, 96, 256


def write_walkers(path):
    import av
    rng = np.random.default_rng(0)
    background = (150 + rng.integers(0, 40, (HEIGHT, WIDTH, 1)) + np.zeros(3)).astype(np.uint8)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.bit_rate = 4_000_000
        for t in range(FRAMES):
            frame = background.copy()
            frame[10:30, 10 + 2 * t:18 + 2 * t] = 20        # walks right
            frame[60:80, 240 - 2 * t:248 - 2 * t] = 20      # walks left
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return str(path)
