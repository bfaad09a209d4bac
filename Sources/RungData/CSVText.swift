/// Byte-level text checks and conversions for CSV input: UTF-8 validation, Latin-1 to
/// UTF-8 conversion, and the counted replacement of NUL bytes and invalid UTF-8 that a
/// recipe may opt into (`csv.encoding`, `csv.invalid_bytes`).
public enum CSVText {
    /// The bytes of U+FFFD, the replacement character.
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// The length of the valid UTF-8 sequence (1–4 bytes) starting at `p[k]`, or nil if the
    /// bytes there are not one (a NUL byte counts as valid here; callers test for it).
    @inline(__always)
    static func utf8SequenceLength(_ p: UnsafePointer<UInt8>, _ k: Int, _ n: Int) -> Int? {
        let b0 = p[k]
        if b0 < 0x80 { return 1 }
        func cont(_ j: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool { j < n && p[j] >= lo && p[j] <= hi }
        switch b0 {
        case 0xC2 ... 0xDF: return cont(k + 1) ? 2 : nil
        case 0xE0: return cont(k + 1, 0xA0) && cont(k + 2) ? 3 : nil
        case 0xE1 ... 0xEC, 0xEE, 0xEF: return cont(k + 1) && cont(k + 2) ? 3 : nil
        case 0xED: return cont(k + 1, 0x80, 0x9F) && cont(k + 2) ? 3 : nil
        case 0xF0: return cont(k + 1, 0x90) && cont(k + 2) && cont(k + 3) ? 4 : nil
        case 0xF1 ... 0xF3: return cont(k + 1) && cont(k + 2) && cont(k + 3) ? 4 : nil
        case 0xF4: return cont(k + 1, 0x80, 0x8F) && cont(k + 2) && cont(k + 3) ? 4 : nil
        default: return nil
        }
    }

    /// `bytes` made ready for `CSVReader` under `dialect`: Latin-1 converted to UTF-8 and,
    /// with `invalid_bytes: replace`, each NUL byte and each invalid UTF-8 byte replaced by
    /// U+FFFD; returns nil when nothing needs to change (the common case, checked without
    /// copying), else the new bytes and the number of replacements.
    public static func prepare(_ bytes: [UInt8], dialect: CSVDialect) -> (bytes: [UInt8], replaced: Int)? {
        let replace = dialect.invalidBytes == .replace
        return bytes.withUnsafeBufferPointer { buffer -> ([UInt8], Int)? in
            guard let p = buffer.baseAddress else { return nil }
            let n = buffer.count
            // Fast check: is any byte NUL or ≥ 0x80?
            var k = 0
            var clean = true
            while k < n { let b = p[k]; if b == 0 || b >= 0x80 { clean = false; break }; k += 1 }
            if clean { return nil }
            switch dialect.encoding {
            case .latin1:
                var out = [UInt8]()
                out.reserveCapacity(n + n / 8)
                out.append(contentsOf: UnsafeBufferPointer(start: p, count: k))
                var replaced = 0
                for j in k ..< n {
                    let b = p[j]
                    if b < 0x80 {
                        if b == 0 && replace { out.append(contentsOf: replacement); replaced += 1 } else { out.append(b) }
                    } else {
                        out.append(0xC0 | (b >> 6))
                        out.append(0x80 | (b & 0x3F))
                    }
                }
                return (out, replaced)
            case .utf8:
                guard replace else { return nil }
                var out = [UInt8]()
                var replaced = 0
                var copied = 0
                var j = k
                while j < n {
                    let b = p[j]
                    if b != 0 && b < 0x80 { j += 1; continue }
                    if b != 0, let length = utf8SequenceLength(p, j, n) { j += length; continue }
                    if out.isEmpty { out.reserveCapacity(n + 64) }
                    out.append(contentsOf: UnsafeBufferPointer(start: p + copied, count: j - copied))
                    out.append(contentsOf: replacement)
                    replaced += 1
                    j += 1
                    copied = j
                }
                if replaced == 0 { return nil }
                out.append(contentsOf: UnsafeBufferPointer(start: p + copied, count: n - copied))
                return (out, replaced)
            }
        }
    }
}
