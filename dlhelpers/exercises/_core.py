"""The machinery every exercise checker shares: run cases, compare, explain."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Case:
    """One hidden test case: a name a learner can read, the arguments, the answer."""

    name: str
    args: tuple
    expected: object
    kwargs: dict | None = None


@dataclass(frozen=True)
class Feedback:
    """What a checker says. Truthy when the exercise passed.

    Attributes:
        passed: whether every case gave the expected answer.
        message: one-paragraph explanation for the learner.
        case: name of the first failing case (``None`` when passed).
        expected, received: the expected and received values of that case.
        hint: a nudge towards the usual mistake behind this failure.
    """

    passed: bool
    message: str
    case: str | None = None
    expected: object = None
    received: object = None
    hint: str | None = None

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.passed:
            return f"Correct! {self.message}"
        lines = [f"Not yet: {self.message}"]
        if self.case is not None:
            lines.append(f"  case:     {self.case}")
            lines.append(f"  expected: {_short(self.expected)}")
            lines.append(f"  received: {_short(self.received)}")
        if self.hint:
            lines.append(f"  hint:     {self.hint}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython display
        printer.text(str(self))


def _short(value) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 12:
            shown = np.round(value, 4) if np.issubdtype(value.dtype, np.number) else value
            return np.array2string(shown, separator=", ")
        return f"array of shape {value.shape}"
    return repr(value)


def compare(expected, received, *, rtol: float = 1e-6, atol: float = 1e-8) -> str | None:
    """Return ``None`` when ``received`` matches ``expected``, else what differs."""
    if isinstance(expected, np.ndarray) or isinstance(received, np.ndarray):
        try:
            got = np.asarray(received, dtype=float)
        except (TypeError, ValueError):
            return f"expected an array, received {type(received).__name__}"
        want = np.asarray(expected, dtype=float)
        if got.shape != want.shape:
            return f"wrong shape: expected {want.shape}, received {got.shape}"
        differs = ~np.isclose(got, want, rtol=rtol, atol=atol)
        if differs.any():
            with np.errstate(invalid="ignore"):  # inf - inf, where -inf marks masked entries
                worst = float(np.max(np.abs(got[differs] - want[differs])))
            return f"values differ (largest difference {worst:.3g})"
        return None
    if isinstance(expected, float):
        if not isinstance(received, (int, float, np.number)) or not np.isclose(
            received, expected, rtol=rtol, atol=atol
        ):
            return "wrong value"
        return None
    return None if received == expected else "wrong value"


def _safe_hint(hints, case, received) -> str | None:
    """A hint for a wrong answer; a hint function that trips over odd answers gives none."""
    if hints is None:
        return None
    try:
        return hints(case, received)
    except Exception:  # the learner's answer can be any object at all
        return None


def _fresh(value):
    """A deep copy of a hidden case's arguments, so an answer that edits its input in place
    cannot change the case for the next check (objects that cannot be copied are passed as is)."""
    try:
        return copy.deepcopy(value)
    except Exception:  # e.g. a Keras model or a generator
        return value


def check_cases(
    func: Callable,
    cases: Sequence[Case],
    *,
    hints: Callable[[Case, object], str | None] | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    what: str = "your function",
) -> Feedback:
    """Run ``func`` on every case; stop at the first wrong answer and explain it.

    Args:
        func: the learner's function.
        cases: hidden cases with expected answers.
        hints: ``hints(case, received)`` returns a hint for a wrong answer
            (for instance, recognising an off-by-one), or ``None``.
        rtol, atol: tolerances for numeric comparison.
        what: how to call ``func`` in messages.
    """
    if not callable(func):
        return Feedback(False, f"expected a function, received {type(func).__name__}.")
    for case in cases:
        args, kwargs = _fresh(case.args), _fresh(case.kwargs or {})
        try:
            received = func(*args, **kwargs)
        except NotImplementedError:
            return Feedback(False, f"{what} is not written yet (it raised NotImplementedError).")
        except Exception as err:  # the learner's code may raise anything
            return Feedback(
                False, f"{what} raised {type(err).__name__}: {err}", case.name, case.expected, None
            )
        problem = compare(case.expected, received, rtol=rtol, atol=atol)
        if problem is not None:
            hint = _safe_hint(hints, case, received)
            return Feedback(
                False,
                f"{what} gave a wrong answer ({problem}).",
                case.name,
                case.expected,
                received,
                hint,
            )
    return Feedback(True, f"{what} passed all {len(cases)} hidden cases.")


@dataclass(frozen=True)
class Solution:
    """The reference solution of one exercise; shown as its source code.

    Attributes:
        chapter: the chapter number.
        name: the exercise function's name.
        source: the reference implementation's source code.
        function: the reference implementation itself (to run it through its checker).
    """

    chapter: int
    name: str
    source: str
    function: object = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        return f"# Reference solution, Chapter {self.chapter}: {self.name}\n{self.source}"

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython display
        printer.text(str(self))


def show_solution(chapter: int, name: str) -> Solution:
    """The reference solution of exercise ``name`` of ``chapter``, to read after trying.

    Args:
        chapter: chapter number, 1-99.
        name: the function the exercise asks for, e.g. ``"output_size"``.

    Returns:
        A :class:`Solution`; a notebook cell ending in it shows the source code.

    Raises:
        ValueError: no such chapter, or no such exercise in it (the message lists them).

    Example:
        >>> print(show_solution(3, "output_size").source.splitlines()[0])
        def output_size(size: int, kernel_size: int, strides: int, padding: str) -> int:
    """
    import importlib
    import inspect

    if isinstance(chapter, bool) or not isinstance(chapter, (int, np.integer)):
        raise TypeError(f"chapter: expected a chapter number (int), received {chapter!r}.")
    module_name = f"dlhelpers.exercises.solutions.ch{int(chapter):02d}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise ValueError(
            f"chapter: expected a chapter with exercises, received {chapter!r}."
        ) from None
    names = sorted(getattr(module, "__all__", []))
    if name not in names:
        raise ValueError(
            f"name: expected one of Chapter {int(chapter)}'s exercises {names}, received {name!r}."
        )
    function = getattr(module, name)
    return Solution(int(chapter), name, inspect.getsource(function), function)
