"""The code-execution accuracy reward: R1's "compiler feedback on predefined test cases"."""

from __future__ import annotations

import json
import pickle
import sys
import threading

import pytest

from trl_r1.rewards.code import CodeReward, extract_code
from trl_r1.rewards.code_tests import parse_test_cases
from trl_r1.sandbox import JobResult, LocalSandbox, SandboxConfig, SandboxUnavailableError

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the local sandbox is Linux-only"
)

CONFIG = SandboxConfig(timeout_s=1.0, cpu_time_s=1, memory_mb=256, max_workers=2)
DOUBLE_TESTS = [
    {"input": "2\n", "output": "4\n"},
    {"input": "5\n", "output": "10\n"},
    {"input": "-3\n", "output": "-6\n"},
    {"input": "0\n", "output": "0\n"},
]


def solution(code: str, reasoning: str = "Read n and print twice n.") -> str:
    return f"<think>{reasoning}</think>\nHere is my solution:\n```python\n{code}\n```"


@pytest.fixture(scope="module")
def sandbox() -> LocalSandbox:
    sandbox = LocalSandbox(CONFIG)
    yield sandbox
    sandbox.close()


@pytest.fixture(scope="module")
def reward(sandbox) -> CodeReward:
    return CodeReward(sandbox)


@pytest.fixture(scope="module")
def binary(sandbox) -> CodeReward:
    return CodeReward(sandbox, binary=True)


class Metrics(dict):
    def __call__(self, name, value):
        self[name] = value


def test_correct_program_scores_one_and_partial_program_scores_its_pass_fraction(reward):
    completions = [
        solution("print(2 * int(input()))"),
        solution("n = int(input())\nprint(2 * n if n > 0 else 99)"),
    ]  # fails -3 and 0
    assert reward(completions=completions, test_cases=[DOUBLE_TESTS] * 2) == [1.0, 0.5]


def test_binary_reward_is_one_only_when_every_case_passes(binary):
    completions = [
        solution("print(2 * int(input()))"),
        solution("n = int(input())\nprint(2 * n if n > 0 else 99)"),
    ]
    assert binary(completions=completions, test_cases=[DOUBLE_TESTS] * 2) == [1.0, 0.0]


def test_output_is_compared_token_by_token_whitespace_tolerant_as_apps_does(reward):
    tests = [[{"input": "", "output": "1 2\n3\n"}]]
    assert reward(completions=[solution("print('1 2   ')\nprint('3\\t')\nprint()")], test_cases=tests) == [
        1.0
    ]
    assert reward(completions=[solution("print('1  2')\nprint('3')")], test_cases=tests) == [1.0]
    assert reward(completions=[solution("print('1 2')\nprint('4')")], test_cases=tests) == [0.0]
    assert reward(completions=[solution("print('1 2 3 4')")], test_cases=tests) == [0.0]


def test_code_only_inside_the_reasoning_scores_zero(reward):
    text = "<think>```python\nprint(2 * int(input()))\n```</think>I am done."
    metrics = Metrics()
    assert reward(completions=[text], test_cases=[DOUBLE_TESTS], log_metric=metrics) == [0.0]
    assert metrics["code_reward/no_code"] == 1


def test_the_last_fenced_block_of_the_answer_is_the_program(reward):
    text = (
        "<think>try</think>A first draft:\n```python\nprint(0)\n```\nFixed:\n```python\n"
        "print(2 * int(input()))\n```"
    )
    assert reward(completions=[text], test_cases=[DOUBLE_TESTS]) == [1.0]


def test_r1_zero_answer_block_and_conversational_completions_are_scored(reward):
    zero = "<think>double</think><answer>\n```python\nprint(2 * int(input()))\n```\n</answer>"
    chat = [{"role": "assistant", "content": solution("print(2 * int(input()))")}]
    assert reward(completions=[zero, chat], test_cases=[DOUBLE_TESTS] * 2) == [1.0, 1.0]


def test_assert_cases_run_python_after_the_solution(reward):
    tests = [
        {"assert": "assert add(2, 3) == 5"},
        {"assert": "assert add(-1, 1) == 0"},
        {"assert": "assert add(2, 2) == 5"},
    ]
    code = "def add(a, b):\n    return a + b"
    assert reward(completions=[solution(code)], test_cases=[tests]) == [pytest.approx(2 / 3)]


def test_open_r1_verification_info_shape_is_read_as_dict_or_json(reward):
    info = {"language": "python", "test_cases": [{"type": "stdin_stdout", "input": "7\n", "output": "14\n"}]}
    completions = [solution("print(2 * int(input()))")] * 2
    assert reward(completions=completions, verification_info=[info, json.dumps(info)]) == [1.0, 1.0]


