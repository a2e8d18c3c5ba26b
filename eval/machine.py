"""One line that says which machine a benchmark ran on.

Speed on a shared virtual machine depends on the host behind it: the same code measured
166 and 335 messages/s a day apart on two hosts that both report "2 CPU cores". A benchmark
prints this line so that numbers are compared only between runs on the same kind of CPU.

    >>> describe()  # doctest: +SKIP
    'Intel(R) Xeon(R) Processor, 2 CPU cores (AVX-512 VNNI, AMX), load average 0.4'
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

#: CPU flags that change how fast the int8 encoder runs, and how they are printed.
_FLAGS = {"avx512_vnni": "AVX-512 VNNI", "avx_vnni": "AVX VNNI", "amx_int8": "AMX"}


def _cpuinfo() -> tuple[str, set[str]]:
    """Model name and flags of the first CPU, from /proc/cpuinfo (Linux); empty elsewhere."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor(), set()
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    return fields.get("model name", platform.processor()), set(fields.get("flags", "").split())


def describe(load: bool = True) -> str:
    """CPU model, core count, the flags in ``_FLAGS`` it has and (``load``) the load average."""
    name, flags = _cpuinfo()
    shown = [label for flag, label in _FLAGS.items() if flag in flags]
    if "AVX-512 VNNI" in shown and "AVX VNNI" in shown:
        shown.remove("AVX VNNI")
    extras = f" ({', '.join(shown)})" if shown else ""
    busy = f", load average {os.getloadavg()[0]:.1f}" if load and hasattr(os, "getloadavg") else ""
    return f"{name or 'unknown CPU'}, {os.cpu_count()} CPU cores{extras}{busy}"
