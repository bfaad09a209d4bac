import Foundation
import RungCore

/// Parses `--params` JSON into trainer parameters.
public enum ParameterJSON {
    /// The parameters in `text`, a JSON object of numbers and strings; anything else is a usage error naming `what`.
    public static func parse(_ text: String, what: String) throws -> [String: ParamValue] {
        do {
            return try JSONDecoder().decode([String: ParamValue].self, from: Data(text.utf8))
        } catch {
            throw RungError.usage("\(what) must be a JSON object of numbers and strings, e.g. '{\"max_depth\": 6}'; got \(text)")
        }
    }
}
