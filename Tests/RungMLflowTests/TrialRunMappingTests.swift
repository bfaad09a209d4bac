import XCTest
import RungCore
import RungStore
@testable import RungMLflow

final class TrialRunMappingTests: XCTestCase {
    func testStatusesMapOntoMLflowRunStatuses() {
        XCTAssertEqual(TrialRunMapping.runStatus(TrialRecord.Status.finished), "FINISHED")
        XCTAssertEqual(TrialRunMapping.runStatus(TrialRecord.Status.stopped), "KILLED")
        XCTAssertEqual(TrialRunMapping.runStatus(TrialRecord.Status.failed), "FAILED")
        XCTAssertEqual(TrialRunMapping.runStatus(TrialRecord.Status.paused), "RUNNING")
    }

    func testAStoredConfigTheParserNowRefusesKeepsItsTrackingSection() throws {
        // An older rung accepted this metric; the current parser refuses it (no family reports it).
        let yaml = """
        name: old
        data: {source: data.csv}
        metric: {name: valid_auc, mode: max}
        tracking: {mlflow: "http://127.0.0.1:5000", experiment: "team"}
        families: {xgboost: {trials: 1, space: {max_depth: {type: int, low: 2, high: 4}}}}
        """
        XCTAssertThrowsError(try SweepConfigParser.parse(yaml: yaml, file: "old.yaml"))
        XCTAssertEqual(TrackingExporter.trackingSection(ofConfig: yaml), TrackingSettings(mlflow: "http://127.0.0.1:5000", experiment: "team"))
        XCTAssertNil(TrackingExporter.trackingSection(ofConfig: "name: x\ntracking: {mlflow: \"file:/tmp\"}\n"))
        XCTAssertNil(TrackingExporter.trackingSection(ofConfig: "name: x\n"))
    }
}

final class TrackingBacklogTests: XCTestCase {
    func testTheBacklogCountsUnexportedTrialsEpochsAndTheParent() {
        let sweep = SweepRecord(id: 4, name: "s", configYAML: "", seed: 0, status: .finished)
        let trials = [
            TrialRecord(id: 10, sweepID: 4, family: "x", number: 0, paramsJSON: "{}", seed: 0, status: .finished),
            TrialRecord(id: 11, sweepID: 4, family: "x", number: 1, paramsJSON: "{}", seed: 0, status: .stopped),
            TrialRecord(id: 12, sweepID: 4, family: "x", number: 2, paramsJSON: "{}", seed: 0, status: .running),
        ]
        let marks = [
            TrackingMark(sweepID: 4, trialID: 0, runID: "p", epochs: 0, status: ""),
            TrackingMark(sweepID: 4, trialID: 10, runID: "a", epochs: 5, status: "finished"),
            TrackingMark(sweepID: 4, trialID: 11, runID: "b", epochs: 3, status: ""),
        ]
        let backlog = TrackingBacklog.of(sweep: sweep, trials: trials, highestEpochs: [10: 5, 11: 3, 12: 2], marks: marks)
        XCTAssertEqual(backlog, TrackingBacklog(trials: 2, epochs: 2, parentPending: true))
        let done = TrackingBacklog.of(sweep: sweep, trials: Array(trials.prefix(1)), highestEpochs: [10: 5],
                                      marks: [TrackingMark(sweepID: 4, trialID: 0, runID: "p", epochs: 0, status: "finished"), marks[1]])
        XCTAssertTrue(done.isEmpty)
    }

    func testParamsBecomeTextAndMetricsSkipNonFiniteValues() {
        let trial = TrialRecord(id: 1, sweepID: 1, family: "x", number: 0,
                                paramsJSON: #"{"a":1,"b":0.5,"c":"gbtree","d":true,"e":[1,"x"]}"#, seed: 0)
        XCTAssertEqual(TrialRunMapping.params(of: trial), ["a": "1", "b": "0.5", "c": "gbtree", "d": "true", "e": #"[1,"x"]"#])
        let epoch = EpochRecord(trialID: 1, epoch: 3, seconds: .nan, metrics: ["auc": 0.7, "bad": .infinity],
                                recordedAt: Date(timeIntervalSince1970: 2))
        XCTAssertEqual(TrialRunMapping.metrics(of: epoch), [MLflowMetric(key: "auc", value: 0.7, timestampMillis: 2000, step: 3)])
    }
}
