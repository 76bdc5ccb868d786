"""The zygote process: a clean warm interpreter that forks one confined worker per request.

Started by :class:`grader.sandbox.zygote.Zygote` with a fresh interpreter, it imports numpy, the
worker code (:mod:`grader.sandbox.worker.runner`) and the student helper modules once, prepares
the Landlock grants, and then forks on request. It never sees case data or expected values.
Each forked worker confines itself (:func:`_confine`) before serving the grader
(:func:`grader.sandbox.worker.runner.serve`).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import resource
import select
import socket
import sys
import time
from collections.abc import Sequence
from typing import Any

from grader.sandbox.codec import decode_message, encode_record, flatten, unflatten
from grader.sandbox.frames import MAX_MESSAGE_BYTES, recv_frame, recv_frame_fds, send_frame
from grader.sandbox.protocol import (
    ZYGOTE_REQUESTS,
    Forked,
    ForkRequest,
    Message,
    Preloaded,
    PreloadRequest,
    ProtocolError,
    Reaped,
    ReapRequest,
    ReleaseRequest,
    WorkerReady,
    ZygoteReady,
    dumps,
    loads,
)
from grader.sandbox.worker.cleanup import remove_tree
from grader.sandbox.worker.runner import Runner, serve

#: What a worker may read in ``/etc``: what the dynamic loader, time zones, user lookups,
#: fonts and MIME guessing need. Not all of ``/etc``: run as root, the worker could otherwise
#: read ``/etc/shadow`` and private keys (Landlock cannot subtract from a granted folder).
ETC_ENTRIES = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "zoneinfo",
    "passwd", "group", "nsswitch.conf", "host.conf", "fonts", "mime.types", "os-release",
    "locale.alias", "matplotlibrc", "alternatives",
)  # fmt: skip


def _system_roots() -> list[str]:
    """Folders a Python program (and the libraries it loads) needs to read."""
    import sysconfig

    roots = ["/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin"]
    roots += [os.path.join("/etc", name) for name in ETC_ENTRIES]
    roots += [p for p in sys.path if p and os.path.isabs(p)]
    wanted = ("stdlib", "platstdlib", "purelib", "platlib")
    roots += [v for k, v in sysconfig.get_paths().items() if k in wanted]
    return roots


def zygote_main(control_fd: int, config_text: str) -> None:
    """Serve fork requests from the grader until it closes the control socket.

    ``config_text`` is JSON: ``forbidden`` (paths no worker may read), ``secrets`` (files each
    worker checks it cannot open), ``preload`` (modules to import once here), ``project_root``
    (removed from ``sys.path``), ``isolate_network``, ``no_landlock`` (test what holds without
    it), and ``base`` (the folder holding the workers' folders, removed when the zygote exits).
    """
    config = json.loads(config_text)
    control = socket.socket(fileno=control_fd)
    grants, abi, facts = _prepare(config)
    gc.freeze()  # forked workers then never touch (copy) these pages just to run the GC
    send_frame(control, dumps(facts))
    server = _ForkServer(control, grants, abi, facts)
    try:
        server.answer_requests()
    finally:
        server.kill_all()
        if config.get("base"):  # the workers' folders: gone even if the grader was killed
            remove_tree(str(config["base"]))
        # Nothing left to flush or finalise: skip the interpreter's slow teardown of numpy
        # and the frozen heap, so the grader is not kept waiting for us to exit.
        os._exit(0)


#: What every worker forked from this zygote needs to confine itself, set once by
#: :func:`_prepare`: the ids to drop to (None: not root) and the files it must not read.
_SHARED: dict[str, Any] = {"worker_ids": None, "secrets": []}


def _prepare(config: dict[str, Any]) -> tuple[list[Any], int, ZygoteReady]:
    """Import what every worker shares, and open the Landlock grants once: the grants, the
    Landlock ABI (0: none) and the facts reported to the grader."""
    from grader.sandbox.worker import confinement

    project_root = config.get("project_root")
    sys.path[:] = [p for p in sys.path if p and p != project_root]
    failed = []
    for module in config.get("preload", []):
        try:
            __import__(module)
        except Exception:
            failed.append(module)
    failed += _import_helper_modules(
        config.get("modules", {}), config.get("base"), config.get("helper_cache")
    )
    # The documented switch (DNN_GRADER_NO_LANDLOCK=1) for testing what holds without it.
    abi = 0 if config.get("no_landlock") else confinement.landlock_abi()
    python = [p for p in sys.path if p and os.path.isabs(p) and os.path.isdir(p)]
    _SHARED["worker_ids"] = confinement.worker_ids(python)
    _SHARED["secrets"] = [str(p) for p in config.get("secrets", [])]
    readable = confinement.readable_paths(_system_roots(), config.get("forbidden", []))
    paths = [(p, confinement.READ) for p in readable]
    paths += [("/dev/null", confinement.DEVICE_READ_WRITE)]
    paths += [(p, confinement.FS_READ_FILE) for p in ("/dev/urandom", "/dev/random", "/dev/zero")]
    grants = confinement.open_grants(paths) if abi else []
    facts = ZygoteReady(
        network_namespace=confinement.isolate_network() if config.get("isolate_network") else False,
        landlock_abi=abi,
        preload_failed=failed,
        readable=readable,
    )
    return grants, abi, facts


class _ForkServer:
    """The zygote's request loop: fork a worker, preload case inputs, reap or release one."""

    def __init__(
        self, control: socket.socket, grants: list[Any], abi: int, facts: ZygoteReady
    ) -> None:
        self.control = control
        self.grants = grants
        self.abi = abi
        self.facts = facts
        self.children: set[int] = set()
        #: Killed workers the grader no longer waits for, reaped in the background.
        self.released: set[int] = set()

    def answer_requests(self) -> None:
        while True:
            if self.released:
                self.released -= {p for p in self.released if _reap(p, None)[0] is not None}
            ready, _, _ = select.select([self.control], [], [], 0.2 if self.released else None)
            if not ready:
                continue
            received = self._receive()
            if received is None:
                return
            self._handle(*received)

    def _receive(self) -> tuple[Message, list[int]] | None:
        """The next request and the descriptors sent with it (None: the grader is gone or
        out of step: the zygote then ends, and the grader starts a new one)."""
        try:
            data, fds = recv_frame_fds(self.control, 1 << 20)
        except (OSError, EOFError, ValueError):
            return None
        try:
            return loads(data, ZYGOTE_REQUESTS), fds
        except ProtocolError:
            for fd in fds:
                os.close(fd)
            return None

    def _handle(self, request: Message, fds: list[int]) -> None:
        if isinstance(request, ForkRequest) and len(fds) == 1:
            pid = os.fork()
            if pid == 0:
                _become_worker(fds[0], self.control, request, self.grants, self.abi, self.facts)
            os.close(fds[0])
            self.children.add(pid)
            self._reply(Forked(pid=pid))
            return
        for fd in fds:
            os.close(fd)
        if isinstance(request, PreloadRequest):
            cases = recv_frame(self.control, MAX_MESSAGE_BYTES)
            count = _preload_cases(cases) if len(cases) == request.size else -1
            self._reply(Preloaded(count=count))
        elif isinstance(request, ReapRequest):  # the grader wants to know how the worker ended
            known = request.pid in self.children
            status, killed = _reap(request.pid, min(request.grace, 5.0)) if known else (None, False)
            self.children.discard(request.pid)
            self._reply(Reaped(status=status, killed=killed))
        elif isinstance(request, ReleaseRequest) and request.pid in self.children:
            self.children.discard(request.pid)  # already killed; reap it later
            self.released.add(request.pid)
        elif isinstance(request, ForkRequest):
            self._reply(Forked(pid=0))  # no socket came with it

    def _reply(self, message: Message) -> None:
        send_frame(self.control, dumps(message))

    def kill_all(self) -> None:
        for pid in self.children | self.released:
            with contextlib.suppress(OSError):
                os.killpg(pid, 9)


def _preload_cases(message: bytes) -> int:
    """Keep each case's inputs, flattened, for every later worker (the runner's PRELOADED).
    The grader's own message; a malformed one is taken as none (-1: the grader sees it)."""
    from grader.sandbox.worker import runner

    try:
        header, arrays = decode_message(message)
        cases = header["cases"]
        for key, tree in cases.items():
            runner.PRELOADED[str(key)] = flatten(unflatten(tree, arrays), strict=True)
    except (ValueError, KeyError, TypeError, AttributeError):
        return -1
    gc.freeze()
    return len(cases)


def _import_helper_modules(
    modules: dict[str, str], base: str | None, cache: str | None = None
) -> list[str]:
    """Import the student helper modules (``dnn_utils.py`` ...) once, here in the zygote.

    Workers inherit them in ``sys.modules``, so a notebook's ``from public_tests import *``
    costs nothing (a file the zygote could not import is written into each worker's folder
    instead: see ``grader.sandbox.api.Sandbox._write_files``). They are imported from a
    folder named after their content in ``cache`` (the user's cache folder), so Python's own
    ``__pycache__`` there spares the next grader start compiling them (~15 ms); without a
    usable cache, from a folder in ``base``. Either is taken off ``sys.path`` again, and
    neither is readable by workers.
    """
    if not modules or not base:
        return []
    folder = _helper_folder(modules, cache) or _write_helpers(
        os.path.join(base, "helpers"), modules
    )
    sys.path.insert(0, folder)
    failed = []
    try:
        for name in modules:
            stem = os.path.basename(name)[:-3]
            try:
                __import__(stem)
                _expose_course_module(stem)
            except Exception:
                failed.append(stem)
                sys.modules.pop(stem, None)
    finally:
        sys.path.remove(folder)
    return failed


#: File-name prefix of the course-version helper modules (``grader.paths.COURSE_PREFIX``).
COURSE_PREFIX = "course_"
#: Where our own module goes when a course module of the same name takes its place.
OURS_PREFIX = "_dnn_ours_"


def _expose_course_module(stem: str) -> None:
    """Make ``course_testCases_v3`` importable as ``testCases_v3``.

    Where the course has a module of the same name as ours (``testCases``, ``public_tests``,
    ``dnn_utils``), the course's is a superset of ours and takes the name; ours stays in
    ``sys.modules`` under ``_dnn_ours_<name>``, where the course module finds it.
    """
    if not stem.startswith(COURSE_PREFIX):
        return
    name = stem[len(COURSE_PREFIX) :]
    current = sys.modules.get(name)
    if current is not None and not getattr(current, "__course_shim__", False):
        sys.modules[OURS_PREFIX + name] = current
    sys.modules[name] = sys.modules[stem]


def _write_helpers(folder: str, modules: dict[str, str]) -> str:
    os.makedirs(folder, exist_ok=True)
    for name, source in modules.items():
        with open(os.path.join(folder, os.path.basename(name)), "w", encoding="utf-8") as f:
            f.write(source)
    return folder


def _helper_folder(modules: dict[str, str], cache: str | None) -> str | None:
    """``cache/helpers-<digest>`` holding exactly ``modules`` (made if missing), or None."""
    import hashlib
    import shutil
    import tempfile

    if not cache:
        return None
    digest = hashlib.sha256(json.dumps(modules, sort_keys=True).encode()).hexdigest()[:20]
    folder = os.path.join(cache, f"helpers-{digest}")
    try:
        if not os.path.isdir(folder):
            os.makedirs(cache, mode=0o700, exist_ok=True)
            staging = _write_helpers(tempfile.mkdtemp(dir=cache), modules)
            try:
                os.rename(staging, folder)
            except OSError:  # another grader made it first
                shutil.rmtree(staging, ignore_errors=True)
        for name, source in modules.items():  # never import something else by that name
            with open(os.path.join(folder, os.path.basename(name)), encoding="utf-8") as f:
                if f.read() != source:
                    return None
    except OSError:
        return None
    return folder


def _reap(pid: int, grace: float | None) -> tuple[int | None, bool]:
    """``(wait status, killed here)`` of a worker. With ``grace=None`` only look (status
    None while it lives); else wait that long for it to end by itself, then SIGKILL it."""
    deadline = time.monotonic() + (grace or 0.0)
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status, False
            if grace is None:
                return None, False
            if time.monotonic() > deadline:
                with contextlib.suppress(OSError):
                    os.killpg(pid, 9)
                os.kill(pid, 9)
                return os.waitpid(pid, 0)[1], True
            time.sleep(0.0005)
    except ChildProcessError:
        return -1, False


def _become_worker(
    sock_fd: int,
    control: socket.socket,
    request: ForkRequest,
    grants: Sequence[Any],
    abi: int,
    facts: ZygoteReady,
) -> None:
    """In the forked child: confine, then serve. Never returns into the zygote's loop."""
    code = 0
    try:
        control.close()
        protections = _confine(request, grants, abi)
        protections["network_namespace"] = facts.network_namespace
        os.dup2(sock_fd, 3)
        os.closerange(4, 1 << 20)
        sock = socket.socket(fileno=3)
        runner = Runner()
        runner._release()
        send_frame(sock, encode_record(WorkerReady(protections=protections)))
        serve(sock, runner)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _confine(request: ForkRequest, grants: Sequence[Any], abi: int) -> dict[str, bool]:
    """Everything that must hold before the first student line runs (see module docstring)."""
    from grader.sandbox.worker import confinement

    zygote = os.getppid()
    os.setsid()
    confinement.die_with_parent()
    if os.getppid() != zygote:
        os._exit(71)
    megabyte = 1024 * 1024
    limits = {
        resource.RLIMIT_AS: request.memory_mb * megabyte,
        resource.RLIMIT_FSIZE: request.file_mb * megabyte,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NOFILE: 256,
        resource.RLIMIT_CPU: request.cpu_seconds,
    }
    for which, wanted in limits.items():
        _soft, hard = resource.getrlimit(which)
        value = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(which, (value, value))
    null_in = os.open(os.devnull, os.O_RDONLY)
    null_out = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null_in, 0)
    os.dup2(null_out, 1)
    os.dup2(null_out, 2)
    workdir = request.workdir
    os.chdir(workdir)
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in request.env.items()})
    sys.path[:] = [workdir] + [p for p in sys.path if p and p != workdir]
    sys.dont_write_bytecode = True
    protections = {"rlimits": True, "own_session": True}
    confinement.set_no_new_privs()
    own = confinement.open_grants([(workdir, confinement.READ_WRITE)])
    try:
        protections["landlock_filesystem"] = confinement.restrict([*grants, *own], abi)
    except OSError:
        protections["landlock_filesystem"] = False
    protections["landlock_network"] = protections["landlock_filesystem"] and abi >= 4
    protections["landlock_scope"] = protections["landlock_filesystem"] and abi >= 6
    ids = _SHARED["worker_ids"]
    # Only as root: a worker running as the grader's own user could write what the grader
    # writes, so that is not counted as a protection.
    protections["separate_user"] = ids is not None and confinement.drop_privileges(workdir, ids)
    if protections["separate_user"]:  # a change of user clears the parent-death signal
        confinement.die_with_parent()
        if os.getppid() != zygote:
            os._exit(71)
    protections["no_capabilities"] = confinement.drop_capabilities()
    protections["seccomp"] = confinement.install_seccomp()
    protections["secrets_unreadable"] = confinement.unreadable(_SHARED["secrets"])
    for fd in {null_in, null_out} - {0, 1, 2}:
        os.close(fd)
    return protections
