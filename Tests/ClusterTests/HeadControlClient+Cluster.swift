import RungWire

/// What the cluster tests ask the head, through the CLI's own client (RungWire's
/// `HeadControlClient`), as `rung sweep submit` does.
extension HeadControlClient {
    /// A plain-text client of the head at `endpoint` that waits up to 30 s for a reply.
    static func cluster(_ endpoint: String) throws -> HeadControlClient {
        try HeadControlClient(endpoint: endpoint, timeoutMillis: 30_000)
    }

    /// Submits a sweep config and returns its id.
    func submit(yaml: String, path: String) throws -> Int64 {
        try send(SubmitSweepRequest(config: yaml, path: path)).sweep
    }

    /// The names of the workers the head has connected.
    func workerNames() throws -> [String] {
        try send(HeadStatusRequest()).workers.map(\.name)
    }
}
