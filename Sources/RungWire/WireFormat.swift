/// The byte layout of rung messages: one ZeroMQ frame per message,
/// `"RG"` magic, a version byte, a type byte, then the fields of that type in order
/// (little-endian integers, IEEE-754 doubles, strings as u32 length + UTF-8).
/// docs/protocol.md is the reference; this file is the only place the layout is written.
public enum WireFormat {
    /// The protocol version this build speaks.
    public static let version: UInt8 = 2
    /// The largest frame a peer may send; larger ones are dropped by ZeroMQ itself
    /// (`ZMQ_MAXMSGSIZE`) and by `decode`.
    public static let maxFrameBytes = 1 << 20

    enum TypeCode: UInt8 {
        case hello = 1, welcome, heartbeat, assign, epochReport, decision, done, failed, cancel, drain, ack, draining
        case control = 20, controlReply
    }

    /// Encodes `message` as one frame.
    public static func encode(_ message: WireMessage) -> [UInt8] {
        var w = WireWriter()
        w.u8(0x52); w.u8(0x47); w.u8(version)
        switch message {
        case .hello(let m):
            w.u8(TypeCode.hello.rawValue)
            w.string(m.name); w.string(m.host); w.u32(m.slots); w.strings(m.families); ids(m.running, &w)
        case .welcome(let m):
            w.u8(TypeCode.welcome.rawValue)
            w.u32(m.heartbeatMillis); w.u32(m.lostAfterMillis); w.string(m.artifactsURI)
        case .heartbeat(let m):
            w.u8(TypeCode.heartbeat.rawValue)
            ids(m.running, &w)
        case .assign(let m):
            w.u8(TypeCode.assign.rawValue)
            w.u64(m.trialID); w.u64(m.sweepID); w.string(m.family); w.strings(m.command); w.string(m.paramsJSON); w.u64(m.seed)
            w.u32(m.startEpoch); w.u32(m.maxEpochs)
            w.u32(UInt32(m.milestones.count)); for e in m.milestones { w.u32(e) }
            w.string(m.dataURI); w.string(m.dataVersion); w.string(m.checkpointURI)
        case .epochReport(let m):
            w.u8(TypeCode.epochReport.rawValue)
            w.u64(m.trialID); w.u32(m.epoch); w.f64(m.seconds); metrics(m.metrics, &w); w.u8(m.atMilestone ? 1 : 0); w.u64(m.seq)
        case .decision(let m):
            w.u8(TypeCode.decision.rawValue)
            w.u64(m.trialID); w.u32(m.epoch); w.u8(m.verdict.rawValue)
        case .done(let m):
            w.u8(TypeCode.done.rawValue)
            w.u64(m.trialID); w.u32(m.epoch); metrics(m.metrics, &w); w.string(m.checkpointURI); w.u64(m.seq)
        case .failed(let m):
            w.u8(TypeCode.failed.rawValue)
            w.u64(m.trialID); w.string(m.reason); w.u64(m.seq)
        case .cancel(let id):
            w.u8(TypeCode.cancel.rawValue)
            w.u64(id)
        case .drain:
            w.u8(TypeCode.drain.rawValue)
        case .draining:
            w.u8(TypeCode.draining.rawValue)
        case .ack(let acks):
            w.u8(TypeCode.ack.rawValue)
            w.u32(UInt32(acks.count))
            for a in acks { w.u64(a.trialID); w.u64(a.seq) }
        case .control(let json):
            w.u8(TypeCode.control.rawValue)
            w.string(json)
        case .controlReply(let json):
            w.u8(TypeCode.controlReply.rawValue)
            w.string(json)
        }
        return w.bytes
    }

