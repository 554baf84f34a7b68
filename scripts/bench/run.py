#!/usr/bin/env python3
"""Benchmark crategate on the shared 1087-crate workload.

Prints a Markdown table: bulk `index add` of every crate in one call
against the floors (cat, sha256sum, gzip -dc over the same files); one add
into an empty index and into a synthetic index of 150,000 crates; `check`
with the example policies against reading the same crates without a
policy (`index entry`); peak memory (max RSS) for each.

    python3 scripts/bench/index.py [--workload ../shared/bench/workload]
        [--cache DIR] [--runs N]

The workload's crates are fetched once with `cargo fetch` into a cargo
home under --cache (default: $TMPDIR/crategate-bench) and reused.
"""

import argparse
import glob
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, stdout=subprocess.DEVNULL):
    """Wall seconds and max RSS (KiB) of one command, via GNU time."""
    with tempfile.NamedTemporaryFile("r") as out:
        start = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", out.name] + cmd,
            check=True,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - start
        rss = int(out.read().strip().splitlines()[-1])
    return wall, rss


def timed_ok(cmd):
    """Like `timed`, for commands whose exit code is a verdict (0 or 1)."""
    with tempfile.NamedTemporaryFile("r") as out:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", out.name] + cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            sys.exit(f"{cmd[:3]} could not run (exit {proc.returncode})")
        rss = int(out.read().strip().splitlines()[-1])
    return wall, rss


def shell_timed(script):
    start = time.perf_counter()
    run(["bash", "-c", script], stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def fetch_workload(workload, cache):
    home = os.path.join(cache, "cargo-home")
    files = sorted(glob.glob(os.path.join(home, "registry/cache/*/*.crate")))
    if len(files) < 1087:
        env = dict(os.environ, CARGO_HOME=home)
        run(["cargo", "fetch", "--locked", "--manifest-path", os.path.join(workload, "Cargo.toml")], env=env)
        files = sorted(glob.glob(os.path.join(home, "registry/cache/*/*.crate")))
    return files


def crategate(binary, *args, **kw):
    return run([binary] + list(args), stdout=subprocess.DEVNULL, **kw)


def init_index(binary, path):
    shutil.rmtree(path, ignore_errors=True)
    crategate(binary, "init", "--index", path, "--dl", "https://pages.invalid/{crate}-{version}.crate",
              "--index-url", "sparse+https://pages.invalid/index/")


def synthetic_index(binary, path, count):
    """An index of `count` one-version crates, written with git fast-import."""
    init_index(binary, path)
    line = '{"name":"%s","vers":"1.0.0","deps":[],"cksum":"' + "0" * 64 + '","features":{},"yanked":false}\n'
    proc = subprocess.Popen(["git", "--git-dir", path, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = proc.stdin
    out.write(b"commit refs/heads/main\ncommitter bench <bench@invalid> 0 +0000\ndata 15\nsynthetic index\nfrom refs/heads/main^0\n")
    rng = random.Random(150)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i in range(count):
        # Spread like real names: random letters, then a unique suffix.
        name = "".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) + "-%d" % i
        data = (line % name).encode()
        index_path = "%s/%s/%s" % (name[:2], name[2:4], name)
        out.write(b"M 100644 inline %s\ndata %d\n" % (index_path.encode(), len(data)) + data + b"\n")
    out.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    run(["git", "--git-dir", path, "gc", "--quiet"])


def one_add(binary, index, crate, runs):
    """Median wall time and max RSS of adding one crate, resetting the branch each run."""
    base = subprocess.check_output(["git", "--git-dir", index, "rev-parse", "main"]).strip().decode()
    walls, rss = [], 0
    for _ in range(runs):
        wall, peak = timed([binary, "index", "add", "--index", index, crate])
        walls.append(wall)
        rss = max(rss, peak)
        run(["git", "--git-dir", index, "update-ref", "refs/heads/main", base])
    return statistics.median(walls), rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default=os.path.join(ROOT, "..", "shared", "bench", "workload"))
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "crategate-bench"))
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()

    run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT)
    binary = os.path.join(ROOT, "target", "release", "crategate")
    files = fetch_workload(os.path.abspath(args.workload), args.cache)
    mib = sum(os.path.getsize(f) for f in files) / 2**20
    listing = os.path.join(args.cache, "files.txt")
    with open(listing, "w") as fh:
        fh.write("\n".join(files) + "\n")

    rows = []
    # Warm the page cache so every row reads from memory.
    shell_timed(f"xargs cat < {listing} > /dev/null")
    for label, script in [
        ("floor: cat", f"xargs cat < {listing} > /dev/null"),
        ("floor: sha256sum", f"xargs sha256sum < {listing} > /dev/null"),
        ("floor: gzip -dc", f"xargs gzip -dc < {listing} > /dev/null"),
    ]:
        rows.append((label, shell_timed(script), None))
    gzip = rows[-1][1]

    work = tempfile.mkdtemp(prefix="crategate-bench-")
    try:
        index = os.path.join(work, "bulk.git")
        init_index(binary, index)
        wall, rss = timed([binary, "index", "add", "--index", index] + files)
        rows.append((f"index add, all {len(files)} crates in one call", wall, rss))

        empty = os.path.join(work, "empty.git")
        init_index(binary, empty)
        probe = next(f for f in files if os.path.basename(f).startswith("serde_json-"))
        wall, rss = one_add(binary, empty, probe, args.runs)
        rows.append((f"index add, one crate into an empty index (median of {args.runs})", wall, rss))

        big = os.path.join(work, "big.git")
        synthetic_index(binary, big, 150_000)
        wall, rss = one_add(binary, big, probe, args.runs)
        rows.append((f"index add, one crate into a 150,000-crate index (median of {args.runs})", wall, rss))

        for label, cmd in [
            ("read without a policy (index entry, all crates)", ["index", "entry", "--mode", "mirror"]),
            ("check --policy policies/mirror.toml, all crates", ["check", "--format", "json", "--policy", os.path.join(ROOT, "policies/mirror.toml")]),
            ("check --policy policies/strict.toml, all crates", ["check", "--format", "json", "--policy", os.path.join(ROOT, "policies/strict.toml")]),
        ]:
            runs = [timed_ok([binary] + cmd + files) for _ in range(3)]
            rows.append((label + " (median of 3)", statistics.median(r[0] for r in runs), max(r[1] for r in runs)))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nWorkload: {len(files)} crates, {mib:.0f} MiB compressed; {os.cpu_count()} cores\n")
    print("| what | wall time | peak memory |")
    print("|---|---:|---:|")
    for label, wall, rss in rows:
        mem = f"{rss / 1024:.1f} MiB" if rss is not None else ""
        shown = f"{wall * 1000:.1f} ms" if wall < 1 else f"{wall:.2f} s"
        print(f"| {label} | {shown} | {mem} |")
    by_label = {label.split(" (")[0]: wall for label, wall, _ in rows}
    bulk = by_label["index add, all %d crates in one call" % len(files)]
    print(f"\nbulk add / gzip -dc = {bulk / gzip:.2f} (target <= 0.50)")
    read = by_label["read without a policy"]
    for name in ("mirror", "strict"):
        check = by_label[f"check --policy policies/{name}.toml, all crates"]
        print(f"check with {name}.toml / reading without a policy = {check / read:.2f} (target <= 1.10)")


if __name__ == "__main__":
    main()
