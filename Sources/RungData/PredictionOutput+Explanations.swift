import Foundation

extension PredictionOutput {
    /// The CSV `rung predict --explain K` writes: the columns of `csv(ids:probabilities:threshold:)`,
    /// then for k = 1…K the row's k-th largest source-column contribution by absolute value as
    /// `explain_k_column` and `explain_k_contribution` (log-odds), then `explain_bias`.
    /// Every row of `explanations` has the same length K.
    public static func csv(ids: [CleanColumn], probabilities: [Double], threshold: Double,
                           explanations: [[(column: String, contribution: Double)]], bias: [Double]) -> [UInt8] {
        var columns = ids.map { CleanColumn(name: $0.name, role: .id, values: $0.values) }
        columns.append(CleanColumn(name: "probability", role: .feature, values: .numeric(probabilities)))
        columns.append(CleanColumn(name: "label", role: .feature, values: .numeric(probabilities.map { $0 > threshold ? 1 : 0 })))
        let k = explanations.first?.count ?? 0
        for rank in 0..<k {
            columns.append(.text("explain_\(rank + 1)_column", role: .id, explanations.map { $0[rank].column }))
            columns.append(CleanColumn(name: "explain_\(rank + 1)_contribution", role: .feature,
                                       values: .numeric(explanations.map { $0[rank].contribution })))
        }
        columns.append(CleanColumn(name: "explain_bias", role: .feature, values: .numeric(bias)))
        return CleanTableWriter.csv(CleanTable(sourceName: "predictions", columns: columns))
    }
}
