"""How much memory values take and how much the machine has, for refusing what will not fit."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MEMINFO = Path("/proc/meminfo")


def deep_size(values: Iterable[Any]) -> int:
    """Bytes the values hold, each object counted once (shared strings and ints too)."""
    seen: set[int] = set()
    total = 0
    pending = list(values)
    while pending:
        value = pending.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        total += sys.getsizeof(value)
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list | tuple):
            pending.extend(value)
    return total


def available_bytes(meminfo: Path = MEMINFO) -> int | None:
    """The memory the kernel says can be given to a new process now; None where it does not say
    (not Linux, or a kernel without MemAvailable)."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def human(size: float) -> str:
    """A byte count in the largest unit that keeps it at 1 or more, e.g. '2.8 GiB'."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"
