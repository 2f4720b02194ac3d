#!/usr/bin/env python3
"""hop-edge DNP3 poll benchmark: the master's cost on top of the outstation's own answer time.

    .venv/bin/python bench/dnp3/run_bench.py [--cycles 2000] [--points 8]

Starts two identical opendnp3 outstations (PyPI `yadnp3`, the reference C++ stack) on loopback and
runs `hop-edge bench dnp3`: integrity polls (classes 1, 2, 3, 0) of 16 feeders through the real
DNP3Session (request building, link/transport/application parsing, flags, mapping, readings) on
the device thread, interleaved in blocks of 100 with a bare socket that writes the same request
bytes and reads the same number of response bytes without parsing them. The difference is the
master's overhead. Uses $HOP_EDGE, else .build/release/hop-edge, else .build/debug/hop-edge.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))

from dnp3_support import Outstation  # noqa: E402


def edge_binary() -> str:
    if os.environ.get("HOP_EDGE"):
        return os.environ["HOP_EDGE"]
    for build in ("release", "debug"):
        path = REPO / ".build" / build / "hop-edge"
        if path.exists():
            return str(path)
    subprocess.run(["swift", "build", "-c", "release", "--product", "hop-edge"], cwd=REPO, check=True)
    return str(REPO / ".build" / "release" / "hop-edge")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=2000)
    parser.add_argument("--points", type=int, default=8)
    args = parser.parse_args()
    binary = edge_binary()
    with tempfile.TemporaryDirectory() as tmp:
        outstations = [Outstation(Path(tmp), points=args.points).start() for _ in range(2)]
        try:
            for o in outstations:
                for i in range(min(args.points, 8)):
                    o.send(op="analog", index=i, value=1000.0 * (i + 1))
                o.send(op="binary", index=0, value=True)
            out = subprocess.run([binary, "bench", "dnp3", "--bare-port", str(outstations[0].port),
                                  "--poll-port", str(outstations[1].port), "--cycles", str(args.cycles)],
                                 capture_output=True, text=True, timeout=600)
            if out.returncode != 0:
                raise SystemExit(out.stderr + out.stdout)
            r = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            for o in outstations:
                o.stop()
    print(f"hop-edge: {binary}")
    print(f"integrity poll, {args.points} points of each type, 16 feeders, {r['cycles']} cycles, "
          f"{r['responseBytes']} response bytes")
    print(f"  outstation answer (bare socket): mean {r['bareMeanMicros']:8.1f} µs  p50 {r['bareP50Micros']:8.1f}  p99 {r['bareP99Micros']:8.1f}")
    print(f"  master poll (DNP3Session)      : mean {r['pollMeanMicros']:8.1f} µs  p50 {r['pollP50Micros']:8.1f}  p99 {r['pollP99Micros']:8.1f}")
    print(f"  master overhead                : mean {r['overheadMeanMicros']:8.1f} µs  p50 {r['overheadP50Micros']:8.1f}")


if __name__ == "__main__":
    main()
