/// The reply of `workers`: the head's store (its location, any password masked) and every
/// worker recorded in it, connected or not.
public struct StoreWorkers: ControlReply, Equatable {
    /// One worker as the store records it.
    public struct Worker: Codable, Sendable, Equatable {
        /// The worker's name.
        public var name: String
        /// The host it runs on.
        public var host: String
        /// Trials it trains at once.
        public var slots: Int
        /// `active`, `draining`, `lost` or `left`.
        public var status: String
        /// When the head first saw it, in seconds since 1970.
        public var firstSeen: Double
        /// When the head last heard from it, in seconds since 1970.
        public var lastSeen: Double

        enum CodingKeys: String, CodingKey {
            case name, host, slots, status
            case firstSeen = "first_seen", lastSeen = "last_seen"
        }

        /// A worker entry.
        public init(name: String, host: String, slots: Int, status: String, firstSeen: Double, lastSeen: Double) {
            self.name = name
            self.host = host
            self.slots = slots
            self.status = status
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
        }
    }

    /// Always true in a success reply.
    public var ok: Bool
    /// The head's store location, any password masked.
    public var store: String
    /// The workers, as the store lists them.
    public var workers: [Worker]

    /// A workers reply.
    public init(ok: Bool = true, store: String, workers: [Worker]) {
        self.ok = ok
        self.store = store
        self.workers = workers
    }
}
