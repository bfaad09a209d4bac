/// The keys `rung top` understands, decoded from the bytes a raw-mode terminal sends.
public enum TopKey: Equatable, Sendable {
    case quit, nextSweep, previousSweep, family, sort, up, down, pageUp, pageDown, top, bottom

    /// The keys in `bytes` (unknown bytes and sequences are skipped).
    public static func parse(_ bytes: [UInt8]) -> [TopKey] {
        var keys: [TopKey] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            switch b {
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03, 0x04: keys.append(.quit)  // q, Ctrl-C, Ctrl-D
            case 0x09: keys.append(.nextSweep)                                     // Tab
            case UInt8(ascii: "f"), UInt8(ascii: "F"): keys.append(.family)
            case UInt8(ascii: "s"), UInt8(ascii: "S"): keys.append(.sort)
            case UInt8(ascii: "j"): keys.append(.down)
            case UInt8(ascii: "k"): keys.append(.up)
            case UInt8(ascii: " "): keys.append(.pageDown)
            case UInt8(ascii: "g"): keys.append(.top)
            case UInt8(ascii: "G"): keys.append(.bottom)
            case 0x1B:
                // CSI sequences: ESC [ A/B (arrows), ESC [ Z (Shift-Tab), ESC [ 5~ / 6~ (pages), ESC [ H/F.
                guard i < bytes.count, bytes[i] == UInt8(ascii: "[") || bytes[i] == UInt8(ascii: "O") else { continue }
                i += 1
                var body: [UInt8] = []
                while i < bytes.count {
                    let c = bytes[i]
                    i += 1
                    body.append(c)
                    if c >= 0x40 && c <= 0x7E { break }
                }
                switch String(decoding: body, as: UTF8.self) {
                case "A": keys.append(.up)
                case "B": keys.append(.down)
                case "Z": keys.append(.previousSweep)
                case "5~": keys.append(.pageUp)
                case "6~": keys.append(.pageDown)
                case "H", "1~": keys.append(.top)
                case "F", "4~": keys.append(.bottom)
                default: break
                }
            default: break
            }
        }
        return keys
    }
}
