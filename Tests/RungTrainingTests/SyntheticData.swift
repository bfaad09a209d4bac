import Foundation
import RungData

/// Seeded synthetic sparse binary-classification data: each row has `perRow` one-hot-ish
/// columns set to 1 plus two numeric columns; the label is a noisy logistic function of
/// fixed per-column weights, so the signal is learnable but not perfectly separable.
enum SyntheticData {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var z = state
            z = (z ^ (z >> 33)) &* 0xff51afd7ed558ccd
            return z ^ (z >> 33)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / 9007199254740992.0 }
    }

    static func weights(columns: Int) -> [Double] {
        var g = Generator(state: 99)
        return (0..<columns).map { c in c < 2 ? 1.5 : (g.uniform() < 0.3 ? (g.uniform() * 4 - 2) : 0) }
    }

    static func split(rows: Int, columns: Int = 200, perRow: Int = 12, seed: UInt64) -> EncodedSplit {
        precondition(columns > perRow + 2)
        let w = weights(columns: columns)
        var g = Generator(state: seed)
        var offsets = [0], indices: [UInt32] = [], values: [Float] = [], labels: [Float] = []
        indices.reserveCapacity(rows * (perRow + 2))
        values.reserveCapacity(rows * (perRow + 2))
        for _ in 0..<rows {
            var chosen = Set<Int>()
            while chosen.count < perRow { chosen.insert(2 + Int(g.next() % UInt64(columns - 2))) }
            let x0 = Float(g.uniform() * 2 - 1), x1 = Float(g.uniform() * 2 - 1)
            var z = Double(x0) * w[0] + Double(x1 * x1) * w[1] - 0.4
            indices += [0, 1]
            values += [x0, x1]
            for c in chosen.sorted() {
                indices.append(UInt32(c))
                values.append(1)
                z += w[c] * 0.5
            }
            offsets.append(indices.count)
            labels.append(g.uniform() < 1 / (1 + exp(-z)) ? 1 : 0)
        }
        let features = CSRMatrix(rowCount: rows, columnCount: columns, rowOffsets: offsets, columnIndices: indices, values: values)
        return EncodedSplit(features: features, labels: labels)
    }
}
