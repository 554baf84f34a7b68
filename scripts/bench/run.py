#!/usr/bin/env python3
"""Benchmark crategate on the shared 1087-crate workload.

Prints a Markdown table: bulk `index add` of every crate in one call
against the floors (cat, sha256sum, gzip -dc over the same files); one add
into an empty index and into a synthetic index of 150,000 crates; `check`
with the example policies against reading the same crates without a
policy (`index entry`); peak memory (max RSS) for each.

    python3 scripts/bench/run.py [--workload ../shared/bench/workload]
        [--cache DIR] [--runs N]

The workload's crates are fetched once with `cargo fetch` into a cargo
home under --cache (default: $TMPDIR/crategate-bench) and reused.
"""

import argparse
import os
import shutil
import statistics
import tempfile

import common
from common import ROOT, init_index, synthetic_index


def one_add(binary, index, crate, runs):
    """Median wall time and max RSS of adding one crate, resetting the branch each run."""
    base = common.rev(index)
    walls, rss = [], 0
    for _ in range(runs):
        wall, peak = common.timed([binary, "index", "add", "--index", index, crate])
        walls.append(wall)
        rss = max(rss, peak)
        common.set_ref(index, base)
    return statistics.median(walls), rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default=common.WORKLOAD)
    parser.add_argument("--cache", default=common.CACHE)
    parser.add_argument("--runs", type=int, default=11)
    common.add_binary_arg(parser)
    args = parser.parse_args()

    binary = common.binary(args)
    files = common.fetch_workload(args.workload, args.cache)
    mib = sum(os.path.getsize(f) for f in files) / 2**20
    listing = os.path.join(args.cache, "files.txt")
    with open(listing, "w") as fh:
        fh.write("\n".join(files) + "\n")

    rows = []
    # Warm the page cache so every row reads from memory.
    common.shell_wall(f"xargs cat < {listing} > /dev/null")
    for label, script in [
        ("floor: cat", f"xargs cat < {listing} > /dev/null"),
        ("floor: sha256sum", f"xargs sha256sum < {listing} > /dev/null"),
        ("floor: gzip -dc", f"xargs gzip -dc < {listing} > /dev/null"),
    ]:
        rows.append((label, common.shell_wall(script), None))
    gzip = rows[-1][1]

    work = tempfile.mkdtemp(prefix="crategate-bench-")
    try:
        index = os.path.join(work, "bulk.git")
        init_index(binary, index)
        wall, rss = common.timed([binary, "index", "add", "--index", index] + files)
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

        # strict.toml without its [[rule]] entries: what the custom rules cost.
        strict = open(os.path.join(ROOT, "policies/strict.toml")).read()
        without_rules = os.path.join(work, "strict-without-rules.toml")
        with open(without_rules, "w") as fh:
            fh.write(strict.split("\n[[rule]]")[0] + "\n")
        for label, cmd in [
            ("read without a policy (index entry, all crates)", ["index", "entry", "--mode", "mirror"]),
            ("check --policy strict.toml without its [[rule]] entries, all crates", ["check", "--format", "json", "--policy", without_rules]),
            ("check --policy policies/mirror.toml, all crates", ["check", "--format", "json", "--policy", os.path.join(ROOT, "policies/mirror.toml")]),
            ("check --policy policies/strict.toml, all crates", ["check", "--format", "json", "--policy", os.path.join(ROOT, "policies/strict.toml")]),
        ]:
            runs = [common.timed([binary] + cmd + files, ok=(0, 1)) for _ in range(5)]
            rows.append((label + " (median of 5)", statistics.median(r[0] for r in runs), max(r[1] for r in runs)))
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
    without = by_label["check --policy strict.toml without its [[rule]] entries, all crates"]
    strict_check = by_label["check --policy policies/strict.toml, all crates"]
    print(f"strict.toml / strict.toml without custom rules = {strict_check / without:.3f} (target <= 1.05)")


if __name__ == "__main__":
    main()