def test_crash_and_timeout_fail_their_case_with_zero_not_none(reward):
    completions = [
        solution("n = int(input())\nprint(2 // n * n * 2 if n != 0 else 1 // 0)"),
        solution("n = int(input())\nwhile n == 0:\n    pass\nprint(2 * n)"),
    ]
    metrics = Metrics()
    scores = reward(completions=completions, test_cases=[DOUBLE_TESTS] * 2, log_metric=metrics)
    assert scores[1] == 0.75  # only the n == 0 case loops forever
    assert scores[0] is not None and scores[0] < 1.0
    assert metrics["code_reward/timeouts"] == 1 and metrics["code_reward/sandbox_errors"] == 0


def test_rows_it_cannot_score_get_none_not_zero(reward):
    info = {"language": "java", "test_cases": [{"input": "1", "output": "2"}]}
    metrics = Metrics()
    scores = reward(
        completions=[solution("print(2)")] * 2,
        verification_info=[info, {"language": "python", "test_cases": []}],
        log_metric=metrics,
    )
    assert scores == [None, None]
    assert metrics["code_reward/unscorable"] == 1 and metrics["code_reward/unsupported_language"] == 1


def test_sandbox_failure_gives_none_and_is_counted():
    class BrokenProvider:
        name = "broken"

        def describe(self):
            return {}

        def run(self, jobs, budget_s=None):
            return [JobResult(error="could not start") for _ in jobs]

    metrics = Metrics()
    scores = CodeReward(BrokenProvider())(
        completions=[solution("print(1)"), "no code"], test_cases=[DOUBLE_TESTS] * 2, log_metric=metrics
    )
    assert scores == [None, 0.0]
    assert metrics["code_reward/sandbox_errors"] == 1


def test_a_case_whose_isolation_fails_to_set_up_is_a_sandbox_error_not_a_wrong_answer():
    sandbox = LocalSandbox(SandboxConfig(max_workers=1))
    sandbox.config.max_open_files = 10**9  # above the kernel's ceiling: RLIMIT_NOFILE setup fails in the case
    for worker in sandbox._workers:  # restarted with the new limits on their next job
        worker.stop()
    metrics = Metrics()
    assert CodeReward(sandbox)(
        completions=[solution("print(2 * int(input()))")], test_cases=[DOUBLE_TESTS], log_metric=metrics
    ) == [None]
    assert metrics["code_reward/sandbox_errors"] == 1


def test_call_budget_bounds_the_call_and_unfinished_programs_get_none():
    config = SandboxConfig(timeout_s=5.0, cpu_time_s=5, max_workers=1, budget_s=1.5)
    reward = CodeReward(config)
    sleepers = [solution(f"import time\ntime.sleep(3)\nprint({i})") for i in range(3)]
    scores = reward(completions=sleepers, test_cases=[[{"input": "", "output": "0"}]] * 3)
    assert scores == [None, None, None]  # the first was killed at the budget, the others never started


def test_the_pool_runs_programs_at_once(monkeypatch):
    from trl_r1.sandbox import local

    reward = CodeReward(SandboxConfig(timeout_s=3.0, max_workers=2))
    assert reward.provider.config.max_workers == 2  # started (and smoke-tested) before the rendezvous
    both_running = threading.Barrier(2, timeout=30)  # broken unless two programs are in flight together
    original = local._Worker.run

    def rendezvous(self, job, deadline):
        both_running.wait()
        return original(self, job, deadline)

    monkeypatch.setattr(local._Worker, "run", rendezvous)
    scores = reward(
        completions=[solution(f"print({i})") for i in range(4)],
        test_cases=[[{"input": "", "output": str(i)}] for i in range(4)],
    )
    assert scores == [1.0] * 4
    assert len(reward.provider.worker_pids()) == 2


def test_identical_programs_on_identical_tests_run_once(sandbox):
    calls = []

    class Counting:
        name = "counting"

        def describe(self):
            return sandbox.describe()

        def run(self, jobs, budget_s=None):
            calls.append(len(jobs))
            return sandbox.run(jobs, budget_s)

    group = [solution("print(2 * int(input()))")] * 4  # a GRPO group that agrees
    assert CodeReward(Counting())(completions=group, test_cases=[DOUBLE_TESTS] * 4) == [1.0] * 4
    assert calls == [1]


def test_malformed_test_cases_are_refused_with_the_expected_shape():
    with pytest.raises(ValueError, match=r"row 0, case 1.*input.*output.*assert"):
        parse_test_cases([{"input": "1", "output": "2"}, {"stdin": "1", "expected": "2"}])
    with pytest.raises(ValueError, match="test_cases.*verification_info"):
        CodeReward(CONFIG)(completions=["x"])


