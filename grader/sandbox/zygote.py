"""The grader's side of the zygote: start it, ask it to fork workers, stop it.

Standard library only: the ``check`` command starts the zygote before importing numpy, so the
two interpreters warm up in parallel. The zygote's own code is :mod:`grader.sandbox.worker.main`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from grader.errors import SetupError
from grader.paths import bundle_paths, install_root
from grader.sandbox.frames import recv_frame, send_frames
from grader.sandbox.worker.cleanup import remove_tree

if TYPE_CHECKING:
    # Imported where used: building the protocol's record classes costs ~20 ms, which `grader
    # check` would otherwise spend before it starts the zygote instead of while it warms up.
    from grader.sandbox.protocol import ForkRequest, Message, ZygoteReady

__all__ = ["WorkerGone", "Zygote", "forbidden_paths", "numeric_env", "remove_tree", "start"]

START_TIMEOUT = 30.0
#: Environment variables that choose how numpy and its BLAS compute (kernels, cache sizes,
#: CPU features), by prefix: the zygote and its workers inherit the grader's, so student code
#: computes with the same kernels as the grader's own replays.
NUMERIC_ENV_PREFIXES = (
    "OPENBLAS_", "GOTO", "OMP_", "GOMP_", "KMP_", "MKL_", "BLIS_", "NUMEXPR_", "VECLIB_", "NPY_",
)  # fmt: skip
#: Thread counts, pinned to one whatever the grader's environment says (the worker may not
#: start threads at all: see :mod:`grader.sandbox.worker.confinement`).
ONE_THREAD = {
    name: "1"
    for name in (
        "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS", "OMP_THREAD_LIMIT",
        "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS", "NUMEXPR_MAX_THREADS",
        "VECLIB_MAXIMUM_THREADS",
    )
}  # fmt: skip
PROJECT_PACKAGES = ("grader", "reference", "testcases")
#: The zygote's command: its configuration comes in a file (read, then removed), since the
#: helper modules' sources in it can exceed the length the kernel allows one argument.
#: Its sys.path is explicit: the folder holding this grader first, never the working folder
#: (``""``, which ``-c`` adds before Python 3.11's ``-P``).
_ZYGOTE_CODE = (
    "import os, sys; sys.path[:] = [sys.argv[1]] + [p for p in sys.path if p]; "
    "f = open(sys.argv[3], encoding='utf-8'); config = f.read(); f.close(); "
    "os.unlink(sys.argv[3]); "
    "from grader.sandbox.worker.main import zygote_main; zygote_main(int(sys.argv[2]), config)"
)


def numeric_env() -> dict[str, str]:
    """The grader's numeric environment (see :data:`NUMERIC_ENV_PREFIXES`), one thread."""
    env = {k: v for k, v in os.environ.items() if k.startswith(NUMERIC_ENV_PREFIXES)}
    env.update(ONE_THREAD)
    return env


class WorkerGone(Exception):
    """The worker stopped answering: ``reason`` is ``timeout``, ``died``, ``malformed`` or
    ``oversized`` (a message longer than the grader reads)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def helper_cache() -> str | None:
    """The user's cache folder for the zygote's compiled helper modules (None: no home)."""
    root = os.environ.get("XDG_CACHE_HOME") or (
        os.path.join(os.path.expanduser("~"), ".cache") if os.path.expanduser("~") != "~" else None
    )
    return os.path.join(root, "dnn-autograder") if root else None


def forbidden_paths(extra: Sequence[str | os.PathLike[str]] = ()) -> list[str]:
    """What a worker must not read: the project's packages and, for a source checkout or an
    editable install, the whole repository (case bundles, reference code, instructor files).

    Found from this very file, never by an import lookup: ``sys.path`` may start with the
    current folder, where a student's ``reference.py`` would answer for the real package.
    """
    paths = {os.path.realpath(p) for p in extra}
    root = install_root()
    paths.update(
        os.path.realpath(root / name) for name in PROJECT_PACKAGES if (root / name).is_dir()
    )
    if root.name in ("site-packages", "dist-packages"):
        paths.update(str(p) for p in root.glob("dnn_autograder*"))
        paths.update(str(p) for p in root.glob("__editable__*dnn_autograder*"))
    else:
        paths.add(str(root))
    return sorted(paths)


#: The documented switch that turns Landlock off (any value but empty or ``0``): for testing
#: what holds without it (README, "Student code is untrusted").
NO_LANDLOCK = "DNN_GRADER_NO_LANDLOCK"


def landlock_switched_off() -> bool:
    return os.environ.get(NO_LANDLOCK, "") not in ("", "0")


def secret_files() -> list[str]:
    """Files a worker must never read, which each worker checks it cannot open: the hidden
    cases and the solution's code (its ``secrets_unreadable`` protection)."""
    root = install_root()
    candidates = [bundle_paths()["hidden"], root / "reference" / "network.py"]
    candidates.append(root / "testcases" / "cases.py")
    return [str(p) for p in candidates if p.exists()]


