import Foundation

/// Gives each distinct byte string seen in one column a small integer code (its level),
/// with an open-addressing hash table over one byte arena, so that reading a column
/// allocates nothing per field once its distinct values have been seen.
struct ByteInterner: Sendable {
    /// The bytes of every level, back to back.
    private(set) var arena: [UInt8] = []
    /// Level `k` occupies `arena[starts[k] ..< starts[k + 1]]`.
    private(set) var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var table: [Int32] = Array(repeating: -1, count: 16)
    private var lastCode: Int32 = -1

    /// The number of distinct levels.
    var count: Int { starts.count - 1 }

    private static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in p { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h ^ (h >> 29)
    }

    private func equals(_ code: Int32, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = starts[Int(code)], e = starts[Int(code) + 1]
        guard e - s == p.count else { return false }
        if p.count == 0 { return true }
        return arena.withUnsafeBufferPointer { a in
            let q = a.baseAddress! + s
            if p.count > 16 { return memcmp(q, p.baseAddress!, p.count) == 0 }
            var i = 0
            while i < p.count {
                if q[i] != p[i] { return false }
                i += 1
            }
            return true
        }
    }

    /// The code of `p`, adding it as a new level if it was not seen before.
    mutating func intern(_ p: UnsafeBufferPointer<UInt8>) -> Int32 {
        if lastCode >= 0 && equals(lastCode, p) { return lastCode }
        let h = Self.hash(p)
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let code = table[slot]
            if code < 0 { break }
            if hashes[Int(code)] == h && equals(code, p) { lastCode = code; return code }
            slot = (slot + 1) & mask
        }
        let code = Int32(count)
        arena.append(contentsOf: p)
        starts.append(arena.count)
        hashes.append(h)
        table[slot] = code
        lastCode = code
        if count * 2 > table.count { grow() }
        return code
    }

    /// The code of `text` if it is a level.
    func code(of text: String) -> Int32? {
        var copy = text
        return copy.withUTF8 { p -> Int32? in
            let h = Self.hash(p)
            let mask = table.count - 1
            var slot = Int(truncatingIfNeeded: h) & mask
            while true {
                let code = table[slot]
                if code < 0 { return nil }
                if hashes[Int(code)] == h && equals(code, p) { return code }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Adds `text` as a level if needed and returns its code.
    mutating func intern(_ text: String) -> Int32 {
        var copy = text
        return copy.withUTF8 { intern($0) }
    }

    private mutating func grow() {
        let size = table.count * 2
        var fresh = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for (code, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while fresh[slot] >= 0 { slot = (slot + 1) & mask }
            fresh[slot] = Int32(code)
        }
        table = fresh
    }

    /// The text of level `code`.
    func string(_ code: Int32) -> String {
        let s = starts[Int(code)], e = starts[Int(code) + 1]
        return arena.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[s..<e]), as: UTF8.self) }
    }

    /// Every level's text, in code order.
    func strings() -> [String] { (0..<Int32(count)).map { string($0) } }
}
