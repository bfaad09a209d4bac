import Foundation
import RungCore

/// Applies a `CleaningSpec` to a `RawTable`. All per-value decisions (missing, fill, row
/// filter, target label, ordinal value, number parsing) are made once per distinct value
/// of a column, then applied to every row by code.
struct TableCleaner {
    /// How feature columns get their kind.
    enum Kinds {
        /// Numeric if every non-missing value of the cleaned rows is a number, else categorical;
        /// the spec's `categorical` / `numeric` lists override. Every other column is a feature.
        case infer
        /// Exactly these columns are features, with these kinds, and must be present; id
        /// columns are kept when present; other columns are ignored.
        case fixed(numeric: [String], categorical: [String])
    }

    var spec: CleaningSpec
    var kinds: Kinds
    /// Whether the spec's row filters apply (prepare: yes; prediction: only when asked).
    var applyRowFilters: Bool = true
    /// Whether the target column must be present.
    var requireTarget: Bool = true
    /// Skip rows that cannot be read instead of failing on the first.
    var skipBadRows: Bool = false

    private enum Plan {
        case id
        case target(CleaningSpec.Target)
        case ordinal(CleaningSpec.Ordinal)
        case numeric
        case categorical
        case infer
    }

    func clean(_ rawInput: RawTable) throws -> CleanTable {
        var raw = rawInput
        let name = raw.sourceName
        let ncol = raw.columnCount
        let nrow = raw.rowCount

        // 1. Decide what each column is for.
        let dropped = Set(spec.dropColumns)
        let ids = Set(spec.idColumns)
        var ordinals: [String: CleaningSpec.Ordinal] = [:]
        for o in spec.ordinals { ordinals[o.column] = o }
        var plans: [Plan?] = Array(repeating: nil, count: ncol)
        var fixedNumeric = Set<String>(), fixedCategorical = Set<String>()
        var isFixed = false
        if case .fixed(let n, let c) = kinds {
            isFixed = true
            fixedNumeric = Set(n)
            fixedCategorical = Set(c)
            for needed in n + c where raw.index(of: needed) == nil {
                throw RungError.badInput("\(name) has no column `\(needed)`, which the model needs.")
            }
        }
        var targetColumn: Int?
        for (c, col) in raw.header.enumerated() {
            if dropped.contains(col) { continue }
            if let t = spec.target, t.source == col { plans[c] = .target(t); targetColumn = c; continue }
            if ids.contains(col) { plans[c] = .id; continue }
            if let o = ordinals[col] { plans[c] = .ordinal(o); continue }
            if isFixed {
                if fixedNumeric.contains(col) { plans[c] = .numeric } else if fixedCategorical.contains(col) { plans[c] = .categorical }
                continue
            }
            if spec.categorical.contains(col) { plans[c] = .categorical } else if spec.numeric.contains(col) { plans[c] = .numeric } else { plans[c] = .infer }
        }
        if let t = spec.target, targetColumn == nil, requireTarget {
            throw RungError.badInput("\(name) has no column `\(t.source)`, the target.")
        }

        // 2. Per-level meaning: missing values become -1, or the fill level.
        let markers = Set(spec.missingMarkers)
        var fills: [String: String] = [:]
        for f in spec.fillMissing { fills[f.column] = f.value }
        var effective: [[Int32]] = []
        effective.reserveCapacity(ncol)
        for c in 0..<ncol {
            let fillCode: Int32 = fills[raw.header[c]].map { raw.levels[c].intern($0) } ?? -1
            let levels = raw.levels[c]
            var map = (0..<Int32(levels.count)).map { $0 }
            for marker in markers.union([""]) {
                if let k = levels.code(of: marker) { map[Int(k)] = fillCode }
            }
            effective.append(map)
        }

        // 3. Row filters.
        var keep = [Bool](repeating: true, count: nrow)
        if applyRowFilters {
            for f in spec.rowFilters {
                guard let c = raw.index(of: f.column) else {
                    throw RungError.badInput("\(name) has no column `\(f.column)`, which a row filter tests.")
                }
                let numbers = f.values.compactMap { NumberText.parse($0) }
                let texts = Set(f.values)
                let levels = raw.levels[c]
                var drops = [Bool](repeating: false, count: levels.count)
                for k in 0..<levels.count {
                    let e = effective[c][k]
                    guard e >= 0 else { continue }
                    let text = levels.string(e)
                    if texts.contains(text) { drops[k] = true } else if let v = NumberText.parse(text), numbers.contains(v) { drops[k] = true }
                }
                raw.codes[c].withUnsafeBufferPointer { codes in
                    for r in 0..<nrow where keep[r] && drops[Int(codes[r])] { keep[r] = false }
                }
            }
        }

        // 4. Per-level values of target, ordinal and numeric columns; nil marks an unreadable value.
        var levelValues: [[Double?]?] = Array(repeating: nil, count: ncol)
        var problems: [Int: (Int32) -> String] = [:]
        for c in 0..<ncol {
            guard let plan = plans[c] else { continue }
            let levels = raw.levels[c]
            let column = raw.header[c]
            switch plan {
            case .target(let t):
                levelValues[c] = (0..<levels.count).map { k in
                    let e = effective[c][k]
                    return e < 0 ? nil : t.label(of: levels.string(e))
                }
                problems[c] = { k in
                    let e = effective[c][Int(k)]
                    if e < 0 { return "the target value is missing" }
                    return "`\(levels.string(e))` is not a known target value"
                }
            case .ordinal(let o):
                var lookup: [String: Double] = [:]
                for (label, value) in zip(o.labels, o.values) { lookup[label] = value }
                levelValues[c] = (0..<levels.count).map { k in
                    let e = effective[c][k]
                    return e < 0 ? Double.nan : lookup[levels.string(e)]
                }
                problems[c] = { k in
                    "`\(levels.string(effective[c][Int(k)]))` is not one of the ordinal labels of `\(column)`"
                }
            case .numeric:
                levelValues[c] = (0..<levels.count).map { k in
                    let e = effective[c][k]
                    if e < 0 { return Double.nan }
                    guard let v = NumberText.parse(levels.string(e)), v.isFinite else { return nil }
                    return v
                }
                problems[c] = { k in "`\(levels.string(effective[c][Int(k)]))` is not a number" }
            default:
                break
            }
        }

        // 5. Rows with unreadable values: an error naming the first, or skipped.
        var skipped = raw.skippedLines
        let checked = (0..<ncol).filter { c in levelValues[c].map { $0.contains { $0 == nil } } ?? false }
        if !checked.isEmpty {
            let bad: [[Bool]] = checked.map { c in levelValues[c]!.map { $0 == nil } }
            do {
                for r in 0..<nrow where keep[r] {
                    for (j, c) in checked.enumerated() where bad[j][Int(raw.codes[c][r])] {
                        if skipBadRows {
                            keep[r] = false
                            skipped.append(Int(raw.lines[r]))
                            break
                        }
                        let what = problems[c]!(raw.codes[c][r])
                        throw RungError.badInput("\(name) line \(raw.lines[r]), column `\(raw.header[c])`: \(what).")
                    }
                }
            }
        }
        skipped.sort()
        var rows: [Int] = []
        rows.reserveCapacity(nrow)
        for r in 0..<nrow where keep[r] { rows.append(r) }

        // 6. Build the columns.
        var features: [CleanColumn] = []
        var target: CleanColumn?
        do {
            for c in 0..<ncol {
                guard let plan = plans[c] else { continue }
                let eff = effective[c]
                let codes = raw.codes[c]
                let colName = raw.header[c]
                if let values = levelValues[c] {
                    let table = values.map { $0 ?? .nan }
                    let column = rows.map { table[Int(codes[$0])] }
                    if case .target(let t) = plan {
                        target = CleanColumn(name: t.name, role: .target, values: .numeric(column))
                    } else {
                        features.append(CleanColumn(name: colName, role: .feature, values: .numeric(column)))
                    }
                    continue
                }
                // Text-valued: compact the levels the kept rows use, in first-seen order.
                var remap = [Int32](repeating: -2, count: raw.levels[c].count)
                var levelTexts: [String] = []
                var out = [Int32](repeating: -1, count: rows.count)
                for (i, r) in rows.enumerated() {
                    let e = eff[Int(codes[r])]
                    if e < 0 { continue }
                    var m = remap[Int(e)]
                    if m == -2 {
                        m = Int32(levelTexts.count)
                        remap[Int(e)] = m
                        levelTexts.append(raw.levels[c].string(e))
                    }
                    out[i] = m
                }
                var role = CleanColumn.Role.feature
                if case .id = plan { role = .id }
                if case .infer = plan {
                    let allNumbers = levelTexts.allSatisfy { t in NumberText.parse(t).map { $0.isFinite } ?? false }
                    if allNumbers {
                        let numbers = levelTexts.map { NumberText.parse($0)! }
                        let column = out.map { $0 < 0 ? Double.nan : numbers[Int($0)] }
                        features.append(CleanColumn(name: colName, role: .feature, values: .numeric(column)))
                        continue
                    }
                }
                features.append(CleanColumn(name: colName, role: role, values: .text(codes: out, levels: levelTexts)))
            }
        }
        if let target { features.append(target) }
        return CleanTable(sourceName: name, columns: features, lines: rows.map { Int(raw.lines[$0]) }, skippedLines: skipped)
    }
}
