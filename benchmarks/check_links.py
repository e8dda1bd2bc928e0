"""Check the links of benchmarks/RESULTS.md and benchmarks/history/*.md.

Resolves every `#anchor`, `file.md#anchor` and relative file or image link in
those files, and every link into them (`RESULTS.md#...`, `history/X.md#...`)
from the repository's other Markdown and Python files. Anchors follow GitHub's
rule: the heading's text lower-cased, every character but letters, marks,
digits, `_`, `-` and spaces dropped, spaces turned into
`-`, and a repeated anchor suffixed `-1`, `-2`, ... in document order over
headings of every level outside code fences.

    python benchmarks/check_links.py          # from the repository root
    python benchmarks/check_links.py -v       # list every broken link

Exits 1 if any link is broken, 0 otherwise.
"""
import pathlib
import re
import sys
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(\S+)", re.M)
_anchor_cache = {}


def slug(title):
    title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)  # a link shows its text
    title = re.sub(r"</?[A-Za-z][^>]*>", "", title)
    # GitHub keeps letters, marks (the accent of T̂), numbers, `_`, `-` and spaces
    a = "".join(c for c in title.strip().lower()
                if c.isalnum() or c in "_- " or unicodedata.category(c).startswith("M"))
    return a.replace(" ", "-")


def strip_fences(text):
    out, fence = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fence = not fence
            out.append("")
            continue
        out.append("" if fence else line)
    return out


def anchors(path):
    path = path.resolve()
    if path not in _anchor_cache:
        seen, found = {}, set()
        for line in strip_fences(path.read_text(encoding="utf-8")):
            m = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
            if not m:
                continue
            a = slug(m.group(1))
            n = seen.get(a, 0)
            seen[a] = n + 1
            found.add(f"{a}-{n}" if n else a)
        for m in re.finditer(r"<a\s+(?:name|id)=\"([^\"]+)\"", path.read_text(encoding="utf-8")):
            found.add(m.group(1))
        _anchor_cache[path] = found
    return _anchor_cache[path]


def shown(path):
    """`path` relative to the repository when it is inside it."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def check_target(src, target):
    """Return None if `target` (as written in file `src`) resolves, else why not."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, mailto:, ...
        return None
    file_part, _, frag = target.partition("#")
    dest = src if not file_part else (src.parent / file_part)
    if not dest.exists():
        return f"no file {file_part}"
    if frag and dest.suffix == ".md":
        if frag not in anchors(dest):
            return f"no anchor #{frag} in {shown(dest)}"
    return None


def links(text):
    lines = strip_fences(text)
    for i, line in enumerate(lines, 1):
        for m in LINK.finditer(line):
            yield i, m.group(1)
        m = REF.match(line)
        if m:
            yield i, m.group(1)


def main(argv):
    verbose = "-v" in argv
    own = [BENCH / "RESULTS.md"] + sorted((BENCH / "history").glob("*.md"))
    broken, total = [], 0
    for f in own:
        for line, target in links(f.read_text(encoding="utf-8")):
            total += 1
            why = check_target(f, target)
            if why:
                broken.append((f, line, target, why))
    # links into these files from the rest of the repository
    into = re.compile(r"((?:[\w./-]*/)?(?:RESULTS|history/[\w-]+)\.md)#([\w-]+)")
    others = [p for p in ROOT.rglob("*") if p.suffix in (".md", ".py") and p.is_file()
              and ".git" not in p.parts and p not in own and "runs" not in p.parts]
    n_into = 0
    for f in others:
        for i, line in enumerate(f.read_text(encoding="utf-8", errors="replace").split("\n"), 1):
            for m in into.finditer(line):
                n_into += 1
                name, frag = m.group(1), m.group(2)
                cands = [f.parent / name, ROOT / name, BENCH / name]
                dest = next((c for c in cands if c.exists()), None)
                if dest is None:
                    dest = BENCH / name.split("benchmarks/")[-1]
                    if not dest.exists():
                        broken.append((f, i, f"{name}#{frag}", "file not found"))
                        continue
                if frag not in anchors(dest):
                    broken.append((f, i, f"{name}#{frag}", f"no anchor in {dest.relative_to(ROOT)}"))
    print(f"{total} links in RESULTS.md and history/*.md, {n_into} links into them from "
          f"{len(others)} other files; {len(broken)} broken")
    for f, line, target, why in broken if verbose else broken[:50]:
        print(f"  {f.relative_to(ROOT)}:{line}: {target} ({why})")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
