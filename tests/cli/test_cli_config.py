"""`trl-r1 eval` and `trl-r1 sample` read their options from `--config x.yaml` (TrlParser), and
command-line flags override the file."""

import re

import pytest
import yaml

from trl_r1.cli import main


def _refuse_models(monkeypatch):
    import trl_r1.generation

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded before the input was checked")

    for name in list(trl_r1.generation.BACKENDS):
        monkeypatch.setitem(trl_r1.generation.BACKENDS, name, refuse)


def test_eval_reads_its_options_from_a_yaml_config_and_flags_override_it(tmp_path, capsys, monkeypatch):
    _refuse_models(monkeypatch)
    config = tmp_path / "eval.yaml"
    config.write_text(yaml.safe_dump({"model": str(tmp_path), "benchmark": "math5000", "k": 4}))
    assert main(["eval", "--config", str(config)]) == 2
    assert "unknown benchmark 'math5000'" in capsys.readouterr().err  # model and benchmark came from the file
    assert main(["eval", "--config", str(config), "--benchmark", "math500", "--k", "0"]) == 2
    err = capsys.readouterr().err
    assert "--k: expected a positive integer, got 0" in err and len(err.strip().splitlines()) == 1


def test_sample_reads_its_options_from_a_yaml_config(tmp_path, capsys, monkeypatch):
    _refuse_models(monkeypatch)
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"question": "1+1", "answer": "2"}\n')
    config = tmp_path / "sample.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "model": str(tmp_path),
                "dataset_name": str(prompts),
                "output_dir": str(tmp_path / "out"),
                "num_samples": 2,
            }
        )
    )
    assert main(["sample", "--config", str(config)]) == 2
    err = capsys.readouterr().err  # the model named in the file was checked before anything was sampled
    assert f"model directory '{tmp_path}' has no config.json" in err
    assert not (tmp_path / "out" / "shards").exists()


def test_a_missing_required_option_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["sample", "--dataset", "x.jsonl"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "--model" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "argv",
    [[name, "--help"] for name in ("demo", "eval", "sample", "run", "tiny-model", "plot", "sandbox")]
    + [["experiment", "generalization", "--help"]],
)
def test_every_subcommand_prints_its_help(argv, capsys):
    from trl_r1.cli import SUBCOMMANDS

    assert argv[0] in SUBCOMMANDS
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 0 and "--" in capsys.readouterr().out


def _help(argv, capsys) -> str:
    with pytest.raises(SystemExit) as e:
        main([*argv, "--help"])
    assert e.value.code == 0
    return capsys.readouterr().out


def test_the_help_texts_show_the_commands_as_the_readme_writes_them(capsys):
    run_help = _help(["run"], capsys)
    assert "positional arguments:\n  RECIPE" in run_help and "--recipe" not in run_help
    sandbox_help = _help(["sandbox"], capsys)
    assert (
        "positional arguments:\n  ACTION" in sandbox_help
        and "clean:" in sandbox_help
        and "--action" not in sandbox_help
    )
    experiment = _help(["experiment", "generalization"], capsys)
    assert experiment.startswith("usage: trl-r1 experiment generalization") and "--config YAML" in experiment
    assert main(["experiment", "--help"]) == 0 and "generalization" in capsys.readouterr().out
    sample_help = _help(["sample"], capsys)
    assert re.search(r"--no_readability, --no-readability\s+turn off --readability", sample_help)
    for text in (run_help, sandbox_help, experiment, sample_help):  # each default said once
        entries = re.split(r"\n  (?=-)", text)
        assert all(entry.count("default") <= 1 for entry in entries), [
            e for e in entries if e.count("default") > 1
        ]