    /// Decodes one frame. Anything that is not exactly a well-formed message of this
    /// version throws a `WireError` describing what is wrong.
    public static func decode(_ frame: [UInt8]) throws -> WireMessage {
        guard frame.count <= maxFrameBytes else { throw WireError.tooLarge(frame.count) }
        guard frame.count >= 4, frame[0] == 0x52, frame[1] == 0x47 else { throw WireError.badMagic }
        guard frame[2] == version else { throw WireError.unsupportedVersion(frame[2]) }
        guard let type = TypeCode(rawValue: frame[3]) else { throw WireError.unknownType(frame[3]) }
        var r = WireReader(frame, offset: 4)
        let message: WireMessage
        switch type {
        case .hello:
            message = .hello(WorkerHello(name: try r.string("worker name"), host: try r.string("host"),
                                         slots: try r.u32("slots"), families: try r.strings("families"),
                                         running: try readIDs(&r)))
        case .welcome:
            message = .welcome(Welcome(heartbeatMillis: try r.u32("heartbeat"), lostAfterMillis: try r.u32("lost after"),
                                       artifactsURI: try r.string("artifacts uri")))
        case .heartbeat:
            message = .heartbeat(Heartbeat(running: try readIDs(&r)))
        case .assign:
            let trial = try r.u64("trial id"), sweep = try r.u64("sweep id")
            let family = try r.string("family"), command = try r.strings("command"), params = try r.string("params")
            let seed = try r.u64("seed"), start = try r.u32("start epoch"), maxEpochs = try r.u32("max epochs")
            let n = try r.count("milestones", minimumSize: 4)
            let milestones = try (0..<n).map { _ in try r.u32("milestone") }
            message = .assign(Assignment(trialID: trial, sweepID: sweep, family: family, command: command, paramsJSON: params, seed: seed,
                                         startEpoch: start, maxEpochs: maxEpochs, milestones: milestones,
                                         dataURI: try r.string("data uri"), dataVersion: try r.string("data version"),
                                         checkpointURI: try r.string("checkpoint uri")))
        case .epochReport:
            message = .epochReport(EpochReport(trialID: try r.u64("trial id"), epoch: try r.u32("epoch"),
                                               seconds: try r.f64("seconds"), metrics: try readMetrics(&r),
                                               atMilestone: try r.u8("milestone flag") != 0, seq: try r.u64("sequence number")))
        case .decision:
            let trial = try r.u64("trial id"), epoch = try r.u32("epoch"), raw = try r.u8("verdict")
            guard let verdict = Verdict(rawValue: raw) else { throw WireError.malformed("verdict \(raw) is unknown") }
            message = .decision(Decision(trialID: trial, epoch: epoch, verdict: verdict))
        case .done:
            message = .done(TrialDone(trialID: try r.u64("trial id"), epoch: try r.u32("epoch"),
                                      metrics: try readMetrics(&r), checkpointURI: try r.string("checkpoint uri"),
                                      seq: try r.u64("sequence number")))
        case .failed:
            message = .failed(TrialFailed(trialID: try r.u64("trial id"), reason: try r.string("reason"),
                                          seq: try r.u64("sequence number")))
        case .cancel:
            message = .cancel(trialID: try r.u64("trial id"))
        case .drain:
            message = .drain
        case .draining:
            message = .draining
        case .ack:
            let n = try r.count("acks", minimumSize: 16)
            message = .ack(try (0..<n).map { _ in DeliveryAck(trialID: try r.u64("trial id"), seq: try r.u64("sequence number")) })
        case .control:
            message = .control(json: try r.string("request"))
        case .controlReply:
            message = .controlReply(json: try r.string("reply"))
        }
        guard r.isAtEnd else { throw WireError.trailingBytes(frame.count - r.offset) }
        return message
    }

    private static func ids(_ list: [UInt64], _ w: inout WireWriter) {
        w.u32(UInt32(list.count))
        for id in list { w.u64(id) }
    }

    private static func readIDs(_ r: inout WireReader) throws -> [UInt64] {
        let n = try r.count("trial ids", minimumSize: 8)
        return try (0..<n).map { _ in try r.u64("trial id") }
    }

    private static func metrics(_ list: [WireMetric], _ w: inout WireWriter) {
        w.u32(UInt32(list.count))
        for m in list { w.string(m.name); w.f64(m.value) }
    }

    private static func readMetrics(_ r: inout WireReader) throws -> [WireMetric] {
        let n = try r.count("metrics", minimumSize: 12)
        return try (0..<n).map { _ in WireMetric(try r.string("metric name"), try r.f64("metric value")) }
    }
}
