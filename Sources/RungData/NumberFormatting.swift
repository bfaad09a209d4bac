/// Writes numbers as short decimal text that reads back to the same `Double`: whole
/// numbers without a fraction (`42`), others in Swift's shortest round-trip form.
enum NumberFormatting {
    /// Appends the text of `x` (nothing for NaN) to `out`.
    static func append(_ x: Double, to out: inout [UInt8]) {
        if x.isNaN { return }
        if x == x.rounded(), abs(x) < 1e15 {
            var v = Int64(x)
            if v == 0 {
                if x.sign == .minus { out.append(UInt8(ascii: "-")) }
                out.append(UInt8(ascii: "0"))
                return
            }
            if v < 0 { out.append(UInt8(ascii: "-")); v = -v }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var n = 0
            withUnsafeMutableBytes(of: &digits) { d in
                while v > 0 { d[n] = UInt8(48 + v % 10); v /= 10; n += 1 }
                while n > 0 { n -= 1; out.append(d[n]) }
            }
            return
        }
        out.append(contentsOf: x.description.utf8)
    }
}
