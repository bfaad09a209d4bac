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
    /// How the source CSV is written (`csv:`).
    public var csv: CSVDialect
    /// The CSV field separator.
    public var delimiter: UInt8 {
        get { csv.delimiter }
        set { csv.delimiter = newValue }
    }
    /// How rows are cleaned.
    public var cleaning: CleaningSpec
    /// How cleaned rows are split.
    public var split: SplitRule
    /// The recipe file's name, for error messages.
    public var fileName: String
    /// Every column the recipe names, with its line.
    public var mentions: [ColumnMention]
    /// The line of each key the recipe sets, by path (`target.positive`, `csv.missing`), for messages.
    public var keyLines: [String: Int] = [:]

    /// Creates a recipe in code (tests, tools); `mentions` are derived with line 0.
    public init(name: String, cleaning: CleaningSpec, split: SplitRule = SplitRule(), delimiter: UInt8 = UInt8(ascii: ","),
                description: String? = nil, source: String? = nil, fileName: String = "recipe") {
        self.name = name
        self.cleaning = cleaning
        self.split = split
        self.csv = CSVDialect(delimiter: delimiter)
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

    /// Parses and validates recipe YAML; `fileName` is used in error messages, which have
    /// the one format of rung's YAML files, `FILE:LINE: key PATH: what is wrong` (`YAMLField`).
    public static func parse(yaml: String, fileName: String) throws -> DatasetRecipe {
        let root = try YAMLField.document(yaml: yaml, file: fileName, what: "the recipe")
        var mentions: [ColumnMention] = []
        func columns(_ field: YAMLField, _ key: String) throws -> [String] {
            try field.sequence().map { item in
                let name = try item.text()
                mentions.append(ColumnMention(column: name, line: item.line, key: key))
                return name
            }
        }
        func texts(_ field: YAMLField) throws -> [String] { try field.sequence().map { try $0.text() } }
        let top = try root.mapping(allowed: [
            "name", "description", "source", "csv", "drop_columns", "fill_missing", "drop_rows", "target",
            "ordinal", "id_columns", "categorical", "numeric", "split",
        ])
        var name: String?
        var description: String?
        var source: String?
        var csv = CSVDialect()
        var spec = CleaningSpec()
        var split = SplitRule()
        var sawTarget = false
        var keyLines: [String: Int] = [:]
        for (key, v) in top {
            keyLines[key] = v.keyLine ?? v.line
            if case .mapping = v.node {
                for (k, e) in try v.mapping() { keyLines["\(key).\(k)"] = e.line }
            }
            switch key {
            case "name": name = try v.text()
            case "description": description = try v.text()
            case "source": source = try v.text()
            case "csv":
                try parseDialect(v, into: &csv, missing: &spec.missingMarkers)
            case "drop_columns": spec.dropColumns = try columns(v, "drop_columns")
            case "fill_missing":
                for (column, e) in try v.mapping() {
                    mentions.append(ColumnMention(column: column, line: e.keyLine ?? e.line, key: "fill_missing"))
                    spec.fillMissing.append(.init(column: column, value: try e.text()))
                }
            case "drop_rows":
                for item in try v.sequence() {
                    var column: String?
                    var values: [String]?
                    for (k, e) in try item.mapping(allowed: ["column", "in"]) {
                        if k == "column" {
                            column = try e.text()
                            mentions.append(ColumnMention(column: column!, line: e.line, key: "drop_rows"))
                        } else {
                            values = try texts(e)
                        }
                    }
                    guard let column, let values else {
                        throw item.error("a `drop_rows` entry needs both `column` and `in`")
                    }
                    spec.rowFilters.append(.init(column: column, values: values))
                }
            case "target":
                sawTarget = true
                var tName: String?, tSource: String?, positive: [String]?, negative: [String]?
                for (k, e) in try v.mapping(allowed: ["name", "from", "positive", "negative"]) {
                    switch k {
                    case "name": tName = try e.text()
                    case "from":
                        tSource = try e.text()
                        mentions.append(ColumnMention(column: tSource!, line: e.line, key: "target.from"))
                    case "positive": positive = try texts(e)
                    default: negative = try texts(e)
                    }
                }
                guard let tSource else {
                    throw v.error("needs `from`, the column the label is computed from")
                }
                guard (positive == nil) != (negative == nil) else {
                    throw v.error("needs exactly one of `positive` and `negative`")
                }
                if let p = positive, p.isEmpty { throw v.error("`positive` is empty") }
                if let n = negative, n.isEmpty { throw v.error("`negative` is empty") }
                spec.target = .init(name: tName ?? tSource, source: tSource, positive: positive, negative: negative)
            case "ordinal":
                for (column, e) in try v.mapping() {
                    mentions.append(ColumnMention(column: column, line: e.keyLine ?? e.line, key: "ordinal"))
                    var labels: [String] = [], values: [Double] = []
                    if case .sequence = e.node {
                        for (k, item) in try e.sequence().enumerated() {
                            labels.append(try item.text())
                            values.append(Double(k))
                        }
                    } else {
                        for (label, m) in try e.mapping() {
                            labels.append(label)
                            values.append(try finite(m))
                        }
                    }
                    if labels.isEmpty { throw e.keyError("lists no labels") }
                    if Set(labels).count != labels.count { throw e.keyError("lists a label twice") }
                    spec.ordinals.append(.init(column: column, labels: labels, values: values))
                }
            case "id_columns": spec.idColumns = try columns(v, "id_columns")
            case "categorical": spec.categorical = try columns(v, "categorical")
            case "numeric": spec.numeric = try columns(v, "numeric")
            default: // split
                var orderField: YAMLField?
                for (k, e) in try v.mapping(allowed: ["initial_fraction", "train", "validation", "future_batches",
                                                      "order", "seed", "group", "sort_by"]) {
                    switch k {
                    case "order":
                        orderField = e
                        let t = try e.text()
                        guard let order = SplitRule.Order(rawValue: t) else {
                            throw e.error("must be one of \(SplitRule.Order.allCases.map(\.rawValue).joined(separator: ", ")), not `\(t)`")
                        }
                        split.order = order
                    case "seed":
                        let seed = try e.int()
                        guard seed >= 0 else { throw e.error("must be a whole number ≥ 0, not \(seed)") }
                        split.seed = UInt64(seed)
                    case "group":
                        split.group = try e.text()
                        mentions.append(ColumnMention(column: split.group!, line: e.line, key: "split.group"))
                    case "sort_by":
                        split.sortBy = try e.text()
                        mentions.append(ColumnMention(column: split.sortBy!, line: e.line, key: "split.sort_by"))
                    case "initial_fraction": split.initialFraction = try finite(e)
                    case "train": split.train = try finite(e)
                    case "validation": split.validation = try finite(e)
                    default:
                        let b = try finite(e)
                        guard b >= 0, b == b.rounded(), b <= 100_000 else {
                            throw e.error("must be a whole number ≥ 0, not \(e.node.string ?? "?")")
                        }
                        split.futureBatches = Int(b)
                    }
                }
                guard split.initialFraction > 0, split.initialFraction <= 1 else {
                    throw v.error("`initial_fraction` must be in (0, 1], not \(split.initialFraction)")
                }
                guard split.train > 0, split.validation > 0, split.train + split.validation < 1 else {
                    throw v.error("`train` and `validation` must be positive and sum to less than 1 (the test split is the rest)")
                }
                if split.initialFraction < 1 && split.futureBatches == 0 {
                    throw v.error("`future_batches` must be at least 1 when `initial_fraction` is below 1")
                }
                if split.sortBy != nil && split.order != .file {
                    throw (orderField ?? v).error("`sort_by` orders rows by a column, which `order: \(split.order.rawValue)` would undo; use one of them")
                }
            }
        }
        guard let name, !name.isEmpty else {
            throw root.error("the recipe needs a `name`")
        }
        guard sawTarget else {
            throw root.error("the recipe needs a `target` (the column the label is computed from)")
        }
        var recipe = DatasetRecipe(name: name, cleaning: spec, split: split,
                                   description: description, source: source, fileName: fileName)
        recipe.csv = csv
        recipe.mentions = mentions
        recipe.keyLines = keyLines
        try recipe.validateRoles()
        return recipe
    }

    /// Reads the `csv:` section: the dialect keys and `missing`, each checked where it is written.
    private static func parseDialect(_ v: YAMLField, into csv: inout CSVDialect, missing: inout [String]) throws {
        func oneByte(_ e: YAMLField, _ what: String) throws -> UInt8 {
            let d = try e.text()
            guard d.utf8.count == 1, let b = d.utf8.first, b != 10, b != 13 else {
                throw e.error("must be one ASCII character other than a line break (\(what)), not `\(d)`")
            }
            return b
        }
        var quoteField: YAMLField?, commentField: YAMLField?, headerField: YAMLField?
        let entries = try v.mapping(allowed: [
            "delimiter", "missing", "trim", "header", "columns", "comment", "quote", "encoding", "invalid_bytes", "max_field_bytes",
        ])
        for (k, e) in entries {
            switch k {
            case "delimiter":
                let b = try oneByte(e, "the field separator")
                guard b != UInt8(ascii: "\"") else { throw e.error("must not be a quote") }
                csv.delimiter = b
            case "missing":
                missing = try e.sequence().map { try $0.text() }
            case "trim": csv.trim = try e.bool()
            case "header":
                headerField = e
                csv.header = try e.bool()
            case "columns":
                let names = try e.sequence().map { item -> String in
                    let name = try item.text()
                    if name.isEmpty { throw item.error("a column name is empty") }
                    return name
                }
                if names.isEmpty { throw e.error("lists no columns") }
                var seen = Set<String>()
                for (name, item) in zip(names, try e.sequence()) where !seen.insert(name).inserted {
                    throw item.error("names column `\(name)` twice")
                }
                csv.columns = names
            case "comment":
                commentField = e
                csv.comment = try oneByte(e, "the comment character")
            case "quote":
                quoteField = e
                if case .scalar = e.node, let t = e.node.string, t.isEmpty || t == "none" || t == "false" {
                    csv.quote = nil
                } else {
                    csv.quote = try oneByte(e, "the quote character, or `none`")
                }
            case "encoding":
                let t = try e.text().lowercased()
                switch t {
                case "utf-8", "utf8": csv.encoding = .utf8
                case "latin-1", "latin1", "iso-8859-1", "iso8859-1": csv.encoding = .latin1
                default: throw e.error("must be `utf-8` or `latin-1`, not `\(t)`")
                }
            case "invalid_bytes":
                let t = try e.text()
                guard let mode = CSVDialect.InvalidBytes(rawValue: t) else {
                    throw e.error("must be `error` or `replace`, not `\(t)`")
                }
                csv.invalidBytes = mode
            default: // max_field_bytes
                let n = try e.int()
                guard n >= 1, n <= 1 << 40 else { throw e.error("must be a whole number of bytes ≥ 1, not \(n)") }
                csv.maxFieldBytes = n
            }
        }
        if !csv.header && csv.columns == nil {
            throw (headerField ?? v).error("`header: false` needs `columns`, the names of the columns in file order")
        }
        if let q = csv.quote, q == csv.delimiter {
            throw (quoteField ?? v).error("the quote character is the same as the delimiter")
        }
        if let c = csv.comment, c == csv.delimiter || c == csv.quote {
            throw (commentField ?? v).error("the comment character is the same as the \(c == csv.delimiter ? "delimiter" : "quote character")")
        }
        if csv.trim && (csv.delimiter == UInt8(ascii: " ") || csv.delimiter == UInt8(ascii: "\t")) {
            throw v.error("`trim: true` removes spaces and tabs around fields, so the delimiter cannot be a space or a tab")
        }
    }

    /// A finite number: a YAML number, or text that reads as one (`"0.5"`).
    private static func finite(_ field: YAMLField) throws -> Double {
        let text = try field.text()
        guard let value = NumberText.parse(text), value.isFinite else {
            throw field.error("must be a number, not `\(text)`")
        }
        return value
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
                throw YAMLField.error(file: fileName, line: line, path: role, "column `\(column)` is both in `\(other)` and in `\(role)`")
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
            throw YAMLField.error(file: fileName, line: m.line, path: m.key, "column `\(m.column)` is not in \(csvName)")
        }
        if let t = cleaning.target, t.name != t.source, present.contains(t.name) {
            throw YAMLField.error(file: fileName, line: nil, path: "target.name", "the target name `\(t.name)` is already a column of \(csvName)")
        }
    }
}
