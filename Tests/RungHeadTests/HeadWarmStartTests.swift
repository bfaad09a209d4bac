import Foundation
@testable import RungHead
import RungBlob
import RungStore
import RungArtifacts
import RungWire
import XCTest

/// `warm_start: production` in the head: the first trial of a family runs the production
/// version's parameters fitted into the space, also when the sweep resumes after a restart.
final class HeadWarmStartTests: XCTestCase {
    private func pump(_ head: Head, _ workers: [FakeWorker], until done: () -> Bool, seconds: Double = 20) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !done() {
            XCTAssertLessThan(Date(), deadline, "timed out")
            if Date() >= deadline { return }
            try head.runOnce(timeoutMillis: 5)
            for w in workers { try w.step() }
        }
    }

    /// Registers xgboost v1 (production) with `params` into the fixture's store and artifacts.
    private func registerProduction(_ fixture: HeadFixture, params: [String: ModelMetadata.Value]) throws {
        let store = try SQLiteStore(path: fixture.storePath)
        defer { store.close() }
        let registry = Registry(store: store, blobs: try openBlobStore(uri: fixture.artifacts.path))
        let source = fixture.root.appendingPathComponent("production-model")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: source.appendingPathComponent("model.json"))
        try Data("{}".utf8).write(to: source.appendingPathComponent("preprocessor.json"))
        let version = try registry.register(family: "xgboost", sourceDirectory: source, metadata: ModelMetadata(
            family: "xgboost", params: params, seed: 1, metrics: ["val_auc": 0.7, "test_auc": 0.7], dataVersion: "earlier"))
        XCTAssertEqual(version.stage, .production)
    }

    private func config(_ fixture: HeadFixture, trials: Int) -> String {
        fixture.config(trials: trials, maxEpochs: 2, scheduler: "fifo")
            .replacingOccurrences(of: "name: head-test\n", with: "name: head-test\nwarm_start: production\n")
    }

    func testTheFirstTrialRunsProductionsParametersClippedToTheSpace() throws {
        let fixture = try HeadFixture(self)
        try registerProduction(fixture, params: ["max_depth": .int(12), "learning_rate": .double(0.05), "rounds": .int(2)])
        let head = try fixture.makeHead()
        var lines: [String] = []
        head.log = { lines.append($0) }
        let sweep = try head.submit(configYAML: config(fixture, trials: 3), configPath: "t.yaml")
        XCTAssertTrue(lines.contains { $0.contains("max_depth = 12 is outside [2.0, 6.0]; using 6") }, "\(lines)")
        XCTAssertFalse(lines.contains { $0.contains("rounds") && $0.contains("dropped") }, "epoch settings are not news: \(lines)")

        let context = try ZMQContext()
        let worker = try FakeWorker(context: context, endpoint: head.endpoint, name: "w1", slots: 1, modelRoot: fixture.artifacts)
        try pump(head, [worker]) { !head.isRunning(sweepID: sweep) }
        XCTAssertEqual(worker.assignments.count, 3, "the warm-start trial is one of the three")
        XCTAssertEqual(worker.assignments.first?.paramsJSON, #"{"learning_rate":0.05,"max_depth":6,"rounds":2}"#)
        XCTAssertEqual(Set(worker.assignments.map(\.paramsJSON)).count, 3, "then the searcher's own suggestions")

        // The fake worker scores every model below production's 0.7: production stays.
        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        let versions = try store.modelVersions(family: "xgboost")
        XCTAssertEqual(versions.map(\.stage), [.production, .staging])
    }

    func testASweepResumedBeforeItsFirstTrialStillWarmStarts() throws {
        let fixture = try HeadFixture(self)
        try registerProduction(fixture, params: ["max_depth": .int(3), "learning_rate": .double(0.2), "rounds": .int(2)])
        var sweep: Int64 = 0
        do {
            // Submitted while no worker is connected, then the head stops.
            let head = try fixture.makeHead()
            sweep = try head.submit(configYAML: config(fixture, trials: 2), configPath: "t.yaml")
        }
        let head = try fixture.makeHead()
        XCTAssertTrue(head.isRunning(sweepID: sweep))
        let context = try ZMQContext()
        let worker = try FakeWorker(context: context, endpoint: head.endpoint, name: "w1", slots: 1, modelRoot: fixture.artifacts)
        try pump(head, [worker]) { !head.isRunning(sweepID: sweep) }
        XCTAssertEqual(worker.assignments.first?.paramsJSON, #"{"learning_rate":0.2,"max_depth":3,"rounds":2}"#)
        XCTAssertEqual(worker.assignments.count, 2)
    }
}
