import Foundation

/// Gives each distinct byte string seen in one column a small integer code (its level),
/// with an open-addressing hash table over one byte arena, so that reading a column
/// allocates nothing per field once its distinct values have been seen. Values of up to
/// eight bytes (most table cells) are compared and hashed as one packed integer.
struct ByteInterner: Sendable {
    /// The bytes of every level, back to back.
    private(set) var arena: [UInt8] = []
    /// Level `k` occupies `arena[starts[k] ..< starts[k + 1]]`.
    private(set) var starts: [Int] = [0]
    /// Per level: its bytes packed little-endian when it is at most eight bytes long.
    private var packed: [UInt64] = []
    private var hashes: [UInt64] = []
    private var table: [Int32] = Array(repeating: -1, count: 16)
    private var lastCode: Int32 = -1

    /// The number of distinct levels.
    var count: Int { starts.count - 1 }

    @inline(__always)
    private static func pack(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var k: UInt64 = 0
        var i = 0
        while i < p.count { k |= UInt64(p[i]) &<< UInt64(8 &* i); i &+= 1 }
        return k
    }

    @inline(__always)
    private static func mix(_ k: UInt64, _ n: Int) -> UInt64 {
        let h = (k ^ (UInt64(n) &<< 59)) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 31)
    }

    private static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if p.count <= 8 { return mix(pack(p), p.count) }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in p { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h ^ (h >> 29)
    }

    @inline(__always)
    private func length(_ code: Int32) -> Int { starts[Int(code) + 1] - starts[Int(code)] }

    private func equals(_ code: Int32, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = starts[Int(code)], e = starts[Int(code) + 1]
        guard e - s == p.count else { return false }
        if p.count <= 8 { return packed[Int(code)] == Self.pack(p) }
        return arena.withUnsafeBufferPointer { a in memcmp(a.baseAddress! + s, p.baseAddress!, p.count) == 0 }
    }

    /// The code of `p`, adding it as a new level if it was not seen before. With
    /// `readable8`, eight bytes may be read from `p`'s start even when `p` is shorter.
    mutating func intern(_ p: UnsafeBufferPointer<UInt8>, readable8: Bool = false) -> Int32 {
        let n = p.count
        let h: UInt64
        if n <= 8 {
            let k: UInt64
            if readable8, let base = p.baseAddress {
                let word = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
                k = n == 8 ? word : word & ((1 &<< UInt64(8 &* n)) &- 1)
            } else {
                k = Self.pack(p)
            }
            if lastCode >= 0 && packed[Int(lastCode)] == k && length(lastCode) == n { return lastCode }
            h = Self.mix(k, n)
            let mask = table.count - 1
            var slot = Int(truncatingIfNeeded: h) & mask
            while true {
                let code = table[slot]
                if code < 0 { return add(p, hash: h, slot: slot) }
                if hashes[Int(code)] == h && packed[Int(code)] == k && length(code) == n { lastCode = code; return code }
                slot = (slot + 1) & mask
            }
        }
        if lastCode >= 0 && equals(lastCode, p) { return lastCode }
        h = Self.hash(p)
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let code = table[slot]
            if code < 0 { return add(p, hash: h, slot: slot) }
            if hashes[Int(code)] == h && equals(code, p) { lastCode = code; return code }
            slot = (slot + 1) & mask
        }
    }

    private mutating func add(_ p: UnsafeBufferPointer<UInt8>, hash h: UInt64, slot: Int) -> Int32 {
        let code = Int32(count)
        arena.append(contentsOf: p)
        starts.append(arena.count)
        packed.append(p.count <= 8 ? Self.pack(p) : 0)
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
