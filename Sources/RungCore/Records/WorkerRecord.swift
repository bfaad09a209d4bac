import Foundation

/// A worker process the head has seen, keyed by its name.
public struct WorkerRecord: Sendable, Equatable, Codable {
    /// Whether a worker takes trials.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case active, draining, lost, left
    }

    /// The worker's unique name.
    public var name: String
    /// The host it runs on.
    public var host: String
    /// How many trials it trains at once.
    public var slots: Int
    /// Whether it takes trials.
    public var status: Status
    /// When the head first saw it.
    public var firstSeen: Date
    /// When the head last heard from it.
    public var lastSeen: Date

    /// Creates a worker record.
    public init(name: String, host: String, slots: Int, status: Status = .active,
                firstSeen: Date = Date(), lastSeen: Date = Date()) {
        self.name = name
        self.host = host
        self.slots = slots
        self.status = status
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
