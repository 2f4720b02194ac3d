import Foundation
import HopProtocol
import Testing

@testable import HopEdge

@Suite struct DecoderTests {
    @Test func float32InEveryOrderOfAKnownVector() {
        // 123.456f = 0x42F6E979: bytes A=42 B=F6 C=E9 D=79.
        let cases: [(ByteOrder, [UInt16])] = [
            (.abcd, [0x42F6, 0xE979]), (.cdab, [0xE979, 0x42F6]), (.badc, [0xF642, 0x79E9]), (.dcba, [0x79E9, 0xF642]),
        ]
        for (order, registers) in cases {
            let value = RegisterDecoder.raw(registers, at: 0, type: .float32, order: order)
            #expect(value.map { Float($0) } == Float(123.456), "order \(order)")
        }
    }

    @Test func int16AndUInt16() {
        #expect(RegisterDecoder.raw([0xFFFE], at: 0, type: .int16, order: .abcd) == -2)
        #expect(RegisterDecoder.raw([0xFEFF], at: 0, type: .int16, order: .badc) == -2)
        #expect(RegisterDecoder.raw([0xFFFE], at: 0, type: .uint16, order: .cdab) == 65534)
        #expect(RegisterDecoder.raw([0x3412], at: 0, type: .uint16, order: .dcba) == 0x1234)
    }

    @Test func int32AndUInt32() {
        #expect(RegisterDecoder.raw([0xFFFF, 0xFFFE], at: 0, type: .int32, order: .abcd) == -2)
        #expect(RegisterDecoder.raw([0xFFFE, 0xFFFF], at: 0, type: .int32, order: .cdab) == -2)
        #expect(RegisterDecoder.raw([0x0001, 0x0000], at: 0, type: .uint32, order: .abcd) == 65536)
        #expect(RegisterDecoder.raw([0x0000, 0x0100], at: 0, type: .uint32, order: .dcba) == 65536)
    }

    @Test func float64InEveryOrder() {
        // 60.0125 as IEEE 754 double.
        let bits = (60.0125).bitPattern
        for order in ByteOrder.allCases {
            let registers = Decode64.encode(bits, order)
            #expect(RegisterDecoder.raw(registers, at: 0, type: .float64, order: order) == 60.0125, "order \(order)")
        }
        // ABCD is plain big-endian words.
        #expect(Decode64.encode(0x0102_0304_0506_0708, .abcd) == [0x0102, 0x0304, 0x0506, 0x0708])
        #expect(Decode64.encode(0x0102_0304_0506_0708, .dcba) == [0x0807, 0x0605, 0x0403, 0x0201])
        #expect(Decode64.encode(0x0102_0304_0506_0708, .cdab) == [0x0708, 0x0506, 0x0304, 0x0102])
        #expect(Decode64.encode(0x0102_0304_0506_0708, .badc) == [0x0201, 0x0403, 0x0605, 0x0807])
    }

    @Test(arguments: ByteOrder.allCases)
    func everyTypeRoundTripsThroughItsEncoder(order: ByteOrder) {
        #expect(RegisterDecoder.raw(Decode16.encode(UInt16(bitPattern: -1234), order), at: 0, type: .int16, order: order) == -1234)
        #expect(RegisterDecoder.raw(Decode16.encode(54321, order), at: 0, type: .uint16, order: order) == 54321)
        #expect(RegisterDecoder.raw(Decode32.encode(UInt32(bitPattern: -123_456_789), order), at: 0, type: .int32, order: order) == -123_456_789)
        #expect(RegisterDecoder.raw(Decode32.encode(4_000_000_000, order), at: 0, type: .uint32, order: order) == 4_000_000_000)
        #expect(RegisterDecoder.raw(Decode32.encode(Float(229.75).bitPattern, order), at: 0, type: .float32, order: order) == 229.75)
    }

    @Test func scaleOffsetAndBounds() {
        let spec = PointSpec(function: .input, address: 0, type: .uint16, scale: 0.001, offset: 50)
        #expect(RegisterDecoder.value([10_000], at: 0, spec: spec) == 60)
        #expect(RegisterDecoder.value([1], at: 1, spec: spec) == nil)
        let nan = PointSpec(function: .holding, address: 0, type: .float32)
        #expect(RegisterDecoder.value([0x7FC0, 0x0000], at: 0, spec: nan) == nil)
    }
}

@Suite struct TelemetryJSONTests {
    @Test func handWrittenJSONDecodesToTheSameReading() throws {
        let full = Telemetry(
            substationID: "SUB001", feederID: "FDR002", deviceID: "SUB001-FDR002", siteName: "Portland \"North\"\n\\ é",
            latitude: 45.5231, longitude: -122.6765, voltageKV: 229.8, currentA: 1187.4, powerMW: -274.25,
            frequencyHz: 60.002, ts: SourceTime(epochMilliseconds: 1_790_000_000_123))
        let sparse = Telemetry(substationID: "SUB002", frequencyHz: 59.95)
        for reading in [full, sparse] {
            let bytes = TelemetryJSON.encode(reading)
            #expect(try JSONDecoder().decode(Telemetry.self, from: Data(bytes)) == reading)
        }
        #expect(String(decoding: TelemetryJSON.encode(sparse), as: UTF8.self) == #"{"substation_id":"SUB002","frequency_hz":59.95}"#)
        let control = String(decoding: TelemetryJSON.encode(Telemetry(substationID: "S", siteName: "a\u{01}b", voltageKV: 1)), as: UTF8.self)
        #expect(control.contains(#"a\u0001b"#))
    }
}
