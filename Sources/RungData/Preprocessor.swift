import Foundation
import RungCore

/// The fitted feature encoder: numeric columns standardised with the training mean and
/// population standard deviation, categorical columns one-hot with the training
/// categories in sorted order. Saved as `preprocessor.json` (schema in docs/config.md),
/// together with the cleaning rules, so raw rows can be cleaned and encoded again.
///
/// Encoding rules: a missing numeric value is imputed with the training mean (so it
/// encodes as 0); a zero-std column always encodes as 0; a missing or unknown category
/// encodes as all zeros. Feature order: numeric columns in table order, then each
/// categorical column's categories. Only non-zero values are stored in the CSR output.
public struct Preprocessor: Codable, Sendable, Equatable {
    /// The version of the JSON layout this code writes and reads.
    public static let currentFormatVersion = 1

    /// A standardised numeric column.
    public struct NumericFeature: Codable, Sendable, Equatable {
        /// The column's name (also the feature's name).
        public var name: String
        /// The training mean (also the value a missing entry is imputed with).
        public var mean: Double
        /// The training population standard deviation; 0 makes the feature always 0.
        public var std: Double
        /// Creates a numeric feature.
        public init(name: String, mean: Double, std: Double) { self.name = name; self.mean = mean; self.std = std }
    }

    /// A one-hot categorical column.
    public struct CategoricalFeature: Codable, Sendable, Equatable {
        /// The column's name; its features are named `name=category`.
        public var name: String
        /// The training categories, sorted (numerically when all are numbers, else by UTF-8 bytes).
        public var categories: [String]
        /// Creates a categorical feature.
        public init(name: String, categories: [String]) { self.name = name; self.categories = categories }
    }

    /// The JSON layout version.
    public var formatVersion: Int
    /// The recipe the preprocessor was prepared with.
    public var recipe: String
    /// The rules that clean raw rows (as in the source CSV) before encoding.
    public var cleaning: CleaningSpec
    /// Columns kept to identify rows; never features.
    public var idColumns: [String]
    /// The name of the 0/1 target column, if any.
    public var target: String?
    /// Numeric features, in feature order.
    public var numeric: [NumericFeature]
    /// Categorical features, in feature order after the numeric ones.
    public var categorical: [CategoricalFeature]
    /// Every encoded feature's name, in column order.
    public var featureNames: [String]

