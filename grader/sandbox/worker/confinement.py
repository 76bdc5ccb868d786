"""Kernel-enforced confinement of a worker process (Linux), through raw system calls.

Student code runs as ordinary Python, so nothing at the Python level can stop it: it can
import ``os`` and ``ctypes``. What does stop it is what the kernel enforces on the process
itself, set up here before the first student line runs and irreversible afterwards:

* **Landlock** (:func:`restrict`): the worker may read the Python installation and system
  folders it needs, read and write its own temporary folder, and nothing else. In particular
  not the grader's repository (case bundles, reference solution), not other temporary
  folders (other students' work), not the instructor's output folder. On kernels with
  Landlock ABI >= 4 TCP bind/connect are denied too, and with ABI >= 6 the worker can neither
  signal processes outside itself nor reach abstract unix sockets.
* **seccomp** (:func:`install_seccomp`): a small filter that refuses to start processes or
  threads (fork, clone, exec), to create sockets, memory files (``memfd_create``, whose
  pages ``RLIMIT_AS`` does not count), and a few calls that would let a process undo or get
  around the rest (ptrace, unshare/setns, mount, loading kernel modules, bpf, io_uring,
  signals aimed at other processes). It keeps the worker one thread of one process: killing
  its process group after a timeout really kills everything it started, and it cannot use up
  the host's process ids (``RLIMIT_NPROC`` would not do: it counts per user and does not
  apply to root at all). numpy computes with one BLAS thread and needs no other.
* **no capabilities** (:func:`drop_capabilities`): when the grader runs as root, the worker
  would otherwise be root too, able to load kernel modules or ignore file permissions.
* **an unprivileged user** (:func:`worker_ids`, :func:`drop_privileges`): run as root
  (Gradescope, Docker, CI), the worker becomes :data:`WORKER_USER` (made by the Gradescope
  ``setup.sh``), else ``nobody``, with no supplementary groups, before student code runs. What
  file permissions then deny it holds even without Landlock: it cannot write the installed
  grader, the bundles or the output folder, nor read a file only root may read (``setup.sh``
  makes the installed hidden bundle and the solution's packages so).
* **no network namespace** (:func:`isolate_network`), done once in the zygote so workers do
  not pay for it: an empty network namespace has no interface but an unconfigured loopback.

Everything degrades gracefully: each function reports whether it applied, and the sandbox
exposes that (:meth:`grader.sandbox.api.Sandbox.protections`).

The syscall numbers of Landlock (444-446) are the same on every architecture that has them;
the seccomp filter knows x86_64 and aarch64 and is skipped elsewhere.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import stat
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1

# Filesystem rights, with the ABI version that introduced them.
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
#: Rights that make sense on a file (the kernel refuses directory rights on a file rule).
_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1  # ABI 6

READ = FS_READ_FILE | FS_READ_DIR
READ_WRITE = (
    FS_READ_FILE
    | FS_READ_DIR
    | FS_WRITE_FILE
    | FS_REMOVE_DIR
    | FS_REMOVE_FILE
    | FS_MAKE_DIR
    | FS_MAKE_REG
    | FS_MAKE_SYM
    | FS_REFER
    | FS_TRUNCATE
)
DEVICE_READ_WRITE = FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    libc.syscall.restype = ctypes.c_long
    # Look every symbol up now, in the zygote: in a freshly forked worker the first lookup
    # (dlsym across numpy's many libraries, on copied-on-write pages) costs milliseconds.
    for name in ("syscall", "prctl", "unshare"):
        getattr(libc, name)
    return libc


_LIBC = _libc()


def _syscall(number: int, *args: object) -> int:
    """Raw syscall; returns the result or raises OSError with the kernel's errno."""
    if _LIBC is None:
        raise OSError(errno.ENOSYS, "not Linux")
    result = int(_LIBC.syscall(ctypes.c_long(number), *args))
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def _prctl(option: int, arg: int, arg3: int = 0) -> None:
    """prctl with every argument passed as a full unsigned long (the kernel checks unused
    ones are zero, and a 32-bit int in a 64-bit register is not guaranteed to be)."""
    if _LIBC is None:
        raise OSError(errno.ENOSYS, "not Linux")
    args = [ctypes.c_ulong(a) for a in (arg, arg3, 0, 0)]
    if _LIBC.prctl(ctypes.c_int(option), *args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is missing or disabled."""
    try:
        return _syscall(
            _SYS_LANDLOCK_CREATE_RULESET,
            None,
            ctypes.c_size_t(0),
            ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION),
        )
    except OSError:
        return 0


# --- planning (done once, in the zygote) ------------------------------------------------


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def readable_paths(roots: Iterable[str], forbidden: Iterable[str]) -> list[str]:
    """The paths to grant read access to: ``roots``, minus everything under ``forbidden``.

    Landlock can only add access, never carve an exception out of a granted folder, so a
    root that *contains* a forbidden path is replaced by its entries, recursively, leaving
    out the forbidden ones. A root that lies *inside* a forbidden folder is still granted
    (the project's virtualenv may live in the repository; the repository itself stays shut).
    Missing paths are dropped; the result has no path inside another.
    """
    banned = sorted({os.path.realpath(p) for p in forbidden})
    granted: list[str] = []

    def visit(path: str) -> None:
        if path in banned:
            return
        if not any(_is_within(b, path) for b in banned):
            granted.append(path)
            return
        try:
            entries = sorted(os.listdir(path))
        except OSError:
            return
        for name in entries:
            child = os.path.join(path, name)
            if not os.path.islink(child):
                visit(child)

    for root in sorted({os.path.realpath(r) for r in roots if os.path.exists(r)}):
        visit(root)
    granted.sort()
    kept: list[str] = []
    for path in granted:
        if not kept or not _is_within(path, kept[-1]):
            kept.append(path)
    return kept


@dataclass(frozen=True)
class Grant:
    """An opened path (``O_PATH`` descriptor) and the rights to give beneath it."""

    fd: int
    rights: int
    is_dir: bool


def open_grants(paths: Iterable[tuple[str, int]]) -> list[Grant]:
    """Open each path once; workers forked later reuse the descriptors (no path walks)."""
    grants = []
    for path, rights in paths:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except (OSError, AttributeError):
            continue
        grants.append(Grant(fd, rights, stat.S_ISDIR(os.fstat(fd).st_mode)))
    return grants


# --- applying (in each worker, before student code) --------------------------------------


def restrict(grants: Sequence[Grant], abi: int) -> bool:
    """Apply a Landlock domain allowing only ``grants``; True if the kernel enforces it.

    Requires ``no_new_privs`` (set by :func:`set_no_new_privs`). Every right the kernel knows
    is "handled", i.e. denied unless granted; TCP and (ABI >= 6) signals and abstract unix
    sockets outside the worker are denied outright.
    """
    if abi < 1:
        return False
    fs_mask = _FS_BY_ABI[max(v for v in _FS_BY_ABI if v <= abi)]
    net_mask = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    attr = struct.pack("=QQQ", fs_mask, net_mask, scoped)
    ruleset = _syscall(
        _SYS_LANDLOCK_CREATE_RULESET, attr, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0)
    )
    try:
        for grant in grants:
            rights = grant.rights & fs_mask
            if not grant.is_dir:
                rights &= _FILE_RIGHTS
            if not rights:
                continue
            rule = struct.pack("=Qi", rights, grant.fd)  # struct is packed: 12 bytes
            _syscall(
                _SYS_LANDLOCK_ADD_RULE,
                ctypes.c_int(ruleset),
                ctypes.c_int(_LANDLOCK_RULE_PATH_BENEATH),
                rule,
                ctypes.c_uint32(0),
            )
        _syscall(_SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    return True


def set_no_new_privs() -> None:
    """Needed by Landlock and seccomp; also makes set-uid programs powerless."""
    _prctl(_PR_SET_NO_NEW_PRIVS, 1)


def drop_capabilities() -> bool:
    """Empty the effective, permitted and inheritable capability sets (capset v3)."""
    header = struct.pack("=Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = bytes(24)  # two {effective, permitted, inheritable} u32 triples, all zero
    try:
        _syscall(126 if _arch() == "x86_64" else 91 if _arch() == "aarch64" else -1, header, data)
    except OSError:
        return False
    return True


#: The user the worker becomes when the grader runs as root (created by the Gradescope
#: ``setup.sh``); without it, ``nobody``, and without that, uid and gid 65534.
WORKER_USER = "dnn-grader"
_NOBODY = 65534


def worker_ids(needed: Iterable[str] = ()) -> tuple[int, int] | None:
    """``(uid, gid)`` the worker drops to; None when the grader is not root, or when that
    user could not read the folders in ``needed`` (the Python installation: one under
    ``/root`` is out of reach of any other user, and a worker that cannot import the
    standard library is no use)."""
    if os.geteuid() != 0:
        return None
    ids = _unprivileged_ids()
    if not all(reachable(path, *ids) for path in needed):
        return None
    return ids


def _unprivileged_ids() -> tuple[int, int]:
    import grp
    import pwd

    for name in (WORKER_USER, "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        if user.pw_uid != 0:
            return user.pw_uid, user.pw_gid
    try:
        return _NOBODY, grp.getgrnam("nogroup").gr_gid
    except KeyError:
        return _NOBODY, _NOBODY


def reachable(path: str, uid: int, gid: int) -> bool:
    """Whether the user ``uid`` (group ``gid``, no other groups) may list the folder ``path``:
    search permission on every folder above it, read and search on it."""
    real = os.path.realpath(path)
    parts = real.strip(os.sep).split(os.sep) if real != os.sep else []
    folders = [os.sep + os.sep.join(parts[:i]) for i in range(len(parts) + 1)]
    for index, folder in enumerate(folders):
        try:
            info = os.stat(folder)
        except OSError:
            return False
        shift = 6 if info.st_uid == uid else 3 if info.st_gid == gid else 0
        wanted = 0o5 if index == len(folders) - 1 else 0o1
        if (info.st_mode >> shift) & wanted != wanted:
            return False
    return True


def drop_privileges(workdir: str, ids: tuple[int, int]) -> bool:
    """Hand ``workdir`` (and what the grader put in it) to ``ids``, then become that user and
    group for good, with no supplementary groups; True once the process runs as it."""
    uid, gid = ids
    try:
        for folder, subfolders, files in os.walk(workdir):
            os.chown(folder, uid, gid, follow_symlinks=False)
            for name in subfolders + files:
                os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    except OSError:
        return False
    return os.getresuid() == (uid, uid, uid) and os.getgroups() == []


def unreadable(paths: Iterable[str]) -> bool:
    """Whether this process can open none of ``paths`` for reading (missing ones count as
    unreadable): the proof that a file the grader keeps secret is out of its reach."""
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            continue
        os.close(fd)
        return False
    return True


def isolate_network() -> bool:
    """Move the calling process into a new, empty network namespace (root, or via a userns)."""
    if _LIBC is None:
        return False
    if _LIBC.unshare(_CLONE_NEWNET) == 0:
        return True
    uid, gid = os.getuid(), os.getgid()
    if _LIBC.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return False
    # Map our own ids so files we create keep their usual owner and os.getuid() is unchanged.
    for name, text in (
        ("setgroups", "deny"),
        ("uid_map", f"{uid} {uid} 1"),
        ("gid_map", f"{gid} {gid} 1"),
    ):
        try:
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
        except OSError:
            pass
    return True


# --- seccomp -----------------------------------------------------------------------------

# Denied outright (EPERM): process creation and exec, sockets, and ways around the rest.
_DENY = {
    "x86_64": {
        "fork": 57,
        "vfork": 58,
        "execve": 59,
        "execveat": 322,
        "socket": 41,
        "socketpair": 53,
        "ptrace": 101,
        "process_vm_readv": 310,
        "process_vm_writev": 311,
        "unshare": 272,
        "setns": 308,
        "mount": 165,
        "init_module": 175,
        "finit_module": 313,
        "kexec_load": 246,
        "bpf": 321,
        "perf_event_open": 298,
        "userfaultfd": 323,
        "keyctl": 250,
        "add_key": 248,
        "request_key": 249,
        "tkill": 200,
        "pidfd_open": 434,
        "pidfd_send_signal": 424,
        "io_uring_setup": 425,
        "io_uring_enter": 426,
        "io_uring_register": 427,
        "personality": 135,
        "clone": 56,
        "memfd_create": 319,
        "memfd_secret": 447,
    },
    "aarch64": {
        "execve": 221,
        "execveat": 281,
        "socket": 198,
        "socketpair": 199,
        "ptrace": 117,
        "process_vm_readv": 270,
        "process_vm_writev": 271,
        "unshare": 97,
        "setns": 268,
        "mount": 40,
        "init_module": 105,
        "finit_module": 273,
        "kexec_load": 104,
        "bpf": 280,
        "perf_event_open": 241,
        "userfaultfd": 282,
        "keyctl": 219,
        "add_key": 217,
        "request_key": 218,
        "tkill": 130,
        "pidfd_open": 434,
        "pidfd_send_signal": 424,
        "io_uring_setup": 425,
        "io_uring_enter": 426,
        "io_uring_register": 427,
        "personality": 92,
        "clone": 220,
        "memfd_create": 279,
        "memfd_secret": 447,
    },
}
# Signals: allowed only when the first argument (the target) is the worker itself.
_SELF_ONLY = {
    "x86_64": {"kill": 62, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297},
    "aarch64": {"kill": 129, "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240},
}
_CLONE3 = 435
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}

_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_ABS_W = 0x20
_JEQ = 0x15
_JGE = 0x35
_RET = 0x06


def _arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)


def seccomp_program(arch: str, own_pid: int) -> list[tuple[int, int, int, int]]:
    """The classic-BPF filter as ``(code, jt, jf, k)`` instructions (see module docstring).

    Jumps are written with labels and resolved here, since BPF jumps are relative offsets.
    """
    deny, self_only = _DENY[arch], _SELF_ONLY[arch]
    # An item is an instruction (code, jump-if-true, jump-if-false, k) or a label (a str).
    code: list[str | tuple[int, int | str, int | str, int]] = [
        (_LD_ABS_W, 0, 0, 4),  # seccomp_data.arch
        (_JEQ, 0, "deny", _AUDIT_ARCH[arch]),
        (_LD_ABS_W, 0, 0, 0),  # seccomp_data.nr
    ]
    if arch == "x86_64":
        code.append((_JGE, "deny", 0, 0x40000000))  # x32 syscalls
    code += [(_JEQ, "deny", 0, nr) for nr in sorted(deny.values())]
    code += [(_JEQ, "self", 0, nr) for nr in sorted(self_only.values())]
    code += [
        (_JEQ, "nosys", 0, _CLONE3),  # glibc then falls back to clone, which is denied
        (_RET, 0, 0, _RET_ALLOW),
        "self",
        (_LD_ABS_W, 0, 0, 16),  # low half of args[0]: the target pid
        (_JEQ, "allow", 0, own_pid),
        (_JEQ, "allow", "deny", 0),  # 0: our own process group, which is only us
        "nosys",
        (_RET, 0, 0, _RET_ERRNO | errno.ENOSYS),
        "allow",
        (_RET, 0, 0, _RET_ALLOW),
        "deny",
        (_RET, 0, 0, _RET_ERRNO | errno.EPERM),
    ]
    labels: dict[str, int] = {}
    body: list[tuple[int, int | str, int | str, int]] = []
    for item in code:
        if isinstance(item, str):
            labels[item] = len(body)
        else:
            body.append(item)

    def offset(at: int, jump: int | str) -> int:
        return labels[jump] - at - 1 if isinstance(jump, str) else jump

    return [(c, offset(i, jt), offset(i, jf), k) for i, (c, jt, jf, k) in enumerate(body)]


def install_seccomp() -> bool:
    """Install :func:`seccomp_program` for this process; False where unsupported."""
    arch = _arch()
    if _LIBC is None or arch not in _DENY:
        return False
    program = seccomp_program(arch, os.getpid())
    filters = b"".join(struct.pack("=HBBI", c, jt, jf, k) for c, jt, jf, k in program)
    buffer = ctypes.create_string_buffer(filters, len(filters))
    fprog = struct.pack("=HxxxxxxQ", len(program), ctypes.addressof(buffer))
    fprog_buffer = ctypes.create_string_buffer(fprog, len(fprog))
    try:
        _prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog_buffer))
    except OSError:
        return False
    return True


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent (the zygote) exits."""
    import signal

    _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
