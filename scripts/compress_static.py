"""Write a .gz beside each large static text file (run after changing or vendoring one)."""

import gzip
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
MIN_BYTES = 10_000
SUFFIXES = (".js", ".css", ".svg", ".json")


def targets() -> list[Path]:
    """Return the static files that deserve a precompressed copy."""
    return sorted(
        p for p in STATIC.rglob("*") if p.suffix in SUFFIXES and p.stat().st_size >= MIN_BYTES
    )


def compressed(path: Path) -> bytes:
    """Return the file gzipped reproducibly (no timestamp, so the .gz only changes with it)."""
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)


def main() -> int:
    """Write every .gz that is missing or stale."""
    for path in targets():
        out = path.with_name(path.name + ".gz")
        data = compressed(path)
        if not out.exists() or out.read_bytes() != data:
            out.write_bytes(data)
            print(f"wrote {out.relative_to(STATIC)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
