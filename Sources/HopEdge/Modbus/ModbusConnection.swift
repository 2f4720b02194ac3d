import CModbus
import Foundation

/// One libmodbus context. Not thread-safe: `ModbusSession` confines each instance to its own
/// serial queue, and nothing else touches it.
final class ModbusConnection {
    private var context: OpaquePointer?
    private var connected = false
    let device: DeviceConfig

    init(device: DeviceConfig) { self.device = device }

    deinit { close() }

    var isConnected: Bool { connected }

    /// Creates the context if needed and connects.
    func connect() throws(DeviceError) {
        if connected { return }
        if context == nil {
            switch device.transport {
            case .modbusTCP(let host, let port):
                context = modbus_new_tcp_pi(host, String(port))
            case .modbusRTU(let s):
                context = modbus_new_rtu(s.device, Int32(s.baud), CChar(UInt8(ascii: s.parity.rawValue.unicodeScalars.first ?? "N")), Int32(s.dataBits), Int32(s.stopBits))
            case .dnp3TCP, .dnp3Serial:
                context = nil  // a DNP3 device has its own session
            }
            guard let context else { throw fail(.connect, nil) }
            modbus_set_slave(context, Int32(device.unitID))
            let ms = device.timeout.milliseconds
            modbus_set_response_timeout(context, UInt32(ms / 1000), UInt32((ms % 1000) * 1000))
        }
        guard let context, modbus_connect(context) == 0 else {
            let code = errno
            // libmodbus reports a name that does not resolve as "Connection refused": say what it is.
            if case .modbusTCP(let host, _) = device.transport, let problem = Self.resolutionProblem(host) {
                close()
                throw DeviceError(
                    kind: .connect, device: device.name, unitID: device.unitID, request: nil,
                    message: "cannot resolve host '\(host)': \(problem)")
            }
            throw fail(.connect, nil, errno: code)
        }
        connected = true
    }

    /// Why `host` does not resolve to an address (nil when it does, or is an address).
    static func resolutionProblem(_ host: String) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &result)
        if rc == 0 {
            freeaddrinfo(result)
            return nil
        }
        return String(cString: gai_strerror(rc))
    }

    /// Closes the connection (keeping the context for the next `connect`).
    func close() {
        if let context {
            if connected { modbus_close(context) }
            modbus_free(context)
        }
        context = nil
        connected = false
    }

    /// Reads `request`; on a transport error the connection is closed so the next attempt starts
    /// clean (this is also how a transaction-id desync is recovered from).
    func read(_ request: ReadRequest) throws(DeviceError) -> RawResponse {
        try connect()
        guard let context else { throw fail(.connect, request) }
        let start = Int32(request.start)
        let count = Int32(request.count)
        var response = RawResponse(request: request)
        let result: Int32
        switch request.function {
        case .holding, .input:
            var registers = [UInt16](repeating: 0, count: request.count)
            result = registers.withUnsafeMutableBufferPointer { buffer in
                request.function == .holding
                    ? modbus_read_registers(context, start, count, buffer.baseAddress)
                    : modbus_read_input_registers(context, start, count, buffer.baseAddress)
            }
            response.registers = registers
        case .coil, .discrete:
            var bits = [UInt8](repeating: 0, count: request.count)
            result = bits.withUnsafeMutableBufferPointer { buffer in
                request.function == .coil
                    ? modbus_read_bits(context, start, count, buffer.baseAddress)
                    : modbus_read_input_bits(context, start, count, buffer.baseAddress)
            }
            response.bits = bits
        }
        guard result == count else {
            let code = errno
            let isException = code > ModbusErrno.base && code <= ModbusErrno.base + 11
            let error = fail(isException ? .exception : .transport, request, errno: code)
            if !isException || result >= 0 { close() }
            throw error
        }
        return response
    }

    private func fail(_ kind: DeviceError.Kind, _ request: ReadRequest?, errno code: Int32 = errno) -> DeviceError {
        let text = String(cString: modbus_strerror(code))
        if kind != .exception { close() }
        return DeviceError(kind: kind, device: device.name, unitID: device.unitID, request: request?.label, message: text)
    }
}

/// libmodbus's errno space: protocol exceptions are `base + exception code` (1…11).
enum ModbusErrno {
    static let base: Int32 = 112_345_678
}
