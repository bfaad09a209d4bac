import Foundation

/// One sweep as the store keeps it: the submitted config and its progress.
public struct SweepRecord: Sendable, Equatable, Codable {
    /// Where a sweep is in its life.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case queued, running, finished, cancelled, failed

        /// Whether the sweep can make no more progress.
        public var isTerminal: Bool { self == .finished || self == .cancelled || self == .failed }
    }

    /// The store-assigned id (ignored by `Store.createSweep`, which assigns it).
    public var id: Int64
    /// The config's `name`.
    public var name: String
    /// The full text of the submitted YAML config.
    public var configYAML: String
    /// The sweep's seed.
    public var seed: UInt64
    /// Where the sweep is in its life.
    public var status: Status
    /// The content hash of the data splits, once known.
    public var dataVersion: String?
    /// When the sweep was submitted.
    public var createdAt: Date
    /// When the sweep reached a terminal status.
    public var finishedAt: Date?
    /// A human-readable note, e.g. why it failed.
    public var message: String?
    /// Where its prepared splits are (a path or URI workers read), once known.
    public var dataURI: String?

    /// Creates a sweep record; `id` is assigned by the store on creation.
    public init(id: Int64 = 0, name: String, configYAML: String, seed: UInt64, status: Status = .queued,
                dataVersion: String? = nil, createdAt: Date = Date(), finishedAt: Date? = nil, message: String? = nil,
                dataURI: String? = nil) {
        self.id = id
        self.name = name
        self.configYAML = configYAML
        self.seed = seed
        self.status = status
        self.dataVersion = dataVersion
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.message = message
        self.dataURI = dataURI
    }
}
