import HopHubCore
import HopHubSQLite
import Foundation
import HopProtocol

/// Swift's JSONDecoder reports a number that does not fit an integer field (`"seq": 1.5`,
/// `"customers_out": 1e30`) as "The given data was not valid JSON" with no coding path. When the body
/// *is* valid JSON, this finds the number instead, so the client gets a 422 naming the field rather
/// than a false "malformed JSON".
enum UnfitNumberDiagnosis {
    /// Bodies up to this size may be decoded again to tell several suspicious numbers apart.
    static let maxRetryBytes = 65_536
    /// At most this many suspicious numbers are tried one by one.
    static let maxRetries = 8

    /// One step into the JSON tree: an object key (`stringValue`) or an array index (`intValue`).
    private struct Step: CodingKey {
        let stringValue: String
        let intValue: Int?
        init(stringValue: String) { (self.stringValue, self.intValue) = (stringValue, nil) }
        init(intValue: Int) { (self.stringValue, self.intValue) = (String(intValue), intValue) }
    }

    private struct Candidate {
        let path: [Step]
        let text: String
    }

    /// The 422 for `data` (valid JSON that `type` could not decode because of a number), or nil when
    /// `data` is not valid JSON at all.
    static func diagnose<T: Decodable>(_ type: T.Type, data: Data) -> HubError? {
        guard let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        var candidates: [Candidate] = []
        collect(tree, [], into: &candidates)
        if candidates.count == 1 { return named(candidates[0]) }
        if (2...maxRetries).contains(candidates.count), data.count <= maxRetryBytes {
            for candidate in candidates {
                let patched = replace(tree, at: candidate.path[...], with: 0)
                guard let patchedData = try? JSONSerialization.data(withJSONObject: patched, options: [.fragmentsAllowed])
                else { continue }
                do {
                    _ = try JSONDecoder().decode(T.self, from: patchedData)
                    return named(candidate)
                } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
                    continue  // still a number that does not fit: another candidate is (also) to blame
                } catch {
                    return named(candidate)  // this number was the problem; the rest is reported on the next try
                }
            }
        }
        return HubError(
            .validationFailed,
            "a number does not fit its field: whole-number fields (seq, ts, counts such as customers_out) take integers "
                + "from -9223372036854775808 to 9223372036854775807, without a fractional part")
    }

    private static func named(_ candidate: Candidate) -> HubError {
        let field = BodyReader.fieldPath(candidate.path)
        return HubError(
            .validationFailed, "'\(field)' must be a whole number that fits the field (got \(candidate.text))", field: field)
    }

    /// Numbers that cannot be a 64-bit integer: fractional, or beyond ±2^63.
    private static func collect(_ value: Any, _ path: [Step], into candidates: inout [Candidate]) {
        switch value {
        case let object as [String: Any]:
            for key in object.keys.sorted() { collect(object[key]!, path + [Step(stringValue: key)], into: &candidates) }
        case let array as [Any]:
            for (index, element) in array.enumerated() { collect(element, path + [Step(intValue: index)], into: &candidates) }
        case let number as NSNumber:
            let type = String(cString: number.objCType)
            let unfit: Bool
            if ["c", "s", "i", "l", "q"].contains(type) {
                unfit = false  // parsed as a signed integer: it fits Int64
            } else if type == "Q" {
                unfit = number.uint64Value > UInt64(Int64.max)
            } else {
                let double = number.doubleValue
                unfit = (double.isFinite && double != double.rounded(.towardZero))
                    || double >= 9.223372036854775807e18 || double < -9.223372036854775808e18
            }
            if unfit { candidates.append(Candidate(path: path, text: number.description)) }
        default:
            break
        }
    }

    private static func replace(_ value: Any, at path: ArraySlice<Step>, with replacement: Any) -> Any {
        guard let step = path.first else { return replacement }
        if let index = step.intValue, var array = value as? [Any], array.indices.contains(index) {
            array[index] = replace(array[index], at: path.dropFirst(), with: replacement)
            return array
        }
        if step.intValue == nil, var object = value as? [String: Any] {
            object[step.stringValue] = object[step.stringValue].map { replace($0, at: path.dropFirst(), with: replacement) }
            return object
        }
        return value
    }
}
