import RungCore

/// The cross-validation folds of a prepared directory (`split.folds`, docs/config.md
/// "Cross-validation"): at prepare time it deals the train rows into folds with
/// `FoldAssigner` and refuses fold counts the data cannot fill; at training time it reads
/// `folds.csv` back.
struct CrossValidationFolds {
    /// The file numbering each train row's fold, next to `train.csv`.
    static let fileName = "folds.csv"

    var rule: SplitRule
    var recipe: DatasetRecipe
    var sourceName: String

    private func error(_ problem: String) -> RungError {
        YAMLField.error(file: recipe.fileName, line: recipe.keyLines["split.folds"], path: "split.folds", problem)
    }

    /// Deals `rows` of `table` (the train rows, in file order) into `rule.folds` folds; returns
    /// the manifest entry and the bytes of `folds.csv`.
    func assign(_ table: CleanTable, rows: Range<Int>) throws
        -> (manifest: DataManifest.CrossValidation, csv: [UInt8]) {
        guard let k = rule.folds else { throw RungError.internalFailure("cross-validation folds without `split.folds`") }
        guard let allLabels = table.labels else {
            throw error("cross-validation needs the target column, and \(sourceName) has none after cleaning")
        }
        let labels = rows.map { allLabels[$0] >= 0.5 ? 1 : 0 }
        let assigner = FoldAssigner(folds: k, seed: rule.seed)
        let fold: [Int]
        if let group = rule.group {
            guard let column = table.column(named: group) else {
                throw YAMLField.error(file: recipe.fileName, line: recipe.keyLines["split.group"], path: "split.group",
                                      "column `\(group)` is not kept after cleaning (it is dropped or is the target's source)")
            }
            let planner = SplitPlanner(rule: rule, recipe: recipe, sourceName: sourceName)
            let ids = Array(planner.groupIDs(column)[rows])
            let groups = Set(ids).count
            guard groups >= k else {
                throw error("\(k) folds need at least \(k) groups of `\(group)`, but the \(rows.count) cross-validated rows of \(sourceName) hold \(groups); use at most \(groups) folds")
            }
            fold = assigner.assign(labels: labels, groups: ids)
        } else {
            let positives = labels.reduce(0, +)
            let rarest = min(positives, labels.count - positives)
            guard rarest >= k else {
                let which = positives <= labels.count - positives ? "positive (1)" : "negative (0)"
                throw error("\(k) folds need at least \(k) rows of each class, but the \(rows.count) cross-validated rows of \(sourceName) hold \(rarest) \(which) rows; use at most \(max(rarest, 1)) folds (scikit-learn's StratifiedKFold refuses the same)")
            }
            fold = assigner.assign(labels: labels)
        }
        var counts = [Int](repeating: 0, count: k)
        var positives = [Int](repeating: 0, count: k)
        for (i, f) in fold.enumerated() {
            counts[f] += 1
            positives[f] += labels[i]
        }
        for f in 0 ..< k where counts[f] == 0 || positives[f] == 0 || positives[f] == counts[f] {
            let what = counts[f] == 0 ? "no rows" : positives[f] == 0 ? "no positive rows" : "no negative rows"
            throw error("fold \(f + 1) of \(k) holds \(what) (its \(counts[f]) rows cannot score a model); use fewer folds or smaller groups")
        }
        var csv = Array("fold\n".utf8)
        csv.reserveCapacity(5 + fold.count * 3)
        for f in fold {
            csv += Array(String(f + 1).utf8)
            csv.append(10)
        }
        let manifest = DataManifest.CrossValidation(
            folds: k, file: Self.fileName, rows: counts,
            positiveRates: (0 ..< k).map { Double(positives[$0]) / Double(counts[$0]) })
        return (manifest, csv)
    }

    /// Reads a `folds.csv` of `rows` rows naming folds 1…`folds`; returns each row's fold, 0-based.
    static func parse(_ bytes: [UInt8], rows: Int, folds: Int, source: String) throws -> [Int] {
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        var out: [Int] = []
        out.reserveCapacity(rows)
        for (i, line) in lines.enumerated() {
            if i == 0 {
                guard Array(line) == Array("fold".utf8) else { throw RungError.badInput("\(source): line 1 must be `fold`") }
                continue
            }
            if line.isEmpty && i == lines.count - 1 { break }
            guard let f = Int(String(decoding: line, as: UTF8.self)), f >= 1, f <= folds else {
                throw RungError.badInput("\(source): line \(i + 1) is not a fold from 1 to \(folds)")
            }
            out.append(f - 1)
        }
        guard out.count == rows else {
            throw RungError.badInput("\(source) numbers \(out.count) rows, but train.csv has \(rows)")
        }
        return out
    }
}
