"""Red-team cases for ``multiple_choice_reward`` (issue 24), written from the public contract only.

Sources of the expected verdicts: issue 24 item 1 (one letter read from the final part: a boxed letter,
``Answer: C``, ``(C)``, the option's text; two letters or a letter plus a hedge score 0.0; an
unreadable answer 0.0; a gold outside the options ``None``), the module docstring of
``trl_r1/rewards/multiple_choice.py`` and the README's rewards / evaluation sections. The reward's code and
its own tests were not read. Each case carries a ``why``: the reason its verdict is the right one for a
policy trained on this reward (a false positive pays a wrong or hedged answer; a false negative refuses a
right one).

Every row: ``id`` (unique, the pytest id), ``family``, ``completion`` (a string, or a list of chat messages
for the conversational format), ``gold``, ``choices`` (``None``: the column is not passed), ``expected``
(1.0, 0.0 or ``None``), ``why``; optional ``gold_column`` (``solution`` by default), ``choices_column``
(``choices`` by default) and ``fallback`` (``fallback_to_full_text``; ``False`` by default).
"""

from __future__ import annotations

import json
from typing import Any

# The reasoning block every R1-format completion starts with; it names no letter and no option.
T = "<think>Let me work through it.</think>\n"

GASES = ["Helium", "Neon", "Argon", "Krypton"]  # C = Argon
NUMBERS = ["3", "13", "30", "31"]  # "3" is inside "13", "30" and "31"
DECIMALS = ["0.5", "1.5", "2.5", "5"]  # "5" is inside every other option
SALTS = ["sodium chloride", "sodium", "chloride", "potassium"]  # A contains B and C
ELEMENTS = ["Boron", "Carbon", "Argon", "Dysprosium"]  # each option starts with a letter A-D but not its own
WITH_OR = ["Helium or neon", "Neon", "Argon or xenon", "Krypton"]  # the options' own words hold "or"
YES_NO = ["Maybe", "Yes", "No", "Cannot be determined"]  # an option that is a hedge word

CASES: list[dict[str, Any]] = []


def case(
    id: str,
    family: str,
    completion: Any,
    gold: Any,
    expected: float | None,
    why: str,
    choices: list[str] | str | None = GASES,
    **extra: Any,
) -> None:
    CASES.append(
        dict(
            id=id,
            family=family,
            completion=completion,
            gold=gold,
            choices=choices,
            expected=expected,
            why=why,
            **extra,
        )
    )


# --- reasoning_vs_final: a letter in the reasoning never counts; the final part decides -----------------
F = "reasoning_vs_final"
case(
    "think_says_C_final_says_B",
    F,
    "<think>The answer is C.</think>\nAnswer: B",
    "C",
    0.0,
    "the final part answers B; the C lives in the reasoning only",
)
case(
    "think_says_C_final_says_C",
    F,
    "<think>The answer is C.</think>\nAnswer: C",
    "C",
    1.0,
    "the final part answers C",
)
case(
    "answer_line_only_in_think",
    F,
    "<think>Answer: C</think>\nI am not sure.",
    "C",
    0.0,
    "the only letter is inside the reasoning",
)
case(
    "boxed_only_in_think",
    F,
    "<think>\\boxed{C}</think>\nDone.",
    "C",
    0.0,
    "the only boxed letter is inside the reasoning",
)
case(
    "paren_only_in_think",
    F,
    "<think>Clearly (C).</think>\nDone.",
    "C",
    0.0,
    "the only (C) is inside the reasoning",
)
case(
    "option_text_only_in_think",
    F,
    "<think>It is Argon.</think>\nDone.",
    "C",
    0.0,
    "the option's text is inside the reasoning only",
)
case(
    "think_B_final_boxed_C",
    F,
    "<think>Answer: B</think>\n\\boxed{C}",
    "C",
    1.0,
    "the final part's one letter is C; the reasoning's B never counts",
)
case(
    "think_B_final_boxed_C_gold_B",
    F,
    "<think>Answer: B</think>\n\\boxed{C}",
    "B",
    0.0,
    "a letter inside the reasoning never counts, so B is not paid",
)

