"""Every ``trl-r1 ...`` and stage-script command the README shows uses only options its parser has."""

import importlib
import re

import pytest
from testkit import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9_-]*")
STAGE_SCRIPTS = {
    "r1_stage1.py": "trl_r1.training.sft",
    "r1_stage2.py": "trl_r1.training.grpo",
    "r1_stage3.py": "trl_r1.training.stage3",
    "r1_stage4.py": "trl_r1.training.grpo",
    "r1_zero.py": "trl_r1.training.grpo",
}


def readme_commands() -> list[str]:
    """Each command line of the README's bash blocks (continuations joined, comments cut) and each inline
    `trl-r1 ...` command."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #")[0].strip()
            if "trl-r1 " in line or any(s in line for s in STAGE_SCRIPTS):
                commands.append(line)
    commands += re.findall(r"`(trl-r1 [^`]+)`", README)
    return commands


def parser_of(command: str):
    """The parser that reads ``command``, or None for a command that names no trl_r1 parser."""
    from trl_r1.cli import SUBCOMMANDS
    from trl_r1.cli.experiment import EXPERIMENTS

    script = next((s for s in STAGE_SCRIPTS if f"recipes/{s}" in command), None)
    if script:
        return importlib.import_module(STAGE_SCRIPTS[script]).make_parser()
    words = command[command.index("trl-r1 ") :].split()
    if words[1] == "experiment":
        return importlib.import_module(EXPERIMENTS[words[2]][0]).make_parser()
    return importlib.import_module(SUBCOMMANDS[words[1]][0]).make_parser()


def test_the_readme_shows_commands_of_every_kind():
    commands = readme_commands()
    named = {c[c.index("trl-r1 ") :].split()[1] for c in commands if "trl-r1 " in c}
    assert {"demo", "run", "sample", "eval", "experiment", "sandbox", "tiny-model", "plot"} <= named
    assert any("recipes/r1_stage3.py" in c for c in commands)


@pytest.mark.parametrize("command", readme_commands())
def test_every_flag_the_readme_uses_is_an_option_of_that_command(command):
    parser = parser_of(command)
    known = {s for action in parser._actions for s in action.option_strings} | {"--config"}
    own = (
        command.split("recipes/r1_", 1)[-1]
        if "recipes/r1_" in command
        else command[command.index("trl-r1 ") :]
    )
    unknown = [f for f in FLAG.findall(own) if f not in known]
    assert unknown == [], f"{command!r}: {unknown} are not options of {parser.prog}"
