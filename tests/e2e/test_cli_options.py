"""The command line as Prism and schemathesis users expect it: --version, -p, help with
defaults, SPECMOCK_* variables and a configuration file, a busy port, IPv6, log lines."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from specmock.cli import _subparser, build_parser, main, parse_arguments, url_host
from specmock.cli_config import ConfigError, env_name, options_of
from tests.e2e.conftest import ROOT, start_serve, stop_serve

SERVE = _subparser(build_parser(), "serve")


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == "specmock 0.1.0"


def test_serve_help_shows_short_options_and_defaults() -> None:
    text = SERVE.format_help()
    assert "-p PORT, --port PORT" in text
    assert "(default: 8000)" in text
    assert "(default: 127.0.0.1)" in text
    assert "SPECMOCK_TOKEN_TTL" in text  # the epilog says how variables are named


def test_p_is_the_port(tmp_path: Path) -> None:
    assert parse_arguments(["serve", "dmlf", "-p", "9100"], {}, tmp_path).port == 9100


ports = st.none() | st.integers(0, 65535)


@given(cli=ports, env=ports, file=ports)
def test_command_line_beats_environment_beats_file_beats_default(
    cli: int | None, env: int | None, file: int | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Given a port maybe on the command line, maybe in SPECMOCK_PORT, maybe in specmock.toml
    cwd = tmp_path_factory.mktemp("cfg")
    if file is not None:
        (cwd / "specmock.toml").write_text(f"port = {file}\n")
    environ = {} if env is None else {"SPECMOCK_PORT": str(env)}
    argv = ["serve", "dmlf"] + ([] if cli is None else ["--port", str(cli)])
    # When the arguments are read
    port = parse_arguments(argv, environ, cwd).port
    # Then the first that says something wins, else the built-in 8000
    assert port == next(v for v in (cli, env, file, 8000) if v is not None)


def test_pyprojects_tool_specmock_table_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specmock]\ntoken-ttl = 30\nno_throttle = true\npublic-url = ["http://a:1"]\n')
    args = parse_arguments(["serve", "dmlf"], {}, tmp_path)
    assert (args.token_ttl, args.no_throttle, args.public_url) == (30, True, ["http://a:1"])


def test_every_serve_option_has_its_environment_variable(tmp_path: Path) -> None:
    # Given a valid value for each option of `specmock serve`, in its SPECMOCK_* variable
    samples = {"offset_unit": "pages", "seed_scale": "aliquots=5", "public_url": "http://m:1",
               "admin_token": "secret", "log_format": "json", "host": "127.0.0.2",
               "cors": "off", "callbacks": "off"}
    for dest, action in options_of(SERVE).items():
        text = "true" if action.nargs == 0 else samples.get(dest, "7")
        # When the arguments are read
        args = parse_arguments(["serve", "dmlf"], {env_name(action): text}, tmp_path)
        # Then the option has that value, not its built-in default
        assert getattr(args, dest) != action.default, dest


def test_a_repeatable_option_from_the_command_line_replaces_the_variables(tmp_path: Path) -> None:
    environ = {"SPECMOCK_PUBLIC_URL": "http://a:1, http://b:2"}
    assert parse_arguments(["serve", "dmlf"], environ, tmp_path).public_url == [
        "http://a:1", "http://b:2"]
    args = parse_arguments(["serve", "dmlf", "--public-url", "http://c:3"], environ, tmp_path)
    assert args.public_url == ["http://c:3"]


@pytest.mark.parametrize(
    ("environ", "file", "message"),
    [
        ({"SPECMOCK_PORT": "eighty"}, None, "SPECMOCK_PORT='eighty': expected a whole number"),
        ({"SPECMOCK_PORT": "70000"}, None, "a port is at most 65535"),
        ({"SPECMOCK_QUIET": "maybe"}, None, "SPECMOCK_QUIET='maybe': expected true or false"),
        ({"SPECMOCK_OFFSET_UNIT": "bytes"}, None, "expected one of records, pages"),
        ({}, "prot = 1\n", "prot: not an option of specmock serve"),
        ({}, "quiet = 1\n", "quiet: expected true or false"),
        ({}, "port = [\n", "not readable as TOML"),
    ],
)
def test_a_bad_default_is_one_line_naming_where_it_came_from(
    environ: dict[str, str], file: str | None, message: str, tmp_path: Path,
) -> None:
    if file is not None:
        (tmp_path / "specmock.toml").write_text(file)
    with pytest.raises(ConfigError) as raised:
        parse_arguments(["serve", "dmlf"], environ, tmp_path)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_bad_default_exits_2_with_one_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "specmock.cli", "serve", "dmlf"],
                          env={"SPECMOCK_PORT": "x", "PATH": "/usr/bin:/bin"},
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1


def test_a_busy_port_is_one_line_and_exit_3_before_any_ready_line(tmp_path: Path) -> None:
    # Given a port another process listens on
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # When specmock is asked to serve on it
        done = subprocess.run(
            [sys.executable, "-m", "specmock.cli", "serve", "dmlf", "-p", str(port)],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
    # Then it says so in one line, exits 3, and never said "ready"
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        f"specmock: cannot listen on 127.0.0.1:{port}: Address already in use"]


@pytest.mark.parametrize(("host", "shown"), [("::1", "[::1]"), ("127.0.0.1", "127.0.0.1"),
                                             ("localhost", "localhost"), ("[::1]", "[::1]")])
def test_ipv6_hosts_are_bracketed_in_urls(host: str, shown: str) -> None:
    assert url_host(host) == shown


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_the_banner_brackets_an_ipv6_address_and_shows_the_bound_port() -> None:
    # Given a mock on ::1 and any free port
    process = subprocess.Popen(
        [sys.executable, "-m", "specmock.cli", "serve", "dmlf", "--host", "::1", "-p", "0",
         "--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stderr.readline()  # type: ignore[union-attr]
        # Then the ready line's URL is bracketed, with the port it got, and it answers there
        url = banner.split(" on ", 1)[1].split(" ", 1)[0]
        assert url.startswith("http://[::1]:")
        assert not url.endswith(":0")
        assert requests.get(url + "/__specmock/health", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.slow
def test_access_lines_name_the_client_and_why_a_4xx_was_answered() -> None:
    # Given a mock logging as text
    mock = start_serve("dmlf", quiet=False)
    requests.get(mock.base_url + "institutes/", timeout=5)
    stop_serve(mock)
    log = mock.process.stderr.read().decode()  # type: ignore[union-attr]
    (line,) = [x for x in log.splitlines() if '"GET /institutes/" 401' in x]
    # Then the line has the client address and DRF's reason
    assert '127.0.0.1 "GET /institutes/" 401' in line
    assert line.endswith(" - Authentication credentials were not provided.")


@pytest.mark.slow
def test_json_log_lines_carry_the_access_fields() -> None:
    mock = start_serve("dmlf", "--log-format", "json", quiet=False)
    requests.get(mock.base_url + "nowhere", timeout=5)
    requests.get(mock.base_url + "__specmock/health", timeout=5)
    stop_serve(mock)
    lines = mock.process.stderr.read().decode().splitlines()  # type: ignore[union-attr]
    entries = [json.loads(x) for x in lines if x.startswith("{")]
    found = next(e for e in entries if e.get("path") == "/nowhere")
    assert found["client"] == "127.0.0.1"
    assert found["status"] == 404
    assert found["reason"].startswith("Not found")
    assert found["time"].endswith("Z")


def test_proxy_upstream_comes_from_the_environment(tmp_path: Path) -> None:
    # Given SPECMOCK_UPSTREAM and no --upstream on the command line
    environ = {"SPECMOCK_UPSTREAM": "http://real.example:8080"}
    # When the proxy command line is read
    args = parse_arguments(["proxy", "dmlf"], environ, tmp_path)
    # Then the upstream is the variable's
    assert args.upstream == "http://real.example:8080"


def test_proxy_defaults_come_from_the_files_proxy_table(tmp_path: Path) -> None:
    # Given a specmock.toml with serve keys at the top and proxy keys in [proxy]
    (tmp_path / "specmock.toml").write_text(
        'port = 9000\n[proxy]\nupstream = "http://u:1"\nport = 9100\ntimeout = 5\n'
    )
    # When each command's line is read
    proxy = parse_arguments(["proxy", "dmlf"], {}, tmp_path)
    serve = parse_arguments(["serve", "dmlf"], {}, tmp_path)
    # Then each takes its own defaults
    assert (proxy.upstream, proxy.port, proxy.timeout) == ("http://u:1", 9100, 5)
    assert serve.port == 9000


def test_an_unknown_proxy_key_names_the_table(tmp_path: Path) -> None:
    # Given a [proxy] table with a key the proxy has not
    (tmp_path / "specmock.toml").write_text('[proxy]\nupstreams = "http://u:1"\n')
    # Then reading the proxy command line is one error naming file, table and key
    with pytest.raises(ConfigError, match=r"specmock\.toml: proxy\.upstreams: not an option of "
                       r"specmock proxy"):
        parse_arguments(["proxy", "dmlf"], {}, tmp_path)


def test_proxy_without_upstream_anywhere_is_a_usage_error(tmp_path: Path) -> None:
    # Given no upstream on the command line, in the environment or in a file
    # Then the command line is refused as argparse refuses a missing option (exit 2)
    with pytest.raises(SystemExit) as stopped:
        parse_arguments(["proxy", "dmlf"], {}, tmp_path)
    assert stopped.value.code == 2