# --- several_declarations: two different declared letters are two answers --------------------------------
F = "several_declarations"
case("two_answer_lines_C_D", F, T + "Answer: C\nAnswer: D", "C", 0.0, "two different letters declared")
case("two_answer_lines_C_D_gold_D", F, T + "Answer: C\nAnswer: D", "D", 0.0, "two different letters declared")
case(
    "two_answer_lines_same_letter",
    F,
    T + "Answer: C\nAnswer: C",
    "C",
    1.0,
    "one letter declared twice is one answer",
)
case(
    "boxed_C_answer_D",
    F,
    T + "\\boxed{C}\n\nAnswer: D",
    "C",
    0.0,
    "a boxed C and an Answer: D are two answers (module docstring)",
)
case("boxed_C_answer_C", F, T + "\\boxed{C}\n\nAnswer: C", "C", 1.0, "two declarations that agree")
case(
    "answer_is_B_then_boxed_C",
    F,
    T + "The answer is (B).\nFinal answer: \\boxed{C}",
    "C",
    0.0,
    "'the answer is (B)' and a boxed C are two declarations of different letters",
)
case("two_boxes_A_C", F, T + "\\boxed{A}\\boxed{C}", "C", 0.0, "two boxed letters")
case("one_box_two_letters", F, T + "\\boxed{A, C}", "C", 0.0, "a box holding two letters")
case("one_box_AC_glued", F, T + "\\boxed{AC}", "C", 0.0, "'AC' is two letters (or no letter), never C")
case("lines_C_then_D", F, T + "C\nD", "C", 0.0, "two lines that are only a letter, different letters")
case("lines_C_then_C", F, T + "C\nC", "C", 1.0, "the same letter twice")

# --- lowercase: the letter of an option in lower case is still that option; the article 'a' is not A ----
F = "lowercase"
case("answer_lowercase_c", F, T + "Answer: c", "C", 1.0, "'Answer: c' names option C")
case("boxed_lowercase_c", F, T + "\\boxed{c}", "C", 1.0, "a boxed c names option C")
case(
    "gold_lowercase_c",
    F,
    T + "Answer: C",
    "c",
    1.0,
    "a lowercase gold letter is the letter (gold_letter docstring)",
)
case(
    "answer_is_a_noble_gas",
    F,
    T + "The answer is a noble gas with a full shell.",
    "A",
    0.0,
    "'a' is the article, not option A",
)
case(
    "answer_colon_a_noble_gas",
    F,
    T + "Answer: a noble gas",
    "A",
    0.0,
    "'Answer: a noble gas' uses the article; no option is named",
)

# --- article_A: the capital article 'A' at a sentence start is not option A ----------------------------
F = "article_A"
case(
    "A_good_choice_is_B_gold_A",
    F,
    T + "A good choice is B.",
    "A",
    0.0,
    "'A' is the article; the sentence never chooses option A",
)
case(
    "A_careful_analysis_answer_is_C",
    F,
    T + "A careful analysis shows the answer is (C).",
    "C",
    1.0,
    "the declared answer is (C); the leading 'A' is the article",
)
case(
    "A_careful_analysis_answer_is_C_gold_A",
    F,
    T + "A careful analysis shows the answer is (C).",
    "A",
    0.0,
    "the declared answer is C, the leading 'A' is the article",
)
case("A_single_line_article", F, T + "A noble gas.", "A", 0.0, "'A noble gas.' is a phrase, not the letter A")
case("real_answer_A", F, T + "Answer: A", "A", 1.0, "a real A declaration")
case("line_only_A", F, T + "A", "A", 1.0, "a line that is only the letter")
case("line_only_A_dot", F, T + "A.", "A", 1.0, "a line that is only the letter and a full stop")
case("A_trap_then_answer_B_gold_A", F, T + "I think A is a trap; Answer: B", "A", 0.0, "the answer is B")
case("vitamin_C", F, T + "Vitamin C is the key here.", "C", 0.0, "'Vitamin C' names no option")

