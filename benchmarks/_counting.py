"""Counting Python bytecode instructions, a measure the machine's load does not change."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def bytecodes(work: Callable[[], Any]) -> int:
    """Python bytecode instructions executed by ``work`` (the frames it calls, not its own)."""
    executed = 0

    def trace(frame: Any, event: str, _: Any) -> Any:
        nonlocal executed
        if event == "call":
            frame.f_trace_opcodes = True
            frame.f_trace_lines = False
        elif event == "opcode":
            executed += 1
        return trace

    sys.settrace(trace)
    try:
        work()
    finally:
        sys.settrace(None)
    return executed
