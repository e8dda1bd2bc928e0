"""tfgan_zoo.recipes.pixeldtgan: --reader picks the report's classifier and
is not passed on to the trainer's flags."""

import pytest

from tfgan_zoo.recipes import pixeldtgan


@pytest.fixture
def calls(monkeypatch):
    seen = []
    monkeypatch.setattr(pixeldtgan, "train_main",
                        lambda recipe, argv, after: seen.append((recipe, argv, after)))
    return seen


@pytest.mark.parametrize("argv, reader, rest", [
    (["--steps", "7"], "products-cnn", ["--steps", "7"]),
    (["--reader", "catalogue-cnn", "--steps", "7"], "catalogue-cnn", ["--steps", "7"]),
    (["--steps", "7", "--reader=catalogue-cnn", "--no-export"], "catalogue-cnn",
     ["--steps", "7", "--no-export"]),
])
def test_reader_goes_to_the_report_and_the_rest_to_the_trainer(calls, argv, reader, rest):
    pixeldtgan.main(argv)
    [(recipe, passed, after)] = calls
    assert recipe is pixeldtgan.RECIPE and passed == rest
    assert after.func is pixeldtgan.product_report and after.keywords == {"reader": reader}


def test_a_bad_reader_or_flag_is_a_one_line_error_before_training(calls, capsys):
    for argv, message in ((["--reader", "mnist-cnn"], "--reader: invalid choice: 'mnist-cnn'"),
                          (["--stepz", "3"], "unrecognized arguments: --stepz 3")):
        with pytest.raises(SystemExit) as exit_:
            pixeldtgan.main(argv)
        assert exit_.value.code == 2
        [line] = capsys.readouterr().err.strip().splitlines()
        assert message in line
    assert calls == []


def test_help_names_the_reader(calls, capsys):
    with pytest.raises(SystemExit):
        pixeldtgan.main(["--help"])
    out = capsys.readouterr().out
    assert "--reader {products-cnn,catalogue-cnn}" in out and "--pixel-weight" in out
