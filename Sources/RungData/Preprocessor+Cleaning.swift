import Foundation
import RungCore

extension Preprocessor {
    /// The cleaner for prepared split files: empty fields are missing, the target is `1`/`0`,
    /// feature kinds are the fitted ones.
    func preparedCleaner(requireTarget: Bool, skipBadRows: Bool) -> TableCleaner {
        var spec = CleaningSpec(idColumns: idColumns)
        if let target { spec.target = .init(name: target, source: target, positive: ["1"], negative: ["0"]) }
        return TableCleaner(spec: spec, kinds: .fixed(numeric: numeric.map(\.name), categorical: categorical.map(\.name)),
                            applyRowFilters: false, requireTarget: requireTarget, skipBadRows: skipBadRows)
    }

    /// The cleaner for raw rows: the recipe's rules, with the fitted feature kinds.
    func rawCleaner(applyRowFilters: Bool, skipBadRows: Bool) -> TableCleaner {
        TableCleaner(spec: cleaning, kinds: .fixed(numeric: numeric.map(\.name), categorical: categorical.map(\.name)),
                     applyRowFilters: applyRowFilters, requireTarget: false, skipBadRows: skipBadRows)
    }

    /// Which layout a CSV header is in, for `PredictionRowFormat.auto`.
    public func detectFormat(header: [String]) -> PredictionRowFormat {
        let columns = Set(header)
        if cleaning.dropColumns.contains(where: columns.contains) { return .raw }
        if let t = cleaning.target, t.source != t.name, columns.contains(t.source) { return .raw }
        return .prepared
    }
}

/// Cleans the rows of the CSV at `csv` for `rung predict`: the target column is optional
/// (kept when present), id columns are kept, and every feature column the preprocessor
/// needs must be there. A row that cannot be read (wrong field count, a value that is not a
/// number, an unknown ordinal label) is an error naming its line, or, with
/// `skipUnreadableRows`, skipped and listed in `skippedLines`. Row filters of the recipe
/// apply only with `applyRowFilters`.
public func cleanForPrediction(csv url: URL, preprocessor: Preprocessor, format: PredictionRowFormat = .auto,
                               skipUnreadableRows: Bool = false, applyRowFilters: Bool = false) throws -> CleanTable {
    let bytes = try FileIO.read(url)
    return try cleanForPrediction(bytes: bytes, sourceName: url.lastPathComponent, preprocessor: preprocessor, format: format,
                                  skipUnreadableRows: skipUnreadableRows, applyRowFilters: applyRowFilters)
}

/// `cleanForPrediction(csv:…)` over CSV bytes already in memory; `sourceName` names them in errors.
public func cleanForPrediction(bytes: [UInt8], sourceName: String, preprocessor: Preprocessor, format: PredictionRowFormat = .auto,
                               skipUnreadableRows: Bool = false, applyRowFilters: Bool = false) throws -> CleanTable {
    var raw = try RawTable.parse(bytes, sourceName: sourceName,
                                 dialect: format == .raw ? preprocessor.cleaning.csv ?? CSVDialect() : CSVDialect(),
                                 skipBadRecords: skipUnreadableRows)
    var chosen = format == .auto ? preprocessor.detectFormat(header: raw.header) : format
    // A raw file in the recipe's own dialect (no header line, spaces after commas) does not
    // have the prepared columns in its first line: read it as the recipe did.
    if format == .auto, chosen == .prepared, let dialect = preprocessor.cleaning.csv,
       !Set(preprocessor.numeric.map(\.name) + preprocessor.categorical.map(\.name)).isSubset(of: raw.header) {
        raw = try RawTable.parse(bytes, sourceName: sourceName, dialect: dialect, skipBadRecords: skipUnreadableRows)
        chosen = .raw
    }
    let cleaner = chosen == .raw
        ? preprocessor.rawCleaner(applyRowFilters: applyRowFilters, skipBadRows: skipUnreadableRows)
        : preprocessor.preparedCleaner(requireTarget: false, skipBadRows: skipUnreadableRows)
    return try cleaner.clean(raw)
}
