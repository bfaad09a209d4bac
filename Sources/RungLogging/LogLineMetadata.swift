import Foundation
import Logging

/// The sweep, trial and worker a free-text log line names, as swift-log metadata: the
/// number after `trial`, the name after `worker`, the number after `sweep`. Pure.
public enum LogLineMetadata {
    /// The metadata of `line` (empty when it names none).
    public static func extract(from line: String) -> Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        let words = line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "(" || $0 == ")" || $0 == ";" })
        for (index, word) in words.enumerated() where index + 1 < words.count {
            let next = words[index + 1].trimmingCharacters(in: CharacterSet(charactersIn: ":.,"))
            switch word.lowercased() {
            case "trial" where metadata["trial"] == nil && Int(next) != nil:
                metadata["trial"] = .string(next)
            case "worker" where metadata["worker"] == nil && !next.isEmpty:
                metadata["worker"] = .string(next)
            case "sweep" where metadata["sweep"] == nil && Int(next) != nil:
                metadata["sweep"] = .string(next)
            default:
                break
            }
        }
        return metadata
    }
}
