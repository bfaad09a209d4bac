/// Deals rows into cross-validation folds (`split.folds`, docs/config.md "Cross-validation"),
/// with scikit-learn's guarantees:
///
/// - **stratified** (`StratifiedKFold(shuffle=True)`): each class's rows are shuffled and
///   dealt round-robin, the deal running on from one class to the next, so every class's
///   count differs by at most one row between folds, and so does every fold's size;
/// - **grouped** (`StratifiedGroupKFold(shuffle=True)`): whole groups are dealt, in order of
///   falling spread of their class counts (ties in a seeded random order), each to the fold
///   where the class counts stay most even (scikit-learn's greedy rule), ties to the smaller
///   fold; no group is in two folds.
///
/// Folds are numbered 0 ..< `folds` here and 1…K in `folds.csv`.
struct FoldAssigner {
    /// The number of folds (≥ 2).
    var folds: Int
    /// The seed of the shuffles.
    var seed: UInt64

    /// The fold of each row, for 0/1 `labels`.
    func assign(labels: [Int]) -> [Int] {
        var random = SplitPlanner.SplitMix64(state: seed ^ 0xF01D_5EED_0000_0000)
        var fold = [Int](repeating: 0, count: labels.count)
        var byClass: [Int: [Int]] = [:]
        for (row, c) in labels.enumerated() { byClass[c, default: []].append(row) }
        var position = 0
        for c in byClass.keys.sorted() {
            var rows = byClass[c]!
            random.shuffle(&rows)
            for row in rows {
                fold[row] = position % folds
                position += 1
            }
        }
        return fold
    }

    /// The fold of each row, for 0/1 `labels` and a group id per row; every row of a group gets one fold.
    func assign(labels: [Int], groups: [Int]) -> [Int] {
        var random = SplitPlanner.SplitMix64(state: seed ^ 0xF01D_5EED_0000_0000)
        var index: [Int: Int] = [:]
        var counts: [[Int]] = []   // per group: rows of class 0, rows of class 1
        var groupOf = [Int](repeating: 0, count: labels.count)
        for (row, g) in groups.enumerated() {
            let k: Int
            if let known = index[g] { k = known } else { k = counts.count; index[g] = k; counts.append([0, 0]) }
            groupOf[row] = k
            counts[k][labels[row] == 0 ? 0 : 1] += 1
        }
        var order = Array(counts.indices)
        random.shuffle(&order)
        let spread = counts.map { c -> Double in
            let mean = Double(c[0] + c[1]) / 2
            return ((Double(c[0]) - mean) * (Double(c[0]) - mean) + (Double(c[1]) - mean) * (Double(c[1]) - mean)) / 2
        }
        // A stable sort by falling spread (the shuffle decides among equals).
        order = order.enumerated().sorted { a, b in
            spread[a.element] != spread[b.element] ? spread[a.element] > spread[b.element] : a.offset < b.offset
        }.map(\.element)
        let classTotals = [max(1, labels.filter { $0 == 0 }.count), max(1, labels.filter { $0 != 0 }.count)]
        var perFold = [[Int]](repeating: [0, 0], count: folds)
        var foldOfGroup = [Int](repeating: 0, count: counts.count)
        for g in order {
            var best = 0
            var bestCost = Double.infinity
            var bestSize = Int.max
            for f in 0 ..< folds {
                perFold[f][0] += counts[g][0]
                perFold[f][1] += counts[g][1]
                var cost = 0.0
                for c in 0 ..< 2 {
                    let shares = perFold.map { Double($0[c]) / Double(classTotals[c]) }
                    let mean = shares.reduce(0, +) / Double(folds)
                    cost += (shares.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(folds)).squareRoot()
                }
                cost /= 2
                let size = perFold[f][0] + perFold[f][1] - counts[g][0] - counts[g][1]
                perFold[f][0] -= counts[g][0]
                perFold[f][1] -= counts[g][1]
                if cost < bestCost - 1e-12 || (abs(cost - bestCost) <= 1e-12 && size < bestSize) {
                    best = f
                    bestCost = cost
                    bestSize = size
                }
            }
            foldOfGroup[g] = best
            perFold[best][0] += counts[g][0]
            perFold[best][1] += counts[g][1]
        }
        return groupOf.map { foldOfGroup[$0] }
    }
}