# --- negation: a rejected letter is never the answer -------------------------------------------------------
F = "negation"
case(
    "A_wrong_answer_is_C",
    F,
    T + "(A) is wrong, the answer is (C).",
    "C",
    1.0,
    "the declaration names C; (A) is rejected",
)
case(
    "A_wrong_answer_is_C_gold_A",
    F,
    T + "(A) is wrong, the answer is (C).",
    "A",
    0.0,
    "A is explicitly rejected",
)
case("not_A_answer_C", F, T + "Not A.\nAnswer: C", "C", 1.0, "the declaration names C")
case("not_A_answer_C_gold_A", F, T + "Not A.\nAnswer: C", "A", 0.0, "A is rejected, C declared")
case("not_A_alone", F, T + "not A", "A", 0.0, "'not A' rejects A")
case("answer_is_not_A", F, T + "The answer is not (A).", "A", 0.0, "the answer is explicitly not A")
case("it_cannot_be_C", F, T + "It cannot be (C).", "C", 0.0, "(C) is rejected, not chosen")
case("A_is_wrong_alone", F, T + "(A) is wrong.", "A", 0.0, "(A) is rejected, not chosen")
case("A_C_wrong_C_trap", F, T + "A and C are wrong; C is the trap.", "C", 0.0, "C is called wrong twice")
case(
    "A_C_wrong_answer_B_gold_C",
    F,
    T + "A and C are wrong; C is tempting but the answer is (B).",
    "C",
    0.0,
    "C is rejected; B declared",
)
case(
    "A_C_wrong_answer_B",
    F,
    T + "A and C are wrong; C is tempting but the answer is (B).",
    "B",
    1.0,
    "the only declaration is (B)",
)
case("answer_not_C", F, T + "Answer: not C", "C", 0.0, "the declaration rejects C")
case("answer_C_incorrect_so_D_gold_C", F, T + "Answer: C is incorrect, so D", "C", 0.0, "C is rejected")
case(
    "eliminate_ABD_gold_A",
    F,
    T + "(A) is wrong, (B) is wrong, (D) is wrong.",
    "A",
    0.0,
    "three options rejected, none chosen; A is certainly not the answer given",
)

# --- options_listed: a policy printing every option back must not be paid -------------------------------
F = "options_listed"
case(
    "paren_list_all_four",
    F,
    T + "(A) Helium\n(B) Neon\n(C) Argon\n(D) Krypton",
    "C",
    0.0,
    "all four options listed: four letters, no choice",
)
case(
    "paren_list_all_four_gold_A",
    F,
    T + "(A) Helium\n(B) Neon\n(C) Argon\n(D) Krypton",
    "A",
    0.0,
    "all four options listed: four letters, no choice",
)
case(
    "close_paren_list_all_four",
    F,
    T + "A) Helium\nB) Neon\nC) Argon\nD) Krypton",
    "D",
    0.0,
    "all four options listed, the last one is not a choice",
)
case(
    "list_then_declare",
    F,
    T + "A. Helium\nB. Neon\nC. Argon\nD. Krypton\nAnswer: C",
    "C",
    1.0,
    "the options are restated, then one letter is declared",
)
case(
    "answer_line_lists_all",
    F,
    T + "Answer: A) Helium B) Neon C) Argon D) Krypton",
    "A",
    0.0,
    "the answer line lists every option",
)
case(
    "answer_line_lists_all_gold_C",
    F,
    T + "Answer: A) Helium B) Neon C) Argon D) Krypton",
    "C",
    0.0,
    "the answer line lists every option",
)
case("boxed_every_letter", F, T + "\\boxed{A}\\boxed{B}\\boxed{C}\\boxed{D}", "B", 0.0, "four boxed letters")
case("answer_A_B_C_D", F, T + "Answer: A, B, C, D", "A", 0.0, "four letters declared")
case("answer_ABCD", F, T + "Answer: ABCD", "A", 0.0, "four letters glued together")
case("answer_slashes", F, T + "Answer: A/B/C/D", "D", 0.0, "four letters")
case(
    "all_texts_one_line",
    F,
    T + "Helium, Neon, Argon, Krypton",
    "C",
    0.0,
    "all four options' texts on the last line",
)
case("all_parens_glued", F, T + "(A)(B)(C)(D)", "C", 0.0, "four letters")
case("all_letters_one_per_line", F, T + "A\nB\nC\nD", "D", 0.0, "four lines that are only a letter")

# --- enumerated: per-option verdict lines are not a declaration of A -------------------------------------
F = "enumerated"
case("enumerated_C_yes_gold_A", F, T + "A: no\nB: no\nC: yes\nD: no", "A", 0.0, "A is marked no")
case(
    "enumerated_all_yes",
    F,
    T + "A: yes\nB: yes\nC: yes\nD: yes",
    "C",
    0.0,
    "every option marked yes: a hedge",
)
case(
    "enumerated_all_yes_gold_A", F, T + "A: yes, B: yes, C: yes, D: yes", "A", 0.0, "every option marked yes"
)
case(
    "enumerated_option_words_gold_A",
    F,
    T + "Option A: no. Option B: no. Option C: yes. Option D: no.",
    "A",
    0.0,
    "A is marked no",
)

