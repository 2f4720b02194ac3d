/// Upload counters for metrics.
public actor UploadStats {
    public enum Kind: Sendable { case sent, retry, quarantined }
    public private(set) var batchesSent: Int64 = 0
    public private(set) var recordsSent: Int64 = 0
    public private(set) var bytesSent: Int64 = 0
    public private(set) var retries: Int64 = 0
    public private(set) var quarantined: Int64 = 0

    public init() {}

    func count(_ kind: Kind, records: Int = 0, bytes: Int = 0) {
        switch kind {
        case .sent:
            batchesSent += 1
            recordsSent += Int64(records)
            bytesSent += Int64(bytes)
        case .retry: retries += 1
        case .quarantined: quarantined += 1
        }
    }
}
