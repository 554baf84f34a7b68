"""Helpers shared by the benchmark scripts in this directory.

Timing (wall time and peak RSS via GNU time), the 1087-crate workload
(fetched once with `cargo fetch` into a cargo home under the cache
directory), registries (an index made with `crategate init`, a bare crate
repository with the hooks installed), synthetic data written straight into
git with `git fast-import` (index entries, small valid `.crate` files), and
Markdown tables.
"""

import glob
import gzip
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKLOAD = os.path.join(ROOT, "..", "shared", "bench", "workload")
CACHE = os.path.join(tempfile.gettempdir(), "crategate-bench")
ZERO_SHA = "0" * 64

# A scrubbed environment for every git and crategate child: nothing from a
# surrounding git process (GIT_DIR and friends) leaks into the registries.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


def run(cmd, **kw):
    kw.setdefault("env", ENV)
    return subprocess.run(cmd, check=True, **kw)


def quiet(cmd, **kw):
    return run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def git(git_dir, *args, **kw):
    return run(["git", "--git-dir", git_dir] + list(args), **kw)


def rev(git_dir, ref="refs/heads/main"):
    out = subprocess.check_output(["git", "--git-dir", git_dir, "rev-parse", ref], env=ENV)
    return out.decode().strip()


def set_ref(git_dir, value, ref="refs/heads/main"):
    git(git_dir, "update-ref", ref, value)


def timed(cmd, ok=(0,), **kw):
    """Wall seconds and peak RSS (KiB) of one command, via GNU time.

    `ok` lists the exit codes that count as having run (a verdict of 1 is
    an answer, not a failure, for `check`); None takes any."""
    with tempfile.NamedTemporaryFile("r") as out:
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        kw.setdefault("env", ENV)
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + cmd, **kw)
        wall = time.perf_counter() - start
        if ok is not None and proc.returncode not in ok:
            sys.exit(f"{' '.join(cmd[:4])} failed (exit {proc.returncode})")
        rss = int(out.read().strip().splitlines()[-1])
    return wall, rss


def wall(cmd, **kw):
    """Wall seconds of one command that must succeed."""
    kw.setdefault("stdout", subprocess.DEVNULL)
    start = time.perf_counter()
    run(cmd, **kw)
    return time.perf_counter() - start


def shell_wall(script):
    return wall(["bash", "-c", script])


def median(values):
    return statistics.median(values)


def build_release():
    """The release binary of this checkout, built if needed."""
    run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT)
    return os.path.join(ROOT, "target", "release", "crategate")


def add_binary_arg(parser):
    parser.add_argument("--binary", help="measure this crategate binary (default: build this checkout's release)")


def binary(args):
    """The binary `--binary` names, else this checkout's release build."""
    return os.path.abspath(args.binary) if args.binary else build_release()


def fetch_workload(workload=WORKLOAD, cache=CACHE):
    """The workload's `.crate` files, fetched once into `cache`."""
    home = os.path.join(cache, "cargo-home")
    pattern = os.path.join(home, "registry/cache/*/*.crate")
    files = sorted(glob.glob(pattern))
    if len(files) < 1087:
        env = dict(ENV, CARGO_HOME=home)
        manifest = os.path.join(os.path.abspath(workload), "Cargo.toml")
        run(["cargo", "fetch", "--locked", "--manifest-path", manifest], env=env)
        files = sorted(glob.glob(pattern))
    return files


