import RungCore

/// Orders cleaned rows for a `SplitRule` and places the cuts between train, validation,
/// test and the future batches (docs/config.md, "Split strategies"):
///
/// - `file`: as read, or sorted by `sort_by` (stable, ascending, missing last);
/// - `shuffle`: a seeded Fisher–Yates shuffle (SplitMix64);
/// - `stratified`: each class is shuffled, then the classes are interleaved by their
///   position within the class ((rank + ½) / class size), so every contiguous run of rows,
///   and hence every split, holds each class in proportion (±1 row).
///
/// With `group`, whole groups are ordered instead of rows (stratified: by each group's
/// majority class, weighted by its rows), and every cut moves to the nearest group
/// boundary, so no group is on both sides of a cut.
struct SplitPlanner {
    /// The row order and the row ranges of the pieces, in that order.
    struct Plan {
        var order: [Int]
        var train: Range<Int>
        var validation: Range<Int>
        var test: Range<Int>
        var future: [Range<Int>]
        /// Whether `order` is 0, 1, 2, …
        var isIdentity: Bool
    }

    var rule: SplitRule
    var recipe: DatasetRecipe
    var sourceName: String

    /// A small deterministic generator (SplitMix64), so splits are the same on every platform.
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// A uniform integer in 0 ..< n.
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        /// A uniform double in [0, 1).
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func shuffle<T>(_ a: inout [T]) {
            guard a.count > 1 else { return }
            for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, below(i + 1)) }
        }
    }

    private func columnError(_ key: String, _ problem: String) -> RungError {
        YAMLField.error(file: recipe.fileName, line: recipe.keyLines[key], path: key, problem)
    }

    /// A comparable key per row of `column`: numbers as they are, texts by their level's text order; missing = nil.
    private func sortKeys(_ column: CleanColumn) -> [Double?] {
        switch column.values {
        case .numeric(let v): return v.map { $0.isNaN ? nil : $0 }
        case .text(let codes, let levels):
            let ranks = levels.indices.sorted { Array(levels[$0].utf8).lexicographicallyPrecedes(Array(levels[$1].utf8)) }
            var rankOf = [Double](repeating: 0, count: levels.count)
            for (r, k) in ranks.enumerated() { rankOf[k] = Double(r) }
            return codes.map { $0 < 0 ? nil : rankOf[Int($0)] }
        }
    }

    /// A group id per row (rows with a missing group value are groups of their own).
    private func groupIDs(_ column: CleanColumn) -> [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(column.values.count)
        // Ids of lone rows (a missing group value) start past every real id.
        let n0 = column.values.count
        switch column.values {
        case .numeric(let v):
            var seen: [UInt64: Int] = [:]
            var lone = n0
            for x in v {
                if x.isNaN { ids.append(lone); lone += 1; continue }
                let key = (x == 0 ? 0 : x).bitPattern
                if let g = seen[key] { ids.append(g) } else { ids.append(seen.count); seen[key] = seen.count }
            }
            return ids
        case .text(let codes, let levels):
            var next = max(levels.count, n0)
            for c in codes {
                if c >= 0 { ids.append(Int(c)) } else { ids.append(next); next += 1 }
            }
            return ids
        }
    }

    /// The order of `units` (each a class label and a weight) that interleaves the classes.
    private func stratifiedOrder(labels: [Int], weights: [Int], random: inout SplitMix64) -> [Int] {
        var byClass: [Int: [Int]] = [:]
        for (u, c) in labels.enumerated() { byClass[c, default: []].append(u) }
        var keys = [(key: Double, tie: Double, unit: Int)]()
        keys.reserveCapacity(labels.count)
        for c in byClass.keys.sorted() {
            var units = byClass[c]!
            random.shuffle(&units)
            let total = Double(units.reduce(0) { $0 + weights[$1] })
            var before = 0.0
            for u in units {
                let w = Double(weights[u])
                keys.append(((before + w / 2) / total, random.unit(), u))
                before += w
            }
        }
        keys.sort { $0.key != $1.key ? $0.key < $1.key : $0.tie < $1.tie }
        return keys.map(\.unit)
    }

    /// Plans the split of `table`, whose 0/1 labels are `labels`.
    func plan(_ table: CleanTable, labels: [Float]) throws -> Plan {
        let n = table.rowCount
        var random = SplitMix64(state: rule.seed)
        var base = Array(0 ..< n)
        if let sortBy = rule.sortBy {
            guard let column = table.column(named: sortBy) else {
                throw columnError("split.sort_by", "column `\(sortBy)` is not kept after cleaning (it is dropped or is the target's source)")
            }
            let keys = sortKeys(column)
            base.sort { a, b in
                switch (keys[a], keys[b]) {
                case let (x?, y?): return x != y ? x < y : a < b
                case (nil, nil): return a < b
                case (.some, nil): return true
                case (nil, .some): return false
                }
            }
        }
        var unitOf: [Int]? = nil
        var units: [[Int]] = []
        if let group = rule.group {
            guard let column = table.column(named: group) else {
                throw columnError("split.group", "column `\(group)` is not kept after cleaning (it is dropped or is the target's source); list it in `id_columns` to keep it out of the features")
            }
            let ids = groupIDs(column)
            var index: [Int: Int] = [:]
            var u = [Int](repeating: 0, count: n)
            for r in base {
                if let k = index[ids[r]] { units[k].append(r); u[r] = k } else {
                    index[ids[r]] = units.count
                    u[r] = units.count
                    units.append([r])
                }
            }
            unitOf = u
        }
        var order: [Int]
        switch rule.order {
        case .file:
            order = unitOf == nil ? base : units.flatMap { $0 }
        case .shuffle:
            if unitOf == nil {
                order = base
                random.shuffle(&order)
            } else {
                var perm = Array(units.indices)
                random.shuffle(&perm)
                order = perm.flatMap { units[$0] }
            }
        case .stratified:
            if unitOf == nil {
                let unitLabels = labels.map { $0 >= 0.5 ? 1 : 0 }
                order = stratifiedOrder(labels: unitLabels, weights: Array(repeating: 1, count: n), random: &random)
            } else {
                let unitLabels = units.map { rows -> Int in
                    let positives = rows.reduce(0.0) { $0 + Double(labels[$1]) }
                    return positives * 2 >= Double(rows.count) ? 1 : 0
                }
                let perm = stratifiedOrder(labels: unitLabels, weights: units.map(\.count), random: &random)
                order = perm.flatMap { units[$0] }
            }
        }

        // Cuts at the target sizes, moved to the nearest group boundary when grouped.
        let s = rule.sizes(rows: n)
        var targets = [s.train, s.train + s.validation, n - s.future]
        for r in rule.futureRanges(start: n - s.future, future: s.future) { targets.append(r.upperBound) }
        if unitOf != nil {
            var boundaries = [0]
            var k = 0
            while k < n {
                let u = unitOf![order[k]]
                var j = k
                while j < n && unitOf![order[j]] == u { j += 1 }
                boundaries.append(j)
                k = j
            }
            var last = 0
            targets = targets.map { t in
                var lo = 0, hi = boundaries.count - 1
                while lo < hi { let mid = (lo + hi) / 2; if boundaries[mid] < t { lo = mid + 1 } else { hi = mid } }
                var best = boundaries[lo]
                if lo > 0 && t - boundaries[lo - 1] < best - t { best = boundaries[lo - 1] }
                best = max(best, last)
                last = best
                return best
            }
            targets[targets.count - 1] = n
            if s.future == 0 { targets[2] = n }
        }
        let future = (3 ..< targets.count).map { k in targets[k - 1] ..< targets[k] }
        let identity = order.elementsEqual(0 ..< n)
        return Plan(order: order, train: 0 ..< targets[0], validation: targets[0] ..< targets[1],
                    test: targets[1] ..< targets[2], future: future, isIdentity: identity)
    }
}
