import Foundation
import RungCore
import RungData
import RungTraining
import RungArtifacts

/// One loaded registry version: its preprocessor (the recipe's cleaning rules and the
/// fitted encoding), its XGBoost model and its metadata. Rows are scored exactly as
/// `rung predict` scores raw CSV rows: they are written as a CSV in the source layout and
/// go through the same `cleanForPrediction` and `Preprocessor.transform`.
///
/// Thread rule for `@unchecked Sendable`: everything is immutable except the booster,
/// which is used under `lock`.
public final class ServedModel: @unchecked Sendable {
    /// The registered version (family, number, stage when loaded, metrics, uri).
    public let version: ModelVersion
    /// Its `metadata.json`.
    public let metadata: ModelMetadata
    /// Its `preprocessor.json`.
    public let preprocessor: Preprocessor
    /// The source columns a row must have: the preprocessor's numeric then categorical columns.
    public let requiredColumns: [String]
    /// When it was loaded.
    public let loadedAt: Date
    private let model: SavedModel
    private let lock = NSLock()
    /// The categories' positions, made once (for the diabetes model, 1,500 categories: making
    /// them per request was most of a single row's encoding time).
    private let categoryIndexes: [[String: Int32]]

    /// Loads the version's files from `directory` (`model.json`, `preprocessor.json`, `metadata.json`).
    public init(version: ModelVersion, directory: URL) throws {
        let pre = directory.appendingPathComponent(Registry.preprocessorFile)
        let meta = directory.appendingPathComponent(Registry.metadataFile)
        self.version = version
        preprocessor = try Preprocessor.load(from: pre)
        model = try SavedModel.load(from: directory.appendingPathComponent(Registry.modelFile))
        // One request's rows are scored on the request's own thread (docs/serving.md, "Latency").
        try model.setThreads(1)
        let data: Data
        do { data = try Data(contentsOf: meta) } catch {
            throw RungError.badInput("cannot read \(meta.path): \(error.localizedDescription)")
        }
        metadata = try ModelMetadata.decode(data, source: meta.path)
        requiredColumns = preprocessor.numeric.map(\.name) + preprocessor.categorical.map(\.name)
        categoryIndexes = preprocessor.categoryIndexes()
        loadedAt = Date()
    }

    /// `family@version`, e.g. `xgboost@3`.
    public var name: String { "\(version.family)@\(version.version)" }

    /// The probabilities (and, with `explain > 0`, the `explain` largest source-column
    /// contributions) of `rows`, or a `RequestProblem` (422) naming the row and field that
    /// cannot be scored.
    public func score(_ rows: RequestRows, explain: Int) throws -> Scores {
        let started = ContinuousClock.now
        let (csv, firstLines) = try Self.csvBytes(rows, requiredColumns: requiredColumns, idColumns: preprocessor.idColumns)
        let table: CleanTable
        do {
            table = try cleanForPrediction(bytes: csv, sourceName: "request", preprocessor: preprocessor, format: .raw)
        } catch let error as RungError {
            throw Self.problem(from: error, firstLines: firstLines)
        }
        guard table.rowCount == rows.rows.count else {
            throw RequestProblem(status: 500, kind: "internal", message: "\(rows.rows.count) rows were sent but \(table.rowCount) were cleaned")
        }
        let features: CSRMatrix
        do { features = try preprocessor.transform(table, categoryIndexes: categoryIndexes) } catch let error as RungError {
            throw Self.problem(from: error, firstLines: firstLines)
        }
        let encoded = ContinuousClock.now
        lock.lock()
        defer { lock.unlock() }
        let probabilities = try model.predictProbabilities(features)
        var contributions: SourceContributions?
        if explain > 0 {
            contributions = try SourceContributions(encoded: model.predictContributions(features), preprocessor: preprocessor)
        }
        return Scores(probabilities: probabilities, contributions: contributions,
                      cleanSeconds: Self.seconds(encoded - started), predictSeconds: Self.seconds(ContinuousClock.now - encoded))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// What `score` returns.
    public struct Scores: Sendable {
        /// One probability of the positive class per row.
        public var probabilities: [Double]
        /// The rows' source-column contributions, when asked for.
        public var contributions: SourceContributions?
        /// Seconds spent cleaning and encoding the rows (CSV layout, recipe rules, encoding).
        public var cleanSeconds: Double = 0
        /// Seconds spent in XGBoost (waiting for the model included).
        public var predictSeconds: Double = 0
    }

    /// The rows as CSV bytes in the source layout (required columns, then the id columns any
    /// row has), and the CSV line each row starts on (for naming rows in cleaning errors).
    public static func csvBytes(_ rows: RequestRows, requiredColumns: [String], idColumns: [String]) throws -> ([UInt8], [Int]) {
        let ids = idColumns.filter { id in rows.rows.contains { $0.contains { $0.name == id } } }
        let header = requiredColumns + ids
        var out: [UInt8] = []
        out.reserveCapacity(64 * header.count * max(1, rows.rows.count))
        Self.appendRecord(header.map { $0 }, to: &out)
        var firstLines: [Int] = []
        var line = 2
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() { index[name] = i }
        var fields = [String?](repeating: nil, count: header.count)
        for (r, row) in rows.rows.enumerated() {
            for i in fields.indices { fields[i] = nil }
            for member in row {
                guard let i = index[member.name] else { continue }
                switch member.value {
                case .number(let text), .string(let text): fields[i] = text
                case .bool(let b): fields[i] = b ? "true" : "false"
                case .null: fields[i] = ""
                }
            }
            for (i, name) in requiredColumns.enumerated() where fields[i] == nil {
                throw RequestProblem(status: 422, kind: "missing_field",
                                     message: "row \(r): missing field `\(name)` (send null for a missing value)", field: name, row: r)
            }
            firstLines.append(line)
            let record = fields.map { $0 ?? "" }
            line += 1 + record.reduce(0) { $0 + $1.utf8.filter { $0 == 0x0A }.count }
            Self.appendRecord(record, to: &out)
        }
        return (out, firstLines)
    }

    static func appendRecord(_ fields: [String], to out: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            let bytes = Array(field.utf8)
            if bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                out.append(UInt8(ascii: "\""))
                for b in bytes {
                    if b == UInt8(ascii: "\"") { out.append(b) }
                    out.append(b)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: bytes)
            }
        }
        out.append(0x0A)
    }

    /// A cleaning error (`request line L, column `c`: what.`) as a 422 naming the row and field.
    static func problem(from error: RungError, firstLines: [Int]) -> RequestProblem {
        let message = error.message
        var row: Int?
        var field: String?
        var what = message
        if let lineRange = message.range(of: " line ") {
            let digits = message[lineRange.upperBound...].prefix { $0.isNumber }
            if let line = Int(digits) { row = firstLines.lastIndex { $0 <= line } }
        }
        if let open = message.range(of: "column `"), let close = message.range(of: "`: ", range: open.upperBound..<message.endIndex) {
            field = String(message[open.upperBound..<close.lowerBound])
            what = String(message[close.upperBound...])
            if what.hasSuffix(".") { what.removeLast() }
        }
        guard let field else {
            return RequestProblem(status: 422, kind: "invalid_row", message: message)
        }
        let rowText = row.map { "row \($0), " } ?? ""
        return RequestProblem(status: 422, kind: "invalid_value", message: "\(rowText)field `\(field)`: \(what)", field: field, row: row)
    }
}