# --- option_text: the option's text as the answer, exactly one option ------------------------------------
F = "option_text"
case(
    "text_argon", F, T + "The gas is Argon.", "C", 1.0, "the text of exactly one option (C) on the last line"
)
case("text_argon_gold_B", F, T + "The gas is Argon.", "B", 0.0, "the text names C, not B")
case("two_texts_gold_B", F, T + "It is Argon, not Neon.", "B", 0.0, "Neon is rejected")
case(
    "containing_text_longest",
    F,
    T + "It is sodium chloride.",
    "A",
    1.0,
    "'sodium chloride' is option A verbatim; 'sodium' and 'chloride' are parts of it, not other answers",
    choices=SALTS,
)
case(
    "containing_text_gold_B",
    F,
    T + "It is sodium chloride.",
    "B",
    0.0,
    "the answer is sodium chloride, not sodium",
    choices=SALTS,
)
case("contained_text_sodium", F, T + "It is sodium.", "B", 1.0, "the text of exactly option B", choices=SALTS)
case(
    "contained_text_sodium_gold_A",
    F,
    T + "It is sodium.",
    "A",
    0.0,
    "'sodium' is not 'sodium chloride'",
    choices=SALTS,
)
case("number_13", F, T + "The answer is 13.", "B", 1.0, "13 is option B", choices=NUMBERS)
case("number_13_gold_A", F, T + "The answer is 13.", "A", 0.0, "13 is not 3", choices=NUMBERS)
case("number_3", F, T + "The answer is 3.", "A", 1.0, "3 is option A", choices=NUMBERS)
case("number_3_gold_B", F, T + "The answer is 3.", "B", 0.0, "3 is not 13", choices=NUMBERS)
case("number_31_gold_A", F, T + "The answer is 31.", "A", 0.0, "31 is not 3", choices=NUMBERS)
case("answer_colon_number_3_gold_B", F, T + "Answer: 3", "B", 0.0, "3 is not 13", choices=NUMBERS)
case("decimal_1_5", F, T + "The answer is 1.5.", "B", 1.0, "1.5 is option B", choices=DECIMALS)
case("decimal_1_5_gold_D", F, T + "The answer is 1.5.", "D", 0.0, "1.5 is not 5", choices=DECIMALS)
case(
    "letter_and_other_text_gold_C",
    F,
    T + "Answer: B (Argon)",
    "C",
    0.0,
    "the declared letter is B; the text contradicts it, so C is not the one answer",
)
case(
    "word_starting_with_letter",
    F,
    T + "Answer: Carbon",
    "B",
    1.0,
    "Carbon is option B; its initial C is not a letter",
    choices=ELEMENTS,
)
case(
    "word_starting_with_letter_gold_C",
    F,
    T + "Answer: Carbon",
    "C",
    0.0,
    "'Carbon' is option B, not the letter C",
    choices=ELEMENTS,
)
case(
    "word_starting_with_letter_D",
    F,
    T + "Answer: Dysprosium",
    "A",
    0.0,
    "Dysprosium is option D, and certainly not A",
    choices=ELEMENTS,
)
case(
    "word_Boron_is_A_gold_B",
    F,
    T + "The answer is Boron.",
    "B",
    0.0,
    "Boron is option A; its initial B is not a letter",
    choices=ELEMENTS,
)
case(
    "option_own_or_not_a_hedge",
    F,
    T + "Answer: (C) Argon or xenon",
    "C",
    1.0,
    "'or' belongs to option C's own text",
    choices=WITH_OR,
)
case(
    "option_own_maybe_not_a_hedge",
    F,
    T + "Answer: A) Maybe",
    "A",
    1.0,
    "'Maybe' is option A's own text",
    choices=YES_NO,
)
case("option_yes", F, T + "Answer: B) Yes", "B", 1.0, "B with its own text", choices=YES_NO)

