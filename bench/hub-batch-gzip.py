#!/usr/bin/env python3
"""Writes gzip-compressed 1,000-reading batches for bench/hub-batch-gzip.lua: DIR/<edge>/<seq>.gz,
the same readings as bench/hub-batch.lua, so the gzip and plain runs are comparable. Each edge gets
BATCHES bodies with seq 1..BATCHES under one edge id; the wrk script sends each once and fails the
run if it runs out (bench/hub-ingest sizes BATCHES from the plain run's rate).
Usage: bench/hub-batch-gzip.py DIR EDGES BATCHES"""
import gzip
import pathlib
import sys
import time


def batch(edge: str, seq: int, base: int) -> bytes:
    start = base + seq * 1000
    rows = ",".join(
        '{"substation_id":"SUB%03d","feeder_id":"FDR%03d","voltage_kv":%.1f,"current_a":%.1f,"power_mw":%.1f,'
        '"frequency_hz":%.3f,"ts":%d}' % (i % 20 + 1, i % 4 + 1, 230 + i % 7, 1000 + i % 13, 300 + i % 11,
                                          60 + (i % 5) / 1000, start + i + 1)
        for i in range(1000))
    return ('{"edge_id":"%s","seq":%d,"telemetry":[%s]}' % (edge, seq, rows)).encode()


def main() -> None:
    out, edges, batches = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    now = int(time.time() * 1000) - 3_600_000
    plain = packed = 0
    run = int(time.time())
    for e in range(1, edges + 1):
        d = out / str(e)
        d.mkdir(parents=True, exist_ok=True)
        edge = f"bench-gz-{run}-{e}"
        for seq in range(1, batches + 1):
            body = batch(edge, seq, now + e * 100)
            data = gzip.compress(body, compresslevel=6)
            plain, packed = plain + len(body), packed + len(data)
            (d / f"{seq}.gz").write_bytes(data)
    print(f"gzip bodies: {edges} edges x {batches} batches, {plain / 1e6:.0f} MB JSON -> {packed / 1e6:.1f} MB gzip")


if __name__ == "__main__":
    main()