    /// The number of encoded columns.
    public var featureCount: Int { featureNames.count }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", recipe, cleaning, idColumns = "id_columns", target
        case numeric, categorical, featureNames = "feature_names"
    }

    /// Creates a preprocessor from its parts; feature names are derived.
    public init(recipe: String, cleaning: CleaningSpec, idColumns: [String], target: String?,
                numeric: [NumericFeature], categorical: [CategoricalFeature]) {
        self.formatVersion = Self.currentFormatVersion
        self.recipe = recipe
        self.cleaning = cleaning
        self.idColumns = idColumns
        self.target = target
        self.numeric = numeric
        self.categorical = categorical
        self.featureNames = Self.names(numeric: numeric, categorical: categorical)
    }

    /// Decodes a preprocessor, rejecting other format versions and inconsistent feature names.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        guard formatVersion == Self.currentFormatVersion else {
            throw RungError.badInput("preprocessor format_version \(formatVersion) is not supported (this rung reads \(Self.currentFormatVersion)).")
        }
        recipe = try c.decode(String.self, forKey: .recipe)
        cleaning = try c.decode(CleaningSpec.self, forKey: .cleaning)
        idColumns = try c.decode([String].self, forKey: .idColumns)
        target = try c.decodeIfPresent(String.self, forKey: .target)
        numeric = try c.decode([NumericFeature].self, forKey: .numeric)
        categorical = try c.decode([CategoricalFeature].self, forKey: .categorical)
        featureNames = try c.decode([String].self, forKey: .featureNames)
        guard featureNames == Self.names(numeric: numeric, categorical: categorical) else {
            throw RungError.badInput("preprocessor feature_names do not match its numeric and categorical entries.")
        }
    }

    static func names(numeric: [NumericFeature], categorical: [CategoricalFeature]) -> [String] {
        numeric.map(\.name) + categorical.flatMap { f in f.categories.map { "\(f.name)=\($0)" } }
    }

    /// Sorts categories numerically when every one is a number, else by UTF-8 bytes.
    public static func sortedCategories(_ values: [String]) -> [String] {
        let numbers = values.map { NumberText.parse($0) }
        if numbers.allSatisfy({ $0 != nil }) {
            return zip(values, numbers).sorted { a, b in
                a.1! != b.1! ? a.1! < b.1! : Array(a.0.utf8).lexicographicallyPrecedes(Array(b.0.utf8))
            }.map(\.0)
        }
        return values.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Fits on `table` (the training split): its numeric feature columns are standardised,
    /// its text feature columns one-hot encoded; id and target columns are recorded.
    public static func fit(_ table: CleanTable, recipe: String = "", cleaning: CleaningSpec = CleaningSpec()) throws -> Preprocessor {
        guard table.rowCount > 0 else { throw RungError.badInput("cannot fit a preprocessor on \(table.sourceName): it has no rows.") }
        var numeric: [NumericFeature] = []
        var categorical: [CategoricalFeature] = []
        for column in table.columns where column.role == .feature {
            switch column.values {
            case .numeric(let v):
                var sum = 0.0, n = 0
                for x in v where !x.isNaN { sum += x; n += 1 }
                let mean = n > 0 ? sum / Double(n) : 0
                var sq = 0.0
                for x in v where !x.isNaN { sq += (x - mean) * (x - mean) }
                let std = n > 0 ? (sq / Double(n)).squareRoot() : 0
                numeric.append(NumericFeature(name: column.name, mean: mean, std: std))
            case .text(let codes, let levels):
                var used = [Bool](repeating: false, count: levels.count)
                for c in codes where c >= 0 { used[Int(c)] = true }
                let present = levels.indices.filter { used[$0] }.map { levels[$0] }
                categorical.append(CategoricalFeature(name: column.name, categories: sortedCategories(present)))
            }
        }
        return Preprocessor(recipe: recipe, cleaning: cleaning, idColumns: table.idColumns.map(\.name),
                            target: table.targetColumn?.name, numeric: numeric, categorical: categorical)
    }

    /// Each categorical feature's category → position table, in `categorical` order: what
    /// `transform` looks categories up in. A caller encoding a few rows at a time (`rung
    /// serve`) makes it once and passes it to `transform(_:categoryIndexes:)`.
    public func categoryIndexes() -> [[String: Int32]] {
        categorical.map { f in
            var index: [String: Int32] = [:]
            index.reserveCapacity(f.categories.count)
            for (k, c) in f.categories.enumerated() { index[c] = Int32(k) }
            return index
        }
    }

    /// Encodes `table` into a CSR matrix with `featureCount` columns and one row per table row.
    /// The table must have every feature column (by name); extra columns are ignored.
    /// `categoryIndexes`, when given, must be this preprocessor's `categoryIndexes()`.
    public func transform(_ table: CleanTable, categoryIndexes: [[String: Int32]]? = nil) throws -> CSRMatrix {
        let rows = table.rowCount
        var byName: [String: CleanColumn] = [:]
        for c in table.columns { byName[c.name] = c }
        var numericValues: [[Double]] = []
        for f in numeric {
            guard let column = byName[f.name] else {
                throw RungError.badInput("\(table.sourceName) has no column `\(f.name)`, a numeric feature.")
            }
            switch column.values {
            case .numeric(let v): numericValues.append(v)
            case .text(let codes, let levels):
                let parsed = levels.map { NumberText.parse($0) }
                var out = [Double](repeating: .nan, count: rows)
                for (r, c) in codes.enumerated() where c >= 0 {
                    guard let x = parsed[Int(c)] else {
                        throw RungError.badInput("\(table.sourceName) line \(table.lines[r]), column `\(f.name)`: `\(levels[Int(c)])` is not a number.")
                    }
                    out[r] = x
                }
                numericValues.append(out)
            }
        }
        // Per categorical column: row codes and a level → column-offset table.
        var categoryCodes: [[Int32]] = []
        var levelToColumn: [[Int32]] = []
        var base = UInt32(numeric.count)
        var bases: [UInt32] = []
        for (position, f) in categorical.enumerated() {
            guard let column = byName[f.name] else {
                throw RungError.badInput("\(table.sourceName) has no column `\(f.name)`, a categorical feature.")
            }
            let index: [String: Int32]
            if let categoryIndexes {
                index = categoryIndexes[position]
            } else {
                var made: [String: Int32] = [:]
                for (k, c) in f.categories.enumerated() { made[c] = Int32(k) }
                index = made
            }
            switch column.values {
            case .text(let codes, let levels):
                categoryCodes.append(codes)
                levelToColumn.append(levels.map { index[$0] ?? -1 })
            case .numeric(let v):
                // A numeric-looking categorical given as numbers: match on its text.
                var texts: [String: Int32] = [:]
                var table: [Int32] = []
                let codes = v.map { x -> Int32 in
                    if x.isNaN { return -1 }
                    var bytes: [UInt8] = []
                    NumberFormatting.append(x, to: &bytes)
                    let t = String(decoding: bytes, as: UTF8.self)
                    if let c = texts[t] { return c }
                    let c = Int32(table.count)
                    texts[t] = c
                    table.append(index[t] ?? -1)
                    return c
                }
                categoryCodes.append(codes)
                levelToColumn.append(table)
            }
            bases.append(base)
            base += UInt32(f.categories.count)
        }

        let width = numeric.count + categorical.count
        var offsets = [Int](repeating: 0, count: rows + 1)
        var indices = [UInt32]()
        var values = [Float]()
        indices.reserveCapacity(rows * width)
        values.reserveCapacity(rows * width)
        let means = numeric.map(\.mean)
        let stds = numeric.map(\.std)
        for r in 0..<rows {
            for j in 0..<numericValues.count {
                let x = numericValues[j][r]
                if x.isNaN || stds[j] == 0 { continue }
                let z = Float((x - means[j]) / stds[j])
                if z != 0 {
                    indices.append(UInt32(j))
                    values.append(z)
                }
            }
            for j in 0..<categoryCodes.count {
                let code = categoryCodes[j][r]
                if code < 0 { continue }
                let k = levelToColumn[j][Int(code)]
                if k < 0 { continue }
                indices.append(bases[j] + UInt32(k))
                values.append(1)
            }
            offsets[r + 1] = values.count
        }
        return CSRMatrix(rowCount: rows, columnCount: featureCount, rowOffsets: offsets, columnIndices: indices, values: values)
    }

    /// The JSON document (sorted keys, so equal preprocessors give identical bytes).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes `preprocessor.json` to `url`.
    public func save(to url: URL) throws {
        try FileIO.write(Array(try jsonData()), to: url)
    }

    /// Reads a preprocessor saved with `save(to:)`.
    public static func load(from url: URL) throws -> Preprocessor {
        let bytes = try FileIO.read(url)
        do {
            return try JSONDecoder().decode(Preprocessor.self, from: Data(bytes))
        } catch let error as RungError {
            throw RungError.badInput("\(url.path): \(error.message)")
        } catch {
            throw RungError.badInput("\(url.path) is not a valid preprocessor: \(JSONErrorText.describe(error)).")
        }
    }
}