# --- latex / markdown -------------------------------------------------------------------------------------
F = "latex_markdown"
case("boxed_textbf", F, T + "\\boxed{\\textbf{C}}", "C", 1.0, "a bold letter in a box")
case("boxed_text_paren", F, T + "\\boxed{\\text{(C)}}", "C", 1.0, "docstring form")
case("boxed_textbf_paren", F, T + "\\boxed{\\textbf{(C)}}", "C", 1.0, "a bold (C) in a box")
case("boxed_mathrm", F, T + "\\boxed{\\mathrm{C}}", "C", 1.0, "an upright letter in a box")
case("inline_math_boxed", F, T + "The answer is $\\boxed{C}$.", "C", 1.0, "docstring form")
case("boxed_trailing_dot", F, T + "\\boxed{C}.", "C", 1.0, "a full stop after the box")
case("boxed_C_gold_D", F, T + "\\boxed{C}", "D", 0.0, "the box says C")
case("text_paren", F, T + "\\text{(C)}", "C", 1.0, "(C) wrapped in \\text")
case("boxed_text_or", F, T + "\\boxed{\\text{C or D}}", "C", 0.0, "two letters and a hedge in the box")
case("boxed_math_or", F, T + "\\boxed{C \\text{ or } D}", "D", 0.0, "two letters and a hedge in the box")
case("bold_answer_label", F, T + "**Answer:** C", "C", 1.0, "docstring form")
case("bold_whole_answer", F, T + "**Answer: C**", "C", 1.0, "the whole declaration in bold")
case("bold_letter", F, T + "Answer: **C**", "C", 1.0, "the letter in bold")
case("bold_letter_alone", F, T + "**C**", "C", 1.0, "a line holding only the letter, in bold")
case("answer_dollar_letter", F, T + "Answer: $C$", "C", 1.0, "simple-evals' pattern allows $C$")
case(
    "final_answer_boxed_agree",
    F,
    T + "Final answer: The answer is $\\boxed{C}$",
    "C",
    1.0,
    "declarations that agree",
)

# --- punctuation after the letter ------------------------------------------------------------------------
F = "punctuation"
case("answer_C_dot", F, T + "Answer: C.", "C", 1.0, "a full stop after the letter")
case("answer_C_paren", F, T + "Answer: C)", "C", 1.0, "a closing parenthesis after the letter")
case("answer_paren_C", F, T + "Answer: (C)", "C", 1.0, "the letter in parentheses")
case("answer_no_space", F, T + "Answer:C", "C", 1.0, "no space after the colon")
case("answer_upper", F, T + "ANSWER: C", "C", 1.0, "upper-case label")
case("answer_C_paren_text", F, T + "Answer: C) Argon", "C", 1.0, "the letter and its own option text")
case("answer_paren_C_text", F, T + "Answer: (C) Argon", "C", 1.0, "the letter and its own option text")
case("final_answer_label", F, T + "Final Answer: C", "C", 1.0, "contains 'Answer: C'")
case(
    "prose_then_answer",
    F,
    T + "I considered A and B.\nAnswer: C",
    "C",
    1.0,
    "the one declaration is C; letters in prose before it are not declarations",
)
case(
    "answer_then_explanation_gold_A",
    F,
    T + "Answer: C\n\nExplanation: (A) fails because it is inert.",
    "A",
    0.0,
    "the declared answer is C",
)

# --- unicode: full-width is the Latin letter (NFKC); homoglyphs from other scripts are not ---------------
F = "unicode"
case(
    "fullwidth_C",
    F,
    T + "Answer: \uff23",
    "C",
    1.0,
    "U+FF23 FULLWIDTH LATIN CAPITAL LETTER C is C under NFKC (CJK-context output)",
)
case("cyrillic_Es", F, T + "Answer: \u0421", "C", 0.0, "U+0421 CYRILLIC CAPITAL LETTER ES is not Latin C")
case("cyrillic_Es_boxed", F, T + "\\boxed{\u0421}", "C", 0.0, "U+0421 is not Latin C")
case("cyrillic_Es_paren", F, T + "(\u0421)", "C", 0.0, "U+0421 is not Latin C")
case("greek_Alpha", F, T + "Answer: \u0391", "A", 0.0, "U+0391 GREEK CAPITAL LETTER ALPHA is not Latin A")
case("cyrillic_A_line", F, T + "\u0410", "A", 0.0, "U+0410 CYRILLIC CAPITAL LETTER A is not Latin A")

# --- out_of_range: a letter beyond the options is no answer; a gold beyond them is None ------------------
F = "out_of_range"
case("answer_E_four_options", F, T + "Answer: E", "C", 0.0, "E is not one of four options")
case("gold_E_four_options", F, T + "Answer: E", "E", None, "the gold is outside the options")
case("two_options_answer_C", F, T + "Answer: C", "A", 0.0, "C is not one of two options", choices=["x", "y"])
case(
    "two_options_answer_B", F, T + "Answer: B", "B", 1.0, "B is the second of two options", choices=["x", "y"]
)
case("two_options_gold_C", F, T + "Answer: C", "C", None, "gold C is outside two options", choices=["x", "y"])
case(
    "five_options_answer_E",
    F,
    T + "Answer: E",
    "E",
    1.0,
    "E is the fifth of five options",
    choices=["p", "q", "r", "s", "t"],
)
case("no_choices_answer_C", F, T + "Answer: C", "C", 1.0, "without options A-D are the options", choices=None)
case("no_choices_answer_E", F, T + "Answer: E", "C", 0.0, "without options E is not an option", choices=None)
case("no_choices_gold_E", F, T + "Answer: E", "E", None, "without options the gold must be A-D", choices=None)

