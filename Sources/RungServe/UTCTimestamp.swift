import Foundation

/// ISO 8601 UTC timestamps to the second (`2026-12-03T13:18:28Z`, what
/// `ISO8601DateFormatter` writes by default) without a formatter object: the prediction log
/// stamps every request, and making a formatter per request cost more than scoring a row.
enum UTCTimestamp {
    /// `date` as `YYYY-MM-DDTHH:MM:SSZ`.
    static func seconds(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        func digits(_ value: Int32, _ count: Int) {
            var v = Int(value)
            var buffer = [UInt8](repeating: UInt8(ascii: "0"), count: count)
            for i in stride(from: count - 1, through: 0, by: -1) {
                buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            out += buffer
        }
        digits(parts.tm_year + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2); out.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2); out.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2); out.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2); out.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
