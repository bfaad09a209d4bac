import Foundation
import RungCore

/// Turns control requests and replies into the JSON of `control` and `control_reply` frames
/// and back (docs/protocol.md, "Control requests"). A request is one JSON object: `op`, the
/// protocol version `v`, and the request's fields. Every failure to read one becomes a
/// `RungError` whose message says what is wrong, for the head to send back.
public enum ControlCodec {
    /// The control protocol version this build speaks; a request without `v` is version 1.
    public static let version = 1

    /// The `op` and `v` of a request, read before its fields.
    public struct Header: Equatable, Sendable {
        /// The operation.
        public var op: ControlOp
        /// The protocol version the client speaks.
        public var version: Int

        /// A header.
        public init(op: ControlOp, version: Int) {
            self.op = op
            self.version = version
        }
    }

    /// The JSON text of `request`, with `op` and `v` beside its fields, keys sorted.
    public static func encode<R: ControlRequest>(request: R) throws -> String {
        try text(of: Envelope(request: request))
    }

    /// The JSON text of a reply, keys sorted; an unencodable reply becomes an internal error reply.
    public static func encode<T: ControlReply>(reply: T) -> String {
        do {
            return try text(of: reply)
        } catch {
            return encode(error: RungError.internalFailure("the head could not encode its reply: \(error)"))
        }
    }

    /// The JSON text of the error reply for `error`.
    public static func encode(error: RungError) -> String {
        (try? text(of: ControlErrorReply(error))) ?? #"{"error":"internal: reply not encodable","kind":"internal"}"#
    }

    /// Reads a request's `op` and `v`: not a JSON object, no `op`, an unknown op or a
    /// version this build does not speak each give a RungError naming the problem.
    public static func header(of json: String) throws -> Header {
        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            switch Self.context(of: error)?.codingPath.first?.stringValue {
            case "v": throw RungError.badInput("\"v\" must be a whole number (the control protocol version, \(version) here)")
            case "op": throw RungError.badInput("\"op\" must be a string; known ops: \(ControlOp.knownList)")
            default: throw RungError.badInput("a control request must be a JSON object with an \"op\"")
            }
        }
        guard let name = raw.op else { throw RungError.badInput("a control request must be a JSON object with an \"op\"") }
        guard let op = ControlOp(rawValue: name) else {
            throw RungError.badInput("unknown op \(name); known: \(ControlOp.knownList)")
        }
        let v = raw.v ?? 1
        guard v >= 1 else { throw RungError.badInput("\"v\" must be 1 or more (the control protocol version), not \(v)") }
        guard v <= version else {
            throw RungError.unavailable("the request speaks control protocol version \(v), this head speaks version \(version); use a rung as old as the head, or upgrade the head")
        }
        return Header(op: op, version: v)
    }

    /// Reads the request's fields; a missing or mistyped field gives a RungError naming it,
    /// e.g. "submit needs \"config\" (the sweep YAML text)".
    public static func decode<R: ControlRequest>(_ type: R.Type, from json: String) throws -> R {
        try checkIntegers(R.self, in: json)
        do {
            return try JSONDecoder().decode(R.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            throw RungError.badInput(message(for: error, op: R.op, help: R.fieldHelp))
        }
    }

    /// Refuses a numeric field of `R` that is not a whole number in its range.
    private static func checkIntegers<R: ControlRequest>(_ type: R.Type, in json: String) throws {
        guard !R.integerRanges.isEmpty,
              let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return }
        for (name, range) in R.integerRanges.sorted(by: { $0.key < $1.key }) {
            guard let raw = object[name], !(raw is NSNull) else { continue }
            let shown = (raw as? NSNumber)?.description ?? "\(raw)"
            let refusal = RungError.badInput("\(R.op.rawValue): \"\(name)\" must be a whole number from \(range.lowerBound) to \(range.upperBound) (got \(shown))")
            guard let number = raw as? NSNumber else { continue }  // not a number: the decoder names the field
            let value = number.doubleValue
            guard value.rounded() == value, value >= Double(range.lowerBound), value <= Double(range.upperBound),
                  let exact = Int64(exactly: value) ?? Int64(exactly: number.int64Value), range.contains(exact) else { throw refusal }
        }
    }

    /// Reads a reply: an error reply becomes its RungError; a success reply is decoded as
    /// `R`, and a reply that is neither throws the `DecodingError`.
    public static func decode<R: ControlReply>(reply type: R.Type, from json: String) throws -> R {
        let data = Data(json.utf8)
        if let failure = try? JSONDecoder().decode(ControlErrorReply.self, from: data) { throw failure.rungError }
        return try replyDecoder.decode(R.self, from: data)
    }

    /// A one-sentence description of a decoding error in a request.
    static func message(for error: DecodingError, op: ControlOp, help: [String: String]) -> String {
        func field(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            ((path + (key.map { [$0] } ?? [])).map(\.stringValue)).joined(separator: ".")
        }
        func described(_ name: String) -> String {
            help[name].map { "\"\(name)\" (\($0))" } ?? "\"\(name)\""
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(op.rawValue) needs \(described(field(context.codingPath, key)))"
        case .valueNotFound(_, let context):
            return "\(op.rawValue) needs \(described(field(context.codingPath)))"
        case .typeMismatch(let type, let context):
            let name = field(context.codingPath)
            guard !name.isEmpty else { return "a control request must be a JSON object with an \"op\"" }
            return "\(op.rawValue): \(described(name)) must be \(kindName(type))"
        case .dataCorrupted(let context):
            let name = field(context.codingPath)
            guard !name.isEmpty else { return "a control request must be a JSON object with an \"op\"" }
            return "\(op.rawValue): \(described(name)) is not valid (\(context.debugDescription))"
        @unknown default:
            return "\(op.rawValue): the request cannot be read (\(error))"
        }
    }

    private static func context(of error: DecodingError) -> DecodingError.Context? {
        switch error {
        case .keyNotFound(_, let c), .valueNotFound(_, let c), .typeMismatch(_, let c), .dataCorrupted(let c): return c
        @unknown default: return nil
        }
    }

    private static func kindName(_ type: Any.Type) -> String {
        switch type {
        case is Int64.Type, is Int.Type, is Int32.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default: return "a \(type)"
        }
    }

    /// How dates and non-finite numbers travel in replies: dates as seconds since 1970, NaN
    /// and infinities (metrics may be NaN) as the strings "nan", "inf" and "-inf".
    private static let nonFinite = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    private static func text<T: Encodable>(of value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static var replyDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        return decoder
    }

    /// `op` and `v` as they arrive, before they are checked.
    private struct RawHeader: Decodable {
        var op: String?
        var v: Int?
    }

    /// A request with `op` and `v` written beside its own fields.
    private struct Envelope<R: ControlRequest>: Encodable {
        var request: R

        enum Keys: String, CodingKey { case op, v }

        func encode(to encoder: any Encoder) throws {
            try request.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(R.op.rawValue, forKey: .op)
            try c.encode(ControlCodec.version, forKey: .v)
        }
    }
}
