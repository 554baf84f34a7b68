#!/usr/bin/env python3
"""Hostile manifests: findings by the tens of thousands in one crate.

Builds two crates whose packaged Cargo.toml declares `count` dependencies
on `"*"` (each a `dependency-wildcard` finding under policies/default.toml):
one dependency per line, and all of them in one inline table on one line.
Prints a Markdown table of `crategate check` wall time and peak memory.

    python3 scripts/bench/manifests.py [--count 60000] [--binary PATH]
"""

import argparse
import os
import shutil
import tempfile

import common
from common import secs

POLICY = os.path.join(common.ROOT, "policies", "default.toml")


def crate(work, name, text):
    """Writes `{name}-1.0.0.crate` holding `text` as its Cargo.toml."""
    root = f"{name}-1.0.0"
    data = text.encode()
    path = os.path.join(work, f"{root}.crate")
    with open(path, "wb") as out:
        out.write(common.tar_bytes([
            (common.file_info(f"{root}/Cargo.toml", data), data),
            (common.file_info(f"{root}/src/lib.rs", b""), b""),
        ]))
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60_000, help="dependencies per manifest")
    common.add_binary_arg(parser)
    args = parser.parse_args()
    binary = common.binary(args)
    work = tempfile.mkdtemp(prefix="crategate-bench-manifests-")
    try:
        lines = "".join(f'd{i} = "*"\n' for i in range(args.count))
        inline = ", ".join(f'd{i} = "*"' for i in range(args.count))
        cases = [
            (f"{args.count:,} dependencies on `*`, one per line", "per-line",
             lambda name: common.manifest(name, "1.0.0").decode() + "[dependencies]\n" + lines),
            (f"the same, one inline table on one line", "one-line",
             lambda name: f"dependencies = {{ {inline} }}\n" + common.manifest(name, "1.0.0").decode()),
        ]
        rows = []
        for label, name, text in cases:
            path = crate(work, name, text(name))
            wall, rss = common.timed([binary, "check", "--policy", POLICY, path], ok=(1,))
            rows.append((label, f"{os.path.getsize(path) // 1024} KiB", secs(wall), common.mib(rss)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(common.table(["packaged Cargo.toml", ".crate", "check, wall time", "peak memory"], rows))


if __name__ == "__main__":
    main()
