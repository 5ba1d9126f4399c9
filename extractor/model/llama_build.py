"""How the embedded model's llama.cpp was compiled, and how to compile it so it runs anywhere.

llama-cpp-python compiles llama.cpp when it is installed. Left to itself (``GGML_NATIVE=ON``)
the build enables whatever the *build machine's* CPU has — on Intel Sapphire Rapids and later
that includes AMX, and llama.cpp 0.3.36's AMX path crashes (SIGSEGV in
``ggml_backend_amx_mul_mat``) on the first decode of the Q4_K_M model. A wheel built that way
may also use instructions another machine lacks. So the project builds it *portably*: native
detection off and an explicit x86-64 instruction set every CPU of the last decade has (AVX2,
FMA, F16C, BMI2), AVX-512 and AMX off (``PORTABLE_CMAKE_ARGS``).

The wheel records its compile flags in ``site-packages/lib/cmake/ggml/ggml-config.cmake``
(``set(GGML_NATIVE "OFF")``); ``build_flags`` reads them, ``problems`` says what is not
portable, ``cpu_has_amx`` reads the CPU's flags. No import of llama_cpp or of anything in
extractor, so ``./dev`` runs this file before the project is installed:

    python extractor/model/llama_build.py cmake-args   # the CMAKE_ARGS of the portable build
    python extractor/model/llama_build.py check [V]    # exit 1 (and why): not portable / not V
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import sys
from pathlib import Path

PACKAGE = "llama-cpp-python"
# The portable build: native detection off, the instruction set named, AVX-512 and AMX off.
PORTABLE_FLAGS = {
    "GGML_NATIVE": "OFF", "GGML_AVX": "ON", "GGML_AVX2": "ON", "GGML_FMA": "ON",
    "GGML_F16C": "ON", "GGML_BMI2": "ON", "GGML_AVX512": "OFF", "GGML_AMX_TILE": "OFF",
    "GGML_AMX_INT8": "OFF", "GGML_AMX_BF16": "OFF",
}
PORTABLE_CMAKE_ARGS = " ".join(f"-D{name}={value}" for name, value in PORTABLE_FLAGS.items())
# Flags that must be OFF in a build meant for any CPU (native detection turns AMX on by itself).
MUST_BE_OFF = ("GGML_NATIVE", "GGML_AMX_TILE", "GGML_AMX_INT8", "GGML_AMX_BF16")
# A line of ggml-config.cmake that records a flag: set(GGML_NATIVE "ON")
SET_FLAG = re.compile(r'^\s*set\(\s*(GGML_[A-Z0-9_]+)\s+"([^"]*)"\s*\)', re.MULTILINE)
# The CPU flags line of /proc/cpuinfo: "flags : fpu vme ... amx_tile"
CPU_FLAGS = re.compile(r"^flags\s*:\s*(.*)$", re.MULTILINE)
AMX_CPU_FLAGS = ("amx_tile", "amx_int8", "amx_bf16")


def rebuild_command(version: str | None = None) -> str:
    """The shell command that reinstalls llama-cpp-python portably, past pip's wheel cache."""
    version = version or installed_version() or "0.3.36"
    return (f'CMAKE_ARGS="{PORTABLE_CMAKE_ARGS}" pip install --force-reinstall --no-deps '
            f"--no-cache-dir '{PACKAGE}[server]=={version}'")


def installed_version() -> str | None:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None


def ggml_config() -> Path | None:
    """The installed wheel's ``lib/cmake/ggml/ggml-config.cmake`` (None: not installed)."""
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or spec.origin is None:
        return None
    site = Path(spec.origin).resolve().parent.parent  # site-packages/llama_cpp/__init__.py
    path = site / "lib" / "cmake" / "ggml" / "ggml-config.cmake"
    return path if path.is_file() else None


def build_flags(cmake_text: str) -> dict[str, str]:
    """The ``GGML_*`` flags a ggml-config.cmake records: {"GGML_NATIVE": "OFF", ...}."""
    return {name: value for name, value in SET_FLAG.findall(cmake_text)}


def problems(flags: dict[str, str]) -> list[str]:
    """What makes a build not portable ('GGML_NATIVE=ON', ...); [] for a portable build.
    A build that records no flags at all is not known to be portable."""
    if not flags:
        return ["no GGML_* flags recorded"]
    found = [f"{name}={flags[name]}" for name in MUST_BE_OFF if flags.get(name, "OFF") != "OFF"]
    if "GGML_NATIVE" not in flags:
        found.insert(0, "GGML_NATIVE not recorded")
    return found


def installed_problems() -> list[str] | None:
    """``problems`` of the installed build; None when llama-cpp-python is not installed."""
    path = ggml_config()
    if path is None:
        return None if importlib.util.find_spec("llama_cpp") is None \
            else ["its ggml-config.cmake is missing"]
    return problems(build_flags(path.read_text(encoding="utf-8", errors="replace")))


def cpu_flags(cpuinfo: str) -> set[str]:
    """The CPU flags of a /proc/cpuinfo text (the first processor's)."""
    found = CPU_FLAGS.search(cpuinfo)
    return set(found.group(1).split()) if found else set()


def cpu_has_amx(cpuinfo_path: Path = Path("/proc/cpuinfo")) -> bool:
    try:
        flags = cpu_flags(cpuinfo_path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return False
    return any(flag in flags for flag in AMX_CPU_FLAGS)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "cmake-args":
        print(PORTABLE_CMAKE_ARGS)
        return 0
    if command == "check":  # check [VERSION]
        found, version = installed_problems(), installed_version()
        if found is None:
            print(f"{PACKAGE} is not installed")
            return 1
        if len(argv) > 1 and version != argv[1]:
            print(f"{PACKAGE} {version} is installed, not {argv[1]}")
            return 1
        if found:
            print(f"{PACKAGE} was not built portably: {', '.join(found)}")
            return 1
        print(f"{PACKAGE} {version}: portable build ({PORTABLE_CMAKE_ARGS})")
        return 0
    print("usage: llama_build.py cmake-args | check [VERSION]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
