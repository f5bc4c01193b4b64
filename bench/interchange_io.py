"""Throughput of the interchange contract reader and writers, in lines per second.

    .venv/bin/python bench/interchange_io.py [--lines 200000] [--repeat 3] [--seed 7]

Data are generated in memory from a seeded numpy Generator: a mix of the five detection
kinds with and without optional fields, written by DetectionWriter. Cases:

- read valid: JsonlDetectionSource over an in-memory stream and over a temporary file;
- read mixed: every second line broken (one of nine kinds of fault), the rest valid;
- strict: parse_detection_line called once per valid line;
- write: DetectionWriter and TrackWriter to a temporary file (flushed per line, as in
  production) and to an in-memory stream.

The best of ``--repeat`` runs is printed.
"""

from __future__ import annotations

import argparse
import io
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydantic

from skywarden.core.enums import BearingSource, ReportWhat, TrackStatus
from skywarden.core.types import (
    AdsbReport,
    Bearing,
    Detection,
    Plot,
    RemoteIdReport,
    Report,
    TrackUpdate,
)
from skywarden.outputs.jsonl import DetectionWriter, TrackWriter
from skywarden.sources.base import Reject
from skywarden.sources.jsonl import JsonlDetectionSource, parse_detection_line

T0_S = 1_753_672_324.0  # 2025-07-28T03:12:04Z


def make_detections(n: int, rng: np.random.Generator) -> list[Detection]:
    # Plain Python floats, as a live source would produce (not numpy scalars).
    lat: list[float] = (54.0 + rng.random(n)).tolist()
    lon: list[float] = (24.0 + 2.0 * rng.random(n)).tolist()
    alt_m: list[float] = (50.0 + 3000.0 * rng.random(n)).tolist()
    az_deg: list[float] = (360.0 * rng.random(n)).tolist()
    kinds: list[int] = rng.integers(0, 5, n).tolist()
    full: list[bool] = (rng.random(n) < 0.5).tolist()
    out: list[Detection] = []
    for i in range(n):
        t_s = T0_S + 0.05 * i
        f = full[i]
        match kinds[i]:
            case 0:
                out.append(
                    Plot(
                        t_s,
                        "radar-1",
                        lat[i],
                        lon[i],
                        alt_m[i],
                        45.0,
                        80.0,
                        vr_mps=-31.4 if f else None,
                        rcs_dbsm=-12.5 if f else None,
                        snr_db=18.2 if f else None,
                    )
                )
            case 1:
                out.append(
                    Bearing(
                        t_s,
                        "mic-07",
                        54.5,
                        25.5,
                        160.0,
                        az_deg[i],
                        3.0,
                        el_deg=4.0 if f else None,
                        sigma_el_deg=2.0 if f else None,
                        source=BearingSource.ACOUSTIC if f else None,
                        signature="piston" if f else None,
                    )
                )
            case 2:
                out.append(
                    Report(
                        t_s,
                        "observer-12",
                        lat[i],
                        lon[i],
                        ReportWhat.HEARD,
                        az_deg=90.0 if f else None,
                        sigma_az_deg=20.0 if f else None,
                        count=2 if f else None,
                        note="low and loud" if f else None,
                    )
                )
            case 3:
                out.append(
                    AdsbReport(
                        t_s,
                        "sbs-vno",
                        "4b1a2f",
                        lat[i],
                        lon[i],
                        alt_m[i],
                        callsign="LOT7AB" if f else None,
                        vel_e_mps=-120.5 if f else None,
                        vel_n_mps=35.2 if f else None,
                        vel_u_mps=-5.0 if f else None,
                        squawk="7000" if f else None,
                    )
                )
            case _:
                out.append(
                    RemoteIdReport(
                        t_s,
                        "rid-kns",
                        "DRONE-7",
                        lat[i],
                        lon[i],
                        alt_m[i],
                        operator_lat=54.9 if f else None,
                        operator_lon=23.9 if f else None,
                        vel_e_mps=5.5 if f else None,
                        vel_n_mps=-2.2 if f else None,
                        vel_u_mps=0.5 if f else None,
                    )
                )
    return out


