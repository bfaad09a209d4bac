import Foundation
import RungCore
import Yams

/// A declarative description of how to turn one raw tabular CSV into clean, split
/// training data (docs/config.md, "Dataset recipes"). Loaded from YAML; unknown keys and
/// inconsistent settings are errors naming the file, line and key.
public struct DatasetRecipe: Sendable, Equatable {
    /// Where in the recipe file a column was named, so a column missing from the CSV can be reported there.
    public struct ColumnMention: Sendable, Equatable {
        /// The column named.
        public var column: String
        /// The 1-based line of the recipe it is named on.
        public var line: Int
        /// The recipe key it is named under (e.g. `drop_columns`).
        public var key: String
    }

    /// The recipe's name (recorded in the manifest).
    public var name: String
    /// A free-text description.
    public var description: String?
    /// The default data source (a path or a dataset id), if the recipe names one.
    public var source: String?
    /// The CSV field separator.
    public var delimiter: UInt8
    /// How rows are cleaned.
    public var cleaning: CleaningSpec
    /// How cleaned rows are split.
    public var split: SplitRule
    /// The recipe file's name, for error messages.
    public var fileName: String
    /// Every column the recipe names, with its line.
    public var mentions: [ColumnMention]

    /// Creates a recipe in code (tests, tools); `mentions` are derived with line 0.
    public init(name: String, cleaning: CleaningSpec, split: SplitRule = SplitRule(), delimiter: UInt8 = UInt8(ascii: ","),
                description: String? = nil, source: String? = nil, fileName: String = "recipe") {
        self.name = name
        self.cleaning = cleaning
        self.split = split
        self.delimiter = delimiter
        self.description = description
        self.source = source
        self.fileName = fileName
        var m: [ColumnMention] = []
        for c in cleaning.dropColumns { m.append(.init(column: c, line: 0, key: "drop_columns")) }
        for f in cleaning.fillMissing { m.append(.init(column: f.column, line: 0, key: "fill_missing")) }
        for f in cleaning.rowFilters { m.append(.init(column: f.column, line: 0, key: "drop_rows")) }
        if let t = cleaning.target { m.append(.init(column: t.source, line: 0, key: "target")) }
        for o in cleaning.ordinals { m.append(.init(column: o.column, line: 0, key: "ordinal")) }
        for c in cleaning.idColumns { m.append(.init(column: c, line: 0, key: "id_columns")) }
        for c in cleaning.categorical { m.append(.init(column: c, line: 0, key: "categorical")) }
        for c in cleaning.numeric { m.append(.init(column: c, line: 0, key: "numeric")) }
        self.mentions = m
    }

