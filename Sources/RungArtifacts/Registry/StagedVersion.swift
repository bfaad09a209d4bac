/// A model version whose files are in the artifacts store (`Registry.stage`) but which the
/// store does not hold yet (`Registry.record` makes it a version).
public struct StagedVersion: Sendable, Equatable {
    /// The metadata written next to the model, with its family and version number.
    public var metadata: ModelMetadata
    /// Where the version's directory is.
    public var uri: String

    /// A staged version.
    public init(metadata: ModelMetadata, uri: String) {
        self.metadata = metadata
        self.uri = uri
    }
}
