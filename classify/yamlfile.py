"""YAML data files with line numbers: the reader and validation helpers shared by index sets and plans.

A file is composed into :class:`Y` values (every value with its 1-based line; mappings also keep each key's
line), so a validator can report every problem as ``file:line: reason``. Problems found while reading (invalid
YAML, an empty file, a duplicate key) raise the caller's :class:`DataFileError` subclass at once; the helpers
below collect the rest through ``ctx.err(line, reason)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from ingest.text import nfc


class DataFileError(ValueError):
    """A data file that cannot be used; ``errors`` holds one ``file:line: reason`` per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = tuple(errors)


def names_a_file(ref: str | Path) -> bool:
    """Whether a data file reference is a path (else it is the id of a bundled file)."""
    return isinstance(ref, Path) or "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml"))


class Problems(Protocol):
    def err(self, line: int, reason: str) -> None: ...


@dataclass(frozen=True)
class Y:  # a YAML value with its 1-based line; mappings also keep the line of each key
    value: Any  # dict[str, Y] | list[Y] | scalar
    line: int
    key_lines: dict[str, int] | None = None


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    """A date, or an impossible date ("2025-02-30") left as text, so that it is reported with its line."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves an impossible date as text (:func:`_timestamp_or_text`)."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
# libyaml's parser (the same nodes and lines, ~10× faster: the bundled index set took 0.65 s of an ingest's
# main process with the Python parser); a file it refuses is read again by _Loader for the usual messages.
_FastLoader: type | None = None
if yaml.__with_libyaml__:
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """CSafeLoader that leaves an impossible date as text."""

    _FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def compose(text: str, where: str, error: type[DataFileError]) -> Y:
    """The document in ``text`` as :class:`Y` values; ``where`` names the file in ``error``'s messages."""
    if _FastLoader is not None:
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
            if node is not None:
                return _wrap(node, fast, where, error)
        except yaml.YAMLError:
            pass  # read again below: the Python parser's message and line
        finally:
            fast.dispose()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise error([f"{where}:1: empty file"])
        return _wrap(node, loader, where, error)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        since = f" ({context} at line {start.line + 1})" if context and start and start is not mark else ""
        raise error([f"{where}:{mark.line + 1 if mark else 1}: invalid YAML: "
                     f"{getattr(exc, 'problem', None) or exc}{since}"]) from exc
    finally:
        loader.dispose()


def _wrap(node: yaml.Node, loader: yaml.SafeLoader, where: str, error: type[DataFileError]) -> Y:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        values: dict[str, Y] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key, key_lines_at = str(loader.construct_object(key_node, deep=True)), key_node.start_mark.line + 1
            if key in values:
                raise error([f"{where}:{key_lines_at}: duplicate key {key!r} (first at line {key_lines[key]})"])
            values[key], key_lines[key] = _wrap(value_node, loader, where, error), key_lines_at
        return Y(values, line, key_lines)
    if isinstance(node, yaml.SequenceNode):
        return Y([_wrap(item, loader, where, error) for item in node.value], line)
    return Y(loader.construct_object(node, deep=True), line)


def mapping(ctx: Problems, y: Y, allowed: set[str], required: tuple[str, ...], what: str) -> dict[str, Y] | None:
    if not isinstance(y.value, dict):
        ctx.err(y.line, f"{what}: expected a mapping")
        return None
    for key, line in (y.key_lines or {}).items():
        if key not in allowed:
            ctx.err(line, f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
    for key in required:
        if key not in y.value:
            ctx.err(y.line, f"missing {key!r} in {what}")
    return y.value


def value(ctx: Problems, m: dict[str, Y], key: str, what: str, ok: Callable[[Any], bool], expected: str,
          default: Any = None) -> Any:
    """``m[key]`` if present and ``ok``; otherwise ``default`` (and an error if present but not ok)."""
    y = m.get(key)
    if y is None or y.value is None:
        return default
    if not ok(y.value):
        ctx.err(y.line, f"{key!r} of {what} must be {expected}, not {y.value!r}")
        return default
    return y.value


def items(ctx: Problems, m: dict[str, Y], key: str, what: str) -> list[Y]:
    return value(ctx, m, key, what, lambda v: isinstance(v, list), "a list", [])


def text(ctx: Problems, m: dict[str, Y], key: str, what: str) -> str:
    return nfc(value(ctx, m, key, what, lambda v: isinstance(v, str) and v.strip(), "a non-empty string", "")).strip()


def codes(ctx: Problems, entries: list[Y], known: frozenset[str], what: str, label: str) -> tuple[str, ...]:
    found = []
    for entry in entries:
        code = nfc(entry.value) if isinstance(entry.value, str) else entry.value
        if code not in known:
            ctx.err(entry.line, f"unknown {label} {code!r} in {what}")
        else:
            found.append(code)
    return tuple(found)
