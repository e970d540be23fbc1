"""Argument types that check a number as argparse reads it, so a bad value stops a tool before any work.

``bounded(float, 0, 10, low_open=True)`` accepts finite floats in (0, 10]; argparse then reports a bad
value as ``argument --lr: must be in (0, 10], got -0.1``, naming the option.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Callable

from follow_me_seg.core.param_checks import Range

MAX_THREADS = 64  # the nodes' threads bound too


def bounded(kind: type, low: float, high: float, low_open: bool = False,
            high_open: bool = False) -> Callable[[str], int | float]:
    """An argparse ``type`` for ``kind`` (int or float) values within the given bounds (NaN and inf refused)."""
    check = Range(low, high, low_open, high_open)

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {'an integer' if kind is int else 'a number'}, "
                                             f"got {text[:40]!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be finite, got {text[:40]!r}")
        problem = check(value)
        if problem:
            raise argparse.ArgumentTypeError(f"{problem}, got {text[:40]}")
        return value

    parse.__name__ = kind.__name__
    return parse


def count(low: int = 1, high: int = 1_000_000) -> Callable[[str], int]:
    """Whole numbers in [low, high] (at least 1 by default)."""
    return bounded(int, low, high)


def network_side(high: int = 1024) -> Callable[[str], int]:
    """A side the network can run at: a multiple of 8 in [8, high], or 0 for the model's own."""
    whole = bounded(int, 0, high)

    def parse(text: str) -> int:
        value = whole(text)
        if value % 8:
            raise argparse.ArgumentTypeError(f"must be a multiple of 8, got {value}")
        return value

    parse.__name__ = "int"
    return parse


def model_pairs(
    parser: argparse.ArgumentParser, pairs: list[list[str]], option: str, name: str, parse: Callable[[str], object]
) -> list[tuple[Path, object]]:
    """``nargs=2`` values (MODEL, VALUE) with VALUE read by an argparse ``type``; a bad VALUE stops the tool
    with one line naming the option and the value's metavar."""
    try:
        return [(Path(model), parse(value)) for model, value in pairs]
    except argparse.ArgumentTypeError as err:
        parser.error(f"argument {option}: {name} {err}")


def positive(high: float = 1e6) -> Callable[[str], float]:
    """Finite floats in (0, high]."""
    return bounded(float, 0, high, low_open=True)


def fraction(high_open: bool = False) -> Callable[[str], float]:
    """Floats in [0, 1] (or [0, 1))."""
    return bounded(float, 0, 1, high_open=high_open)