class Zygote:
    """The zygote process and its control socket (requests are serialized by a lock)."""

    def __init__(
        self, preload: Sequence[str], forbidden: Sequence[str], modules: Mapping[str, bytes]
    ) -> None:
        #: Where this zygote's workers get their folders; the zygote removes it when it
        #: exits, so it goes even if the grader process is killed.
        self.base = tempfile.mkdtemp(prefix="dnn-grader-")
        if os.geteuid() == 0:  # workers drop to another user: they must reach their folders
            os.chmod(self.base, 0o711)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        config = {
            "forbidden": list(forbidden),
            "preload": list(preload),
            "modules": {
                name: data.decode("utf-8") for name, data in modules.items() if name.endswith(".py")
            },
            "project_root": str(install_root()),
            "isolate_network": True,
            "no_landlock": landlock_switched_off(),
            "secrets": secret_files(),
            "base": self.base,
            "helper_cache": helper_cache(),
        }
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}
        env.update(numeric_env())
        for name in ("LD_LIBRARY_PATH", "PYTHONHOME"):
            if name in os.environ:
                env[name] = os.environ[name]
        # Nothing of the current folder (it runs in "/", with -P where Python has it) nor the
        # user's site folder on its sys.path; its environment is the one built above, whose
        # PYTHONHASHSEED keeps workers deterministic (which -I would ignore).
        argv = [
            sys.executable,
            "-s",
            *(["-P"] if sys.version_info >= (3, 11) else []),
            "-c",
            _ZYGOTE_CODE,
            str(install_root()),
            str(theirs.fileno()),
            self._write_config(config),
        ]
        try:
            self.process = subprocess.Popen(
                argv,
                pass_fds=(theirs.fileno(),),
                env=env,
                cwd="/",
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            ours.close()
            remove_tree(self.base)
            raise SetupError(f"the sandbox could not start {sys.executable} ({exc}).") from None
        finally:
            theirs.close()
        self.sock = ours
        self.owner_pid = os.getpid()
        self.lock = threading.Lock()
        self.broken = False
        self._facts: ZygoteReady | None = None
        #: Keys of the case inputs this zygote holds (see :meth:`preload`).
        self.preloaded: frozenset[str] = frozenset()

    def _write_config(self, config: dict[str, Any]) -> str:
        path = os.path.join(self.base, "zygote-config.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(config, f)
        return path

    def facts(self) -> ZygoteReady:
        """The zygote's start-up report (waits for it the first time)."""
        from grader.sandbox.protocol import ZygoteReady, kinds, loads

        with self.lock:
            if self._facts is None:
                self.sock.settimeout(START_TIMEOUT)
                try:
                    ready = loads(recv_frame(self.sock, 1 << 24), kinds(ZygoteReady))
                    assert isinstance(ready, ZygoteReady)
                    self._facts = ready
                except (OSError, EOFError, ValueError) as exc:
                    raise SetupError(
                        f"the sandbox could not start its worker process ({exc})."
                    ) from None
                finally:
                    self.sock.settimeout(None)
            return self._facts

    def _exchange(
        self, request: Message, *, fds: tuple[int, ...] = (), data: bytes | None = None
    ) -> Message | None:
        """Send ``request`` (with the descriptors ``fds``, then ``data`` as a frame of its
        own) and return the zygote's reply; None for a request that has none. The one place
        that talks to the zygote: any failure leaves it out of step, so it is replaced on
        next use."""
        from grader.sandbox.protocol import ZYGOTE_REPLIES, ReleaseRequest, dumps, loads

        self.facts()
        payloads = [dumps(request)] + ([data] if data is not None else [])
        with self.lock:
            try:
                self.sock.settimeout(START_TIMEOUT)
                send_frames(self.sock, *payloads, fds=fds)
                if isinstance(request, ReleaseRequest):
                    return None
                return loads(recv_frame(self.sock, 1 << 20), ZYGOTE_REPLIES)
            except (OSError, EOFError, ValueError) as exc:
                self.broken = True
                raise WorkerGone("died", f"zygote: {exc}") from None

    def preload(self, message: bytes, keys: Sequence[str]) -> None:
        """Hand the zygote case inputs (one :func:`grader.sandbox.codec.encode_message`), so that
        its workers start with them and a call names its inputs instead of carrying them.
        They are inputs only, never expected values."""
        from grader.sandbox.protocol import Preloaded, PreloadRequest

        reply = self._exchange(PreloadRequest(size=len(message)), data=message)
        if not isinstance(reply, Preloaded) or reply.count != len(keys):
            self.broken = True
            raise WorkerGone("died", "zygote did not take the case inputs")
        self.preloaded = frozenset(keys)

    def fork(self, request: ForkRequest, sock: socket.socket) -> int:
        from grader.sandbox.protocol import Forked

        reply = self._exchange(request, fds=(sock.fileno(),))
        if not isinstance(reply, Forked):
            self.broken = True
        if not isinstance(reply, Forked) or reply.pid <= 0:
            raise WorkerGone("died", "zygote could not fork")
        return reply.pid

    def release(self, pid: int) -> None:
        """Tell the zygote to reap a killed worker whenever it has died (no reply)."""
        from grader.sandbox.protocol import ReleaseRequest

        self._exchange(ReleaseRequest(pid=pid))

    def reap(self, pid: int, grace: float) -> tuple[int | None, bool]:
        """How a worker ended: ``(wait status, whether the zygote had to kill it)``, after
        waiting up to ``grace`` seconds for it to end by itself."""
        from grader.sandbox.protocol import Reaped, ReapRequest

        reply = self._exchange(ReapRequest(pid=pid, grace=grace))
        if not isinstance(reply, Reaped):
            self.broken = True
            raise WorkerGone("died", "zygote sent a malformed reply")
        return reply.status, reply.killed

    def alive(self) -> bool:
        return not self.broken and self.process.poll() is None and self.owner_pid == os.getpid()

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            remove_tree(self.base)


def start(modules: Mapping[str, bytes]) -> Zygote:
    """A zygote as :class:`grader.sandbox.api.Sandbox` would start it by default."""
    return Zygote((), forbidden_paths(), modules)
