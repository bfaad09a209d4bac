import Foundation
import RungData
@testable import RungHead
import RungStore
import RungWire
import XCTest

/// A temporary directory with a small prepared dataset, a store and an artifacts folder.
struct HeadFixture {
    let root: URL
    let dataDirectory: URL
    let storePath: String
    let artifacts: URL

    init(_ test: XCTestCase) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("rung-head-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let path = root
        test.addTeardownBlock { try? FileManager.default.removeItem(at: path) }
        // 300 synthetic rows: id, a numeric and a categorical feature, a yes/no target.
        var csv = "id,x,colour,outcome\n"
        var state: UInt64 = 7
        for i in 0..<300 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let x = Double(state >> 40) / Double(1 << 24)
            let colour = ["red", "green", "blue"][Int(state >> 60) % 3]
            csv += "\(i),\(x),\(colour),\(x > 0.5 ? "yes" : "no")\n"
        }
        let source = root.appendingPathComponent("rows.csv")
        try csv.write(to: source, atomically: true, encoding: .utf8)
        let recipe = try DatasetRecipe.parse(yaml: """
            name: synthetic
            id_columns: [id]
            target: {name: y, from: outcome, negative: ["no"]}
            split: {initial_fraction: 1.0, train: 0.6, validation: 0.2, future_batches: 0}
            """, fileName: "synthetic.yaml")
        dataDirectory = root.appendingPathComponent("data")
        _ = try DatasetPreparer.prepare(source: source, recipe: recipe, out: dataDirectory)
        storePath = root.appendingPathComponent("rung.db").path
        artifacts = root.appendingPathComponent("artifacts")
    }

    func config(trials: Int = 4, maxEpochs: Int = 4, scheduler: String = "asha", searcher: String = "random") -> String {
        """
        name: head-test
        seed: 3
        data: {prepared: \(dataDirectory.path)}
        metric: {name: val_auc, mode: max}
        searcher: {type: \(searcher)}
        scheduler: {type: \(scheduler), max_epochs: \(maxEpochs), grace_period: 1, reduction_factor: 2}
        families:
          xgboost:
            trials: \(trials)
            epoch: {rounds: 2}
            space:
              max_depth: {type: int, low: 2, high: 6}
              learning_rate: {type: loguniform, low: 0.01, high: 0.3}
        register: {metric: test_auc, min_improvement: 0.002}
        """
    }

    func makeHead(lostAfterMillis: UInt32 = 1500) throws -> Head {
        let store = try SQLiteStore(path: storePath)
        let head = try Head(options: HeadOptions(listen: "tcp://127.0.0.1:*", heartbeatMillis: 100,
                                                 lostAfterMillis: lostAfterMillis, retryLimit: 2,
                                                 artifacts: artifacts.path), store: store)
        head.log = { _ in }
        return head
    }

    /// A head over an in-memory transport and a manual clock, on this fixture's store. Its
    /// slow work runs inline (deterministically) unless `helperThread` is set.
    func makeHead(transport: InMemoryTransport, clock: ManualClock, lostAfterMillis: UInt32 = 1500,
                  helperThread: Bool = false) throws -> Head {
        let store = try SQLiteStore(path: storePath)
        let head = try Head(options: HeadOptions(listen: transport.endpoint, heartbeatMillis: 100,
                                                 lostAfterMillis: lostAfterMillis, retryLimit: 2,
                                                 artifacts: artifacts.path),
                            store: store, transport: transport, clock: clock, inlineSlowWork: !helperThread)
        head.log = { _ in }
        return head
    }
}

/// A scripted worker over a real DEALER socket: it answers assignments with epoch reports
/// whose val_auc is a function of the trial's parameters, waits at milestones, and writes
/// a tiny model directory when a trial completes.
final class FakeWorker {
    let socket: ZMQSocket
    let name: String
    var welcomed = false
    var assignments: [Assignment] = []
    /// Trials waiting for a decision at a milestone: trial → (assignment, epoch).
    var waiting: [UInt64: (Assignment, UInt32)] = [:]
    var decisions: [Decision] = []
    var cancelled: [UInt64] = []
    var drained = false
    var silent = false
    let modelRoot: URL