# --- gold_forms: the gold as a letter, as an option's text, in either column -----------------------------
F = "gold_forms"
case("gold_text_right", F, T + "Answer: C", "Argon", 1.0, "the gold text is option C")
case("gold_text_wrong", F, T + "Answer: B", "Argon", 0.0, "the gold text is option C, not B")
case("gold_text_not_an_option", F, T + "Answer: C", "Xenon", None, "the gold matches no option")
case("gold_empty", F, T + "Answer: C", "", None, "an empty gold is no option")
case(
    "choices_json_string",
    F,
    T + "Answer: C",
    "Argon",
    1.0,
    "options as a JSON string",
    choices=json.dumps(GASES),
)
case(
    "options_column",
    F,
    T + "Answer: C",
    "C",
    1.0,
    "options in the 'options' column",
    choices_column="options",
)
case("answer_column", F, T + "Answer: C", "C", 1.0, "gold in the 'answer' column", gold_column="answer")
case("gold_number_text_13", F, T + "Answer: B", "13", 1.0, "gold text 13 is option B", choices=NUMBERS)
case(
    "gold_number_text_13_answer_A", F, T + "Answer: A", "13", 0.0, "gold text 13 is B, not A", choices=NUMBERS
)
case("gold_number_text_3", F, T + "Answer: A", "3", 1.0, "gold text 3 is option A", choices=NUMBERS)
case("gold_number_text_3_answer_B", F, T + "Answer: B", "3", 0.0, "gold text 3 is A, not B", choices=NUMBERS)

# --- empty_and_truncated: nothing to read, or the reasoning never closed ---------------------------------
F = "empty_and_truncated"
case("empty_completion", F, "", "C", 0.0, "nothing to read")
case("empty_think", F, "<think></think>", "C", 0.0, "nothing after the reasoning")
case("whitespace_only_final", F, "<think>C</think>\n   \n", "C", 0.0, "the final part is blank")
case("missing_think_close", F, "<think>I think it's C", "C", 0.0, "the reasoning never closed: no final part")
case(
    "missing_think_close_answer_line",
    F,
    "<think>Reasoning...\nAnswer: C",
    "C",
    0.0,
    "truncated reasoning: the Answer line is inside the unclosed reasoning",
)
case(
    "missing_think_close_answer_line_fallback",
    F,
    "<think>Reasoning...\nAnswer: C",
    "C",
    0.0,
    "the fallback reads completions without R1 tags; this one has an unclosed <think>",
    fallback=True,
)
case(
    "no_tags_default",
    F,
    "Answer: C",
    "C",
    0.0,
    "no R1 tags and no fallback: there is no final part (module docstring)",
)
case(
    "no_tags_fallback",
    F,
    "Some reasoning.\nAnswer: C",
    "C",
    1.0,
    "the fallback reads the text whole",
    fallback=True,
)
case(
    "prefilled_think",
    F,
    "Reasoning about gases.</think>\nAnswer: C",
    "C",
    1.0,
    "the prompt prefilled <think>; the completion closes it and answers C",
)

# --- r1_zero_answer: the <answer> block ------------------------------------------------------------------
F = "r1_zero_answer"
case("answer_block_letter", F, "<think>x</think> <answer>C</answer>", "C", 1.0, "the answer block holds C")
case("answer_block_paren", F, "<think>x</think> <answer>(C)</answer>", "C", 1.0, "the answer block holds (C)")
case(
    "answer_block_declaration",
    F,
    "<think>x</think> <answer>Answer: C</answer>",
    "C",
    1.0,
    "declaration in the block",
)
case(
    "answer_block_boxed",
    F,
    "<think>x</think> <answer>\\boxed{C}</answer>",
    "C",
    1.0,
    "boxed letter in the block",
)
case(
    "answer_block_lowercase",
    F,
    "<think>x</think><answer>c</answer>",
    "C",
    1.0,
    "lowercase letter in the block",
)
case(
    "answer_block_unreadable",
    F,
    "<think>The answer is C</think> <answer>I don't know</answer>",
    "C",
    0.0,
    "the block holds no letter; the reasoning's C never counts",
)
case(
    "two_answer_blocks",
    F,
    "<think>x</think> <answer>C</answer> <answer>D</answer>",
    "C",
    0.0,
    "two answer blocks with different letters",
)
case(
    "block_C_line_D_gold_D",
    F,
    "<think>x</think> <answer>C</answer>\nAnswer: D",
    "D",
    0.0,
    "the block answers C (the trailing D is either ignored or a second answer)",
)
case("answer_block_hedge", F, "<think>x</think> <answer>C or D</answer>", "C", 0.0, "a hedge in the block")

