import Foundation
import RungData

/// One data version's prepared splits, loaded once and shared by every slot (immutable values).
public struct LoadedData: Sendable {
    /// The local prepared-data directory (in place, or in the worker's cache).
    public let directory: URL
    /// The opened directory: manifest and fitted preprocessor.
    public let prepared: PreparedData
    /// The encoded training split.
    public let train: EncodedSplit
    /// The encoded validation split. Cross-validated data has none: this is then the
    /// training split itself, which the refit on every non-test row evaluates on (unreported).
    public let validation: EncodedSplit
    /// The encoded test split.
    public let test: EncodedSplit
    /// The cross-validation folds, each encoded by its own preprocessor (empty unless the
    /// data is cross-validated, `split.folds`).
    public var folds: [FoldSplit] = []

    /// The data version (content hash of the split files).
    public var dataVersion: String { prepared.dataVersion }
}
