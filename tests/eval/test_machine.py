"""The machine line printed beside every speed benchmark."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eval import machine

CPUINFO = """processor\t: 0
model name\t: Intel(R) Xeon(R) Processor
flags\t\t: fpu avx2 avx512f avx_vnni avx512_vnni amx_int8

processor\t: 1
model name\t: Some Other CPU
flags\t\t: fpu
"""


@pytest.fixture
def cpuinfo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cpuinfo"
    real = Path

    def fake_path(p: str | Path) -> Path:
        return path if str(p) == "/proc/cpuinfo" else real(p)

    monkeypatch.setattr(machine, "Path", fake_path)
    return path


def test_names_the_first_cpu_and_the_flags_that_change_encoder_speed(cpuinfo: Path) -> None:
    cpuinfo.write_text(CPUINFO, encoding="utf-8")
    line = machine.describe(load=False)
    assert line == f"Intel(R) Xeon(R) Processor, {os.cpu_count()} CPU cores (AVX-512 VNNI, AMX)"


def test_a_cpu_without_those_flags_gets_no_parenthesis(cpuinfo: Path) -> None:
    cpuinfo.write_text("model name\t: Old CPU\nflags\t\t: fpu sse2 avx2\n", encoding="utf-8")
    assert machine.describe(load=False) == f"Old CPU, {os.cpu_count()} CPU cores"


def test_load_average_is_added_on_request(cpuinfo: Path) -> None:
    cpuinfo.write_text("model name\t: Old CPU\nflags\t\t: avx_vnni\n", encoding="utf-8")
    assert machine.describe(load=True).startswith(
        f"Old CPU, {os.cpu_count()} CPU cores (AVX VNNI), load average "
    )
