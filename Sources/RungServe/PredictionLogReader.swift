import Foundation
import RungCore
import RungData

/// Reads a prediction log (`rung serve`'s JSON lines) back as rows, for `rung data drift`:
/// each line's `inputs` object is one row.
public enum PredictionLogReader {
    /// The logged rows as a cleaned table over `preprocessor` (raw layout, the recipe's
    /// cleaning); a line that is not a logged prediction is an error naming its line.
    public static func table(_ url: URL, preprocessor: Preprocessor) throws -> CleanTable {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: url)) } catch {
            throw RungError.badInput("cannot read the prediction log \(url.path): \(error.localizedDescription)")
        }
        var rows: [[(name: String, value: RequestRows.Value)]] = []
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            let inputs: [UInt8]
            do {
                inputs = try Self.inputsObject(Array(line))
                rows.append(contentsOf: try RequestRows(parsing: inputs).rows)
            } catch let problem as RequestProblem {
                throw RungError.badInput("\(url.lastPathComponent) line \(lineNumber): \(problem.message)")
            }
        }
        let required = preprocessor.numeric.map(\.name) + preprocessor.categorical.map(\.name)
        let (csv, _) = try ServedModel.csvBytes(RequestRows(rows: rows), requiredColumns: required, idColumns: preprocessor.idColumns)
        return try cleanForPrediction(bytes: csv, sourceName: url.lastPathComponent, preprocessor: preprocessor, format: .raw)
    }

    /// The bytes of the `"inputs":{…}` member of one log line.
    static func inputsObject(_ line: [UInt8]) throws -> [UInt8] {
        let key = Array(#""inputs":"#.utf8)
        guard let start = line.firstRange(of: key)?.upperBound, start < line.count, line[start] == UInt8(ascii: "{") else {
            throw RequestProblem(status: 400, kind: "bad_json", message: "no \"inputs\" object (not a rung serve prediction log line)")
        }
        // Find the matching brace, skipping strings.
        var depth = 0, i = start, inString = false
        while i < line.count {
            let c = line[i]
            if inString {
                if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == UInt8(ascii: "{") {
                depth += 1
            } else if c == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return Array(line[start...i]) }
            }
            i += 1
        }
        throw RequestProblem(status: 400, kind: "bad_json", message: "the \"inputs\" object is not closed")
    }
}
