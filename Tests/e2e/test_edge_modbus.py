"""hop-edge against a real Modbus peer (pymodbus): decoding of every type and byte order, breaker
points, the side-by-side byte-order view, and per-point reads for devices that reject coalesced
reads. Verifies what `hop-edge probe` decodes against values the server holds."""
import json

import pytest

from edge_support import ModbusServer, encode, run_edge

TYPES = {"int16": -1234, "uint16": 54321, "int32": -123456789, "uint32": 4000000000, "float32": 229.75,
         "float64": 60.0125}
ORDERS = {"voltage_kv": "ABCD", "current_a": "DCBA", "power_mw": "BADC", "frequency_hz": "CDAB"}


def config_for(tmp, port, feeders_yaml, device_extra=""):
    (tmp / "api-key").write_text("unused\n")
    path = tmp / "edge.yaml"
    path.write_text(f"""edge_id: edge-probe
hub: {{url: "http://127.0.0.1:9", api_key_file: api-key}}
journal: {{path: {tmp}/journal.sqlite}}
devices:
  - name: rtu-probe
    protocol: modbus-tcp
    host: 127.0.0.1
    port: {port}
    unit_id: 3
    timeout: 500ms
    substation_id: SUB001
{device_extra}    feeders:
{feeders_yaml}
""")
    return path


def probe(config, *extra):
    out = run_edge("probe", "--config", str(config), "--json", *extra)
    return out.returncode, json.loads(out.stdout) if out.stdout.strip().startswith("[") else None, out


def test_every_type_in_every_byte_order_decodes_to_the_value_the_server_holds(tmp_path):
    holding = [0] * (40 * len(TYPES))
    feeders = []
    for k, (type_, value) in enumerate(TYPES.items()):
        points = []
        for j, (field, order) in enumerate(ORDERS.items()):
            address = 40 * k + 4 * j
            regs = encode(value, type_, order)
            holding[address:address + len(regs)] = regs
            points.append(f"{field}: {{function: holding, address: {4 * j}, type: {type_}, order: {order}}}")
        feeders.append(f"      - {{feeder_id: {type_.upper()}, register_base: {40 * k}, points: {{{', '.join(points)}}}}}")
    # Scale and offset on input registers, and a breaker whose "closed" value is 0.
    inputs = [10000, 0, 0, 0]
    feeders.append("      - {feeder_id: SCALED, points: {frequency_hz: {function: input, address: 0, type: uint16, "
                   "scale: 0.001, offset: 50}}, breaker: {function: discrete, address: 2, closed_value: 0}}")
    server = ModbusServer(tmp_path, unit=3, holding=holding, input_=inputs, discrete=[False, False, False, True])
    server.start()
    try:
        config = config_for(tmp_path, server.port, "\n".join(feeders))
        rc, reports, out = probe(config)
        assert rc == 0, out.stderr + out.stdout
        report = reports[0]
        assert report["ok"] is True
        by_feeder = {f["feeder_id"]: f for f in report["feeders"]}
        for type_, value in TYPES.items():
            values = by_feeder[type_.upper()]["values"]
            for field in ORDERS:
                assert values[field] == pytest.approx(value, rel=1e-12), (type_, field, values)
        assert by_feeder["SCALED"]["values"]["frequency_hz"] == pytest.approx(60.0)
        assert by_feeder["SCALED"]["breaker_closed"] is True  # discrete 2 is 0 == closed_value
        # Raw registers are shown as read: the first request starts at holding 0.
        first = report["raw"][0]
        assert first["request"].startswith("holding 0…")
        assert first["registers"][:1] == encode(-1234, "int16", "ABCD")
    finally:
        server.stop()


def test_probe_shows_one_address_in_all_four_32_bit_orders(tmp_path):
    holding = [0] * 16
    holding[10:12] = encode(123.456, "float32", "CDAB")
    server = ModbusServer(tmp_path, unit=3, holding=holding).start()
    try:
        config = config_for(tmp_path, server.port,
                            "      - {feeder_id: F1, points: {voltage_kv: {function: holding, address: 0, type: uint16}}}")
        rc, reports, out = probe(config, "--address", "10")
        assert rc == 0, out.stderr
        orders = reports[0]["orders"]
        assert orders["registers"] == holding[10:12]
        assert orders["decoded"]["CDAB"]["float32"] == pytest.approx(123.456, rel=1e-6)
        assert orders["decoded"]["ABCD"]["float32"] != pytest.approx(123.456, rel=1e-3)
        text = run_edge("probe", "--config", str(config), "--address", "10").stdout
        assert "in every order" in text and "CDAB" in text and "123.456" in text
    finally:
        server.stop()


