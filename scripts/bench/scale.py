#!/usr/bin/env python3
"""Load and scale: does a push cost what it pushes, whatever the registry holds?

Builds, with synthetic small crates (each a valid package: Cargo.toml with
name, version, description, license = "MIT", and src/lib.rs):

- a small registry: a crate repository holding only README.md, and an
  empty index;
- a large registry: a crate repository of 20,000 `.crate` files at its top,
  published by `crategate sync` from scratch (timed), plus 130,000 more
  synthetic crates in the index (150,000 in all);
- the same 20,000-file crate repository without hooks, for the baseline.

Then pushes one crate and 1000 crates onto each (hooks with
policies/default.toml, run through a timing wrapper that splits
pre-receive from post-receive), interleaved, and prints Markdown tables.

    python3 scripts/bench/scale.py [--runs 11] [--bulk-runs 3] [--sync-runs 3]
        [--repo-crates 20000] [--index-crates 150000] [--prefix acme-]
        [--layout flat|sharded]

Crate names are random letters, spread over the index like real names;
`--prefix acme-` gives every crate of the crate repository and every
pushed crate one prefix, as a company registry that requires one does, so
that they all share one index directory (`ac/me/`). `--layout sharded`
keeps every `.crate` (of the repository and of the pushes) under its
index directory (`ab/cd/abcdef-1.0.0.crate`, `crategate init --layout
sharded`), so a push's tree diff skips every untouched directory.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

import common
from common import Server, median, secs

POLICY = os.path.join(common.ROOT, "policies", "default.toml")


def crates(tag, count, prefix="", layout="flat"):
    """(path, bytes) of `count` synthetic crates with realistic names
    (random letters, `_`, `tag`, a number), each after `prefix` if given,
    where `layout` puts them. The tag keeps them apart from the synthetic
    index entries, whose names end in `-{number}`."""
    rng = random.Random(tag)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i in range(count):
        name = prefix + "".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) + f"_{tag}{i}"
        yield common.crate_path(name, layout=layout), common.synthetic_crate(name)


def client_repo(path, repo_crates, prefix, layout):
    """Bare client repository with the branches the pushes start from and go to."""
    common.bare_repo(path)
    readme = [("README.md", b"A crate repository.\n")]
    common.fast_import(path, readme, "small registry", "refs/heads/small", parent=False)
    common.fast_import(path, readme + list(crates("x", repo_crates, prefix, layout)),
                       f"{repo_crates} crates", "refs/heads/large", parent=False)
    one = list(crates("z", 1, prefix, layout))
    many = list(crates("y", 1000, prefix, layout))
    for size in ("small", "large"):
        common.fast_import(path, one, "one crate", f"refs/heads/{size}-1", parent=f"refs/heads/{size}")
        common.fast_import(path, many, "1000 crates", f"refs/heads/{size}-1000", parent=f"refs/heads/{size}")


def sync_from_scratch(binary, server, runs):
    """Median wall time and peak RSS of `crategate sync` into the empty index."""
    empty = common.rev(server.index)
    walls, peak = [], 0
    for i in range(runs):
        common.set_ref(server.index, empty)
        wall, rss = common.timed([binary, "sync", "--repo", server.repo])
        walls.append(wall)
        peak = max(peak, rss)
    published = subprocess.check_output(
        ["git", "--git-dir", server.index, "log", "-1", "--format=%s"], env=common.ENV).decode().strip()
    return median(walls), peak, published


def grow_index(server, count):
    """Adds `count` synthetic crates to the index in one commit that still
    reflects the crate repository's tip (the trailer the hooks read)."""
    message = subprocess.check_output(
        ["git", "--git-dir", server.index, "log", "-1", "--format=%B"], env=common.ENV).decode()
    trailer = next(line for line in message.splitlines() if line.startswith("Crate-Commit:"))
    common.add_synthetic_entries(server.index, count, f"Add {count} synthetic crates\n\n{trailer}\n")


