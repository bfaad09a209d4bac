import Foundation

/// One reply of the head's `top` control op, as `rung top` reads it (docs/top.md).
struct TopSnapshot: Decodable, Sendable {
    /// A sweep's progress.
    struct Sweep: Decodable, Sendable {
        var id: Int64
        var name: String
        var status: String
        var metric: String
        var mode: String
        var elapsedSeconds: Double
        var best: Double?
        var bestFamily: String?
        var bestTrial: Int64?
        var families: [Family]
    }

    /// One family of a sweep: trial counts, the best so far and its history.
    struct Family: Decodable, Sendable {
        var name: String
        var budget: Int
        var started: Int
        var finished: Int
        var running: Int
        var pending: Int
        var paused: Int
        var stopped: Int
        var failed: Int
        var cancelled: Int
        var maxEpochs: Int
        var best: Double?
        var bestTrial: Int64?
        var history: [Double?]
    }

    /// One row of the trial table.
    struct Trial: Decodable, Sendable {
        var id: Int64
        var number: Int
        var family: String
        var status: String
        var epoch: Int
        var maxEpochs: Int
        var rung: Int?
        var metric: Double?
        var params: [[String]]
        var worker: String?
        var seconds: Double?
    }

    /// A connected worker.
    struct Worker: Decodable, Sendable {
        var name: String
        var host: String
        var slots: Int
        var busy: Int
        var draining: Bool
        var trials: [Int64]
        var lastHeardMs: Int
        var utilisation: Double?
    }

    var now: Double
    var endpoint: String
    var sweeps: [Sweep]
    var workers: [Worker]
    var sweep: Int64?
    var family: String?
    var sort: String?
    var trials: [Trial]
    var trialsTotal: Int

    /// The sweep whose trials the snapshot carries.
    var selected: Sweep? { sweeps.first { $0.id == sweep } }

    /// Decodes a reply object from `HeadClient.request`.
    static func decode(_ object: [String: Any]) throws -> TopSnapshot {
        let data = try JSONSerialization.data(withJSONObject: object)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(TopSnapshot.self, from: data)
    }
}
