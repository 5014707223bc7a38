"""Payload shapes: what a paper's ``payloads.check`` is written with.

A paper's ``check(params, payload)`` (``CellFunction(check=...)``) raises ValueError/TypeError
for a stored payload that its tables would crash on or misread — a missing key, a list where a
number belongs, a zero that the tables divide by — so that such a cell is recomputed instead of
breaking every later run. Only the shape is checked, never the science: NaN and ±inf are
numbers (measurements may be).
"""

from __future__ import annotations

__all__ = ["NUMBER", "NUMBER_OR_NULL", "FLAG", "conform", "length", "nonzero"]

NUMBER, NUMBER_OR_NULL, FLAG = "number", "number or null", "true/false"


def conform(value, spec, where: str = "payload") -> None:
    """Raise unless ``value`` has the shape ``spec``: NUMBER (a JSON number; a bool is not
    one), NUMBER_OR_NULL, FLAG, ``[spec]`` (a list of such), or ``{key: spec}`` (an object
    holding at least these keys)."""
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise TypeError(f"{where} is {_kind(value)}, not an object")
        for key, inner in spec.items():
            if key not in value:
                raise ValueError(f"{where} has no {key!r}")
            conform(value[key], inner, f"{where}.{key}")
    elif isinstance(spec, list):
        if not isinstance(value, list | tuple):
            raise TypeError(f"{where} is {_kind(value)}, not a list")
        for i, item in enumerate(value):
            conform(item, spec[0], f"{where}[{i}]")
    elif spec == FLAG:
        if not isinstance(value, bool):
            raise TypeError(f"{where} is {_kind(value)}, not true/false")
    elif not (spec == NUMBER_OR_NULL and value is None) and (
            isinstance(value, bool) or not isinstance(value, int | float)):
        raise TypeError(f"{where} is {_kind(value)}, not a {spec}")


def _kind(value) -> str:
    return "null" if value is None else type(value).__name__


def length(value, n: int, where: str) -> None:
    if len(value) != n:
        raise ValueError(f"{where} has {len(value)} entries, expected {n}")


def nonzero(value: float, where: str) -> None:
    if value == 0:
        raise ValueError(f"{where} is 0 and the tables divide by it")
