"""`trl-r1 experiment generalization` (issue 13): a shortened experiment end to end, its JSON contract, the
controls' shared starting point, the spurious reward, and the difficulty splits it rests on."""

import json

import pytest
import yaml
from testkit import REPO_ROOT, SHORT_EXPERIMENT_ARGS

from trl_r1.data.synthetic import DIFFICULTIES, column_carries, difficulty_problems
from trl_r1.experiments.generalization import GeneralizationConfig, main, random_reward
from trl_r1.experiments.report import ARMS, check_claim, pass_at_1_text, seed_std

QUICK = SHORT_EXPERIMENT_ARGS


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_a_shortened_experiment_writes_the_contract_and_every_arm_starts_from_the_same_cold_start(
    tmp_path, capsys
):
    out = tmp_path / "gen"
    assert main(["--output-dir", str(out), "--seeds", "1", *QUICK]) == 0
    result = json.loads((out / "generalization.json").read_text())
    assert result["seeds"] == [0] and result["easy_split"] == "same_width"
    assert result["harder_splits"] == ["mixed_width"] and isinstance(result["seconds"], float)
    assert set(result["arms"]) == set(ARMS)
    for cells in result["arms"].values():
        assert set(cells) == {"same_width", "mixed_width"}
        for cell in cells.values():
            assert 0.0 <= cell["pass@1"] <= 1.0 and cell["n_problems"] == 4
            low, high = cell["ci95"]
            assert 0.0 <= low <= high <= 1.0
            assert len(cell["per_seed"]) == 1 and cell["per_seed"][0] == pytest.approx(cell["pass@1"])
            assert cell["std"] is None  # one seed has no spread; never reported as 0
    import torch
    import transformers
    import trl

    import trl_r1

    assert result["versions"]["torch"] == torch.__version__ and result["versions"]["trl"] == trl.__version__
    assert result["versions"]["transformers"] == transformers.__version__
    assert result["versions"]["trl_r1"] == trl_r1.__version__
    worked = [json.loads(line) for line in (out / "data" / "cold_start.jsonl").read_text().splitlines()]
    assert all(
        len({len(x) for x in row["question"].split("+")}) == 1 for row in worked
    )  # no harder kind, ever
    seed = result["provenance"]["0"]
    for arm in ARMS:
        assert seed[arm]["init_sha256"] == seed["cold_start_sha256"], arm  # the same checkpoint for every arm
        assert seed[arm]["optimizer_steps"] == 2, arm  # the same number of optimizer steps
    budgets = {
        seed[a]["generated_tokens_budget_per_step"]
        for a in ARMS
        if "generated_tokens_budget_per_step" in seed[a]
    }
    assert budgets == {2 * 2 * 8}  # the three GRPO arms generate the same tokens per step
    assert [p["step"] for p in result["curve"]["0"]] == [0, 1, 2]  # cold start, checkpoint, end
    assert (out / "generalization.png").stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "| treatment |" in printed and "claim" in printed


def test_the_table_reports_mean_and_standard_deviation_over_seeds():
    cell = {"pass@1": 0.369, "std": 0.1353, "per_seed": [0.455, 0.213, 0.439]}
    assert pass_at_1_text(cell) == "0.369 ± 0.135"
    assert pass_at_1_text({**cell, "std": None}) == "0.369"
    assert seed_std(cell["per_seed"]) == pytest.approx(0.1353, abs=1e-4)


def test_the_random_reward_pays_at_the_given_rate_whatever_the_completion():
    prompts = [f"{i}+1=" for i in range(4000)]

    class State:
        global_step = 3

    right = random_reward(
        ["<answer>ok</answer>"] * 4000,
        prompts=prompts,
        random_reward_rate=[0.3] * 4000,
        trainer_state=State(),
    )
    wrong = random_reward(
        ["nonsense"] * 4000, prompts=prompts, random_reward_rate=[0.3] * 4000, trainer_state=State()
    )
    assert right == wrong  # nothing in the completion moves it: it cannot be gamed
    assert sum(right) / len(right) == pytest.approx(0.3, abs=0.03)
    with pytest.raises(ValueError, match="random_reward_rate"):
        random_reward(["x"], prompts=["1+1="])


def test_harder_splits_share_no_question_with_the_easy_worked_solutions_or_each_other():
    easy_train = {p.question for s in ("sft", "rl") for p in difficulty_problems("same_width", s)}
    for name in ("mixed_width", "3operands"):
        splits = {s: {p.question for p in difficulty_problems(name, s)} for s in ("sft", "rl", "test")}
        assert not (splits["sft"] & splits["rl"]) and not (splits["rl"] & splits["test"])
        assert not splits["rl"] & easy_train
    easy_test = {p.question for p in difficulty_problems("same_width", "test")}
    assert not easy_test & easy_train
    # the seed picks which problems and their order, never the split membership
    assert {p.question for p in difficulty_problems("mixed_width", "test", seed=5)} == {
        p.question for p in difficulty_problems("mixed_width", "test", seed=0)
    }


