"""`trl-r1 experiment distillation` (issue 26): a shortened experiment end to end, its JSON contract, the arms'
shared starting point and equal steps, and the claim check."""

import json

import pytest
import yaml
from testkit import REPO_ROOT, SHORT_EXPERIMENT_ARGS

from trl_r1.experiments.distillation import DISTILL_ARMS, DistillationConfig, check_distillation_claim, main

# A few steps of everything; traces are kept whatever their answer (a few-step model answers nothing correctly).
QUICK = [
    *SHORT_EXPERIMENT_ARGS,
    "--teacher_model",
    "trl-r1/tiny?hidden_size=48",
    "--teacher_cold_start_steps",
    "3",
    "--teacher_rl_steps",
    "2",
    "--samples_per_problem",
    "1",
    "--trace_min_accuracy=-inf",
    "--readable_traces_only",
    "false",
]


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
@pytest.mark.timeout(900)
def test_a_shortened_experiment_writes_the_contract_with_teacher_and_cost(tmp_path, capsys):
    out = tmp_path / "distill"
    assert main(["--output-dir", str(out), "--seeds", "1", *QUICK]) == 0
    result = json.loads((out / "distillation.json").read_text())
    assert result["seeds"] == [0] and set(result["arms"]) == set(DISTILL_ARMS)
    assert {"torch", "trl", "transformers", "trl_r1"} <= set(result["versions"])
    for cells in result["arms"].values():
        assert set(cells) == {"same_width", "mixed_width"}
        for cell in cells.values():
            assert 0.0 <= cell["pass@1"] <= 1.0 and cell["n_problems"] == 4 and cell["std"] is None
    seed = result["provenance"]["0"]
    for arm in DISTILL_ARMS:
        assert seed[arm]["init_sha256"] == seed["cold_start_sha256"], arm  # every arm from the one cold start
    assert [seed[a]["optimizer_steps"] for a in ("grpo", "distill", "self_distill")] == [
        2,
        2,
        2,
    ]  # equal steps
    assert seed["distill_grpo"]["optimizer_steps"] == 4  # distillation, then the same GRPO
    assert (
        seed["self_distill"]["traces"] == seed["distill"]["traces"] > 0
    )  # as many traces as the teacher gave
    teacher = result["teacher"]
    assert set(teacher["pass@1"]) == {"same_width", "mixed_width"} and teacher["optimizer_steps"] == 5
    assert result["cost"]["teacher_sampled_tokens"] > 0 and result["cost"]["teacher_traces"] > 0
    traces = [
        json.loads(line)
        for line in (out / "seed0" / "data" / "teacher_traces.jsonl").read_text().splitlines()
    ]
    trained = {
        row["question"] + "="
        for row in map(json.loads, (out / "data" / "answer_only.jsonl").read_text().splitlines())
    }
    assert all(
        t["prompt"] in trained for t in traces
    )  # traces come from the training problems, never the test set
    assert set(result["curve"]["0"]) == {"grpo", "distill"}
    assert [p["step"] for p in result["curve"]["0"]["distill"]] == [0, 1, 2]
    assert (out / "distillation.png").stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "| distill |" in printed and "teacher" in printed and "claim" in printed


def test_the_recipe_holds_the_defaults():
    recipe = yaml.safe_load((REPO_ROOT / "recipes" / "experiments" / "distillation.yaml").read_text())
    defaults = DistillationConfig()
    assert recipe == {k: getattr(defaults, k) for k in recipe} and set(recipe) == set(vars(defaults))


def _cell(p, low, high):
    return {"pass@1": p, "ci95": [low, high]}


def test_the_claim_needs_the_gap_separate_intervals_and_a_win_over_self_distillation():
    def result(distill, grpo, self_distill):
        return {
            "harder_splits": ["mixed_width"],
            "arms": {
                "distill": {"mixed_width": distill},
                "grpo": {"mixed_width": grpo},
                "self_distill": {"mixed_width": self_distill},
            },
        }

    assert check_distillation_claim(
        result(_cell(0.5, 0.45, 0.55), _cell(0.3, 0.25, 0.35), _cell(0.2, 0.1, 0.3))
    )["holds"]
    small_gap = result(_cell(0.38, 0.36, 0.40), _cell(0.3, 0.25, 0.35), _cell(0.2, 0.1, 0.3))
    assert not check_distillation_claim(small_gap)["holds"]
    overlap = result(_cell(0.5, 0.30, 0.7), _cell(0.3, 0.25, 0.35), _cell(0.2, 0.1, 0.3))
    assert not check_distillation_claim(overlap)["holds"]
    own_traces_as_good = result(_cell(0.5, 0.45, 0.55), _cell(0.3, 0.25, 0.35), _cell(0.5, 0.45, 0.55))
    assert not check_distillation_claim(own_traces_as_good)["holds"]