def setup(binary, work, args):
    client = os.path.join(work, "client.git")
    client_repo(client, args.repo_crates, args.prefix, args.layout)
    servers = {
        "small, no hooks": Server(binary, work, "small-plain"),
        "small": Server(binary, work, "small", POLICY, timed=True, layout=args.layout),
        "large, no hooks": Server(binary, work, "large-plain"),
        "large": Server(binary, work, "large", POLICY, timed=True, layout=args.layout),
    }
    for key, server in servers.items():
        server.push(client, "refs/heads/" + key.split(",")[0])
        if server.index:
            server.install()
    sync = sync_from_scratch(binary, servers["large"], args.sync_runs)
    check = common.timed([binary, "sync", "--repo", servers["large"].repo, "--check"])
    noop = common.timed([binary, "sync", "--repo", servers["large"].repo])
    grow_index(servers["large"], args.index_crates - args.repo_crates)
    common.quiet([binary, "sync", "--repo", servers["small"].repo])
    for server in servers.values():
        server.mark()
    return client, servers, {"sync": sync, "check": check, "noop": noop}


def measure(client, servers, pushed, runs):
    """{server: (push seconds, pre-receive, post-receive)} for pushing the
    `-{pushed}` branch onto each server's base, interleaved."""
    keys = list(servers)
    walls = {key: [] for key in keys}
    hooks = {key: {"pre-receive": [], "post-receive": []} for key in keys}
    for i in range(runs):
        for key in keys[i % len(keys):] + keys[:i % len(keys)]:
            server = servers[key]
            walls[key].append(server.push(client, f"refs/heads/{key.split(',')[0]}-{pushed}"))
            if server.index:
                published = server.published() or ""
                if f"Publish {pushed} version" not in published:
                    sys.exit(f"{key}: the push of {pushed} crates published: {published!r}")
                for hook, times in server.hook_times().items():
                    hooks[key][hook] += times
            server.reset()
    return {key: (median(walls[key]),
                  median(hooks[key]["pre-receive"]) if hooks[key]["pre-receive"] else None,
                  median(hooks[key]["post-receive"]) if hooks[key]["post-receive"] else None)
            for key in keys}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs of the one-crate push")
    parser.add_argument("--bulk-runs", type=int, default=3, help="runs of the 1000-crate push")
    parser.add_argument("--sync-runs", type=int, default=3)
    parser.add_argument("--repo-crates", type=int, default=20_000)
    parser.add_argument("--index-crates", type=int, default=150_000)
    parser.add_argument("--prefix", default="",
                        help="a prefix every crate name of the crate repository starts with (e.g. acme-: "
                             "they all share one index directory)")
    parser.add_argument("--layout", choices=("flat", "sharded"), default="flat",
                        help="the crate repository's layout (crategate init --layout)")
    common.add_binary_arg(parser)
    args = parser.parse_args()
    binary = common.binary(args)
    work = tempfile.mkdtemp(prefix="crategate-bench-scale-")
    try:
        client, servers, syncs = setup(binary, work, args)
        one = measure(client, servers, 1, args.runs)
        many = measure(client, servers, 1000, args.bulk_runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    small = "crate repository: README.md only; index: empty"
    large = f"crate repository: {args.repo_crates:,} crates; index: {args.index_crates:,} crates"
    if args.prefix:
        large += f"; every crate of the crate repository, and every pushed crate, named `{args.prefix}…`"
    large += f"; crate layout: {args.layout}"
    print(f"\n### Push cost against registry size (policies/default.toml)\n")
    print(f"- small registry: {small}\n- large registry: {large}\n")
    rows = []
    for pushed, results, runs in ((1, one, args.runs), (1000, many, args.bulk_runs)):
        for size in ("small", "large"):
            plain = results[f"{size}, no hooks"][0]
            wall, pre, post = results[size]
            rows.append((f"{pushed} crate{'s' if pushed > 1 else ''} → {size} registry (median of {runs})",
                         secs(plain), secs(wall), f"**{secs(wall - plain)}**", secs(pre), secs(post)))
    print(common.table(["push", "git push, no hooks", "git push, hooks", "added by crategate",
                        "pre-receive", "post-receive"], rows))
    sync_wall, sync_rss, published = syncs["sync"]
    print(f"\n### sync on the large crate repository ({args.repo_crates:,} crates)\n")
    rows = [
        (f"sync from scratch (empty index; median of {args.sync_runs}): {published}", secs(sync_wall), common.mib(sync_rss)),
        ("sync --check, index current", secs(syncs["check"][0]), common.mib(syncs["check"][1])),
        ("sync, index current (no-op)", secs(syncs["noop"][0]), common.mib(syncs["noop"][1])),
    ]
    print(common.table(["what", "wall time", "peak memory"], rows))


if __name__ == "__main__":
    main()
