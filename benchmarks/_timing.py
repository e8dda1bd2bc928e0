"""CPU and machine-load readings the throughput benchmarks share (the
tfgan_zoo one and the PyTorch reference time the same way)."""

import os
import resource


def cpu_seconds():
    """User + system CPU seconds of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_cores_busy():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def other_load(before, after, own_cpu_s, wall_s):
    """Cores that other processes kept busy during the timed window: the
    contention behind the numbers (0 on a quiet machine)."""
    if before is None or after is None or after[1] == before[1]:
        return None
    busy_cores = (after[0] - before[0]) / (after[1] - before[1]) * os.cpu_count()
    return round(max(0.0, busy_cores - own_cpu_s / wall_s), 2)