def test_difficulties_hold_what_their_names_say():
    for p in difficulty_problems("mixed_width", "rl"):
        assert sorted(len(str(x)) for x in p.operands) == [1, 2]
    for p in difficulty_problems("same_width", "rl"):
        assert len({len(str(x)) for x in p.operands}) == 1
    assert all(not any(column_carries(p.operands)) for p in difficulty_problems("no_carry", "rl"))
    assert all(any(column_carries(p.operands)) for p in difficulty_problems("carry", "rl"))
    with pytest.raises(ValueError, match="unknown difficulty"):
        difficulty_problems("hardest", "rl")
    with pytest.raises(ValueError, match="only"):
        difficulty_problems("3operands", "test", 10_000)


def test_the_shipped_recipe_is_the_configs_defaults_and_bad_options_fail_in_one_line():
    shipped = yaml.safe_load((REPO_ROOT / "recipes" / "experiments" / "generalization.yaml").read_text())
    defaults = {k: v for k, v in vars(GeneralizationConfig()).items()}
    assert shipped == defaults
    assert shipped["n_test"] >= 128 and shipped["k"] == 4 and shipped["temperature"] == 0.6
    assert set(DIFFICULTIES) >= {shipped["easy_split"], *shipped["harder_splits"]}
    with pytest.raises(ValueError, match="harder_splits"):
        GeneralizationConfig(harder_splits=["same_width"])
    with pytest.raises(ValueError, match="unknown difficulty"):
        GeneralizationConfig(easy_split="easyish")


def test_a_harder_split_that_overlaps_the_easy_one_is_refused_in_one_line_before_training(tmp_path, caplog):
    code = main(["--output-dir", str(tmp_path), "--easy_split", "2digit", "--harder_splits", "carry"])
    assert code == 2
    assert "overlaps easy_split '2digit'" in caplog.text and not (tmp_path / "seed0").exists()


def _result(treatment, controls, easy_treatment=0.95, easy_sft=0.97):
    def cell(p, half=0.05):
        return {"pass@1": p, "ci95": [p - half, p + half]}

    arms = {a: {"e": cell(easy_sft if a == "sft_continued" else 0.9), "h": cell(controls)} for a in ARMS[1:]}
    arms["treatment"] = {"e": cell(easy_treatment), "h": cell(treatment)}
    return {"arms": arms, "easy_split": "e", "harder_splits": ["h"]}


def test_the_claim_needs_the_gap_separate_intervals_and_no_easy_loss():
    assert check_claim(_result(0.6, 0.3))["holds"]
    assert not check_claim(_result(0.4, 0.3))["holds"]  # gap 0.10 < 0.15
    assert not check_claim(_result(0.6, 0.3, easy_treatment=0.85))["holds"]  # loses 0.12 on the easy split
    close = _result(0.46, 0.3)
    close["arms"]["treatment"]["h"]["ci95"] = [0.30, 0.60]  # gap 0.16 but the intervals overlap
    assert not check_claim(close)["holds"]


def test_trl_r1_experiment_names_its_experiments_and_refuses_others(capsys):
    from trl_r1.cli import main as cli_main

    assert cli_main(["experiment", "no-such-experiment"]) == 2
    err = capsys.readouterr().err
    assert "name an experiment (generalization, distillation)" in err and len(err.strip().splitlines()) == 1


def test_the_optional_self_check_is_in_the_asked_share_of_easy_worked_solutions_only_and_adds_up(tmp_path):
    from trl_r1.experiments.generalization import SELF_CHECK, build_data, self_check_stats

    cfg = GeneralizationConfig(self_check_share=0.1, n_test=8)
    data = build_data(cfg, tmp_path)
    rows = [json.loads(line) for line in open(data["cold_start"], encoding="utf-8")]
    checked = [r for r in rows if SELF_CHECK in r["completion"]]
    questions = {r["question"] for r in rows}
    assert len({r["question"] for r in checked}) == round(
        0.1 * len(questions)
    )  # a share of distinct problems
    for r in checked:
        check = r["completion"].split(SELF_CHECK)[1].split("<")[0]  # "85-38=47"
        total, rest = check.split("-")
        last, first = rest.split("=")
        assert int(total) == int(r["solution"]) and int(total) - int(last) == int(first)
        assert r["question"] == f"{first}+{last}"
    # the answer-only data never carries reasoning, so RL never sees a check it could copy
    assert not any(SELF_CHECK in line for line in open(data["answer_only"], encoding="utf-8"))
    assert build_data(GeneralizationConfig(n_test=8), tmp_path / "off")["sizes"]["cold_start_with_check"] == 0
    with pytest.raises(ValueError, match="self_check_share"):
        GeneralizationConfig(self_check_share=1.5)
    assert self_check_stats([]) == {"rate": 0.0, "pass@1_with": None, "pass@1_without": None, "n_samples": 0}