    init(context: ZMQContext, endpoint: String, name: String, slots: UInt32 = 2, modelRoot: URL) throws {
        socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setOption(ZMQOption.routingID, bytes: Array(name.utf8))
        try socket.connect(endpoint)
        self.name = name
        self.modelRoot = modelRoot
        try send(.hello(WorkerHello(name: name, host: "test", slots: slots, families: ["xgboost", "command"])))
    }

    func send(_ m: WireMessage) throws { try socket.send([WireFormat.encode(m)]) }

    static func value(_ a: Assignment, epoch: UInt32) -> Double {
        // Deeper trees and higher rates score better; more epochs help a little.
        let depth = Double(a.paramsJSON.firstMatch(of: /"max_depth":(\d+)/).map { Int($0.1)! } ?? 0)
        return 0.5 + depth * 0.03 + Double(epoch) * 0.001 + Double(a.trialID % 7) * 0.0001
    }

    private var lastBeat = Date.distantPast

    /// Handles whatever the head sent; runs trials one epoch per call.
    func step() throws {
        if !silent && Date().timeIntervalSince(lastBeat) > 0.1 {
            lastBeat = Date()
            try send(.heartbeat(Heartbeat()))
        }
        while let frames = try socket.receive(dontWait: true) {
            let m = try WireFormat.decode(frames[0])
            switch m {
            case .welcome: welcomed = true
            case .assign(let a): assignments.append(a); try run(a, from: a.startEpoch + 1)
            case .decision(let d):
                decisions.append(d)
                guard let (a, epoch) = waiting.removeValue(forKey: d.trialID) else { break }
                if d.verdict == .continue { try run(a, from: epoch + 1) }
            case .cancel(let id): cancelled.append(id); waiting[id] = nil
            case .drain: drained = true
            default: break
            }
        }
    }

    private func run(_ a: Assignment, from first: UInt32) throws {
        guard !silent else { return }
        var epoch = first
        while epoch <= a.maxEpochs {
            let milestone = a.milestones.contains(epoch) && epoch < a.maxEpochs
            try send(.epochReport(EpochReport(trialID: a.trialID, epoch: epoch, seconds: 0.01,
                                              metrics: [WireMetric("val_auc", Self.value(a, epoch: epoch))],
                                              atMilestone: milestone)))
            if milestone { waiting[a.trialID] = (a, epoch); return }
            epoch += 1
        }
        let dir = modelRoot.appendingPathComponent("trials/\(a.trialID)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: dir.appendingPathComponent("model.json"))
        try Data("{}".utf8).write(to: dir.appendingPathComponent("preprocessor.json"))
        try send(.done(TrialDone(trialID: a.trialID, epoch: a.maxEpochs,
                                 metrics: [WireMetric("val_auc", Self.value(a, epoch: a.maxEpochs)),
                                           WireMetric("test_auc", Self.value(a, epoch: a.maxEpochs) - 0.01)],
                                 checkpointURI: dir.path)))
    }
}

extension HeadFixture {
    /// Submits a one-trial FIFO sweep (4 epochs) to `head`, lets worker `w1` join with one
    /// slot, runs one pass, and returns the sweep and the trial the head assigned to `w1`.
    func startOneTrial(on head: Head, transport: InMemoryTransport) throws -> (sweep: Int64, trial: UInt64) {
        let sweep = try head.submit(configYAML: config(trials: 1, maxEpochs: 4, scheduler: "fifo"), configPath: "t.yaml")
        transport.deliver(.hello(WorkerHello(name: "w1", host: "h", slots: 1, families: ["xgboost"])), from: "w1")
        try head.runOnce(timeoutMillis: 0)
        let assign = try XCTUnwrap(transport.take(to: "w1").compactMap { m -> Assignment? in
            if case .assign(let a) = m { return a } else { return nil }
        }.first)
        return (sweep, assign.trialID)
    }

    /// An epoch report of `trial` with a `val_auc` that grows with the epoch; `padding` adds a
    /// metric with a name that long (so that its row needs new database pages).
    static func report(_ trial: UInt64, _ epoch: UInt32, seq: UInt64, padding: Int = 0) -> WireMessage {
        let pad = padding > 0 ? [WireMetric("pad_" + String(repeating: "x", count: padding), 1)] : []
        return .epochReport(EpochReport(trialID: trial, epoch: epoch, seconds: 0.01,
                                        metrics: [WireMetric("val_auc", 0.6 + Double(epoch) / 100)] + pad,
                                        atMilestone: false, seq: seq))
    }
}