# --- conversational --------------------------------------------------------------------------------------
F = "conversational"
case("chat_right", F, [{"role": "assistant", "content": T + "Answer: C"}], "C", 1.0, "chat format, answers C")
case(
    "chat_letter_in_think_only",
    F,
    [{"role": "assistant", "content": "<think>C</think>Answer: D"}],
    "C",
    0.0,
    "chat format, the final part answers D",
)
case("chat_empty", F, [{"role": "assistant", "content": ""}], "C", 0.0, "chat format, nothing to read")
case(
    "chat_hedge",
    F,
    [{"role": "assistant", "content": T + "Answer: C or D"}],
    "C",
    0.0,
    "chat format, a hedge",
)

# --- hedge: a letter plus a hedge scores 0.0 -------------------------------------------------------------
F = "hedge"
case("C_or_D", F, T + "Answer: C or D", "C", 0.0, "docstring example")
case("C_or_D_gold_D", F, T + "Answer: C or D", "D", 0.0, "a hedge pays neither letter")
case("probably_C", F, T + "Answer: probably C", "C", 0.0, "a letter plus a hedge")
case("C_but_maybe_D", F, T + "Answer: C, but maybe D", "C", 0.0, "a letter plus a hedge")
case("C_not_sure", F, T + "Answer: C (not sure)", "C", 0.0, "a letter plus a hedge")
case("answer_is_probably_paren_C", F, T + "The answer is probably (C).", "C", 0.0, "a letter plus a hedge")
case("C_slash_D", F, T + "Answer: C/D", "C", 0.0, "two letters")
case("C_and_D", F, T + "Answer: C and D", "C", 0.0, "two letters")
case("either_C_or_D", F, T + "Answer: either C or D", "D", 0.0, "two letters and a hedge")
case("C_or_possibly_D", F, T + "Answer: C or possibly D", "C", 0.0, "two letters and a hedge")
case("C_paren_or_D", F, T + "Answer: C (or D)", "C", 0.0, "two letters and a hedge")
case("C_comma_D", F, T + "Answer: C, D", "C", 0.0, "two letters")
case("C_ampersand_D", F, T + "Answer: C & D", "C", 0.0, "two letters")
case("C_pipe_D", F, T + "Answer: C|D", "C", 0.0, "two letters")
case(
    "C_D_also_plausible",
    F,
    T + "Answer: C (D is also plausible)",
    "C",
    0.0,
    "the answer line names two options",
)
case("likely_C", F, T + "Answer: likely C", "C", 0.0, "a letter plus a hedge")
case("maybe_paren_C", F, T + "Maybe (C).", "C", 0.0, "a letter plus a hedge")
case("boxed_C_or_D_outside", F, T + "\\boxed{C} or \\boxed{D}", "C", 0.0, "two boxed letters and a hedge")
case("C_or_D_question_gold_D", F, T + "C or D?", "D", 0.0, "two letters and a hedge")

# --- across_lines: a hedge or a second answer on the line after the declaration ---------------------------
F = "across_lines"
case(
    "answer_C_next_line_or_maybe_D",
    F,
    T + "Answer: C\nOr maybe D.",
    "C",
    0.0,
    "a letter plus a hedge naming a second letter, split over two lines",
)
case(
    "answer_C_next_line_D_also_correct",
    F,
    T + "Answer: C\n\n(D) is also correct.",
    "C",
    0.0,
    "the final part claims two options are correct: two letters",
)
case(
    "answer_C_then_actually_D", F, T + "Answer: C\nActually, the answer is (D).", "C", 0.0, "two declarations"
)
case("answer_C_next_line_D_gold_D", F, T + "Answer: C\nD", "D", 0.0, "the declaration is C")
case("answer_C_not_D", F, T + "Answer: C, not D", "C", 1.0, "D is rejected; the one answer is C")
case("answer_C_D_is_wrong", F, T + "Answer: C (D is wrong)", "C", 1.0, "D is rejected; the one answer is C")
case("answer_label_then_letter_line", F, T + "Answer:\nC", "C", 1.0, "the letter on the line after the label")
case(
    "ten_options_pronoun_I",
    F,
    T + "I think the answer is (C).",
    "I",
    0.0,
    "the pronoun I is not option I",
    choices=[f"option {i}" for i in range(10)],
)
case(
    "ten_options_answer_I",
    F,
    T + "Answer: I",
    "I",
    1.0,
    "I is the ninth of ten options",
    choices=[f"option {i}" for i in range(10)],
)

