import Foundation
import RungCore
import RungData

/// Per-row feature contributions (SHAP values) summed back from encoded columns to the
/// source columns they came from: a numeric column's one feature, and every one-hot column
/// of a categorical (`colour=red`, `colour=blue`, … add up to `colour`). The bias is kept
/// apart; a row's source contributions plus its bias add up to its margin (log-odds).
public struct SourceContributions: Sendable, Equatable {
    /// One source column's contribution to one row's margin.
    public struct Item: Sendable, Equatable {
        /// The source column.
        public var column: String
        /// Its contribution to the margin (log-odds).
        public var contribution: Double
        /// Creates an item.
        public init(column: String, contribution: Double) { self.column = column; self.contribution = contribution }
    }

    /// The source columns, in the preprocessor's order (numeric, then categorical).
    public let columns: [String]
    /// Row-major: `columns.count` values a row.
    public let values: [Double]
    /// The bias (expected margin) of each row.
    public let bias: [Double]

    /// The number of rows.
    public var rowCount: Int { bias.count }

    /// Sums `encoded` (row-major, `preprocessor.featureCount + 1` values a row, the last the
    /// bias, as `SavedModel.predictContributions` returns) back to source columns.
    public init(encoded: [Float], preprocessor: Preprocessor) throws {
        let width = preprocessor.featureCount + 1
        guard width > 0, encoded.count % width == 0 else {
            throw RungError.internalFailure("\(encoded.count) contributions are not a whole number of rows of \(width).")
        }
        let rows = encoded.count / width
        var columns = preprocessor.numeric.map(\.name)
        var owner: [Int] = Array(0..<preprocessor.numeric.count)
        for (k, feature) in preprocessor.categorical.enumerated() {
            columns.append(feature.name)
            owner.append(contentsOf: Array(repeating: preprocessor.numeric.count + k, count: feature.categories.count))
        }
        var values = [Double](repeating: 0, count: rows * columns.count)
        var bias = [Double](repeating: 0, count: rows)
        for r in 0..<rows {
            let row = r * width
            for j in 0..<(width - 1) {
                values[r * columns.count + owner[j]] += Double(encoded[row + j])
            }
            bias[r] = Double(encoded[row + width - 1])
        }
        self.columns = columns
        self.values = values
        self.bias = bias
    }

    /// Row `row`'s contributions by source column, in column order.
    public func row(_ row: Int) -> [Item] {
        let start = row * columns.count
        return columns.indices.map { Item(column: columns[$0], contribution: values[start + $0]) }
    }

    /// Row `row`'s `k` largest contributions by absolute value (ties by column order).
    public func top(_ k: Int, row: Int) -> [Item] {
        let items = self.row(row)
        let order = items.indices.sorted { a, b in
            let x = abs(items[a].contribution), y = abs(items[b].contribution)
            return x != y ? x > y : a < b
        }
        return order.prefix(max(0, k)).map { items[$0] }
    }

    /// The mean absolute contribution of each source column over every row, in column order
    /// (the report's feature importance).
    public func meanAbsolute() -> [Item] {
        guard rowCount > 0 else { return columns.map { Item(column: $0, contribution: 0) } }
        var sums = [Double](repeating: 0, count: columns.count)
        for r in 0..<rowCount {
            for c in columns.indices { sums[c] += abs(values[r * columns.count + c]) }
        }
        return columns.indices.map { Item(column: columns[$0], contribution: sums[$0] / Double(rowCount)) }
    }
}
