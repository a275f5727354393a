"""Self-checking exercises, one module per chapter (``dlhelpers.exercises.ch03``...).

Each ``check_*`` function runs the learner's code on cases the learner does
not see and returns a :class:`Feedback` that says which case failed, what was
expected, what came back, and a hint. Reference solutions live in
``dlhelpers.exercises.solutions``; ask for one, after trying, with
``show_solution(3, "output_size")``.
"""

from dlhelpers.exercises._core import Feedback, Solution, show_solution

__all__ = ["Feedback", "Solution", "show_solution"]
