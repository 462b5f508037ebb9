"""Write a .gz and a .br beside each large static text file (run after changing or vendoring one).

Smaller files are compressed by the app itself, once per worker (journal/compression.py).
"""

import gzip
import sys
from pathlib import Path

import brotli

STATIC = Path(__file__).resolve().parent.parent / "static"
MIN_BYTES = 100_000  # the vendored bundles; files of our own change too often to keep twins
SUFFIXES = (".js", ".css", ".svg", ".json")


def targets() -> list[Path]:
    """Return the static files that deserve a precompressed copy."""
    return sorted(
        p for p in STATIC.rglob("*") if p.suffix in SUFFIXES and p.stat().st_size >= MIN_BYTES
    )


def compressed(path: Path, suffix: str) -> bytes:
    """Return the file gzipped (no timestamp, so it only changes with the file) or brotli'd."""
    if suffix == ".br":
        return brotli.compress(path.read_bytes(), quality=11)
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)


def main() -> int:
    """Write every .gz and .br that is missing or stale."""
    for path in targets():
        for suffix in (".gz", ".br"):
            out = path.with_name(path.name + suffix)
            data = compressed(path, suffix)
            if not out.exists() or out.read_bytes() != data:
                out.write_bytes(data)
                print(f"wrote {out.relative_to(STATIC)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
