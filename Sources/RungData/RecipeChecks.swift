import RungCore

/// Checks that stop a recipe from silently producing garbage (docs/config.md, "What
/// prepare refuses"): target labels that never occur, missing markers that never occur
/// while a near-miss does, splits with one class; and the warnings that do not stop it.
/// Each error names the recipe file, line and key and shows what the data holds instead.
struct RecipeChecks {
    var recipe: DatasetRecipe
    var sourceName: String

    /// `text` quoted so that spaces around it stay visible.
    static func shown(_ text: String) -> String { "`\(text)`" }

    /// `a` and `b` are the same apart from spaces around them or letter case.
    static func nearMiss(_ a: String, _ b: String) -> String? {
        guard a != b else { return nil }
        let ta = a.trimmingCharacters(in: .whitespaces), tb = b.trimmingCharacters(in: .whitespaces)
        if ta == tb { return "differs only by spaces around it (set `csv.trim: true`)" }
        if ta.lowercased() == tb.lowercased() { return "differs only in letter case" }
        return nil
    }

    /// Per level of column `c`, how many rows hold it.
    static func counts(_ raw: RawTable, column c: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: raw.levels[c].count)
        for code in raw.codes[c] { counts[Int(code)] += 1 }
        return counts
    }

    /// Every label in `target.positive` / `target.negative` must occur in the target column.
    func checkTargetLabels(_ raw: RawTable) throws {
        guard let t = recipe.cleaning.target, let c = raw.index(of: t.source) else { return }
        let levels = raw.levels[c]
        let (key, labels) = t.positive.map { ("target.positive", $0) } ?? ("target.negative", t.negative ?? [])
        let absent = labels.filter { levels.code(of: $0) == nil }
        guard let label = absent.first else { return }
        let counts = Self.counts(raw, column: c)
        let order = (0 ..< levels.count).sorted { counts[$0] > counts[$1] }
        let listed = order.prefix(10).map { "\(Self.shown(levels.string(Int32($0)))) (\(counts[$0]))" }.joined(separator: ", ")
            + (order.count > 10 ? ", … (\(order.count) values)" : "")
        var problem = "\(Self.shown(label)) never occurs in column `\(t.source)` of \(sourceName); its values are \(listed)"
        if let near = levels.strings().first(where: { Self.nearMiss($0, label) != nil }) {
            problem += "; \(Self.shown(near)) \(Self.nearMiss(near, label)!)"
        }
        throw YAMLField.error(file: recipe.fileName, line: recipe.keyLines[key], path: key, problem)
    }

    /// A missing marker that occurs nowhere while a near-miss of it does is an error.
    func checkMissingMarkers(_ raw: RawTable) throws {
        for marker in recipe.cleaning.missingMarkers where !marker.isEmpty {
            if raw.levels.contains(where: { $0.code(of: marker) != nil }) { continue }
            var nearText: String?
            var total = 0
            var columns: [String] = []
            for c in 0 ..< raw.columnCount {
                let levels = raw.levels[c]
                var counts: [Int]?
                for k in 0 ..< levels.count {
                    let s = levels.string(Int32(k))
                    guard s.utf8.count <= marker.utf8.count + 8, Self.nearMiss(s, marker) != nil else { continue }
                    if counts == nil { counts = Self.counts(raw, column: c) }
                    nearText = nearText ?? s
                    total += counts![k]
                    if columns.last != raw.header[c] { columns.append(raw.header[c]) }
                }
            }
            guard let nearText else { continue }
            let shownColumns = columns.prefix(5).map { "`\($0)`" }.joined(separator: ", ") + (columns.count > 5 ? ", …" : "")
            throw YAMLField.error(file: recipe.fileName, line: recipe.keyLines["csv.missing"], path: "csv.missing",
                                  "the missing marker \(Self.shown(marker)) never occurs in \(sourceName), but \(Self.shown(nearText)) occurs \(total) times (in \(shownColumns)) and \(Self.nearMiss(nearText, marker)!)")
        }
    }

    /// A split whose target has one class cannot train or be scored.
    func checkClasses(split: String, rows: Int, positives: Double) throws {
        guard rows > 0, positives == 0 || positives == Double(rows), let t = recipe.cleaning.target else { return }
        let which = positives == 0 ? "no positive rows (every target is 0)" : "no negative rows (every target is 1)"
        let key = t.positive != nil ? "target.positive" : "target.negative"
        throw YAMLField.error(file: recipe.fileName, line: recipe.keyLines[key] ?? recipe.keyLines["target"], path: key,
                              "the \(split) split of \(sourceName) has \(which) in its \(rows) rows; check the labels, or split differently (`split.order: stratified`)")
    }

    /// Warnings about the train rows: categorical columns whose values are nearly all distinct.
    func warnings(train: CleanTable) -> [DataWarning] {
        var out: [DataWarning] = []
        for column in train.columns where column.role == .feature {
            guard case .text(let codes, _) = column.values else { continue }
            var seen = Set<Int32>()
            var present = 0
            for code in codes where code >= 0 { present += 1; seen.insert(code) }
            guard present >= 20, Double(seen.count) >= 0.9 * Double(present) else { continue }
            out.append(DataWarning(kind: "id_like_column", column: column.name, key: "id_columns",
                                   message: "column `\(column.name)` of \(sourceName) has \(seen.count) distinct values in \(present) train rows: it looks like an identifier, not a category; list it in `id_columns` (or `drop_columns`) in \(recipe.fileName)"))
        }
        return out
    }
}