    /// Reads and validates the recipe at `url`.
    public static func load(from url: URL) throws -> DatasetRecipe {
        let bytes = try FileIO.read(url)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw RungError.badInput("\(url.path) is not UTF-8 text.")
        }
        return try parse(yaml: text, fileName: url.lastPathComponent)
    }

    /// Parses and validates recipe YAML; `fileName` is used in error messages.
    public static func parse(yaml: String, fileName: String) throws -> DatasetRecipe {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw RungError.badInput("\(fileName)\(YAMLWalker.describe(error))")
        }
        guard let root else { throw RungError.badInput("\(fileName) is empty.") }
        let y = YAMLWalker(fileName: fileName)
        var mentions: [ColumnMention] = []
        func columns(_ node: Node, _ key: String) throws -> [String] {
            let items = try y.sequence(node, key)
            var names: [String] = []
            for item in items {
                let name = try y.string(item, key)
                mentions.append(ColumnMention(column: name, line: y.line(item), key: key))
                names.append(name)
            }
            return names
        }
        let top = try y.mapping(root, "the recipe", allowed: [
            "name", "description", "source", "csv", "drop_columns", "fill_missing", "drop_rows", "target",
            "ordinal", "id_columns", "categorical", "numeric", "split",
        ])
        var name: String?
        var description: String?
        var source: String?
        var delimiter = UInt8(ascii: ",")
        var spec = CleaningSpec()
        var split = SplitRule()
        var sawTarget = false
        for entry in top {
            let v = entry.value
            switch entry.key {
            case "name": name = try y.string(v, "name")
            case "description": description = try y.string(v, "description")
            case "source": source = try y.string(v, "source")
            case "csv":
                for e in try y.mapping(v, "csv", allowed: ["delimiter", "missing"]) {
                    switch e.key {
                    case "delimiter":
                        let d = try y.string(e.value, "csv.delimiter")
                        guard d.utf8.count == 1, let b = d.utf8.first, b != UInt8(ascii: "\""), b != 10, b != 13 else {
                            throw RungError.badInput("\(fileName) line \(y.line(e.value)): `csv.delimiter` must be one ASCII character other than a quote or a line break, not `\(d)`.")
                        }
                        delimiter = b
                    default:
                        spec.missingMarkers = try y.sequence(e.value, "csv.missing").map { try y.string($0, "csv.missing") }
                    }
                }
            case "drop_columns": spec.dropColumns = try columns(v, "drop_columns")
            case "fill_missing":
                let rows = try y.mapping(v, "fill_missing", allowed: nil)
                for e in rows {
                    mentions.append(ColumnMention(column: e.key, line: e.keyLine, key: "fill_missing"))
                    spec.fillMissing.append(.init(column: e.key, value: try y.string(e.value, "fill_missing.\(e.key)")))
                }
            case "drop_rows":
                for item in try y.sequence(v, "drop_rows") {
                    var column: String?
                    var values: [String]?
                    for e in try y.mapping(item, "drop_rows entry", allowed: ["column", "in"]) {
                        if e.key == "column" {
                            column = try y.string(e.value, "drop_rows.column")
                            mentions.append(ColumnMention(column: column!, line: y.line(e.value), key: "drop_rows"))
                        } else {
                            values = try y.sequence(e.value, "drop_rows.in").map { try y.string($0, "drop_rows.in") }
                        }
                    }
                    guard let column, let values else {
                        throw RungError.badInput("\(fileName) line \(y.line(item)): a `drop_rows` entry needs both `column` and `in`.")
                    }
                    spec.rowFilters.append(.init(column: column, values: values))
                }
            case "target":
                sawTarget = true
                var tName: String?, tSource: String?, positive: [String]?, negative: [String]?
                for e in try y.mapping(v, "target", allowed: ["name", "from", "positive", "negative"]) {
                    switch e.key {
                    case "name": tName = try y.string(e.value, "target.name")
                    case "from":
                        tSource = try y.string(e.value, "target.from")
                        mentions.append(ColumnMention(column: tSource!, line: y.line(e.value), key: "target.from"))
                    case "positive": positive = try y.sequence(e.value, "target.positive").map { try y.string($0, "target.positive") }
                    default: negative = try y.sequence(e.value, "target.negative").map { try y.string($0, "target.negative") }
                    }
                }
                guard let tSource else {
                    throw RungError.badInput("\(fileName) line \(y.line(v)): `target` needs `from`, the column the label is computed from.")
                }
                guard (positive == nil) != (negative == nil) else {
                    throw RungError.badInput("\(fileName) line \(y.line(v)): `target` needs exactly one of `positive` and `negative`.")
                }
                if let p = positive, p.isEmpty {
                    throw RungError.badInput("\(fileName) line \(y.line(v)): `target.positive` is empty.")
                }
                if let n = negative, n.isEmpty {
                    throw RungError.badInput("\(fileName) line \(y.line(v)): `target.negative` is empty.")
                }
                spec.target = .init(name: tName ?? tSource, source: tSource, positive: positive, negative: negative)
            case "ordinal":
                for e in try y.mapping(v, "ordinal", allowed: nil) {
                    mentions.append(ColumnMention(column: e.key, line: e.keyLine, key: "ordinal"))
                    var labels: [String] = [], values: [Double] = []
                    if case .sequence = e.value {
                        for (k, item) in try y.sequence(e.value, "ordinal.\(e.key)").enumerated() {
                            labels.append(try y.string(item, "ordinal.\(e.key)"))
                            values.append(Double(k))
                        }
                    } else {
                        for m in try y.mapping(e.value, "ordinal.\(e.key)", allowed: nil) {
                            labels.append(m.key)
                            values.append(try y.number(m.value, "ordinal.\(e.key).\(m.key)"))
                        }
                    }
                    if labels.isEmpty {
                        throw RungError.badInput("\(fileName) line \(e.keyLine): `ordinal.\(e.key)` lists no labels.")
                    }
                    if Set(labels).count != labels.count {
                        throw RungError.badInput("\(fileName) line \(e.keyLine): `ordinal.\(e.key)` lists a label twice.")
                    }
                    spec.ordinals.append(.init(column: e.key, labels: labels, values: values))
                }
            case "id_columns": spec.idColumns = try columns(v, "id_columns")
            case "categorical": spec.categorical = try columns(v, "categorical")
            case "numeric": spec.numeric = try columns(v, "numeric")
            default: // split
                for e in try y.mapping(v, "split", allowed: ["initial_fraction", "train", "validation", "future_batches"]) {
                    switch e.key {
                    case "initial_fraction": split.initialFraction = try y.number(e.value, "split.initial_fraction")
                    case "train": split.train = try y.number(e.value, "split.train")
                    case "validation": split.validation = try y.number(e.value, "split.validation")
                    default:
                        let b = try y.number(e.value, "split.future_batches")
                        guard b >= 0, b == b.rounded(), b <= 100_000 else {
                            throw RungError.badInput("\(fileName) line \(y.line(e.value)): `split.future_batches` must be a whole number ≥ 0, not \(e.value.string ?? "?").")
                        }
                        split.futureBatches = Int(b)
                    }
                }
                let line = y.line(v)
                guard split.initialFraction > 0, split.initialFraction <= 1 else {
                    throw RungError.badInput("\(fileName) line \(line): `split.initial_fraction` must be in (0, 1], not \(split.initialFraction).")
                }
                guard split.train > 0, split.validation > 0, split.train + split.validation < 1 else {
                    throw RungError.badInput("\(fileName) line \(line): `split.train` and `split.validation` must be positive and sum to less than 1 (the test split is the rest).")
                }
                if split.initialFraction < 1 && split.futureBatches == 0 {
                    throw RungError.badInput("\(fileName) line \(line): `split.future_batches` must be at least 1 when `split.initial_fraction` is below 1.")
                }
            }
        }
        guard let name, !name.isEmpty else {
            throw RungError.badInput("\(fileName): the recipe needs a `name`.")
        }
        guard sawTarget else {
            throw RungError.badInput("\(fileName): the recipe needs a `target` (the column the label is computed from).")
        }
        var recipe = DatasetRecipe(name: name, cleaning: spec, split: split, delimiter: delimiter,
                                   description: description, source: source, fileName: fileName)
        recipe.mentions = mentions
        try recipe.validateRoles()
        return recipe
    }

    /// Checks that no column has two incompatible roles (dropped, target, id, ordinal,
    /// categorical, numeric), and that no dropped column is filled.
    func validateRoles() throws {
        var roles: [String: String] = [:]
        let s = cleaning
        func claim(_ column: String, _ role: String) throws {
            if let other = roles[column], other != role {
                let line = mentions.first { $0.column == column && $0.key.hasPrefix(role) }?.line
                    ?? mentions.first { $0.column == column }?.line ?? 0
                throw RungError.badInput("\(fileName)\(line > 0 ? " line \(line)" : ""): column `\(column)` is both in `\(other)` and in `\(role)`.")
            }
            roles[column] = role
        }
        for c in s.dropColumns { try claim(c, "drop_columns") }
        if let t = s.target {
            try claim(t.source, "target")
            if t.name != t.source { try claim(t.name, "target") }
        }
        for c in s.idColumns { try claim(c, "id_columns") }
        for o in s.ordinals { try claim(o.column, "ordinal") }
        for c in s.categorical { try claim(c, "categorical") }
        for c in s.numeric { try claim(c, "numeric") }
        for f in s.fillMissing where s.dropColumns.contains(f.column) { try claim(f.column, "fill_missing") }
    }

    /// Checks that every column the recipe names is in `header` of `csvName`.
    public func validateColumns(header: [String], csvName: String) throws {
        let present = Set(header)
        for m in mentions where !present.contains(m.column) {
            let at = m.line > 0 ? " line \(m.line)" : ""
            throw RungError.badInput("\(fileName)\(at): column `\(m.column)` (in `\(m.key)`) is not in \(csvName).")
        }
        if let t = cleaning.target, t.name != t.source, present.contains(t.name) {
            throw RungError.badInput("\(fileName): the target name `\(t.name)` is already a column of \(csvName).")
        }
    }
}