def test_required_layer_missing_on_this_machine_is_refused_before_anything_runs(monkeypatch):
    probe = LocalSandbox._probe

    def probe_without_pid_namespace(self):
        report = probe(self)
        report["pid_namespace"] = "unshare: Operation not permitted"
        return report

    monkeypatch.setattr(LocalSandbox, "_probe", probe_without_pid_namespace)
    monkeypatch.setattr(LocalSandbox, "run", lambda *a, **k: pytest.fail("ran a program"))
    with pytest.raises(SandboxUnavailableError, match="pid_namespace: unshare: Operation not permitted"):
        LocalSandbox(SandboxConfig(require_layers=["pid_namespace"]))


def test_start_up_logs_the_active_isolation_layers(caplog):
    with caplog.at_level("INFO", logger="trl_r1.sandbox.local"):
        sandbox = LocalSandbox(CONFIG)
    line = next(r.getMessage() for r in caplog.records if "active layers" in r.getMessage())
    for requirement, layer in sandbox.describe().items():
        assert f"{requirement}={layer}" in line


def test_reward_pickles_for_spawned_reward_processes(reward):
    clone = pickle.loads(pickle.dumps(CodeReward(CONFIG, binary=True)))
    assert clone.__name__ == "binary_code_reward"
    assert clone(completions=[solution("print(2 * int(input()))")], test_cases=[DOUBLE_TESTS]) == [1.0]


def test_extract_code_ignores_other_languages():
    assert extract_code("<think>x</think>```cpp\nint main(){}\n```") is None
    assert extract_code("```python\nprint(1)\n```") is None  # no reasoning end: no final answer
    assert extract_code("```python\nprint(1)\n```", fallback_to_full_text=True) == "print(1)\n"


def test_grpo_trainer_passes_the_test_cases_column_to_the_reward(tiny_model_dir, tmp_path, sandbox):
    from datasets import Dataset
    from testkit import cpu_training_args
    from trl import GRPOConfig, GRPOTrainer

    seen = []

    class Recording(CodeReward):
        def __call__(self, completions, **kwargs):
            seen.append(kwargs["test_cases"])
            return super().__call__(completions, **kwargs)

    data = Dataset.from_list([{"prompt": "Write a program that doubles n.", "test_cases": DOUBLE_TESTS}] * 4)
    args = GRPOConfig(
        output_dir=str(tmp_path),
        max_steps=1,
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=8,
        **cpu_training_args(),
    )
    trainer = GRPOTrainer(
        model=tiny_model_dir, reward_funcs=Recording(sandbox), args=args, train_dataset=data
    )
    trainer.train()
    assert seen and [case["output"] for case in seen[0][0]] == [c["output"] for c in DOUBLE_TESTS]
    logged = {key for entry in trainer.state.log_history for key in entry}
    assert {"rewards/code_reward/mean", "code_reward/sandbox_errors"} <= logged


# ----------------------------------------------------------------------------------------------- grading hacks
ADD_TESTS = [{"assert": "assert add(2, 2) == 5"}]  # unsatisfiable by a correct add
HONEST_ADD_TESTS = [{"assert": "assert add(2, 2) == 4"}, {"assert": "assert add(-1, 1) == 0"}]
ADD = "def add(a, b):\n    return a + b\n"


@pytest.mark.parametrize(
    "tail",
    ["", "import atexit; atexit.register(print, 'bye')", "import os\nos.environ['X'] = '1'"],
    ids=["plain", "harmless_atexit", "env_change"],
)
def test_honest_solutions_with_exit_hooks_still_score_one(reward, tail):
    assert reward(completions=[solution(ADD + tail)], test_cases=[HONEST_ADD_TESTS]) == [1.0]


def test_assert_tests_judge_literals_outside_and_keep_python_semantics(reward):
    tests = [
        {"assert": "assert add(2, 3) == 5.0"},
        {"assert": "assert 5 == add(2, 3)"},
        {"assert": "assert add(2, 3) != 6"},
        {"assert": "assert add(0, 0) is not None"},
        {"assert": "xs = [add(i, i) for i in range(3)]\nassert xs == [0, 2, 4]"},
        {"assert": "assert add('a', 'b') in ('ab', 'ba')"},
        {"assert": "assert add(1, 1) > 1"},
    ]
    assert reward(completions=[solution(ADD)], test_cases=[tests]) == [1.0]
    # a - b passes only "!= 6" and "is not None" (`assert not add(0, 0)` would be untrusted: see tests/security)
    assert reward(completions=[solution("def add(a, b):\n    return a - b")], test_cases=[tests]) == [
        pytest.approx(2 / 7)
    ]


