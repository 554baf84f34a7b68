#!/usr/bin/env python3
"""What crategate's hooks add to `git push`.

Prints two Markdown tables:

1. One typical crate (the workload crate of median size, and serde_json):
   `git push` to a bare repository with the hooks installed (`crategate
   init` + `crategate install`, policies/mirror.toml) against the same push
   to a bare repository without hooks; runs interleaved, medians. A third
   repository runs the hooks through a timing wrapper, which splits the
   added time into pre-receive and post-receive.
2. One push of the whole 1087-crate workload (every file at the top of the
   repository as `{name}-{version}.crate`) under policies/mirror.toml: the
   time of pre-receive + post-receive (timed by the wrapper, and as push
   with hooks minus push without) against `crategate index add` of the same
   files into an empty index.

    python3 scripts/bench/hooks.py [--runs 21] [--bulk-runs 3]

Each push pushes the same commit onto the same base: after each run the
server's branch (and the index's) is set back.
"""

import argparse
import os
import shutil
import sys
import tempfile

import common
from common import Server, median, secs

POLICY = os.path.join(common.ROOT, "policies", "mirror.toml")


def client_repo(path, crates):
    """A bare client repository: a base commit (README.md), then a commit
    adding `crates` at the top. Returns (base, tip)."""
    common.bare_repo(path)
    common.fast_import(path, [("README.md", b"A crate repository.\n")], "base", parent=False)
    base = common.rev(path)

    def files():
        for crate in crates:
            with open(crate, "rb") as fh:
                yield os.path.basename(crate), fh.read()

    common.fast_import(path, files(), f"Add {len(crates)} crates")
    return base, common.rev(path)


def one_crate(binary, work, crate, runs):
    client = os.path.join(work, "client.git")
    base, tip = client_repo(client, [crate])
    plain = Server(binary, work, "plain")
    hooked = Server(binary, work, "hooked", POLICY, "mirror")
    timed = Server(binary, work, "timed", POLICY, "mirror", timed=True)
    for server in (plain, hooked, timed):
        if server.index:
            server.install()
        server.push(client, base)
        server.mark()
    order = [("plain", plain), ("hooked", hooked), ("timed", timed)]
    times = {key: [] for key, _ in order}
    for i in range(runs):
        # Rotate the order so that drifting load hits every setup alike.
        for key, server in order[i % 3:] + order[:i % 3]:
            times[key].append(server.push(client, tip))
            if server.index and not server.published():
                sys.exit("the push published nothing")
            server.reset()
    hooks = timed.hook_times()
    if len(hooks.get("pre-receive", [])) != runs or len(hooks.get("post-receive", [])) != runs:
        sys.exit("the hooks did not run once per push")
    p, h = median(times["plain"]), median(times["hooked"])
    return {
        "crate": os.path.basename(crate),
        "size": os.path.getsize(crate),
        "plain": p,
        "hooked": h,
        "added": h - p,
        "pre": median(hooks["pre-receive"]),
        "post": median(hooks["post-receive"]),
    }


def bulk(binary, work, files, runs):
    client = os.path.join(work, "bulk-client.git")
    base, tip = client_repo(client, files)
    plain = Server(binary, work, "bulk-plain")
    timed = Server(binary, work, "bulk-timed", POLICY, "mirror", timed=True)
    timed.install()
    for server in (plain, timed):
        server.push(client, base)
        server.mark()
    pushes = {"plain": [], "timed": []}
    pre, post = [], []
    for i in range(runs):
        for key, server in [("plain", plain), ("timed", timed)][:: 1 if i % 2 == 0 else -1]:
            pushes[key].append(server.push(client, tip))
            if server.index:
                hooks = server.hook_times()
                pre += hooks["pre-receive"]
                post += hooks["post-receive"]
                published = server.published() or ""
                if f"{len(files)} versions" not in published:
                    sys.exit(f"the push did not publish every crate: {published}")
            server.reset()
    adds = []
    for _ in range(runs):
        index = os.path.join(work, "add-index.git")
        common.init_index(binary, index, mode="mirror")
        adds.append(common.timed([binary, "index", "add", "--index", index] + files)[0])
    return {
        "plain": median(pushes["plain"]),
        "hooked": median(pushes["timed"]),
        "pre": median(pre),
        "post": median(post),
        "hooks": median(a + b for a, b in zip(pre, post)),
        "add": median(adds),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of the one-crate push")
    parser.add_argument("--bulk-runs", type=int, default=3, help="runs of the 1087-crate push")
    parser.add_argument("--skip-bulk", action="store_true")
    common.add_binary_arg(parser)
    args = parser.parse_args()
    binary = common.binary(args)
    files = common.fetch_workload()
    typical = [common.median_crate(files),
               next(f for f in files if os.path.basename(f).startswith("serde_json-"))]
    work = tempfile.mkdtemp(prefix="crategate-bench-hooks-")
    try:
        singles = []
        for crate in typical:
            sub = os.path.join(work, os.path.basename(crate))
            os.mkdir(sub)
            singles.append(one_crate(binary, sub, crate, args.runs))
        big = None if args.skip_bulk else bulk(binary, work, files, args.bulk_runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n### One-crate push (median of {args.runs} interleaved runs; policies/mirror.toml)\n")
    rows = [(f"{r['crate']} ({r['size'] / 1024:.0f} KiB)", secs(r["plain"]), secs(r["hooked"]),
             f"**{secs(r['added'])}**", secs(r["pre"]), secs(r["post"])) for r in singles]
    print(common.table(["crate", "push, no hooks", "push, hooks", "added by crategate",
                        "pre-receive", "post-receive"], rows))
    print("\nTarget: under 50 ms added.")
    if big:
        print(f"\n### One push of all {len(files)} workload crates (median of {args.bulk_runs}; policies/mirror.toml)\n")
        rows = [
            ("git push, no hooks", secs(big["plain"]), ""),
            ("git push, hooks", secs(big["hooked"]), ""),
            ("added to the push (difference)", secs(big["hooked"] - big["plain"]),
             f"{(big['hooked'] - big['plain']) / big['add']:.2f}"),
            ("pre-receive", secs(big["pre"]), f"{big['pre'] / big['add']:.2f}"),
            ("post-receive", secs(big["post"]), f"{big['post'] / big['add']:.2f}"),
            ("**pre-receive + post-receive**", f"**{secs(big['hooks'])}**", f"**{big['hooks'] / big['add']:.2f}**"),
            (f"index add, all {len(files)} crates in one call", secs(big["add"]), "1.00"),
        ]
        print(common.table(["what", "wall time", "/ index add"], rows))
        print("\nTarget: hook time within 1.2x of index add.")


if __name__ == "__main__":
    main()
