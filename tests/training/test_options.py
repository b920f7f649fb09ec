"""The one option parser of the commands: TrlParser with a positional field, YAML aliases and one-line errors."""

from dataclasses import dataclass, field

import pytest
import yaml

from trl_r1._runtime import UsageError
from trl_r1.training.options import CommandParser, parse_options


@dataclass
class Options:
    recipe: str = field(metadata={"help": "the file"})
    output_dir: str = field(default="out", metadata={"aliases": ["--out"], "help": "where it goes"})
    steps: int = field(default=1, metadata={"help": "how many"})

    def __post_init__(self):
        if self.steps < 1:
            raise ValueError(f"--steps must be >= 1, got {self.steps}")


def parser() -> CommandParser:
    return CommandParser((Options,), positional="recipe", prog="trl-r1 test")


def test_the_positional_field_reads_the_first_bare_argument_or_its_option():
    assert parse_options(parser(), ["r.yaml", "--steps", "3"]) == Options("r.yaml", "out", 3)
    assert parse_options(parser(), ["--recipe", "r.yaml"]).recipe == "r.yaml"


def test_a_yaml_key_may_be_an_alias_and_flags_override_the_file(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({"recipe": "r.yaml", "out": "there", "steps": 2}))
    assert parse_options(parser(), ["--config", str(config), "--steps", "5"]) == Options("r.yaml", "there", 5)


def test_bad_input_is_one_line_and_exit_2(capsys):
    with pytest.raises(UsageError, match="--steps must be >= 1, got 0"):
        parse_options(parser(), ["r.yaml", "--steps", "0"])
    for argv, words in (
        (["--steps", "2"], "required: RECIPE"),
        (["r.yaml", "--bogus"], "unrecognized arguments"),
    ):
        with pytest.raises(SystemExit) as e:
            parse_options(parser(), argv)
        err = capsys.readouterr().err
        assert e.value.code == 2 and words in err and len(err.strip().splitlines()) == 1


def test_help_shows_the_positional_the_config_file_and_each_default_once():
    text = parser().format_help()
    assert "positional arguments:\n  RECIPE" in text and "--config YAML" in text
    assert text.count("(default: out)") == 1 and "--recipe" not in text
