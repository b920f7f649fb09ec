"""Writes the hand-written hub-layout fixtures (a few rows each) in the exact column layout of
each dataset card; rerun after editing a row. Nothing here is downloaded: every row is written here."""

import json
from pathlib import Path

HERE = Path(__file__).parent


def trace(reasoning: str, summary: str) -> str:
    return f"<think>\n{reasoning}\n</think>\n\n{summary}"


INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."

# open-r1/OpenR1-Math-220k (config "default", split "train"): DeepSeek-R1 generations for
# NuminaMath-1.5 problems, each verified by math-verify and by Llama; messages = problem + one trace.
OPENR1 = []
for i, (problem, answer, reasoning, summary, verified) in enumerate(
    [
        (
            "A rectangle has a perimeter of 30 cm and one side of 6 cm. What is its area in square centimetres?",
            "54",
            "The perimeter is twice the sum of the sides, so the two sides add up to 15 cm. One side is 6 cm, so the other "
            "is 9 cm. The area is 6 times 9, which is 54.\n\nWait, let me check: 2 times (6 plus 9) is 30. Yes, that works.",
            "The other side is 15 - 6 = 9 cm, so the area is $6 \\cdot 9 = \\boxed{54}$ square centimetres.",
            [True, True],
        ),
        (
            "Find the smallest positive integer $n$ such that $n^2$ ends in the digits 44 and $n > 10$.",
            "12",
            "I need n squared to end in 44. Try small values above 10: 11 squared is 121, 12 squared is 144. That ends in "
            "44, so n = 12 works and nothing between 10 and 12 does.",
            "Since $12^2 = 144$ and $11^2 = 121$, the answer is $\\boxed{12}$.",
            [False, True],
        ),
        (
            "How many positive divisors does 36 have?",
            "9",
            "36 is 2 squared times 3 squared, so the number of divisors is 3 times 3, which is 8. Hmm, 3 times 3 is 9, "
            "not 8. Let me list them to be sure: 1, 2, 3, 4, 6, 9, 12, 18, 36. That is 9 divisors.",
            "The divisors of 36 are 1, 2, 3, 4, 6, 9, 12, 18, 36, so there are $\\boxed{8}$.",
            [False, False],
        ),
    ]
):
    generations = [trace(reasoning, summary), trace(reasoning, summary.replace("$\\boxed", "$\\boxed"))]
    OPENR1.append(
        {
            "problem": problem,
            "solution": f"Working it through gives {answer}. Therefore the answer is $\\boxed{{{answer}}}$.",
            "answer": answer,
            "problem_type": "Algebra" if i != 2 else "Number Theory",
            "question_type": "math-word-problem",
            "source": "olympiads" if i != 1 else "cn_contest",
            "uuid": f"0b2f6a1c-7e1d-5c4a-9f00-00000000000{i}",
            "is_reasoning_complete": [True, True],
            "generations": generations,
            "correctness_math_verify": verified,
            "correctness_llama": None,
            "finish_reasons": None,
            "correctness_count": sum(verified),
            "messages": [
                {"content": problem, "role": "user"},
                {
                    "content": generations[verified.index(True)] if any(verified) else generations[0],
                    "role": "assistant",
                },
            ],
        }
    )

# open-r1/Mixture-of-Thoughts (configs all | code | math | science, split "train"): messages whose
# assistant turn holds "<think>…</think>" and the answer; num_tokens; source.
MOT = [
    {
        "messages": [
            {
                "content": "Return your final response within \\boxed{}. What is $7 \\times 8 - 6$?",
                "role": "user",
            },
            {
                "content": trace(
                    "Seven times eight is 56. Subtracting six gives 50.\n\nLet me double check: "
                    "56 minus 6 is 50.",
                    "$7 \\times 8 - 6 = 56 - 6 = \\boxed{50}$",
                ),
                "role": "assistant",
            },
        ],
        "num_tokens": 412,
        "source": "open-r1/OpenR1-Math-220k",
    },
    {
        "messages": [
            {
                "content": "Return your final response within \\boxed{}. Solve $3x + 5 = 20$ for $x$.",
                "role": "user",
            },
            {
                "content": trace(
                    "Subtract five from both sides: 3x equals 15. Divide by three: x equals 5. "
                    "Check: 3 times 5 plus 5 is 20.",
                    "So $x = \\boxed{5}$.",
                ),
                "role": "assistant",
            },
        ],
        "num_tokens": 388,
        "source": "open-r1/OpenR1-Math-220k",
    },
    {
        "messages": [
            {"content": "Return your final response within \\boxed{}. Compute $2^{10}$.", "role": "user"},
            {
                "content": trace("Two to the tenth is 1024. " * 3, "$2^{10} = \\boxed{1024}$"),
                "role": "assistant",
            },
        ],
        "num_tokens": 31742,
        "source": "open-r1/OpenR1-Math-220k",
    },
]

