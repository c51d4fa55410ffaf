"""The cartfacts command through click's CliRunner."""

import shutil

import pytest
from click.testing import CliRunner
from conftest import CORPUS, GOLD

from pipeline.cli import main


@pytest.mark.parametrize("command", [[], ["run"], ["evaluate"], ["normalize"], ["report"]])
def test_help_has_examples(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Examples" in result.output


def test_run_and_evaluate(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    result = CliRunner().invoke(
        main, ["run", str(tmp_path / "corpus"), "--out", str(tmp_path / "out"), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "prices.parquet").is_dir()
    result = CliRunner().invoke(
        main, ["evaluate", "--gold", str(GOLD), "--corpus", str(CORPUS), "--min-f1", "1.0"]
    )
    assert result.exit_code == 0, result.output
    assert "response_rates" in result.output and "1.000" in result.output


def test_run_missing_input_exits_2(tmp_path):
    result = CliRunner().invoke(
        main, ["run", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_normalize_explains(tmp_path):
    result = CliRunner().invoke(main, ["normalize", "Akilunza injection", "Insulin injection"])
    assert result.exit_code == 0
    assert "axicabtagene ciloleucel" in result.output
    assert "UNRESOLVED" in result.output
    result = CliRunner().invoke(main, ["normalize", "-c", "WuXi Giant Nuo"])
    assert "JW Therapeutics" in result.output
