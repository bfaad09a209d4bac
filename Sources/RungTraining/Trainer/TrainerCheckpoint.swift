import Foundation
import RungCore
import RungData

/// The serialized state of a `Trainer` (JSON): everything needed to continue bit-exactly.
struct TrainerCheckpoint: Codable {
    static let currentFormat = "rung.trainer-checkpoint.v1"

    var format: String
    var family: String
    var parameters: [String: ParamValue]
    var seed: UInt64
    var threads: Int
    var epochsCompleted: Int
    var trainData: DataFingerprint
    /// XGBoost JSON models: one booster, or one per random-forest chunk.
    var models: [Data]
}

/// A cheap summary of a training split, to refuse resuming on different data.
struct DataFingerprint: Codable, Equatable, CustomStringConvertible {
    var rows: Int
    var columns: Int
    var stored: Int
    var positives: Int
    var checksum: UInt64

    init(_ split: EncodedSplit) {
        rows = split.features.rowCount
        columns = split.features.columnCount
        stored = split.features.storedCount
        positives = split.labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        // FNV-1a over the column indices, value bits and labels.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ x: UInt32) { h = (h ^ UInt64(x)) &* 0x100_0000_01b3 }
        for c in split.features.columnIndices { mix(c) }
        for v in split.features.values { mix(v.bitPattern) }
        for y in split.labels { mix(y.bitPattern) }
        checksum = h
    }

    var description: String { "\(rows) rows × \(columns) columns, \(stored) entries, \(positives) positives" }
}
