/// One substation served over DNP3 (`--dnp3 SUB002=127.0.0.1:20000[,outstation=10][,master=1]`):
/// its own TCP port and link addresses. Substations without one are served over Modbus only.
public struct DNP3OutstationSpec: Sendable, Hashable, CustomStringConvertible {
    /// Substation index (SUB001 = 0).
    public var substation: Int
    public var endpoint: Endpoint
    /// Link address of the outstation, 0…65519 (default 10).
    public var outstationAddress: UInt16
    /// Link address of the master it answers, 0…65519 (default 1).
    public var masterAddress: UInt16

    public init(substation: Int, endpoint: Endpoint, outstationAddress: UInt16 = 10, masterAddress: UInt16 = 1) {
        self.substation = substation
        self.endpoint = endpoint
        self.outstationAddress = outstationAddress
        self.masterAddress = masterAddress
    }

    /// Parses `SUB002=HOST:PORT[,outstation=N][,master=N]`; errors name the option, the text and the key.
    public init(parsing text: String) throws(SimError) {
        func fail(_ problem: String) -> SimError { SimError("--dnp3 '\(text)': \(problem)") }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let head = parts[0].split(separator: "=", maxSplits: 1).map(String.init)
        guard head.count == 2 else { throw fail("expected SUBNNN=HOST:PORT[,outstation=N][,master=N]") }
        let id = head[0].uppercased()
        guard id.hasPrefix("SUB"), let number = Int(id.dropFirst(3)), number >= 1 else {
            throw fail("'\(head[0])' is not a substation id like SUB002")
        }
        let endpoint: Endpoint
        do throws(SimError) { endpoint = try Endpoint(parsing: head[1], option: "--dnp3") } catch {
            throw fail(String(error.message.dropFirst("--dnp3: ".count)))
        }
        self.init(substation: number - 1, endpoint: endpoint)
        for part in parts.dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw fail("'\(part)' is not key=value") }
            guard let value = UInt16(kv[1]), value <= 65_519 else { throw fail("\(kv[0]): '\(kv[1])' must be 0…65519") }
            switch kv[0] {
            case "outstation": outstationAddress = value
            case "master": masterAddress = value
            default: throw fail("unknown key '\(kv[0])' (outstation, master)")
            }
        }
        guard outstationAddress != masterAddress else { throw fail("outstation and master addresses must differ") }
    }

    /// `SUB002` for index 1.
    public var substationName: String {
        let n = String(substation + 1)
        return "SUB" + String(repeating: "0", count: max(0, 3 - n.count)) + n
    }

    public var description: String {
        "\(substationName)=\(endpoint),outstation=\(outstationAddress),master=\(masterAddress)"
    }
}
