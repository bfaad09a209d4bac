import XCTest
@testable import RungWire

final class WireFormatTests: XCTestCase {
    static let samples: [WireMessage] = [
        .hello(WorkerHello(name: "w1", host: "10.0.0.2", slots: 4, families: ["xgboost", "random_forest"], running: [7, 9])),
        .welcome(Welcome(heartbeatMillis: 1000, lostAfterMillis: 5000, artifactsURI: "/srv/rung/artifacts")),
        .heartbeat(Heartbeat(running: [1, 2, 3])),
        .heartbeat(Heartbeat()),
        .assign(Assignment(trialID: 43, sweepID: 3, family: "my_script", command: ["python3", "train.py"], paramsJSON: "{}",
                           seed: 1, startEpoch: 0, maxEpochs: 5, milestones: [5], dataURI: "/d", dataVersion: "v")),
        .assign(Assignment(trialID: 42, sweepID: 3, family: "xgboost", paramsJSON: #"{"max_depth":6}"#, seed: 99,
                           startEpoch: 2, maxEpochs: 20, milestones: [2, 6, 18], dataURI: "s3://b/p/",
                           dataVersion: "abc123", checkpointURI: "file:///tmp/ck")),
        .epochReport(EpochReport(trialID: 42, epoch: 6, seconds: 0.25,
                                 metrics: [WireMetric("val_auc", 0.71), WireMetric("val_logloss", .nan)], atMilestone: true,
                                 seq: 1 << 40)),
        .decision(Decision(trialID: 42, epoch: 6, verdict: .stop)),
        .done(TrialDone(trialID: 42, epoch: 20, metrics: [WireMetric("val_auc", 0.7)], checkpointURI: "", seq: 17)),
        .failed(TrialFailed(trialID: 5, reason: "unknown parameter “depth” — ünïcode", seq: 3)),
        .ack([DeliveryAck(trialID: 42, seq: 17), DeliveryAck(trialID: 5, seq: 3)]),
        .ack([]),
        .cancel(trialID: 8),
        .drain,
        .draining,
        .control(json: #"{"op":"sweeps"}"#),
        .controlReply(json: #"{"ok":true}"#),
    ]

    func testEveryMessageRoundTrips() throws {
        for message in Self.samples {
            let decoded = try WireFormat.decode(WireFormat.encode(message))
            if case .epochReport(let r) = message, case .epochReport(let d) = decoded {
                // NaN != NaN: compare the bit patterns of the metric values.
                XCTAssertEqual(r.metrics.map { $0.value.bitPattern }, d.metrics.map { $0.value.bitPattern })
                XCTAssertEqual(r.metrics.map(\.name), d.metrics.map(\.name))
                XCTAssertEqual(r.trialID, d.trialID)
                XCTAssertEqual(r.seq, d.seq)
            } else {
                XCTAssertEqual(decoded, message)
            }
        }
    }

    func testEveryTruncationIsAnErrorNotACrash() {
        for message in Self.samples {
            let frame = WireFormat.encode(message)
            for cut in 0..<frame.count {
                XCTAssertThrowsError(try WireFormat.decode(Array(frame.prefix(cut))), "prefix \(cut) of \(message)")
            }
        }
    }

    func testTrailingBytesWrongVersionAndUnknownTypeAreRejected() {
        var frame = WireFormat.encode(.drain)
        frame.append(0)
        XCTAssertEqual(try? WireFormat.decode(frame), nil)
        XCTAssertThrowsError(try WireFormat.decode(frame)) { XCTAssertEqual($0 as? WireError, .trailingBytes(1)) }

        var other = WireFormat.encode(.drain)
        other[2] = WireFormat.version - 1  // the version before the delivery acknowledgements
        XCTAssertThrowsError(try WireFormat.decode(other)) { XCTAssertEqual($0 as? WireError, .unsupportedVersion(WireFormat.version - 1)) }

        var unknown = WireFormat.encode(.drain)
        unknown[3] = 200
        XCTAssertThrowsError(try WireFormat.decode(unknown)) { XCTAssertEqual($0 as? WireError, .unknownType(200)) }

        XCTAssertThrowsError(try WireFormat.decode(Array("GET / HTTP/1.1\r\n".utf8))) {
            XCTAssertEqual($0 as? WireError, .badMagic)
        }
    }

    func testHugeDeclaredLengthsDoNotAllocateOrCrash() {
        // A hello whose families count claims four billion entries.
        var w = WireWriter()
        w.u8(0x52); w.u8(0x47); w.u8(WireFormat.version); w.u8(1)
        w.string("w"); w.string("h"); w.u32(1); w.u32(UInt32.max)
        XCTAssertThrowsError(try WireFormat.decode(w.bytes))
    }

    func testRandomGarbageNeverDecodesIntoACrash() {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
        var decodedSome = 0
        for i in 0..<20_000 {
            var frame = (0..<Int(next() % 64)).map { _ in UInt8(truncatingIfNeeded: next()) }
            if i % 2 == 0, frame.count >= 4 {  // valid header, random body: reaches the field decoders
                frame[0] = 0x52; frame[1] = 0x47; frame[2] = WireFormat.version; frame[3] = UInt8(1 + next() % 10)
            }
            if (try? WireFormat.decode(frame)) != nil { decodedSome += 1 }
        }
        // Only a handful of random bodies can be exactly well-formed (e.g. `drain`).
        XCTAssertLessThan(decodedSome, 2_000)
    }
}

/// The fuzzer's seed frames (fuzz/corpus/wire, written by fuzz/make-seeds.py) are frames of
/// this protocol version, so fuzzing starts from messages the decoder accepts.
final class WireSeedCorpusTests: XCTestCase {
    func testEverySeedFrameDecodesAndReencodesToItself() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fuzz/corpus/wire")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        XCTAssertGreaterThanOrEqual(names.count, 13)
        for name in names {
            let frame = try [UInt8](Data(contentsOf: corpus.appendingPathComponent(name)))
            let message = try WireFormat.decode(frame)
            XCTAssertEqual(WireFormat.encode(message), frame, name)
        }
    }
}
