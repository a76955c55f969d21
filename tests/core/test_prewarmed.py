"""A prewarmed child imports while its parent works, then runs the one job it is handed.

Each scenario runs in a fresh interpreter (a subprocess): forking is only done from a process
with one thread, and the test runner may have server threads running.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="a prewarmed child is forked only on Linux with more than one CPU",
)

COLLECT = textwrap.dedent("""\
    import json, os, pickle, sys
    from specmock.core.prewarmed import PrewarmedChild

    def collect(pid, read_end):
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        return {"exit": os.WEXITSTATUS(status),
                "result": repr(pickle.loads(data)) if data else None}
    """)


def in_a_fresh_process(script: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", COLLECT + textwrap.dedent(script)],
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_child_runs_its_job_and_answers_with_the_result() -> None:
    # Given a child prewarmed with an import, when it is handed a job by name
    outcome = in_a_fresh_process("""\
        child = PrewarmedChild.start(("json",))
        print(json.dumps(collect(*child.run("json:dumps", {"a": [1, 2]}))))
        """)
    # Then its pickled result comes back and it exits cleanly
    assert outcome == {"exit": 0, "result": repr('{"a": [1, 2]}')}


GATE = """\
import os, time
# An import that lasts until the parent says so (bounded: 20 s, then it notes it gave up).
flag = os.environ["GATE_FLAG"]
for _ in range(2000):
    if os.path.exists(flag):
        break
    time.sleep(0.01)
else:
    open(flag + ".gave-up", "w").close()
"""


def test_a_job_larger_than_a_pipe_is_handed_while_the_child_still_imports(
    tmp_path: Path,
) -> None:
    # Given a child whose import waits until the parent has handed it 4 MiB of input
    (tmp_path / "gate.py").write_text(GATE)
    flag = tmp_path / "handed"
    outcome = in_a_fresh_process(f"""\
        sys.path.insert(0, {str(tmp_path)!r})
        os.environ["GATE_FLAG"] = {str(flag)!r}
        child = PrewarmedChild.start(("gate",))
        handed = child.run("builtins:len", b"x" * (4 << 20))
        open({str(flag)!r}, "w").close()
        print(json.dumps(collect(*handed)))
        """)
    # Then the hand-over did not wait for the import (the child reads while importing)
    assert outcome == {"exit": 0, "result": repr(4 << 20)}
    assert not (tmp_path / "handed.gave-up").exists()


def test_a_job_that_fails_leaves_an_empty_answer_and_a_non_zero_exit() -> None:
    # Given a job that does not exist, when the child is handed it
    outcome = in_a_fresh_process("""\
        child = PrewarmedChild.start(())
        print(json.dumps(collect(*child.run("json:no_such_function", 1))))
        """)
    # Then the parent can tell and do the work itself
    assert outcome == {"exit": 1, "result": None}


def test_a_job_that_cannot_be_sent_leaves_an_empty_answer() -> None:
    # Given an argument that cannot be pickled, when the child is handed it
    outcome = in_a_fresh_process("""\
        child = PrewarmedChild.start(())
        print(json.dumps(collect(*child.run("builtins:len", lambda: None))))
        """)
    # Then nothing is raised here, and the parent can tell and do the work itself
    assert outcome == {"exit": 1, "result": None}


def test_a_dismissed_child_is_stopped_and_reaped() -> None:
    # Given a prewarmed child that is not needed after all
    outcome = in_a_fresh_process("""\
        child = PrewarmedChild.start(("openapi_spec_validator",))
        child.dismiss()
        try:
            os.waitpid(child.pid, 0)
            reaped = False
        except ChildProcessError:
            reaped = True
        print(json.dumps({"reaped": reaped}))
        """)
    # Then no process is left behind
    assert outcome == {"reaped": True}
