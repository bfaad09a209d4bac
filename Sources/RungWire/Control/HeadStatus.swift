/// The reply of `status`: the running sweeps with trial counts per family, the connected
/// workers, frames the head dropped by reason, and refused CURVE handshakes.
public struct HeadStatus: ControlReply, Equatable {
    /// One family of a running sweep.
    public struct Family: Codable, Sendable, Equatable {
        /// The family's name.
        public var name: String
        /// Trials started so far.
        public var started: Int
        /// The family's trial budget.
        public var budget: Int
        /// Trials training now.
        public var running: Int
        /// Trials waiting to restart.
        public var queued: Int
        /// Trials paused at a rung.
        public var paused: Int

        /// A family's counts.
        public init(name: String, started: Int, budget: Int, running: Int, queued: Int, paused: Int) {
            self.name = name
            self.started = started
            self.budget = budget
            self.running = running
            self.queued = queued
            self.paused = paused
        }
    }

    /// A running sweep.
    public struct Sweep: Codable, Sendable, Equatable {
        /// The sweep's id.
        public var id: Int64
        /// The sweep's name.
        public var name: String
        /// Its families in config order.
        public var families: [Family]

        /// A running sweep.
        public init(id: Int64, name: String, families: [Family]) {
            self.id = id
            self.name = name
            self.families = families
        }
    }

    /// A connected worker.
    public struct Worker: Codable, Sendable, Equatable {
        /// The worker's name.
        public var name: String
        /// The host it runs on.
        public var host: String
        /// Trials it trains at once.
        public var slots: Int
        /// Trials it trains now.
        public var busy: Int
        /// Whether it is draining (takes no new trials).
        public var draining: Bool
        /// Milliseconds since the head last heard from it.
        public var lastHeardMs: Int
        /// The name of its CURVE key (nil in plain text).
        public var key: String?

        enum CodingKeys: String, CodingKey {
            case name, host, slots, busy, draining, key
            case lastHeardMs = "last_heard_ms"
        }

        /// A worker entry.
        public init(name: String, host: String, slots: Int, busy: Int, draining: Bool, lastHeardMs: Int, key: String? = nil) {
            self.name = name
            self.host = host
            self.slots = slots
            self.busy = busy
            self.draining = draining
            self.lastHeardMs = lastHeardMs
            self.key = key
        }
    }

    /// Always true in a success reply.
    public var ok: Bool
    /// The running sweeps.
    public var sweeps: [Sweep]
    /// The connected workers, by name.
    public var workers: [Worker]
    /// Frames the head dropped, by reason.
    public var droppedFrames: [String: Int]
    /// CURVE handshakes refused (nil when the head runs without keys).
    public var refusedHandshakes: Int?
    /// Why the store cannot commit while the head waits for it (nil when it can): nothing is
    /// acknowledged meanwhile, and workers keep their results (docs/protocol.md, "Delivery").
    public var storeProblem: String?

    enum CodingKeys: String, CodingKey {
        case ok, sweeps, workers
        case droppedFrames = "dropped_frames", refusedHandshakes = "refused_handshakes", storeProblem = "store_problem"
    }

    /// A status reply.
    public init(ok: Bool = true, sweeps: [Sweep], workers: [Worker], droppedFrames: [String: Int], refusedHandshakes: Int? = nil,
                storeProblem: String? = nil) {
        self.ok = ok
        self.sweeps = sweeps
        self.workers = workers
        self.droppedFrames = droppedFrames
        self.refusedHandshakes = refusedHandshakes
        self.storeProblem = storeProblem
    }
}
