"""The embedded model's llama.cpp build (model/llama_build.py): reading the flags a wheel
recorded, what makes a build unportable, the CPU's AMX flags; and the installed build itself,
which must be the portable one whatever CPU compiled it or runs the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractor.model import llama_build

NATIVE_CONFIG = '''
set(GGML_AVX "ON")
set(GGML_NATIVE "ON")
set(GGML_AMX_INT8 "OFF")
'''
PORTABLE_CONFIG = "\n".join(f'set({k} "{v}")' for k, v in llama_build.PORTABLE_FLAGS.items())


@pytest.mark.parametrize(("text", "flags"), [
    (NATIVE_CONFIG, {"GGML_AVX": "ON", "GGML_NATIVE": "ON", "GGML_AMX_INT8": "OFF"}),
    ('  set( GGML_BMI2   "ON" )\n# set(GGML_NATIVE "ON")', {"GGML_BMI2": "ON"}),
    ('set(GGML_CUDA_PEER_MAX_BATCH_SIZE "128")\nset(OTHER "ON")',
     {"GGML_CUDA_PEER_MAX_BATCH_SIZE": "128"}),
    ("", {}),
])
def test_build_flags_reads_the_recorded_ggml_flags(text, flags):
    assert llama_build.build_flags(text) == flags


@pytest.mark.parametrize(("flags", "found"), [
    (llama_build.PORTABLE_FLAGS, []),
    ({"GGML_NATIVE": "ON", "GGML_AMX_INT8": "OFF"}, ["GGML_NATIVE=ON"]),
    ({"GGML_NATIVE": "OFF", "GGML_AMX_INT8": "ON", "GGML_AMX_TILE": "ON"},
     ["GGML_AMX_TILE=ON", "GGML_AMX_INT8=ON"]),
    ({"GGML_AVX2": "ON"}, ["GGML_NATIVE not recorded"]),
    ({}, ["no GGML_* flags recorded"]),
])
def test_problems_names_what_is_not_portable(flags, found):
    assert llama_build.problems(flags) == found


@pytest.mark.parametrize(("cpuinfo", "amx"), [
    ("processor : 0\nflags\t\t: fpu sse avx2 amx_bf16 amx_tile amx_int8\n", True),
    ("processor : 0\nflags\t\t: fpu sse avx2 avx512f\n", False),
    ("processor : 0\nflags : fpu amx_tile\nprocessor : 1\nflags : fpu\n", True),
    ("no flags line", False),
])
def test_cpu_has_amx_reads_the_cpu_flags(tmp_path, cpuinfo, amx):
    path = tmp_path / "cpuinfo"
    path.write_text(cpuinfo)
    assert llama_build.cpu_has_amx(path) is amx


def test_a_missing_cpuinfo_is_no_amx(tmp_path):
    assert llama_build.cpu_has_amx(tmp_path / "absent") is False


def test_the_rebuild_command_is_portable_and_skips_the_wheel_cache():
    command = llama_build.rebuild_command("0.3.36")
    assert command.startswith(f'CMAKE_ARGS="{llama_build.PORTABLE_CMAKE_ARGS}" pip install')
    assert "--no-cache-dir" in command and "--force-reinstall" in command
    assert "'llama-cpp-python[server]==0.3.36'" in command
    assert "-DGGML_NATIVE=OFF" in command and "-DGGML_AMX_INT8=OFF" in command


def test_the_portable_cmake_args_match_the_pinned_version_and_the_check():
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert f"llama-cpp-python[server]=={llama_build.installed_version()}" in pyproject
    assert llama_build.problems(llama_build.build_flags(PORTABLE_CONFIG)) == []


# -- the installed build (after ./dev setup, on any CPU) -------------------------------------------

def test_the_installed_build_is_portable_by_its_own_configuration():
    """Fails on a wheel compiled with GGML_NATIVE (the build that crashes on AMX CPUs)."""
    config = llama_build.ggml_config()
    assert config is not None, "llama-cpp-python's lib/cmake/ggml/ggml-config.cmake is missing"
    flags = llama_build.build_flags(config.read_text())
    assert flags.get("GGML_NATIVE") == "OFF"
    assert llama_build.problems(flags) == []


def test_the_installed_build_reports_no_amx_at_run_time():
    """llama.cpp's own system info, in a fresh process (it loads the shared library)."""
    info = subprocess.run(
        [sys.executable, "-c", "import llama_cpp; print(llama_cpp.llama_print_system_info()"
         ".decode())"], capture_output=True, text=True, timeout=120, check=True).stdout
    assert "CPU" in info, info
    assert "AMX" not in info.replace("AMX_INT8 = 0", "").replace("AMX = 0", ""), info


def test_the_check_command_passes_for_the_installed_version():
    script = Path(llama_build.__file__)
    run = subprocess.run([sys.executable, str(script), "check", llama_build.installed_version()],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "portable build" in run.stdout, run.stdout
    wrong = subprocess.run([sys.executable, str(script), "check", "0.0.1"],
                           capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 1 and "not 0.0.1" in wrong.stdout
