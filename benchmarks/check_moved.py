"""Check that no line left benchmarks/RESULTS.md without landing in benchmarks/history/.

    python benchmarks/check_moved.py BASE_COMMIT

Every non-blank line of RESULTS.md at BASE_COMMIT that is no longer in today's
RESULTS.md (counted with multiplicity) must have been added to some
benchmarks/history/*.md as often; a heading may come back at another level (its text is
compared without the leading #s), and a link may point elsewhere
(link targets are not compared). Prints the lines that landed nowhere and
exits 1 if there are any.
"""
import collections
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def norm(line):
    """A line's text without heading marks or link targets (links may be re-pointed)."""
    line = re.sub(r"^#{1,6}\s+", "", line.strip())
    return re.sub(r"\]\([^)\s]*\)", "]()", line)


def main(base):
    old = subprocess.run(["git", "show", f"{base}:benchmarks/RESULTS.md"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    new = (ROOT / "benchmarks/RESULTS.md").read_text(encoding="utf-8").split("\n")
    left = collections.Counter(norm(l) for l in old if l.strip())
    left.subtract(collections.Counter(norm(l) for l in new if l.strip()))
    removed = {l: n for l, n in left.items() if n > 0}
    hist = collections.Counter()  # lines added to history/ since BASE_COMMIT
    for f in sorted((ROOT / "benchmarks/history").glob("*.md")):
        hist.update(norm(l) for l in f.read_text(encoding="utf-8").split("\n") if l.strip())
        was = subprocess.run(["git", "show", f"{base}:benchmarks/history/{f.name}"], cwd=ROOT,
                             capture_output=True, text=True).stdout
        hist.subtract(norm(l) for l in was.split("\n") if l.strip())
    lost = {l: n - max(hist[l], 0) for l, n in removed.items() if hist[l] < n}
    print(f"RESULTS.md: {len(old)} lines at {base}, {len(new)} now; "
          f"{sum(removed.values())} non-blank lines removed; "
          f"{sum(lost.values())} of them in no history file")
    for l, n in lost.items():
        print(f"  LOST x{n}: {l[:160]}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "HEAD"))
