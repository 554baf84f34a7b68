"""Hostile `.crate` files, built from bytes, for the peer comparison.

Each case is (file name, description, bytes). The crate is `hostile` 1.0.0
unless the case is about names; every case is one attack on a tool that
turns a `.crate` into an index line (and on everyone who later downloads
and unpacks the file).
"""

import gzip
import io
import tarfile
import zlib

from common import file_info, manifest, synthetic_crate, tar_bytes

NAME, VERSION = "hostile", "1.0.0"
ROOT = f"{NAME}-{VERSION}"
FILE = f"{ROOT}.crate"
LIB = b"pub fn f() {}\n"


def good_members(root=ROOT, name=NAME, version=VERSION):
    toml = manifest(name, version)
    return [(file_info(f"{root}/Cargo.toml", toml), toml), (file_info(f"{root}/src/lib.rs", LIB), LIB)]


def with_entry(info, data=None):
    return tar_bytes(good_members() + [(info, data)])


def link(path, target, kind):
    info = tarfile.TarInfo(path)
    info.type = kind
    info.linkname = target
    return info


def device():
    info = tarfile.TarInfo(f"{ROOT}/dev-null")
    info.type = tarfile.CHRTYPE
    info.devmajor, info.devminor = 1, 3
    return info


class Zeros(io.RawIOBase):
    """`size` zero bytes, read in chunks (the bomb is never in memory)."""

    def __init__(self, size):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buf):
        n = min(len(buf), self.left)
        buf[:n] = bytes(n)
        self.left -= n
        return n


def bomb(size=600 * 2**20):
    """A valid crate plus one file of `size` zeros: ~600 KiB on disk."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar:
            for info, data in good_members():
                tar.addfile(info, io.BytesIO(data))
            info = tarfile.TarInfo(f"{ROOT}/zeros.bin")
            info.size = size
            tar.addfile(info, io.BufferedReader(Zeros(size), 1 << 20))
    return out.getvalue()


def pax_size_desync():
    """Cargo.toml whose pax `size` record says 0 while the ustar header
    gives the real size: a pax-aware reader sees an empty Cargo.toml and
    then parses the manifest bytes as the next header."""
    info = file_info(f"{ROOT}/Cargo.toml", manifest(NAME, VERSION))
    info.pax_headers = {"size": "0", "comment": "desync"}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(info, io.BytesIO(manifest(NAME, VERSION)))
        lib = file_info(f"{ROOT}/src/lib.rs", LIB)
        tar.addfile(lib, io.BytesIO(LIB))
    return gzip.compress(raw.getvalue(), mtime=0)


def non_utf8_path():
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT, encoding="latin-1") as tar:
        for info, data in good_members():
            tar.addfile(info, io.BytesIO(data))
        tar.addfile(file_info(f"{ROOT}/src/caf\xe9.rs", LIB), io.BytesIO(LIB))
    return gzip.compress(raw.getvalue(), mtime=0)


def cases():
    good = synthetic_crate(NAME, VERSION)
    mismatch_toml = manifest(NAME, "2.0.0")
    dup = manifest(NAME, VERSION) + b'\n[lib]\npath = "src/other.rs"\n'
    plain_tar = io.BytesIO()
    with tarfile.open(fileobj=plain_tar, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for info, data in good_members():
            tar.addfile(info, io.BytesIO(data))
    return [
        ("control", FILE, "a clean crate (must be accepted by both)", good),
        ("path traversal", FILE, "entry `hostile-1.0.0/../../evil.rs` climbs out of the root",
         with_entry(file_info(f"{ROOT}/../../evil.rs", LIB), LIB)),
        ("absolute path", FILE, "entry `/tmp/evil.rs`", with_entry(file_info("/tmp/evil.rs", LIB), LIB)),
        ("symlink", FILE, "entry `src/evil` is a symlink to `/etc/passwd`",
         with_entry(link(f"{ROOT}/src/evil", "/etc/passwd", tarfile.SYMTYPE))),
        ("hardlink", FILE, "entry `src/evil` is a hard link to `/etc/passwd`",
         with_entry(link(f"{ROOT}/src/evil", "/etc/passwd", tarfile.LNKTYPE))),
        ("device", FILE, "entry `dev-null` is a character device (1, 3)", with_entry(device())),
        ("decompression bomb", FILE, "a 600 MiB file of zeros, ~600 KiB compressed (crates.io: 512 MiB unpacked)",
         bomb()),
        ("not gzip", FILE, "a plain (uncompressed) tar", plain_tar.getvalue()),
        ("truncated", FILE, "a clean crate cut in half", good[: len(good) // 2]),
        ("trailing garbage", FILE, "a clean crate followed by 64 bytes of junk", good + b"\xde\xad" * 32),
        ("second gzip member", FILE, "a clean crate followed by a second gzip member (more tar data)",
         good + gzip.compress(b"hidden" * 100, mtime=0)),
        ("version mismatch", FILE, "file says 1.0.0, root dir and Cargo.toml say 2.0.0",
         tar_bytes([(file_info(f"{NAME}-2.0.0/Cargo.toml", mismatch_toml), mismatch_toml),
                    (file_info(f"{NAME}-2.0.0/src/lib.rs", LIB), LIB)])),
        ("name mismatch", FILE, "root dir `hostile-1.0.0/`, Cargo.toml says `other`",
         tar_bytes([(file_info(f"{ROOT}/Cargo.toml", manifest("other", VERSION)), manifest("other", VERSION)),
                    (file_info(f"{ROOT}/src/lib.rs", LIB), LIB)])),
        ("duplicate Cargo.toml", FILE, "two `Cargo.toml` entries with different contents",
         with_entry(file_info(f"{ROOT}/Cargo.toml", dup), dup)),
        ("pax size desync", FILE, "pax header says `size=0`, the tar header gives the real size", pax_size_desync()),
        ("outside the root", FILE, "an extra entry `other-1.0.0/build.rs` outside `hostile-1.0.0/`",
         with_entry(file_info("other-1.0.0/build.rs", LIB), LIB)),
        ("no Cargo.toml", FILE, "only `src/lib.rs`", tar_bytes(good_members()[1:])),
        ("invalid Cargo.toml", FILE, "Cargo.toml is not TOML",
         tar_bytes([(file_info(f"{ROOT}/Cargo.toml", b"[package\nname = "), b"[package\nname = "),
                    (file_info(f"{ROOT}/src/lib.rs", LIB), LIB)])),
        ("non-UTF-8 path", FILE, "entry name holds byte 0xE9 (Latin-1)", non_utf8_path()),
        ("empty file", FILE, "zero bytes", b""),
        ("raw deflate", FILE, "a zlib stream, not gzip", zlib.compress(plain_tar.getvalue())),
    ]