# AI-MO/NuminaMath-TIR (split "train"): tool-integrated solutions (python + output blocks).
TIR = [
    {
        "problem": "What is the sum of the first 10 positive odd integers?",
        "solution": "To solve this we add the odd numbers.\n\n```python\nprint(sum(range(1, 20, 2)))\n```\n```output\n"
        "100\n```\nThe sum of the first 10 positive odd integers is $\\boxed{100}$.",
        "messages": [
            {"content": "What is the sum of the first 10 positive odd integers?", "role": "user"},
            {
                "content": "To solve this we add the odd numbers.\n\n```python\nprint(sum(range(1, 20, 2)))\n```"
                "\n```output\n100\n```\nThe sum is $\\boxed{100}$.",
                "role": "assistant",
            },
        ],
    },
    {
        "problem": "If $x + y = 10$ and $x - y = 4$, what is $x y$?",
        "solution": "Adding the equations gives $2x = 14$, so $x = 7$ and $y = 3$.\n\n```python\nx, y = 7, 3\n"
        "print(x * y)\n```\n```output\n21\n```\nTherefore $xy = \\boxed{21}$.",
        "messages": [
            {"content": "If $x + y = 10$ and $x - y = 4$, what is $x y$?", "role": "user"},
            {
                "content": "Adding the equations gives $2x = 14$... Therefore $xy = \\boxed{21}$.",
                "role": "assistant",
            },
        ],
    },
]

# AI-MO/NuminaMath-CoT (split "train"): source, problem, solution (chain of thought, \boxed{}), messages.
COT = [
    {
        "source": "olympiads",
        "problem": "Prove that the product of two consecutive integers is even, and find "
        "the product of 6 and 7.",
        "solution": "One of two consecutive integers is even, so their product is even. Here $6 \\cdot 7 = 42$.\n"
        "\\[\\boxed{42}\\]",
        "messages": [
            {
                "content": "Prove that the product of two consecutive integers is even, and find the product of "
                "6 and 7.",
                "role": "user",
            },
            {"content": "One of two consecutive integers is even... $\\boxed{42}$", "role": "assistant"},
        ],
    },
    {
        "source": "synthetic_math",
        "problem": "What is $15\\%$ of 80?",
        "solution": "$0.15 \\times 80 = 12$, so the answer is $\\boxed{12}$.",
        "messages": [
            {"content": "What is $15\\%$ of 80?", "role": "user"},
            {"content": "$0.15 \\times 80 = 12$, so the answer is $\\boxed{12}$.", "role": "assistant"},
        ],
    },
    {
        "source": "amc_aime",
        "problem": "The average of 3, 5 and $x$ is 6. What is $x$?",
        "solution": "The sum must be 18, so $x = 18 - 8 = 10$. The answer is $\\boxed{10}$.",
        "messages": [
            {"content": "The average of 3, 5 and $x$ is 6. What is $x$?", "role": "user"},
            {"content": "The sum must be 18, so $x = 10$. $\\boxed{10}$", "role": "assistant"},
        ],
    },
]

# agentica-org/DeepScaleR-Preview-Dataset (split "train"): problem, answer (short), solution (worked).
DEEPSCALER = [
    {
        "problem": "Let $a$ and $b$ be positive reals with $a + b = 4$. Find the maximum of $ab$.",
        "answer": "4",
        "solution": "By AM-GM, $ab \\le ((a+b)/2)^2 = 4$, with equality at $a = b = 2$. The maximum is $\\boxed{4}$.",
    },
    {
        "problem": "What is the remainder when $2^{100}$ is divided by 7?",
        "answer": "2",
        "solution": "Powers of 2 mod 7 cycle 2, 4, 1 with period 3; $100 = 3 \\cdot 33 + 1$, so the remainder is "
        "$\\boxed{2}$.",
    },
    {
        "problem": "Compute $\\frac{1}{2} + \\frac{1}{3}$.",
        "answer": "\\frac{5}{6}",
        "solution": "$\\frac{3}{6} + \\frac{2}{6} = \\boxed{\\frac{5}{6}}$.",
    },
    {
        "problem": "How many ways can 3 books be arranged on a shelf?",
        "answer": "6",
        "solution": "$3! = \\boxed{6}$.",
    },
]

