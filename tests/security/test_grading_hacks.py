"""Programs that try to pass tests they do not solve. Each scores 0.0 (its goal failed), and its
honest twin in ``tests/rewards/test_code_reward.py`` scores 1.0."""

from __future__ import annotations

import sys

import hostile_fixtures
import pytest

from trl_r1.rewards.code import CodeReward

pytestmark = [pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the local sandbox is Linux-only"),
              pytest.mark.usefixtures("nothing_outlives_the_run")]
hostile_sandbox = hostile_fixtures.hostile_sandbox
nothing_outlives_the_run = hostile_fixtures.nothing_outlives_the_run

ADD = "def add(a, b):\n    return a + b\n"
WRONG_ASSERT = [{"assert": "assert add(2, 2) == 5"}]  # a correct add cannot pass it: only a hack can


@pytest.fixture(scope="module")
def reward(hostile_sandbox) -> CodeReward:
    return CodeReward(hostile_sandbox)


def solution(code: str) -> str:
    return f"<think>add them</think>\n```python\n{code}\n```"


HACKS = {
    "sys_exit_before_the_asserts": ADD + "import sys; sys.exit(0)",
    "raise_system_exit": ADD + "raise SystemExit(0)",
    "exit_builtin": ADD + "exit()",
    "os_exit": ADD + "import os; os._exit(0)",
    "atexit_os_exit": ADD + "import atexit, os; atexit.register(os._exit, 0)",
    "kill_own_harness": ADD + "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
    "exit_from_a_thread_later": ADD + "import os, threading, time\n"
                                      "threading.Thread(target=lambda: (time.sleep(0.05), os._exit(0))).start()\n"
                                      "time.sleep(1)",
    "sigalrm_exit_during_the_asserts": ADD.replace("return a + b", "import time; time.sleep(1); return a + b")
                                       + "import os, signal\nsignal.signal(signal.SIGALRM, lambda *a: os._exit(0))\n"
                                         "signal.setitimer(signal.ITIMER_REAL, 0.05)",
    "patched_assertion_error": ADD + "import builtins; builtins.AssertionError = type('Never', (Exception,), {})",
    "trace_hook_skipping_lines": ADD + "import sys\nsys.settrace(lambda *a: None)",
    "forged_nonce_on_every_fd": ADD + "import os\nfor fd in range(3, 64):\n    try:\n"
                                      "        os.write(fd, b'{\"i\": 0, \"v\": [\"i\", \"5\"]}\\n{\"done\": \"x\"}\\n')\n"
                                      "    except OSError:\n        pass\nos._exit(0)",
    "eq_always_true": "class Anything:\n    def __eq__(self, other):\n        return True\n    __hash__ = None\n"
                      "def add(a, b):\n    return Anything()\n",
    "int_subclass_eq": "class Lie(int):\n    def __eq__(self, other):\n        return True\n"
                       "def add(a, b):\n    return Lie(0)\n",
    "patched_int_compare_through_builtins": ADD.replace("a + b", "a + b + 0") + "import builtins\nbuiltins.int = float",
    "snoop_the_expected_value_in_memory":
        "import gc\nseen = repr([o for o in gc.get_objects() if isinstance(o, (str, dict, list, tuple))])\n"
        "marks = [''.join(['=', '=', ' ', '5']), ''.join(['add(2, 2)', ' ', '='])]\n"
        "def add(a, b):\n    return 5 if any(m in seen for m in marks) else a + b\n",
    "rewrite_the_harness_through_gc":
        ADD + "import gc, types\nfor f in gc.get_objects():\n"
              "    if isinstance(f, types.FunctionType) and f.__name__ in ('_run_steps', 'plain_value', '_report'):\n"
              "        f.__code__ = (lambda *a, **k: None).__code__\n",
}


@pytest.mark.parametrize("code", HACKS.values(), ids=HACKS.keys())
def test_a_grading_hack_scores_zero(reward, code):
    assert reward(completions=[solution(code)], test_cases=[WRONG_ASSERT]) == [0.0]


def test_a_truthy_object_does_not_pass_a_truth_assert(reward):
    code = "class Yes:\n    def __bool__(self):\n        return True\ndef is_even(n):\n    return Yes()\n"
    assert reward(completions=[solution(code)], test_cases=[[{"assert": "assert is_even(3)"}]]) == [0.0]


def test_padding_the_output_past_the_cap_does_not_hide_a_wrong_answer(reward):
    code = "print(42)\nprint('\\n' * 100000)\nprint('WRONG ANSWER')"
    assert reward(completions=[solution(code)], test_cases=[[{"input": "", "output": "42"}]]) == [0.0]


def test_a_call_based_hack_exiting_at_import_scores_zero(reward):
    io = {"fn_name": "add", "inputs": [[2, 2]], "outputs": [4]}
    code = ADD + "import os; os._exit(0)"
    assert reward(completions=[solution(code)], input_output=[io]) == [0.0]
