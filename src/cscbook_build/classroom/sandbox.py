"""Running a student's code for grading: a bubblewrap sandbox, limits and a time-out.

Each submission runs in its own process tree (never a shared worker pool that one child
can break), started by :func:`run`:

- **Sandbox** (:class:`Sandbox`): `bubblewrap <https://github.com/containers/bubblewrap>`_
  (``bwrap``, Debian's ``bubblewrap``; ``scripts/install-sandbox.sh`` installs it) gives
  the code new PID, network, IPC and UTS namespaces (no network at all, no other
  process visible) and a file system made of read-only system and Python directories
  plus one writable folder, ``/submission``: the submission's own copy of the chapter's
  files. Nothing else of the machine is there: not the repository, not the other
  submissions, not the grader's checks, not ``/tmp`` or the home folder. When the grader
  runs as root, bwrap switches to the unprivileged user ``nobody`` (``setpriv``) before
  any student code runs; otherwise the code keeps the grader's own (unprivileged) user in
  a user namespace. All capabilities are dropped.
- **Limits** (:class:`Limits`): a wall-clock time-out, after which the whole process
  group (and with it the sandbox's PID namespace) is killed; CPU time, address space
  (memory), file size and core-dump limits (``setrlimit``, inherited by every child); the
  output kept is capped and the rest drained and dropped.

Without bwrap (:func:`sandbox_problem` says why), grading refuses to start unless the
instructor passes ``--unsafe-no-sandbox``; then only the limits and the time-out apply.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import site
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

NOBODY = 65534
INSIDE_WORK = "/submission"
INSIDE_GRADER = "/grader"


@dataclass(frozen=True)
class Limits:
    """What one submission may use. ``timeout`` is wall-clock seconds for the whole notebook."""

    timeout: float = 120.0
    memory_mb: int = 4096
    output_chars: int = 200_000
    file_mb: int = 200
    processes: int = 512

    @property
    def cpu_seconds(self) -> int:
        """CPU time per process: a second guard, should the wall clock fail to stop it."""
        return int(self.timeout) + 10


@dataclass
class Outcome:
    """How the sandboxed run ended."""

    returncode: int | None
    timed_out: bool
    seconds: float
    output: str
    output_bytes: int
    result: bytes


def python_dirs(exclude: list[Path]) -> list[str]:
    """Directories the grader's Python needs (interpreter, standard library, site-packages)."""
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                  str(Path(sys.executable).resolve().parent.parent)}
    candidates.update(p for p in site.getsitepackages() if os.path.isdir(p))
    user = site.getusersitepackages()
    if isinstance(user, str) and os.path.isdir(user):
        candidates.add(user)
    chosen = []
    for path in sorted(candidates, key=len):
        real = os.path.realpath(path)
        if real == "/" or any(os.path.realpath(e) == real or os.path.realpath(e).startswith(real + "/")
                              for e in exclude):
            # a directory that holds the repository would expose it: take only what Python needs
            continue
        if not any(real == c or real.startswith(c + "/") for c in chosen):
            chosen.append(real)
    return chosen


# Without the sandbox, the code's parent is this small process, not the grader: a notebook
# that kills its parent ends only itself. The exit code is 128 + signal, as bwrap's.
UNSAFE_PARENT = (
    "import os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execv(sys.argv[1], sys.argv[1:])\n"
    "status = os.waitpid(pid, 0)[1]\n"
    "code = os.waitstatus_to_exitcode(status)\n"
    "sys.exit(128 - code if code < 0 else code)\n"
)

SYSTEM_DIRS = ["/usr", "/etc/alternatives", "/etc/fonts", "/etc/ssl/certs"]
SYSTEM_FILES = ["/etc/ld.so.cache", "/etc/localtime", "/etc/mime.types", "/etc/nsswitch.conf"]


