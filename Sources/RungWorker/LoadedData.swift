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
    /// The encoded validation split.
    public let validation: EncodedSplit
    /// The encoded test split.
    public let test: EncodedSplit

    /// The data version (content hash of the split files).
    public var dataVersion: String { prepared.dataVersion }
}
