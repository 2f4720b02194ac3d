/// A small, allocation-light RFC 3339 parser and formatter (UTC output, millisecond precision).
/// Foundation's formatters are correct but slow on hot ingest paths; this handles exactly the
/// profile the wire protocol documents: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
enum RFC3339 {
    static func parse(_ text: String) -> Int64? {
        var utf8 = Array(text.utf8)
        guard utf8.count >= 20 else { return nil }
        if utf8[10] == UInt8(ascii: " ") || utf8[10] == UInt8(ascii: "t") { utf8[10] = UInt8(ascii: "T") }
        func digits(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for i in start..<(start + count) {
                guard i < utf8.count, utf8[i] >= 48, utf8[i] <= 57 else { return nil }
                value = value * 10 + Int(utf8[i] - 48)
            }
            return value
        }
        guard let year = digits(0, 4), utf8[4] == UInt8(ascii: "-"),
            let month = digits(5, 2), utf8[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), utf8[10] == UInt8(ascii: "T"),
            let hour = digits(11, 2), utf8[13] == UInt8(ascii: ":"),
            let minute = digits(14, 2), utf8[16] == UInt8(ascii: ":"),
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var millis = 0
        if index < utf8.count, utf8[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100
            let start = index
            while index < utf8.count, utf8[index] >= 48, utf8[index] <= 57 {
                millis += Int(utf8[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < utf8.count else { return nil }
        var offsetMinutes = 0
        switch utf8[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = utf8[index] == UInt8(ascii: "+") ? 1 : -1
            guard let oh = digits(index + 1, 2), index + 3 < utf8.count, utf8[index + 3] == UInt8(ascii: ":"),
                let om = digits(index + 4, 2), oh < 24, om < 60
            else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
            index += 6
        default:
            return nil
        }
        guard index == utf8.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
            - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millis)
    }

    /// Total: an instant outside `SourceTime.representableRange` is formatted as the nearest end of
    /// it, so any `Int64` (say, from a database written before the range was enforced) gives a
    /// well-formed string instead of a trap.
    static func format(_ epochMillisecondsUnchecked: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(epochMillisecondsUnchecked, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `format`'s text (`YYYY-MM-DDTHH:MM:SS.mmmZ`, 24 bytes) to `bytes`: the template
    /// appended once and its digits written in place (a long answer formats tens of thousands of
    /// times; appending byte by byte was a tenth of its writing).
    static func append(_ epochMillisecondsUnchecked: Int64, to bytes: inout [UInt8]) {
        let range = SourceTime.representableRange
        let epochMilliseconds = min(max(epochMillisecondsUnchecked, range.lowerBound), range.upperBound)
        let ms = Int(((epochMilliseconds % 1000) + 1000) % 1000)
        let totalSeconds = (epochMilliseconds - Int64(ms)) / 1000
        var days = Int(totalSeconds / 86_400)
        var secondsOfDay = Int(totalSeconds % 86_400)
        if secondsOfDay < 0 {
            secondsOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilFromDays(days)
        let start = bytes.count
        bytes.append(contentsOf: template)
        bytes.withUnsafeMutableBufferPointer { out in
            @inline(__always) func digits(_ value: Int, at offset: Int, width: Int) {
                var v = value
                for i in stride(from: start + offset + width - 1, through: start + offset, by: -1) {
                    out[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                    v /= 10
                }
            }
            digits(year, at: 0, width: 4)
            digits(month, at: 5, width: 2)
            digits(day, at: 8, width: 2)
            digits(secondsOfDay / 3600, at: 11, width: 2)
            digits(secondsOfDay / 60 % 60, at: 14, width: 2)
            digits(secondsOfDay % 60, at: 17, width: 2)
            digits(ms, at: 20, width: 3)
        }
    }

    private static let template: [UInt8] = Array("0000-00-00T00:00:00.000Z".utf8)

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days-from-civil algorithm.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