# DigitalLearningGmbH/MATH-lighteval (config "default", splits train | test): problem, level, solution, type.
MATH = [
    {
        "problem": "What is the value of $\\sqrt{36 \\times \\sqrt{16}}$?",
        "level": "Level 1",
        "solution": "$\\sqrt{36 \\times 4} = \\sqrt{144} = \\boxed{12}$.",
        "type": "Prealgebra",
    },
    {
        "problem": "Find the number of real solutions of $x^2 - 5x + 6 = 0$.",
        "level": "Level 3",
        "solution": "The discriminant is $25 - 24 = 1 > 0$, so there are $\\boxed{2}$ real solutions.",
        "type": "Algebra",
    },
    {
        "problem": "If $f(x) = 3x + 2$, what is $f(f(1))$?",
        "level": "Level 4",
        "solution": "$f(1) = 5$ and $f(5) = 17$, so $f(f(1)) = \\boxed{17}$.",
        "type": "Algebra",
    },
    {
        "problem": "What is the greatest common divisor of 84 and 126?",
        "level": "Level 5",
        "solution": "$84 = 2^2 \\cdot 3 \\cdot 7$ and $126 = 2 \\cdot 3^2 \\cdot 7$, so the gcd is $\\boxed{42}$.",
        "type": "Number Theory",
    },
]

# open-r1/verifiable-coding-problems-python (split "train"): PrimeIntellect's Python problems with
# verification_info {language, test_cases [{fn_name, input, output, type}]} and metadata as dicts.
CODING = [
    {
        "source": "apps",
        "task_type": "verifiable_code",
        "in_source_id": "4001",
        "problem_statement": "Solve the following coding problem using the programming language python:\n\nRead two "
        "integers a and b on one line and print their sum.\n\nThe input will be stdin and you "
        "should print your solution to stdout",
        "gold_standard_solution": "```python\na, b = map(int, input().split())\nprint(a + b)\n```",
        "problem_id": "vfc_1001",
        "metadata": {
            "difficulty": "introductory",
            "memory_limit": None,
            "memory_limit_bytes": None,
            "problem_url": None,
            "time_limit": "1 second",
        },
        "verification_info": {
            "language": "python",
            "test_cases": [
                {"fn_name": None, "input": "1 2\n", "output": "3\n", "type": "stdin_stdout"},
                {"fn_name": None, "input": "-5 10\n", "output": "5\n", "type": "stdin_stdout"},
            ],
        },
    },
    {
        "source": "code_contests",
        "task_type": "verifiable_code",
        "in_source_id": "1520_A",
        "problem_statement": "Solve the following coding problem using the programming language python:\n\nGiven a "
        "word, print it reversed.\n\nThe input will be stdin and you should print your solution "
        "to stdout",
        "gold_standard_solution": "```python\nprint(input().strip()[::-1])\n```",
        "problem_id": "vfc_1002",
        "metadata": {
            "difficulty": "7",
            "memory_limit": "256 megabytes",
            "memory_limit_bytes": 268435456,
            "problem_url": None,
            "time_limit": "1 second",
        },
        "verification_info": {
            "language": "python",
            "test_cases": [
                {"fn_name": None, "input": "abc\n", "output": "cba\n", "type": "stdin_stdout"},
                {"fn_name": None, "input": "racecar\n", "output": "racecar\n", "type": "stdin_stdout"},
            ],
        },
    },
]

FIXTURES = {
    "openr1_math_220k.jsonl": OPENR1,
    "mixture_of_thoughts_math.jsonl": MOT,
    "numinamath_tir.jsonl": TIR,
    "numinamath_cot.jsonl": COT,
    "deepscaler_preview.jsonl": DEEPSCALER,
    "math_lighteval.jsonl": MATH,
    "verifiable_coding_problems_python.jsonl": CODING,
}

if __name__ == "__main__":
    for name, rows in FIXTURES.items():
        with open(HERE / name, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(name, len(rows))