def test_a_step_that_raises_or_a_missing_function_fails_its_case(reward):
    tests = [{"assert": "assert add(1, 2) == 3"}, {"assert": "assert sub(1, 2) == -1"}]
    assert reward(completions=[solution(ADD)], test_cases=[tests]) == [0.5]


# ----------------------------------------------------------------------------------------------- test shapes
def test_call_based_tests_as_apps_and_taco_write_them(reward):
    io = {"fn_name": "pair_sum", "inputs": [[[1, 2], 3], [[4], 0]], "outputs": [[[1, 2], 6], [[4], 4]]}
    as_tuple = "def pair_sum(xs, k):\n    return xs, sum(xs) + k\n"  # a tuple counts as a list, as in APPS
    off_by_k = "def pair_sum(xs, k):\n    return [xs, sum(xs)]\n"  # right only when k == 0
    wrapped = {"fn_name": "pair_sum", "inputs": [[[1, 2], 3]], "outputs": [[[[1, 2], 6]]]}  # APPS's [answer]
    scores = reward(
        completions=[solution(as_tuple), solution(off_by_k), solution(as_tuple)],
        input_output=[json.dumps(io), io, wrapped],
    )
    assert scores == [1.0, 0.5, 1.0]


def test_call_based_cases_of_a_leetcode_solution_class_and_livecodebench_functional_cases(reward):
    leetcode = (
        "class Solution:\n    def twoSum(self, nums, target):\n        seen = {}\n"
        "        for i, n in enumerate(nums):\n            if target - n in seen:\n"
        "                return [seen[target - n], i]\n            seen[n] = i\n"
    )
    lcb = [
        {"testtype": "functional", "fn_name": "twoSum", "input": "[2, 7, 11, 15]\n9", "output": "[0, 1]"},
        {"testtype": "functional", "fn_name": "twoSum", "input": "[3, 2, 4]\n6", "output": "[1, 2]"},
    ]
    per_case = [{"fn_name": "twoSum", "input": [[3, 3], 6], "output": [0, 1]}]
    assert reward(completions=[solution(leetcode)] * 2, test_cases=[lcb, per_case]) == [1.0, 1.0]


def test_stdout_floats_compare_with_tolerance_and_integers_exactly(reward):
    tests = [[{"input": "", "output": "0.333333333\n1000000\n"}]]
    assert reward(completions=[solution("print(1 / 3)\nprint(1000000)")], test_cases=tests) == [1.0]
    assert reward(completions=[solution("print(1 / 3)\nprint(1000001)")], test_cases=tests) == [0.0]
    assert reward(completions=[solution("print(0.3334)\nprint(1000000)")], test_cases=tests) == [0.0]
    exact = CodeReward(reward.provider, float_tolerance=0.0)
    assert exact(completions=[solution("print(1 / 3)\nprint(1000000)")], test_cases=tests) == [0.0]


CPP_DOUBLE = (
    "#include <iostream>\nint main() { long long n; std::cin >> n; std::cout << 2 * n << std::endl; }\n"
)


def cpp_solution(code: str) -> str:
    return f"<think>Read n, print 2n.</think>\n```cpp\n{code}```"


def test_cpp_programs_are_compiled_once_and_run_per_case(reward, sandbox):
    if "cpp" not in sandbox.languages:
        pytest.skip("no C++ compiler on this machine")
    wrong = CPP_DOUBLE.replace("2 * n", "n + 2")  # right only for n == 2
    broken = "int main() { this is not C++ }"
    metrics = Metrics()
    info = {"language": "cpp", "test_cases": DOUBLE_TESTS}
    scores = reward(
        completions=[
            cpp_solution(CPP_DOUBLE),
            cpp_solution(wrong),
            cpp_solution(broken),
            solution("print(2 * int(input()))"),
        ],
        verification_info=[info] * 4,
        log_metric=metrics,
    )
    assert scores == [1.0, 0.25, 0.0, 0.0]  # a Python answer to a C++ row is no C++ program
    assert metrics["code_reward/sandbox_errors"] == 0


def test_cpp_program_answers_rows_that_name_no_language(reward, sandbox):
    if "cpp" not in sandbox.languages:
        pytest.skip("no C++ compiler on this machine")
    assert reward(completions=[cpp_solution(CPP_DOUBLE)], test_cases=[DOUBLE_TESTS]) == [1.0]
    metrics = (
        Metrics()
    )  # assert tests take Python only: C++ there is the model's wrong choice (issue 22, RT-LANG-3)
    assert reward(completions=[cpp_solution(CPP_DOUBLE)], test_cases=[ADD_TESTS], log_metric=metrics) == [0.0]
    assert metrics["code_reward/no_code"] == 1 and metrics["code_reward/unscorable"] == 0