def test_a_device_rejecting_coalesced_reads_works_point_by_point(tmp_path):
    # Two register blocks with nothing defined between them: pymodbus answers "illegal data
    # address" to a read spanning the hole, as picky RTUs do.
    holding = {"0": encode(13.8, "float32"), "8": encode(412.5, "float32")}
    server = ModbusServer(tmp_path, unit=3, holding=holding).start()
    try:
        feeders = ("      - {feeder_id: F1, points: {voltage_kv: {function: holding, address: 0, type: float32}, "
                   "current_a: {function: holding, address: 8, type: float32}}}")
        rc, reports, out = probe(config_for(tmp_path, server.port, feeders))
        assert rc == 2
        assert reports[0]["ok"] is False
        assert "exception" in reports[0]["error"] and "holding 0…9" in reports[0]["error"]
        assert "rtu-probe unit 3" in reports[0]["error"]
        rc, reports, out = probe(config_for(tmp_path, server.port, feeders, device_extra="    read_mode: per_point\n"))
        assert rc == 0, out.stdout
        values = reports[0]["feeders"][0]["values"]
        assert values["voltage_kv"] == pytest.approx(13.8, rel=1e-6)
        assert values["current_a"] == pytest.approx(412.5)
        assert [r["request"] for r in reports[0]["raw"]] == ["holding 0…1", "holding 8…9"]
    finally:
        server.stop()


def test_a_dead_device_is_reported_not_invented(tmp_path):
    server = ModbusServer(tmp_path, unit=3)  # never started
    config = config_for(tmp_path, server.port,
                        "      - {feeder_id: F1, points: {voltage_kv: {function: holding, address: 0}}}")
    rc, reports, out = probe(config)
    assert rc == 2
    assert reports[0]["ok"] is False and "connect" in reports[0]["error"]
    assert reports[0]["feeders"][0]["values"] == {}


def test_a_reply_with_a_wrong_transaction_id_drops_the_connection_and_the_retry_succeeds(tmp_path):
    from edge_support import RawModbusServer

    server = RawModbusServer(encode(60.01, "float32"), bad_tid=1)
    try:
        feeders = "      - {feeder_id: F1, points: {frequency_hz: {function: holding, address: 0, type: float32}}}"
        rc, reports, out = probe(config_for(tmp_path, server.port, feeders, device_extra="    retries: 1\n"))
        assert rc == 0, out.stdout
        assert reports[0]["feeders"][0]["values"]["frequency_hz"] == pytest.approx(60.01, rel=1e-6)
        assert server.requests == 2
        assert server.connections == 2  # desync recovered by reconnecting, not by reading on
    finally:
        server.close()


def test_a_late_reply_cannot_be_mistaken_for_the_next_one(tmp_path):
    from edge_support import RawModbusServer

    # The first answer comes after the 500 ms timeout; had the connection been kept, it would be
    # read as the answer to the retry. The retry goes out on a fresh connection instead.
    server = RawModbusServer(encode(59.98, "float32") + encode(13.2, "float32"), late=1, delay=0.8)
    try:
        feeders = ("      - {feeder_id: F1, points: {frequency_hz: {function: holding, address: 0, type: float32}, "
                   "voltage_kv: {function: holding, address: 2, type: float32}}}")
        rc, reports, out = probe(config_for(tmp_path, server.port, feeders, device_extra="    retries: 1\n"))
        assert rc == 0, out.stdout
        values = reports[0]["feeders"][0]["values"]
        assert values["frequency_hz"] == pytest.approx(59.98, rel=1e-6)
        assert values["voltage_kv"] == pytest.approx(13.2, rel=1e-6)
        assert server.connections == 2
    finally:
        server.close()