def make_tracks(n: int) -> list[TrackUpdate]:
    return [
        TrackUpdate(
            T0_S + 0.1 * i,
            f"T-{i % 100:06d}",
            TrackStatus.CONFIRMED,
            54.6871568 + 1e-5 * i,
            25.2796514,
            312.5,
            -40.1,
            11.5,
            -0.5,
            35.2,
            60.0,
        )
        for i in range(n)
    ]


# Each breaks a valid line in one way; applied in turn to every second line.
_BREAKS: list[Callable[[bytes], bytes]] = [
    lambda line: line[: len(line) // 2],  # invalid_json
    lambda line: b"[" + line + b"]",  # not_an_object
    lambda line: line.replace(b'"kind":"', b'"kind":"x'),  # unknown_kind
    lambda line: line.replace(b'"sensor_id"', b'"sensor"'),  # missing_field
    lambda line: line.replace(b'"sensor_id":"', b'"sensor_id":null,"x":"'),  # missing_field
    lambda line: line.replace(b'"sensor_id":"', b'"sensor_id":7,"x":"'),  # wrong_type
    lambda line: line.replace(b'lat":', b'lat":1', 1),  # out_of_range: 54.x -> 154.x
    lambda line: line.replace(b'"time":"2', b'"time":"x2'),  # bad_time
    lambda line: line.replace(b'"sensor_id":"', b'"sensor_id":"\xff'),  # not_utf8
]


def write_bytes(detections: list[Detection]) -> bytes:
    stream = io.StringIO()
    with DetectionWriter(stream) as writer:
        writer.write_all(detections)
    return stream.getvalue().encode()


def best_rate(n: int, repeat: int, run: Callable[[], object]) -> float:
    best_s = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best_s = min(best_s, time.perf_counter() - start)
    return n / best_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n: int = args.lines
    rng = np.random.default_rng(args.seed)

    detections = make_detections(n, rng)
    valid = write_bytes(detections)
    lines = valid.splitlines()
    mixed = b"\n".join(
        _BREAKS[(i // 2) % len(_BREAKS)](line) if i % 2 else line for i, line in enumerate(lines)
    )
    tracks = make_tracks(n)

    def read(data: bytes) -> int:
        """Read ``data``; return the number of rejected lines."""
        source = JsonlDetectionSource(io.BytesIO(data))
        assert sum(1 for _ in source) == n
        return source.counts.rejected

    rejected = read(mixed)
    assert sum(isinstance(r, Reject) for r in JsonlDetectionSource(io.BytesIO(valid))) == 0

    rows: list[tuple[str, float]] = []
    rows.append(("read valid, in-memory stream", best_rate(n, args.repeat, lambda: read(valid))))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "detections.jsonl"
        path.write_bytes(valid)
        rows.append(
            (
                "read valid, file",
                best_rate(n, args.repeat, lambda: list(JsonlDetectionSource(path))),
            )
        )
        rows.append(
            (
                f"read mixed ({rejected} of {n} rejected)",
                best_rate(n, args.repeat, lambda: read(mixed)),
            )
        )
        rows.append(
            (
                "strict parse_detection_line, valid",
                best_rate(n, args.repeat, lambda: [parse_detection_line(x, "b") for x in lines]),
            )
        )

        out_path = Path(tmp) / "out.jsonl"

        def write_detections_file() -> None:
            with DetectionWriter(out_path) as writer:
                writer.write_all(detections)

        def write_tracks_file() -> None:
            with TrackWriter(out_path) as writer:
                writer.write_all(tracks)

        rows.append(
            (
                "write detections, file (flush per line)",
                best_rate(n, args.repeat, write_detections_file),
            )
        )
        rows.append(
            (
                "write detections, in-memory stream",
                best_rate(n, args.repeat, lambda: write_bytes(detections)),
            )
        )
        rows.append(
            (
                "write track updates, file (flush per line)",
                best_rate(n, args.repeat, write_tracks_file),
            )
        )

    print(
        f"interchange I/O: {n} lines ({len(valid) / n:.0f} B/line), best of {args.repeat}; "
        f"Python {platform.python_version()}, pydantic {pydantic.VERSION}"
    )
    for label, rate in rows:
        print(f"  {label:<46} {rate:>12,.0f} lines/s")


if __name__ == "__main__":
    main()
