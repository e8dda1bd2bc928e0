"""The domain recipes' bad input: one line naming the fix, exit status 2."""

import pytest

from tfgan_zoo.recipes import adda, dann, mdan
from tfgan_zoo.training.trainer import main


@pytest.mark.parametrize("recipe, argv, message", [
    ("dann", ["--dataset", "adapt:mnist>mnist"], "is also a source"),
    ("dann", ["--dataset", "adapt:mnist>usps"], "unknown digit domain 'usps'"),
    ("mdan", ["--dataset", "adapt:mnist>mnistm"], "k >= 2 source domains"),
    ("adda", ["--dataset", "adapt:ucidigits>ucidigits"], "is also a source"),
    ("adda", ["--source-classifier", "/nonexistent"], "holds no trained source classifier"),
])
def test_bad_domains_exit_with_one_line(recipe, argv, message, tmp_path, capsys):
    out = ["--out", str(tmp_path / "run")]
    with pytest.raises(SystemExit) as done:
        if recipe == "adda":
            adda.main(argv + out)
        else:
            main({"dann": dann, "mdan": mdan}[recipe].RECIPE, argv + out)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
