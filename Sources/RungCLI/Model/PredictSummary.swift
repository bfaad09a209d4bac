
/// What `rung predict` did.
public struct PredictSummary: Codable {
    /// The rows scored.
    public var rows: Int
    /// The unreadable rows skipped.
    public var skippedRows: Int
    /// The line numbers of the first skipped rows.
    public var skippedLines: [Int]
    /// The rows with label 1.
    public var positives: Int
    /// The probability above which a row gets label 1.
    public var threshold: Double
    /// The predictions file, nil for standard output.
    public var out: String?

    /// A summary of `rows` scored rows, `positives` of them above `threshold`.
    public init(rows: Int, skippedRows: Int, skippedLines: [Int], positives: Int, threshold: Double, out: String?) {
        self.rows = rows
        self.skippedRows = skippedRows
        self.skippedLines = skippedLines
        self.positives = positives
        self.threshold = threshold
        self.out = out
    }

    /// The skipped rows in words, e.g. "2 unreadable rows (lines 3, 9)".
    public var skippedRowCountText: String {
        let lines = skippedLines.map(String.init).joined(separator: ", ")
        return "\(skippedRows) unreadable row\(skippedRows == 1 ? "" : "s") (line\(skippedLines.count == 1 ? "" : "s") \(lines)\(skippedRows > skippedLines.count ? ", …" : ""))"
    }

    enum CodingKeys: String, CodingKey {
        case rows, positives, threshold, out
        case skippedRows = "skipped_rows"
        case skippedLines = "skipped_lines"
    }
}