@cache
def sandbox_problem() -> str | None:
    """Why bwrap cannot be used here, or None when it works."""
    if not sys.platform.startswith("linux"):
        return "the sandbox needs Linux (bubblewrap)"
    for tool in ("bwrap", "setpriv"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (run scripts/install-sandbox.sh, or apt-get install bubblewrap)"
    probe = Sandbox(sandboxed=True).command(Path("/"), Path("/"), ["/bin/true"], probe=True)
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap does not run: {error}"
    if result.returncode != 0:
        return "bwrap cannot create a sandbox here: " + " ".join(result.stderr.split())[:300]
    return None


class Sandbox:
    """Builds the command that runs ``argv`` in a submission's folder, sandboxed or not."""

    def __init__(self, sandboxed: bool = True, exclude: list[Path] | None = None):
        self.sandboxed = sandboxed
        self.exclude = exclude or []

    def paths(self, work: Path, grader: Path) -> tuple[str, str]:
        """The submission's folder and the grader's read-only folder as the code sees them."""
        return (INSIDE_WORK, INSIDE_GRADER) if self.sandboxed else (str(work), str(grader))

    def environment(self, work: str) -> dict[str, str]:
        return {
            "HOME": work, "TMPDIR": f"{work}/.tmp", "MPLCONFIGDIR": f"{work}/.config/matplotlib",
            "XDG_CACHE_HOME": f"{work}/.cache", "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }

    def command(self, work: Path, grader: Path, argv: list[str], probe: bool = False) -> list[str]:
        if not self.sandboxed:  # a process between the grader and the code, for it to kill
            return [sys.executable, "-S", "-c", UNSAFE_PARENT, *argv]
        root = os.geteuid() == 0
        cmd = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
               "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
        if not root:
            cmd.append("--unshare-user")
        made = set()

        def parents(path: str) -> None:
            parts = Path(path).parts
            for depth in range(2, len(parts)):
                folder = str(Path(*parts[:depth]))
                if folder not in made:
                    made.add(folder)
                    cmd.extend(["--perms", "0755", "--dir", folder])

        for folder in SYSTEM_DIRS:
            if os.path.isdir(folder):
                parents(folder)
                cmd.extend(["--ro-bind", folder, folder])
        for link in ("bin", "lib", "lib32", "lib64", "sbin"):
            target = os.path.realpath(f"/{link}")
            if os.path.islink(f"/{link}") and target.startswith("/usr/"):
                cmd.extend(["--symlink", target.lstrip("/"), f"/{link}"])
            elif os.path.isdir(f"/{link}"):
                cmd.extend(["--ro-bind", f"/{link}", f"/{link}"])
        for file in SYSTEM_FILES:
            if os.path.isfile(file):
                parents(file)
                cmd.extend(["--ro-bind", file, file])
        for folder in python_dirs(self.exclude):
            if not folder.startswith("/usr/"):
                parents(folder)
                cmd.extend(["--ro-bind", folder, folder])
        cmd += ["--proc", "/proc", "--dev", "/dev"]
        if not probe:
            cmd += ["--bind", str(work), INSIDE_WORK, "--ro-bind", str(grader), INSIDE_GRADER,
                    "--chdir", INSIDE_WORK]
        cmd += ["--remount-ro", "/", "--clearenv"]
        for key, value in self.environment(INSIDE_WORK).items():
            cmd.extend(["--setenv", key, value])
        if root:  # become nobody before any of the submission's code runs
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                    "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--"]
        else:
            cmd.append("--")
        return cmd + list(argv)

    def prepare(self, work: Path) -> None:
        """Give the submission's folder to the user the code runs as."""
        for sub in (".tmp", ".config/matplotlib", ".cache"):
            (work / sub).mkdir(parents=True, exist_ok=True)
        if self.sandboxed and os.geteuid() == 0:
            for folder, _dirs, files in os.walk(work):
                os.chown(folder, NOBODY, NOBODY)
                for name in files:
                    os.chown(os.path.join(folder, name), NOBODY, NOBODY, follow_symlinks=False)
        os.chmod(work, 0o755)


def _limit(limits: Limits, sandboxed: bool):
    """The limits, set in the child between fork and exec (so no import may happen there)."""
    root = os.geteuid() == 0

    def apply() -> None:
        def cap(which, value):
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))

        memory = limits.memory_mb * 1024 * 1024
        cap(resource.RLIMIT_AS, memory)
        cap(resource.RLIMIT_CPU, limits.cpu_seconds)
        cap(resource.RLIMIT_FSIZE, limits.file_mb * 1024 * 1024)
        cap(resource.RLIMIT_CORE, 0)
        if sandboxed and root:  # counted per user: only for nobody
            cap(resource.RLIMIT_NPROC, limits.processes)

    return apply


def _drain(stream, keep: int, sink: dict) -> None:
    """Read ``stream`` to its end, keeping the first ``keep`` bytes."""
    chunks, total = [], 0
    try:
        while True:
            block = stream.read(65536)
            if not block:
                break
            if total < keep:
                chunks.append(block[: keep - total])
            total += len(block)
    except (OSError, ValueError):
        pass
    sink["data"], sink["total"] = b"".join(chunks), total


def run(sandbox: Sandbox, work: Path, grader: Path, argv: list[str], limits: Limits,
        result_keep: int = 64 * 1024 * 1024) -> Outcome:
    """Run ``argv`` (which gets the result pipe's descriptor appended) in the sandbox."""
    read_end, write_end = os.pipe()
    inside_work, _ = sandbox.paths(work, grader)
    env = {} if sandbox.sandboxed else sandbox.environment(inside_work)  # bwrap sets its own
    env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
    cmd = sandbox.command(work, grader, [*argv, str(write_end)])
    started = time.perf_counter()
    process = subprocess.Popen(
        cmd, bufsize=0, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        pass_fds=(write_end,), start_new_session=True, env=env, cwd=str(work),
        preexec_fn=_limit(limits, sandbox.sandboxed),
    )
    os.close(write_end)
    output: dict = {}
    result: dict = {}
    result_stream = os.fdopen(read_end, "rb", buffering=0)
    readers = [threading.Thread(target=_drain, args=(process.stdout, limits.output_chars, output), daemon=True),
               threading.Thread(target=_drain, args=(result_stream, result_keep, result), daemon=True)]
    for reader in readers:
        reader.start()
    timed_out = False
    try:
        process.wait(timeout=limits.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        try:  # the whole group: the sandbox, or in unsafe mode every child left behind
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()
    seconds = time.perf_counter() - started
    for reader in readers:
        reader.join(timeout=10)
    for stream in (process.stdout, result_stream):
        try:
            stream.close()
        except OSError:
            pass
    return Outcome(
        returncode=None if timed_out else process.returncode, timed_out=timed_out, seconds=seconds,
        output=output.get("data", b"").decode("utf-8", "replace"), output_bytes=output.get("total", 0),
        result=result.get("data", b"") if result.get("total", 0) <= result_keep else b"",
    )
