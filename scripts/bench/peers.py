#!/usr/bin/env python3
"""crategate against cargo-index, on the same crates and the same hostile files.

Installs `cargo-index` (the tool the registry-in-git pattern started with)
from crates.io into a temporary root, once, and prints Markdown tables:

1. The 1087-crate workload: the floors (cat, sha256sum, gzip -dc over the
   files), bulk add (crategate: one call; cargo-index: one call per crate,
   its only way), one add into an empty index and into one of 150,000
   crates, peak memory of each.
2. Hostile `.crate` files (hostile.py): which each tool accepts into its
   index, and what it says.

    python3 scripts/bench/peers.py [--runs 5] [--cap N] [--skip-hostile] [--skip-workload]

`--cap N` adds only the first N workload crates with cargo-index and
extrapolates the bulk time linearly (an underestimate: its cost per add
grows with the index). The install is kept under $TMPDIR/crategate-bench.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import common
import hostile
from common import median, mib, secs

PEER_ROOT = os.path.join(common.CACHE, "peers", "cargo-index")
INDEX_URL = "https://git.example.invalid/index.git"
DL = "https://pages.example.invalid/{crate}-{version}.crate"
TIMEOUT = 300


def install_cargo_index():
    binary = os.path.join(PEER_ROOT, "bin", "cargo-index")
    if not os.path.exists(binary):
        base = ["cargo", "install", "--root", PEER_ROOT, "cargo-index"]
        if subprocess.run(base + ["--locked"], env=common.ENV).returncode != 0:
            common.run(base)
    version = subprocess.check_output([binary, "index", "--version"], env=common.ENV).decode().split()[-1]
    return binary, f"cargo-index {version}"


def peer_index(peer, path, entries=0):
    """A cargo-index index (a git work tree) with `entries` synthetic
    crates checked out; returns its base commit."""
    shutil.rmtree(path, ignore_errors=True)
    common.quiet([peer, "index", "init", "--index", path, "--dl", DL])
    git_dir = os.path.join(path, ".git")
    branch = subprocess.check_output(["git", "-C", path, "symbolic-ref", "HEAD"], env=common.ENV).decode().strip()
    if entries:
        common.fast_import(git_dir, common.synthetic_entries(entries), "synthetic index", branch)
        common.quiet(["git", "-C", path, "reset", "--hard", "-q"])
    return common.rev(git_dir, "HEAD")


def peer_reset(path, base):
    common.quiet(["git", "-C", path, "reset", "--hard", "-q", base])
    common.quiet(["git", "-C", path, "clean", "-fdxq"])


def peer_add(peer, path, crate, ok=(0,)):
    return common.timed([peer, "index", "add", "--index", path, "--index-url", INDEX_URL, "--crate", crate],
                        ok=ok, timeout=TIMEOUT)


def floors(files, work):
    listing = os.path.join(work, "files.txt")
    with open(listing, "w") as fh:
        fh.write("\n".join(files) + "\n")
    common.shell_wall(f"xargs cat < {listing} > /dev/null")  # warm the page cache
    return [(label, common.shell_wall(f"xargs {cmd} < {listing} > /dev/null"))
            for label, cmd in (("cat", "cat"), ("sha256sum", "sha256sum"), ("gzip -dc", "gzip -dc"))]


def peer_bulk(peer, work, files, cap):
    path = os.path.join(work, "peer-bulk")
    peer_index(peer, path)
    chosen = files[:cap] if cap else files
    start, peak = time.perf_counter(), 0
    for crate in chosen:
        peak = max(peak, peer_add(peer, path, crate, ok=None)[1])
    total = time.perf_counter() - start
    added = int(subprocess.check_output(["git", "-C", path, "rev-list", "--count", "HEAD"], env=common.ENV)) - 1
    failed = len(chosen) - added
    return total, peak, len(chosen), failed


def one_adds(binary, peer, work, probe, entries, runs):
    """Median wall and peak RSS of one add into an index of `entries` crates, for both tools."""
    ours = os.path.join(work, f"ours-{entries}.git")
    if entries:
        common.synthetic_index(binary, ours, entries)
    else:
        common.init_index(binary, ours)
    ours_base = common.rev(ours)
    theirs = os.path.join(work, f"peer-{entries}")
    theirs_base = peer_index(peer, theirs, entries)
    results = {"crategate": [], "cargo-index": []}
    for _ in range(runs):
        results["crategate"].append(common.timed([binary, "index", "add", "--index", ours, probe]))
        common.set_ref(ours, ours_base)
        results["cargo-index"].append(peer_add(peer, theirs, probe))
        peer_reset(theirs, theirs_base)
    return {tool: (median(r[0] for r in rs), max(r[1] for r in rs)) for tool, rs in results.items()}


def workload_tables(binary, peer, version, work, args):
    files = common.fetch_workload()
    probe = next(f for f in files if os.path.basename(f).startswith("serde_json-"))
    floor = floors(files, work)
    ours = []
    for _ in range(3):
        index = os.path.join(work, "ours-bulk.git")
        common.init_index(binary, index)
        ours.append(common.timed([binary, "index", "add", "--index", index] + files))
    ours_wall, ours_rss = median(r[0] for r in ours), max(r[1] for r in ours)
    peer_wall, peer_rss, peer_n, peer_failed = peer_bulk(peer, work, files, args.cap)
    empty = one_adds(binary, peer, work, probe, 0, args.runs)
    big = one_adds(binary, peer, work, probe, 150_000, args.runs)

    gzip = floor[-1][1]
    print(f"\n### crategate and {version} on the workload ({len(files)} crates, "
          f"{sum(os.path.getsize(f) for f in files) / 2**20:.0f} MiB)\n")
    rows = [(f"floor: {label}, all crates", secs(w), "", f"{w / gzip:.2f}") for label, w in floor]
    rows.append((f"crategate index add, all {len(files)} in one call (median of 3)",
                 secs(ours_wall), mib(ours_rss), f"**{ours_wall / gzip:.2f}**"))
    label = f"cargo-index add, one call per crate, all {peer_n}"
    shown = peer_wall
    if peer_n < len(files):
        shown = peer_wall * len(files) / peer_n
        label = f"cargo-index add, one call per crate: {peer_n} measured, {len(files)} extrapolated"
    rows.append((label, secs(shown), mib(peer_rss) + " (one call)", f"{shown / gzip:.2f}"))
    for name, result in (("an empty index", empty), ("a 150,000-crate index", big)):
        for tool in ("crategate", "cargo-index"):
            wall, rss = result[tool]
            rows.append((f"{tool}: one add (serde_json) into {name} (median of {args.runs})",
                         secs(wall), mib(rss), ""))
    print(common.table(["what", "wall time", "peak memory", "/ gzip -dc"], rows))
    if peer_failed:
        print(f"\ncargo-index refused {peer_failed} of the {peer_n} workload crates it was given.")


def verdict_line(proc, path):
    """The tool's first line of output, the file's path shortened, and for
    crategate the rule id alone."""
    text = (proc.stderr + proc.stdout).decode(errors="replace").replace(path, "FILE")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.startswith("error[") and "]" in first:
        first = "`" + first[len("error["):first.index("]")] + "`"
    first = first.removeprefix("Error: ")
    return first.replace("|", "\\|")[:90]


def hostile_table(binary, peer, work):
    print("\n### Hostile `.crate` files: accepted into the index?\n")
    ours = os.path.join(work, "hostile-ours.git")
    common.init_index(binary, ours)
    ours_base = common.rev(ours)
    theirs = os.path.join(work, "hostile-peer")
    theirs_base = peer_index(peer, theirs)
    rows = []
    for label, file_name, description, data in hostile.cases():
        case_dir = os.path.join(work, "case")
        shutil.rmtree(case_dir, ignore_errors=True)
        os.mkdir(case_dir)
        path = os.path.join(case_dir, file_name)
        with open(path, "wb") as fh:
            fh.write(data)
        verdicts = []
        for cmd, reset in (
            ([binary, "index", "add", "--index", ours, path], lambda: common.set_ref(ours, ours_base)),
            ([peer, "index", "add", "--index", theirs, "--index-url", INDEX_URL, "--crate", path],
             lambda: peer_reset(theirs, theirs_base)),
        ):
            start = time.perf_counter()
            try:
                proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, env=common.ENV)
                took = time.perf_counter() - start
                shown = "**accepted**" if proc.returncode == 0 else "refused"
                verdicts.append(f"{shown} ({secs(took)}): {verdict_line(proc, path)}")
            except subprocess.TimeoutExpired:
                verdicts.append(f"no answer in {TIMEOUT} s")
            reset()
        rows.append((label, description, f"{len(data):,} B", *verdicts))
    print(common.table(["case", "the file", "size", "crategate index add", "cargo-index add"], rows, "lllll"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each one-crate add")
    parser.add_argument("--cap", type=int, default=0, help="add only this many crates with cargo-index")
    parser.add_argument("--skip-workload", action="store_true")
    parser.add_argument("--skip-hostile", action="store_true")
    common.add_binary_arg(parser)
    args = parser.parse_args()
    binary = common.binary(args)
    peer, version = install_cargo_index()
    work = tempfile.mkdtemp(prefix="crategate-bench-peers-")
    try:
        if not args.skip_workload:
            workload_tables(binary, peer, version, work, args)
        if not args.skip_hostile:
            hostile_table(binary, peer, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{os.cpu_count()} cores; {version} from crates.io in {PEER_ROOT}")


if __name__ == "__main__":
    sys.exit(main())
