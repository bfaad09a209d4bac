import Foundation
import RungCore
import RungData

/// Data drift between a reference table (a prepared split) and current rows, column by
/// column over the model's source columns: numeric columns get the two-sample KS test and
/// the PSI over the reference's deciles, categorical columns the chi-square test on the
/// 2 × categories table and the PSI over categories. Missing values are left out of both
/// tests. The target, when both tables have it, gets the chi-square test of its 0/1 counts.
public struct DriftReport: Sendable, Codable, Equatable {
    /// One column's result.
    public struct Column: Sendable, Codable, Equatable {
        /// The source column.
        public var name: String
        /// `numeric` or `categorical`.
        public var kind: String
        /// `ks` or `chi2`.
        public var test: String
        /// The test statistic (D for KS, χ² for chi-square).
        public var statistic: Double
        /// The test's p-value.
        public var pValue: Double
        /// The population stability index.
        public var psi: Double
        /// Whether the column counts as drifted.
        public var drifted: Bool
        /// Non-missing values in the reference and the current data.
        public var referenceCount: Int, currentCount: Int

        enum CodingKeys: String, CodingKey {
            case name, kind, test, statistic, pValue = "p_value", psi, drifted
            case referenceCount = "reference_count", currentCount = "current_count"
        }
    }

    /// The per-column results, in the preprocessor's order (numeric, then categorical).
    public var columns: [Column]
    /// The share of columns that drifted.
    public var driftShare: Double
    /// Whether the share reached the threshold.
    public var datasetDrift: Bool
    /// The target's result, when both tables have labels.
    public var target: Column?
    /// The thresholds used.
    public var thresholds: DriftThresholds
    /// Rows in the reference and the current data.
    public var referenceRows: Int, currentRows: Int

    enum CodingKeys: String, CodingKey {
        case columns, driftShare = "drift_share", datasetDrift = "dataset_drift", target, thresholds
        case referenceRows = "reference_rows", currentRows = "current_rows"
    }

    /// The names of the drifted columns.
    public var driftedColumns: [String] { columns.filter(\.drifted).map(\.name) }

    /// Compares `current` with `reference` over `preprocessor`'s source columns.
    public init(reference: CleanTable, current: CleanTable, preprocessor: Preprocessor,
                thresholds: DriftThresholds = DriftThresholds()) throws {
        var columns: [Column] = []
        for feature in preprocessor.numeric {
            let r = try Self.numbers(reference, feature.name), c = try Self.numbers(current, feature.name)
            columns.append(Self.numericColumn(feature.name, r, c, thresholds))
        }
        for feature in preprocessor.categorical {
            let r = try Self.texts(reference, feature.name), c = try Self.texts(current, feature.name)
            columns.append(Self.categoricalColumn(feature.name, r, c, thresholds))
        }
        self.columns = columns
        let drifted = columns.filter(\.drifted).count
        driftShare = columns.isEmpty ? 0 : Double(drifted) / Double(columns.count)
        datasetDrift = !columns.isEmpty && driftShare >= thresholds.driftShare
        if let rl = reference.labels, let cl = current.labels, !cl.isEmpty {
            var column = Self.categoricalColumn(reference.targetColumn?.name ?? "target",
                                                rl.map { $0 == 1 ? "1" : "0" }, cl.map { $0 == 1 ? "1" : "0" }, thresholds)
            column.kind = "target"
            target = column
        }
        self.thresholds = thresholds
        referenceRows = reference.rowCount
        currentRows = current.rowCount
    }

    static func numbers(_ table: CleanTable, _ name: String) throws -> [Double] {
        guard let column = table.column(named: name) else {
            throw RungError.badInput("\(table.sourceName) has no column `\(name)`, which the model needs")
        }
        switch column.values {
        case .numeric(let v): return v.filter { !$0.isNaN }
        case .text(let codes, let levels):
            return codes.compactMap { $0 >= 0 ? NumberText.parse(levels[Int($0)]) : nil }
        }
    }

    static func texts(_ table: CleanTable, _ name: String) throws -> [String] {
        guard let column = table.column(named: name) else {
            throw RungError.badInput("\(table.sourceName) has no column `\(name)`, which the model needs")
        }
        switch column.values {
        case .text(let codes, let levels): return codes.compactMap { $0 >= 0 ? levels[Int($0)] : nil }
        case .numeric(let v):
            return v.compactMap { x in
                guard !x.isNaN else { return nil }
                return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
            }
        }
    }

    static func numericColumn(_ name: String, _ r: [Double], _ c: [Double], _ t: DriftThresholds) -> Column {
        guard !r.isEmpty, !c.isEmpty else {
            return Column(name: name, kind: "numeric", test: "ks", statistic: 0, pValue: 1, psi: 0, drifted: false,
                          referenceCount: r.count, currentCount: c.count)
        }
        let ks = KolmogorovSmirnov(r, c)
        let psi = PopulationStability.numeric(reference: r, current: c)
        return Column(name: name, kind: "numeric", test: "ks", statistic: ks.statistic, pValue: ks.pValue, psi: psi,
                      drifted: ks.pValue < t.pValue || (t.psi.map { psi >= $0 } ?? false),
                      referenceCount: r.count, currentCount: c.count)
    }

    static func categoricalColumn(_ name: String, _ r: [String], _ c: [String], _ t: DriftThresholds) -> Column {
        var rc: [String: Double] = [:], cc: [String: Double] = [:]
        for v in r { rc[v, default: 0] += 1 }
        for v in c { cc[v, default: 0] += 1 }
        let categories = Set(rc.keys).union(cc.keys).sorted()
        guard !r.isEmpty, !c.isEmpty, categories.count > 1 else {
            return Column(name: name, kind: "categorical", test: "chi2", statistic: 0, pValue: 1, psi: 0, drifted: false,
                          referenceCount: r.count, currentCount: c.count)
        }
        let table = [categories.map { rc[$0] ?? 0 }, categories.map { cc[$0] ?? 0 }]
        let chi = ChiSquareContingency(table)
        let psi = PopulationStability.index(reference: table[0].map { $0 / Double(r.count) },
                                            current: table[1].map { $0 / Double(c.count) })
        return Column(name: name, kind: "categorical", test: "chi2", statistic: chi.statistic, pValue: chi.pValue, psi: psi,
                      drifted: chi.pValue < t.pValue || (t.psi.map { psi >= $0 } ?? false),
                      referenceCount: r.count, currentCount: c.count)
    }

    /// The report as JSON (sorted keys).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }
}
