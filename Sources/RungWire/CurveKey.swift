import CZeroMQ
import RungCore

/// One CURVE key, public or secret: 32 bytes, written in files as 40 characters of Z85
/// (ZeroMQ's printable encoding, RFC 32).
public struct CurveKey: Hashable, Sendable, CustomStringConvertible {
    /// The key's 32 raw bytes.
    public let bytes: [UInt8]

    /// The 85 characters Z85 uses, in value order.
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    /// A key from its 32 raw bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw RungError.badInput("a CURVE key has 32 bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// A key from its 40-character Z85 text; `source` names where the text came from
    /// (a file and line) in the error.
    public init(z85 text: String, source: String) throws {
        let chars = Array(text.utf8)
        guard chars.count == 40 else {
            throw RungError.badInput("\(source): a CURVE key is 40 Z85 characters, this is \(chars.count) (\(Self.preview(text)))")
        }
        if let bad = chars.first(where: { !Self.alphabet.contains($0) }) {
            throw RungError.badInput("\(source): '\(String(decoding: [bad], as: UTF8.self))' is not a Z85 character, so this is not a CURVE key (\(Self.preview(text)))")
        }
        var out = [UInt8](repeating: 0, count: 32)
        let ok = out.withUnsafeMutableBufferPointer { zmq_z85_decode($0.baseAddress, text) != nil }
        guard ok else { throw RungError.badInput("\(source): \(Self.preview(text)) is not valid Z85") }
        bytes = out
    }

    /// The 40-character Z85 text.
    public var z85: String {
        var buffer = [CChar](repeating: 0, count: 41)
        _ = bytes.withUnsafeBufferPointer { zmq_z85_encode(&buffer, $0.baseAddress, 32) }
        return String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The first 8 Z85 characters and an ellipsis: enough to recognise a public key in a
    /// log line; never the whole of a secret one.
    public var abbreviated: String { String(z85.prefix(8)) + "…" }

    /// The abbreviated form, so printing a secret key by mistake does not leak it.
    public var description: String { abbreviated }

    private static func preview(_ text: String) -> String {
        text.count <= 12 ? "'\(text)'" : "'\(text.prefix(8))…'"
    }
}
