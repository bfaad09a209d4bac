import RungCore

/// Appends little-endian fields to a frame being encoded.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    init(reserving capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
    mutating func blob(_ b: [UInt8]) {
        u32(UInt32(b.count))
        bytes.append(contentsOf: b)
    }
    mutating func strings(_ list: [String]) {
        u32(UInt32(list.count))
        for s in list { string(s) }
    }
}

/// Reads little-endian fields from a received frame; every read is bounds-checked and a
/// short or inconsistent frame is a `WireError`, never a crash.
struct WireReader {
    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - offset >= n else {
            throw WireError.truncated("\(what) needs \(n) bytes at offset \(offset), frame has \(bytes.count)")
        }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    mutating func u8(_ what: String) throws -> UInt8 { try take(1, what).first! }

    mutating func u32(_ what: String) throws -> UInt32 {
        var v: UInt32 = 0
        for (i, b) in try take(4, what).enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return v
    }

    mutating func u64(_ what: String) throws -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(8, what).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    mutating func f64(_ what: String) throws -> Double { Double(bitPattern: try u64(what)) }

    mutating func string(_ what: String) throws -> String {
        let n = Int(try u32(what))
        let slice = try take(n, what)
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw WireError.malformed("\(what) is not valid UTF-8")
        }
        return s
    }

    mutating func blob(_ what: String) throws -> [UInt8] {
        let n = Int(try u32(what))
        return Array(try take(n, what))
    }

    mutating func strings(_ what: String) throws -> [String] {
        let n = Int(try u32(what))
        guard n <= bytes.count - offset else { throw WireError.truncated("\(what) claims \(n) entries") }
        return try (0..<n).map { _ in try string(what) }
    }

    /// A count of entries, each at least `minimumSize` bytes, checked against what is left.
    mutating func count(_ what: String, minimumSize: Int) throws -> Int {
        let n = Int(try u32(what))
        guard n * max(minimumSize, 1) <= bytes.count - offset else {
            throw WireError.truncated("\(what) claims \(n) entries, frame is too short")
        }
        return n
    }
}

/// Why a frame could not be decoded. The receiver counts and drops such frames.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    case badMagic
    case unsupportedVersion(UInt8)
    case unknownType(UInt8)
    case truncated(String)
    case malformed(String)
    case trailingBytes(Int)
    case tooLarge(Int)

    public var description: String {
        switch self {
        case .badMagic: return "frame does not start with the rung magic bytes"
        case .unsupportedVersion(let v): return "protocol version \(v) is not supported (this head speaks \(WireFormat.version))"
        case .unknownType(let t): return "unknown message type \(t)"
        case .truncated(let s): return "truncated frame: \(s)"
        case .malformed(let s): return "malformed frame: \(s)"
        case .trailingBytes(let n): return "\(n) unexpected bytes after the message"
        case .tooLarge(let n): return "frame of \(n) bytes exceeds the \(WireFormat.maxFrameBytes)-byte limit"
        }
    }
}