# --- invisible_and_combining: characters a reader cannot see ---------------------------------------------
F = "invisible_and_combining"
case(
    "zwsp_glues_second_letter",
    F,
    T + "Answer: C\u200bD",
    "C",
    0.0,
    "a zero-width space between C and D renders as 'CD': two letters",
)
case("zwsp_around_slash", F, T + "Answer: C\u200b/\u200bD", "C", 0.0, "renders as 'C/D': two letters")
case(
    "zwsp_before_letter",
    F,
    T + "Answer: \u200bC",
    "C",
    1.0,
    "renders as 'Answer: C'; README: invisible formatting characters are ignored",
)
case(
    "combining_slash_over_C",
    F,
    T + "Answer: C\u0338",
    "C",
    0.0,
    "C followed by U+0338 COMBINING LONG SOLIDUS OVERLAY renders as a struck-out C, not the answer C",
)
case(
    "gold_text_with_whitespace",
    F,
    T + "Answer: C",
    "  Argon\n",
    1.0,
    "GPQA's CSV keeps stray whitespace around texts; the gold is still option C",
)

# --- prompt_echo and more forms, added in a second pass ----------------------------------------------------
F = "prompt_echo"
# The GPQA prompt as simple-evals writes it (trl_r1.eval.gpqa.MULTIPLE_CHOICE_PROMPT), copied here as data.
GPQA_PROMPT = (
    "Answer the following multiple choice question. The last line of your response should be of the following "
    "format: 'Answer: $LETTER' (without quotes) where LETTER is one of ABCD. Think step by step before "
    "answering.\n\nWhich noble gas is most abundant in air?\n\nA) Helium\nB) Neon\nC) Argon\nD) Krypton"
)
for _gold in "ABCD":
    case(
        f"whole_prompt_echoed_gold_{_gold}",
        F,
        T + GPQA_PROMPT,
        _gold,
        0.0,
        "the final part copies the prompt back: the instruction and all four options, no choice",
    )
case(
    "template_placeholder",
    F,
    T + "Answer: $LETTER",
    "L",
    0.0,
    "the prompt's placeholder is not option L",
    choices=[f"item {i}" for i in range(12)],
)
case(
    "template_placeholder_four",
    F,
    T + "Answer: $LETTER",
    "C",
    0.0,
    "the prompt's placeholder names no option",
)
case(
    "answer_block_inside_think",
    F,
    "<think><answer>C</answer></think>Answer: D",
    "C",
    0.0,
    "the <answer> block sits inside the reasoning; the final part answers D",
)

F = "latex_markdown"
case(
    "answer_textbf_letter",
    F,
    T + "Answer: \\textbf{C}",
    "C",
    1.0,
    "a bold C after Answer: (\\boxed{\\textbf{C}} is read; the same letter outside a box must be too)",
)
case("answer_bold_paren", F, T + "Answer: **(C)**", "C", 1.0, "a bold (C) after Answer:")
case("boxed_text_letter", F, T + "\\boxed{\\text{C}}", "C", 1.0, "docstring form")
case("boxed_paren_letter", F, T + "\\boxed{(C)}", "C", 1.0, "docstring form")
case("boxed_option_text", F, T + "\\boxed{Argon}", "C", 1.0, "the text of exactly one option, boxed")
case("boxed_two_option_texts", F, T + "\\boxed{\\text{Argon or Neon}}", "C", 0.0, "two options and a hedge")

F = "negation"
case("not_paren_C", F, T + "Not (C).", "C", 0.0, "'Not (C)' rejects C")

F = "across_lines"
case(
    "answer_C_ps_if_not_then_D",
    F,
    T + "Answer: C\n\nP.S. If not C, then D.",
    "C",
    0.0,
    "a conditional second answer after the declaration is a hedge",
)
case(
    "answer_C_then_explanation_rejects_A",
    F,
    T + "Answer: C\n\nExplanation: (A) fails because it is inert.",
    "C",
    1.0,
    "one declaration, C; the explanation rejects A",
)

F = "out_of_range"
case("answer_none_of_the_above", F, T + "Answer: None of the above", "C", 0.0, "no option is chosen")
case("answer_E_none_of_these", F, T + "Answer: E) none of these", "C", 0.0, "E is not one of four options")


def ids() -> list[str]:
    return [c["id"] for c in CASES]
