"""No module of dlhelpers reads or writes a private attribute of a Keras object.

Private attributes (``layer._inbound_nodes``, ``model._nodes_by_depth``, ...) and a replaced
``layer.call`` are the first things a Keras release breaks. The source of every module is
scanned with ``ast`` (nothing is imported or run):

- an attribute ``obj._name`` (one leading underscore; dunders are fine), or the same name as a
  string in ``getattr``/``hasattr``/``setattr``/``delattr``/``object.__setattr__``, is allowed
  only when ``_name`` is one of dlhelpers' own names -- defined somewhere in the package as a
  function, class, module, module- or class-level variable, import alias, or ``self._name = ...``
  attribute -- and is not a known Keras-internal name (``KERAS_INTERNAL``, flagged even then);
- any assignment to ``.call`` of an object (``obj.call = ...``, ``setattr(obj, "call", ...)``,
  ``object.__setattr__(obj, "call", ...)``, ``obj.__dict__["call"] = ...``, ``del obj.call``)
  is flagged.

Uses in ``dlhelpers/inspect/`` always fail. Uses elsewhere that predate this test are listed in
``KNOWN_ELSEWHERE``; their owners remove them, then the entry goes (a stale entry fails too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dlhelpers"

# Names Keras uses for its own state. They are flagged even if dlhelpers ever defined one of them
# itself, so a coincidence cannot hide a real use.
KERAS_INTERNAL = frozenset(
    {
        "_inbound_nodes",
        "_outbound_nodes",
        "_nodes_by_depth",
        "_nodes",
        "_operations",
        "_keras_history",
        "_keras_mask",
        "_layers",
        "_tracker",
        "_functional",
        "_learning_rate",
        "_trainable_variables",
        "_non_trainable_variables",
        "_call_has_mask_arg",
        "_call_has_training_arg",
        "_run_through_graph",
    }
)

# Uses outside dlhelpers/inspect/ found when this test was written: (file, name) -> what to use.
# The lead empties this as the owners fix them.
KNOWN_ELSEWHERE: dict[tuple[str, str], str] = {}

_ATTR_FUNCTIONS = {"getattr", "hasattr", "setattr", "delattr"}
# Standard-library functions whose documented public name starts with an underscore.
STDLIB_PUBLIC = {("os", "_exit")}
_OBJECT_METHODS = {"__setattr__", "__getattribute__", "__delattr__"}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _sources() -> dict[str, ast.Module]:
    return {
        path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(), str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def own_names(trees) -> set[str]:
    """Every private name dlhelpers defines itself (see the module docstring)."""
    names = {part for rel in trees for part in Path(rel).with_suffix("").parts}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[-1])
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id in ("self", "cls")
            ):
                names.add(node.attr)
    return {name for name in names if _is_private(name)}


def _string_arg(call: ast.Call, index: int) -> str | None:
    if len(call.args) > index and isinstance(call.args[index], ast.Constant):
        value = call.args[index].value
        return value if isinstance(value, str) else None
    return None


def violations(tree: ast.AST, own: set[str]) -> list[tuple[int, str, str]]:
    """``(line, name, what)`` for every private-attribute use and ``.call`` assignment."""
    found = []

    def check(line, name, how):
        if name == "call" and how.startswith("writes"):
            found.append((line, "call", "assigns to .call of an object"))
        elif _is_private(name) and (name not in own or name in KERAS_INTERNAL):
            found.append((line, name, f"{how} private attribute {name!r}"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and (node.value.id, node.attr) in STDLIB_PUBLIC:
                continue
            writes = isinstance(node.ctx, (ast.Store, ast.Del))
            check(node.lineno, node.attr, "writes" if writes else "reads")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in _ATTR_FUNCTIONS:
                name = _string_arg(node, 1)
                writes = func.id in ("setattr", "delattr")
                how = "writes" if writes else "reads"
            elif (
                isinstance(func, ast.Attribute)
                and func.attr in _OBJECT_METHODS
                and isinstance(func.value, ast.Name)
                and func.value.id == "object"
            ):
                name = _string_arg(node, 1)
                how = "reads" if func.attr == "__getattribute__" else "writes"
            else:
                continue
            if name is not None:
                check(node.lineno, name, how)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:  # obj.__dict__["call"] = ... / vars(obj)["call"] = ...
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.slice, ast.Constant)
                    and target.slice.value == "call"
                ):
                    found.append((node.lineno, "call", "assigns to .call of an object"))
    return sorted(set(found))


def _all_violations():
    trees = _sources()
    own = own_names(trees)
    return {rel: violations(tree, own) for rel, tree in trees.items()}


def test_inspect_uses_no_private_keras_attribute():
    bad = [
        f"dlhelpers/{rel}:{line}: {what}"
        for rel, found in _all_violations().items()
        if rel.startswith("inspect/")
        for line, _, what in found
    ]
    assert not bad, "dlhelpers.inspect must use public Keras APIs only:\n" + "\n".join(bad)


def test_no_new_private_keras_attribute_elsewhere():
    bad = [
        f"dlhelpers/{rel}:{line}: {what}"
        for rel, found in _all_violations().items()
        if not rel.startswith("inspect/")
        for line, name, what in found
        if (rel, name) not in KNOWN_ELSEWHERE
    ]
    assert not bad, "use public Keras APIs (or a name dlhelpers defines):\n" + "\n".join(bad)


def test_known_elsewhere_list_is_not_stale():
    current = {(rel, name) for rel, found in _all_violations().items() for _, name, _ in found}
    stale = sorted(set(KNOWN_ELSEWHERE) - current)
    assert not stale, f"fixed, so remove from KNOWN_ELSEWHERE: {stale}"


@pytest.mark.parametrize(
    "source, flagged",
    [
        ("layer._inbound_nodes", ["_inbound_nodes"]),
        ("getattr(model, '_nodes_by_depth', None)", ["_nodes_by_depth"]),
        ("hasattr(t, '_keras_history')", ["_keras_history"]),
        ("layer.call = spy", ["call"]),
        ("setattr(layer, 'call', spy)", ["call"]),
        ("object.__setattr__(layer, 'call', spy)", ["call"]),
        ("layer.__dict__['call'] = spy", ["call"]),
        ("self._layers = []", ["_layers"]),  # a Keras name even on self
        ("optimizer._learning_rate", ["_learning_rate"]),
        ("self._cache = {}\nself._cache.clear()", []),  # dlhelpers' own state
        ("def _helper():\n    pass\nother._helper()", []),  # a name dlhelpers defines
        ("x.__class__.__name__, layer.call(x), self.call(x)", []),  # dunders, calling call
        ("os._exit(0)", []),  # the standard library's documented immediate exit
        ("model._exit", ["_exit"]),  # the same name on anything else is still flagged
    ],
)
def test_the_scanner_flags_private_keras_use_and_spares_own_names(source, flagged):
    tree = ast.parse(source)
    assert [name for _, name, _ in violations(tree, own_names({"snippet.py": tree}))] == flagged