def test_modbus_rtu_over_a_serial_line(tmp_path):
    from edge_support import RtuResponder

    rtu = RtuResponder(encode(60.02, "float32") + encode(-1234, "int16") + encode(4000000000, "uint32", "CDAB"), unit=5)
    try:
        (tmp_path / "api-key").write_text("unused\n")
        config = tmp_path / "edge.yaml"
        config.write_text(f"""edge_id: edge-rtu
hub: {{url: "http://127.0.0.1:9", api_key_file: api-key}}
journal: {{path: {tmp_path}/journal.sqlite}}
devices:
  - name: relay-5
    protocol: modbus-rtu
    serial: {{device: {rtu.device}, baud: 19200, parity: E, data_bits: 8, stop_bits: 1}}
    unit_id: 5
    timeout: 500ms
    substation_id: SUB009
    feeders:
      - feeder_id: F1
        points:
          frequency_hz: {{function: holding, address: 0, type: float32}}
          current_a: {{function: holding, address: 2, type: int16}}
          power_mw: {{function: holding, address: 3, type: uint32, order: CDAB, scale: 0.000001}}
""")
        check = run_edge("check", "--config", str(config))
        assert check.returncode == 0 and "modbus-rtu" in check.stdout and "19200 8E1" in check.stdout
        rc, reports, out = probe(config)
        assert rc == 0, out.stdout + out.stderr
        values = reports[0]["feeders"][0]["values"]
        assert values["frequency_hz"] == pytest.approx(60.02, rel=1e-6)
        assert values["current_a"] == -1234
        assert values["power_mw"] == pytest.approx(4000.0)
        assert rtu.requests == 1 and rtu.bad_frames == 0  # one coalesced read of 5 registers, CRC good
    finally:
        rtu.close()


def test_a_register_several_feeders_name_is_read_once_and_reaches_each_of_them(tmp_path):
    # The RTU's bus frequency is one input register (30); three feeders name it, each with its own
    # voltage register. FDR003 has register_base 20, so its inline addresses are relative to it: it
    # names the bus register as 10 (+20).
    inputs = [0] * 40
    inputs[0:3] = [1380, 1385, 1390]  # voltage_kv × 100 per feeder (FDR003's at 20)
    inputs[20] = 1395
    inputs[30] = 9990  # 59.990 Hz as (raw × 0.001 + 50)
    server = ModbusServer(tmp_path, unit=3, input_=inputs).start()
    try:
        bus = "frequency_hz: {function: input, address: %d, type: uint16, scale: 0.001, offset: 50}"
        feeders = "\n".join([
            "      - {feeder_id: FDR001, points: {voltage_kv: {function: input, address: 0, type: uint16, scale: 0.01}, "
            + bus % 30 + "}}",
            "      - {feeder_id: FDR002, points: {voltage_kv: {function: input, address: 1, type: uint16, scale: 0.01}, "
            + bus % 30 + "}}",
            "      - {feeder_id: FDR003, register_base: 20, points: {voltage_kv: {function: input, address: 0, type: uint16, "
            "scale: 0.01}, " + bus % 10 + "}}",
        ])
        config = config_for(tmp_path, server.port, feeders, device_extra="    read_mode: per_point\n")
        check = run_edge("check", "--config", str(config))
        assert check.returncode == 0, check.stderr
        assert "FDR001+FDR002+FDR003.frequency_hz@+0 uint16" in check.stdout
        rc, reports, out = probe(config)
        assert rc == 0, out.stdout + out.stderr
        by_feeder = {f["feeder_id"]: f["values"] for f in reports[0]["feeders"]}
        for feeder, volts in (("FDR001", 13.8), ("FDR002", 13.85), ("FDR003", 13.95)):
            assert by_feeder[feeder]["voltage_kv"] == pytest.approx(volts)
            assert by_feeder[feeder]["frequency_hz"] == pytest.approx(59.99)
        # per_point: one request per point, and the shared register is one of them, read once.
        requests = [r["request"] for r in reports[0]["raw"]]
        assert requests.count("input 30…30") == 1
        assert len(requests) == 4

        # The same register with another scale on one feeder is a conflict, refused before any read;
        # the error is at the second feeder naming it, and shows both definitions.
        bad = feeders.replace("scale: 0.001, offset: 50}}}", "scale: 0.01, offset: 50}}}", 1)
        assert bad != feeders
        config = config_for(tmp_path, server.port, bad)
        check = run_edge("check", "--config", str(config))
        assert check.returncode == 1
        lines = config.read_text().splitlines()
        line = next(i + 1 for i, text in enumerate(lines) if "feeder_id: FDR002" in text)
        assert check.stderr.strip().startswith(f"hop-edge: {config}:{line}: devices[0].feeders[1]: FDR002.frequency_hz ("), \
            check.stderr
        assert "input 30 uint16 ABCD ×0.01+50.0" in check.stderr and "input 30 uint16 ABCD ×0.001+50.0" in check.stderr
    finally:
        server.stop()