def test_unsupported_language_gives_none_and_a_metric():
    class PythonOnly:
        name = "python-only"
        languages = frozenset({"python"})

        def describe(self):
            return {}

        def run(self, jobs, budget_s=None):
            raise AssertionError("nothing should run")

    metrics = Metrics()
    row_says_cpp = {"language": "cpp", "test_cases": DOUBLE_TESTS}
    scores = CodeReward(PythonOnly())(
        completions=[cpp_solution(CPP_DOUBLE)], verification_info=[row_says_cpp], log_metric=metrics
    )
    assert scores == [None] and metrics["code_reward/unsupported_language"] == 1


def test_a_program_in_a_language_the_row_does_not_accept_scores_zero_not_none(reward):
    """Issue 22's red team (RT-LANG-1..4): None for a language nobody grades would teach the policy to switch
    fences when unsure (an unscored completion gets advantage 0 in GRPO, above a wrong answer)."""
    metrics = Metrics()
    rust = '<think>x</think>\n```rust\nfn main() { println!("2"); }\n```'
    call_based = {"fn_name": "double", "inputs": [[1]], "outputs": [2]}
    completions = [rust, rust.replace("rust", "c"), cpp_solution(CPP_DOUBLE), cpp_solution(CPP_DOUBLE)]
    scores = reward(
        completions=completions,
        test_cases=[DOUBLE_TESTS, DOUBLE_TESTS, call_based, [{"assert": "assert double(1) == 2"}]],
        log_metric=metrics,
    )
    assert scores == [0.0, 0.0, 0.0, 0.0]
    assert metrics["code_reward/no_code"] == 4 and metrics["code_reward/unsupported_language"] == 0


UNTRUSTED_TESTS = [
    [{"assert": "for x, y in [(1, 2), (2, 4)]:\n    assert double(x) == y"}],
    [{"assert": "assert double(1) == double(1) + 0"}],
    [{"assert": "assert double(2) == 4"}],
]


def test_asserts_only_the_sandbox_can_judge_score_none_and_are_counted(reward):
    # a program that forges its report could pass them: no verdict rather than a forgeable one
    metrics = Metrics()
    code = solution("def double(n):\n    return 2 * n")
    assert reward(completions=[code] * 3, test_cases=UNTRUSTED_TESTS, log_metric=metrics) == [None, None, 1.0]
    assert metrics["code_reward/untrusted_tests"] == 2


def test_trusting_sandbox_asserts_scores_them(sandbox):
    metrics = Metrics()
    code = solution("def double(n):\n    return 2 * n")
    wrong = solution("def double(n):\n    return n + 1")
    trusting = CodeReward(sandbox, trust_sandbox_asserts=True)
    assert trusting(completions=[code] * 3, test_cases=UNTRUSTED_TESTS, log_metric=metrics) == [1.0, 1.0, 1.0]
    assert trusting(completions=[wrong] * 3, test_cases=UNTRUSTED_TESTS) == [0.0, 1.0, 0.0]
    assert metrics["code_reward/untrusted_tests"] == 2


def test_a_call_based_solution_printing_past_the_cap_still_passes(reward):
    io = {"fn_name": "double", "inputs": [[3]], "outputs": [6]}
    code = solution("def double(n):\n    print('debug ' * 20000)\n    return 2 * n")
    assert reward(completions=[code], input_output=[io]) == [1.0]


def test_a_compiler_that_cannot_work_in_the_sandbox_gives_none_not_zero():
    sandbox = LocalSandbox(SandboxConfig(max_workers=1, cpp_compiler="/bin/false"))  # "compiles" nothing
    try:
        metrics = Metrics()
        scores = CodeReward(sandbox)(
            completions=[cpp_solution(CPP_DOUBLE)], test_cases=[DOUBLE_TESTS], log_metric=metrics
        )
        assert scores == [None] and metrics["code_reward/sandbox_errors"] == 1
        assert "cpp" not in sandbox.languages
    finally:
        sandbox.close()


def test_a_program_that_does_not_compile_scores_zero_not_none(reward):
    metrics = Metrics()
    broken = [solution("def f(:\n    pass"), solution("x = " + "(" * 300 + ")" * 300)]
    assert reward(completions=broken, test_cases=[DOUBLE_TESTS] * 2, log_metric=metrics) == [0.0, 0.0]
    assert metrics["code_reward/sandbox_errors"] == 0