def median_crate(files):
    """The workload crate of median size: a typical crate."""
    by_size = sorted(files, key=os.path.getsize)
    return by_size[len(by_size) // 2]


def init_index(binary, path, mode="alternate", layout="flat"):
    shutil.rmtree(path, ignore_errors=True)
    shard = "{lowerprefix}/" if layout == "sharded" else ""
    quiet([binary, "init", "--index", path, "--mode", mode, "--layout", layout,
           "--dl", f"https://pages.invalid/{shard}{{crate}}-{{version}}.crate",
           "--index-url", "sparse+https://pages.invalid/index/"])


def bare_repo(path):
    shutil.rmtree(path, ignore_errors=True)
    quiet(["git", "init", "--bare", "-b", "main", path])


def install_hooks(binary, repo, index, policy, hook_binary=None):
    cmd = [binary, "install", "--repo", repo, "--index", index, "--policy", policy]
    if hook_binary:
        cmd += ["--binary", hook_binary]
    quiet(cmd)


def timing_wrapper(binary, path, log):
    """A script that runs `binary` and appends `<hook> <nanoseconds>` to `log`:
    installed as the hooks' binary, it times each hook invocation."""
    with open(path, "w") as fh:
        fh.write(
            "#!/bin/sh\n"
            "start=$(date +%s%N)\n"
            f"'{binary}' \"$@\"\n"
            "rc=$?\n"
            f"echo \"$2 $(( $(date +%s%N) - start ))\" >> '{log}'\n"
            "exit $rc\n"
        )
    os.chmod(path, 0o755)
    return path


def read_hook_log(log):
    """{hook: [seconds, ...]} from a timing wrapper's log, then empties it."""
    times = {}
    if os.path.exists(log):
        with open(log) as fh:
            for line in fh:
                hook, ns = line.split()
                times.setdefault(hook, []).append(int(ns) / 1e9)
        os.remove(log)
    return times


class Server:
    """A bare crate repository on the "server": with `policy`, it gets its
    own index (`crategate init --mode mode`) and, after `install()`, the
    hooks; with `timed`, the hooks run through a timing wrapper; `layout`
    is the index's crate layout (`flat` or `sharded`)."""

    def __init__(self, binary, work, name, policy=None, mode="alternate", timed=False, layout="flat"):
        self.binary, self.policy = binary, policy
        self.repo = os.path.join(work, name + ".git")
        self.index = os.path.join(work, name + "-index.git") if policy else None
        self.log = os.path.join(work, name + "-hooks.log") if timed else None
        self.wrapper = os.path.join(work, name + "-wrap.sh") if timed else None
        self.base = self.index_base = None
        bare_repo(self.repo)
        if policy:
            init_index(binary, self.index, mode, layout)

    def install(self):
        hook_binary = timing_wrapper(self.binary, self.wrapper, self.log) if self.log else None
        install_hooks(self.binary, self.repo, self.index, self.policy, hook_binary)

    def push(self, client, source):
        """Wall seconds of pushing `source` (a commit or ref of `client`) to main."""
        return wall(["git", "--git-dir", client, "push", "-q", self.repo, f"{source}:refs/heads/main"],
                    stderr=subprocess.DEVNULL)

    def mark(self):
        """Remember the current tips, to go back to after each run."""
        self.base = rev(self.repo)
        self.index_base = rev(self.index) if self.index else None
        self.hook_times()

    def reset(self):
        set_ref(self.repo, self.base)
        if self.index:
            set_ref(self.index, self.index_base)

    def published(self):
        """The subject of the index's tip commit, if it moved since `mark()`."""
        if not self.index or rev(self.index) == self.index_base:
            return None
        out = subprocess.check_output(["git", "--git-dir", self.index, "log", "-1", "--format=%s"], env=ENV)
        return out.decode().strip()

    def hook_times(self):
        return read_hook_log(self.log) if self.log else {}


def fast_import(git_dir, files, message, branch="refs/heads/main", parent=True):
    """One commit on `branch` adding `files` ((path, bytes) pairs), written
    with `git fast-import`. `parent`: True continues the branch, a ref name
    starts from that ref's tree, False makes a root commit."""
    proc = subprocess.Popen(["git", "--git-dir", git_dir, "fast-import", "--quiet"],
                            stdin=subprocess.PIPE, env=ENV)
    out = proc.stdin
    msg = message.encode()
    out.write(b"commit %s\ncommitter bench <bench@invalid> 0 +0000\ndata %d\n%s\n"
              % (branch.encode(), len(msg), msg))
    if parent:
        start = branch if parent is True else parent
        out.write(b"from %s^0\n" % start.encode())
    for path, data in files:
        out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)) + data + b"\n")
    out.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")


def crate_path(name, version="1.0.0", layout="flat"):
    """Where a crate repository of `layout` keeps `name` `version`: at the
    top, or under the index directory of the name (sharded)."""
    file = f"{name}-{version}.crate"
    if layout == "sharded":
        return index_path(name).rsplit("/", 1)[0] + "/" + file
    return file


def index_path(name):
    n = name.lower()
    if len(n) <= 2:
        return f"{len(n)}/{n}"
    if len(n) == 3:
        return f"3/{n[0]}/{n}"
    return f"{n[:2]}/{n[2:4]}/{n}"


def synthetic_entries(count, seed=150):
    """(path, line) for `count` one-version crates with realistic names:
    random letters, then a unique suffix."""
    line = '{"name":"%s","vers":"1.0.0","deps":[],"cksum":"' + ZERO_SHA + '","features":{},"yanked":false}\n'
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i in range(count):
        name = "".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) + "-%d" % i
        yield index_path(name), (line % name).encode()


def synthetic_index(binary, path, count, mode="alternate"):
    """An index of `count` one-version crates (`crategate init`, then one
    fast-import commit)."""
    init_index(binary, path, mode)
    add_synthetic_entries(path, count, "synthetic index")


def add_synthetic_entries(path, count, message):
    fast_import(path, synthetic_entries(count), message)
    git(path, "gc", "--quiet")


def tar_bytes(members):
    """A gzip'd tar of `members` ((tarinfo, bytes or None) pairs)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return gzip.compress(raw.getvalue(), mtime=0)


def file_info(path, data, mode=0o644):
    info = tarfile.TarInfo(path)
    info.size = len(data)
    info.mode = mode
    return info


def manifest(name, version):
    return (f'[package]\nedition = "2021"\nname = "{name}"\nversion = "{version}"\n'
            f'description = "A synthetic crate for the crategate benchmark"\n'
            f'license = "MIT"\n').encode()


def synthetic_crate(name, version="1.0.0", extra=()):
    """A small valid `.crate`: Cargo.toml and src/lib.rs under
    `{name}-{version}/`, plus `extra` (path, bytes) files."""
    root = f"{name}-{version}"
    lib = f"//! {name}\npub fn answer() -> u32 {{ {len(name)} }}\n".encode()
    members = [(file_info(f"{root}/Cargo.toml", manifest(name, version)), manifest(name, version)),
               (file_info(f"{root}/src/lib.rs", lib), lib)]
    members += [(file_info(f"{root}/{p}", d), d) for p, d in extra]
    return tar_bytes(members)


def table(headers, rows, align=None):
    """A Markdown table; `align` is a string of `l`/`r` per column."""
    align = align or "l" + "r" * (len(headers) - 1)
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def secs(value):
    """A duration for a table: ms below a second, else seconds."""
    if value is None:
        return ""
    if abs(value) < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def mib(kib):
    return "" if kib is None else f"{kib / 1024:.1f} MiB"
