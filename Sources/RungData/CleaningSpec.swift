/// The row-cleaning part of a dataset recipe: what is missing, which columns and rows go,
/// how the target is derived, and which columns are ids, ordinal, categorical or numeric.
/// It is stored inside `preprocessor.json` so raw rows can be cleaned again at prediction.
public struct CleaningSpec: Codable, Sendable, Equatable {
    /// Replaces missing values of one column with a fixed text.
    public struct Fill: Codable, Sendable, Equatable {
        /// The column to fill.
        public var column: String
        /// The text that replaces a missing value.
        public var value: String
        /// Creates a fill rule.
        public init(column: String, value: String) { self.column = column; self.value = value }
    }

    /// Drops every row whose value in `column` is one of `values` (compared as text, or as
    /// numbers when both sides are numbers, so `11` matches `11.0`).
    public struct RowFilter: Codable, Sendable, Equatable {
        /// The column tested.
        public var column: String
        /// The values that make a row go.
        public var values: [String]
        /// Creates a row filter.
        public init(column: String, values: [String]) { self.column = column; self.values = values }
    }

    /// Derives a binary target (1 positive, 0 negative) from one source column: a value is
    /// positive when it is in `positive`, or, when `negative` is given instead, when it is not
    /// in `negative`. A missing target value is an error naming the row's line.
    public struct Target: Codable, Sendable, Equatable {
        /// The name of the derived 0/1 column.
        public var name: String
        /// The column it is computed from; it is consumed and never a feature.
        public var source: String
        /// The values that mean 1. A recipe sets exactly one of `positive` and `negative`; when
        /// both are set (prepared split files use `1` and `0`), any other value is an error.
        public var positive: [String]?
        /// The values that mean 0; every other value means 1.
        public var negative: [String]?
        /// Creates a target rule.
        public init(name: String, source: String, positive: [String]? = nil, negative: [String]? = nil) {
            self.name = name; self.source = source; self.positive = positive; self.negative = negative
        }

        /// The label of `value`: 1 or 0, or nil when both lists are given and `value` is in neither.
        public func label(of value: String) -> Double? {
            switch (positive, negative) {
            case let (p?, n?): return p.contains(value) ? 1 : (n.contains(value) ? 0 : nil)
            case let (p?, nil): return p.contains(value) ? 1 : 0
            case let (nil, n?): return n.contains(value) ? 0 : 1
            default: return nil
            }
        }
    }

    /// Maps the text labels of one column to numbers (e.g. `[0-10)` … `[90-100)` → 0 … 9);
    /// the column then counts as numeric. A label not listed is an error naming the line.
    public struct Ordinal: Codable, Sendable, Equatable {
        /// The column mapped.
        public var column: String
        /// The labels, in the same order as `values`.
        public var labels: [String]
        /// The number each label becomes.
        public var values: [Double]
        /// Creates an ordinal mapping.
        public init(column: String, labels: [String], values: [Double]) {
            self.column = column; self.labels = labels; self.values = values
        }
    }

    /// Texts that mean "missing" (compared with the whole field). An empty field is always missing.
    public var missingMarkers: [String]
    /// Columns removed before anything else.
    public var dropColumns: [String]
    /// Fill rules, applied before row filters.
    public var fillMissing: [Fill]
    /// Row filters; a row matching any of them is dropped.
    public var rowFilters: [RowFilter]
    /// The target rule; nil only for prediction input without labels.
    public var target: Target?
    /// Ordinal mappings.
    public var ordinals: [Ordinal]
    /// Columns that identify a row: kept in split files and predictions, never features.
    public var idColumns: [String]
    /// Columns that are categorical even if every value looks like a number.
    public var categorical: [String]
    /// Columns that must be numeric (a value that is not a number is an error).
    public var numeric: [String]
    /// How raw source files are written, when not the default CSV dialect (so `rung predict`
    /// reads raw rows as `rung data prepare` did); nil for the default.
    public var csv: CSVDialect?

    /// Creates a cleaning spec; every list defaults to empty.
    public init(missingMarkers: [String] = [], dropColumns: [String] = [], fillMissing: [Fill] = [],
                rowFilters: [RowFilter] = [], target: Target? = nil, ordinals: [Ordinal] = [],
                idColumns: [String] = [], categorical: [String] = [], numeric: [String] = []) {
        self.missingMarkers = missingMarkers
        self.dropColumns = dropColumns
        self.fillMissing = fillMissing
        self.rowFilters = rowFilters
        self.target = target
        self.ordinals = ordinals
        self.idColumns = idColumns
        self.categorical = categorical
        self.numeric = numeric
    }

    enum CodingKeys: String, CodingKey {
        case missingMarkers = "missing_markers", dropColumns = "drop_columns", fillMissing = "fill_missing"
        case rowFilters = "row_filters", target, ordinals, idColumns = "id_columns", categorical, numeric, csv
    }
}
