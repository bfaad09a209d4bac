import Foundation
import RungCore
import RungData
import RungBlob
import RungTraining
import RungWire

/// Runs one assigned trial on a slot thread, from data to `done`/`failed`, talking to the
/// main loop through the slot's channel.
struct TrialRunner {
    let assignment: Assignment
    let artifactsURI: String
    let options: WorkerOptions
    let cache: DataCache
    let control: SlotControl
    let channel: SlotChannel
    let log: WorkerLog
    /// The slot's matrices, reused across its trials.
    let matrices: SlotMatrices

    private var trialID: UInt64 { assignment.trialID }

    /// Runs the trial; every error becomes a `failed` message with the error's sentence.
    func run() {
        let scratch = options.cacheDirectory.appendingPathComponent("scratch", isDirectory: true)
            .appendingPathComponent("trial-\(trialID)-\(UUID().uuidString)", isDirectory: true)
        defer {
            try? FileManager.default.removeItem(at: scratch)
            control.finish(trialID)
        }
        do {
            do {
                try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            } catch {
                throw RungError.unavailable("cannot create the scratch directory \(scratch.path): \(error.localizedDescription)")
            }
            if assignment.family == "command" {
                try runCommand(scratch: scratch)
            } else {
                try runBuiltIn(scratch: scratch)
            }
        } catch let error as RungError {
            fail(error.message)
        } catch {
            fail("trial \(trialID) failed: \(error)")
        }
    }

    private func fail(_ reason: String) {
        if control.shouldEnd(trialID) {
            channel.send(.ended(trialID: trialID, how: .cancelled, note: "cancelled"))
        } else {
            channel.send(.toHead(.failed(TrialFailed(trialID: trialID, reason: reason))))
        }
    }

    // MARK: - Built-in families

    private func runBuiltIn(scratch: URL) throws {
        guard assignment.maxEpochs >= 1 else {
            throw RungError.badInput("trial \(trialID) has max_epochs 0; it must train at least one epoch")
        }
        guard assignment.startEpoch <= assignment.maxEpochs else {
            throw RungError.badInput("trial \(trialID) starts at epoch \(assignment.startEpoch), after its max_epochs \(assignment.maxEpochs)")
        }
        let params = try Self.parameters(assignment.paramsJSON, trialID: trialID)
        let data = try cache.load(uri: assignment.dataURI, dataVersion: assignment.dataVersion)
        if !data.folds.isEmpty {
            return try runCrossValidated(data: data, params: params, scratch: scratch)
        }
        let matrices = try self.matrices.matrices(for: data)
        let artifacts = TrialArtifacts(store: try openBlobStore(uri: artifactsURI), trialID: trialID, scratch: scratch)
        let trainer: Trainer
        if assignment.startEpoch > 0 {
            guard !assignment.checkpointURI.isEmpty else {
                throw RungError.badInput("trial \(trialID) resumes at epoch \(assignment.startEpoch) but its assignment has no checkpoint_uri")
            }
            let bytes = try TrialArtifacts.read(uri: assignment.checkpointURI, scratch: scratch)
            trainer = try Trainer.resume(from: bytes, data: matrices, threads: options.threadsPerTrial)
            guard trainer.family == assignment.family, trainer.epochsCompleted == Int(assignment.startEpoch) else {
                throw RungError.badInput("the checkpoint \(assignment.checkpointURI) holds \(trainer.family) after epoch \(trainer.epochsCompleted), but trial \(trialID) resumes \(assignment.family) at epoch \(assignment.startEpoch)")
            }
        } else {
            trainer = try Trainer(family: assignment.family, params: params, seed: assignment.seed,
                                  threads: options.threadsPerTrial, data: matrices)
        }
        let maxEpochs = Int(assignment.maxEpochs)
        var validation: [String: Double]?
        while trainer.epochsCompleted < maxEpochs {
            if control.shouldEnd(trialID) {
                channel.send(.ended(trialID: trialID, how: .cancelled, note: "cancelled after epoch \(trainer.epochsCompleted)"))
                return
            }
            // An idle slot's core, lent by the main loop (or given back), counts from this epoch.
            try trainer.setThreads(control.threads ?? options.threadsPerTrial)
            let result = try trainer.runEpoch()
            let epoch = UInt32(result.epoch)
            let metrics = result.validation.named(.val)
            validation = metrics
            switch report(epoch: epoch, seconds: result.trainSeconds + result.evaluationSeconds, metrics: metrics) {
            case .trainOn:
                continue
            case .continued:
                // The head could have paused the trial here: go on exactly as a resumed one would.
                try trainer.alignWithCheckpoint()
                continue
            case .cancelled:
                channel.send(.ended(trialID: trialID, how: .cancelled, note: "cancelled at epoch \(epoch)"))
                return
            case .stopped:
                channel.send(.ended(trialID: trialID, how: .stopped, note: "stopped at epoch \(epoch)"))
                return
            case .paused:
                let uri = try artifacts.uploadCheckpoint(trainer, epoch: result.epoch)
                channel.send(.toHead(.done(TrialDone(trialID: trialID, epoch: epoch, metrics: Self.wire(metrics),
                                                     checkpointURI: uri))))
                return
            }
        }
        if control.shouldEnd(trialID) {
            channel.send(.ended(trialID: trialID, how: .cancelled, note: "cancelled after epoch \(trainer.epochsCompleted)"))
            return
        }
        let val = try validation ?? trainer.evaluate(data.validation).named(.val)
        let test = try trainer.evaluateTest().named(.test)
        let uri = try artifacts.uploadModel(trainer, preprocessor: data.prepared.preprocessor)
        channel.send(.toHead(.done(TrialDone(trialID: trialID, epoch: UInt32(trainer.epochsCompleted),
                                             metrics: Self.wire(val.merging(test) { a, _ in a }), checkpointURI: uri))))
    }

    // MARK: - The command family

    /// How a command trial ended early: at a milestone (stopped or paused there), or cancelled.
    private enum CommandEnd { case stopped(UInt32), paused(UInt32), cancelled }

    private func runCommand(scratch: URL) throws {
        guard !assignment.command.isEmpty else {
            throw RungError.badInput("trial \(trialID) is a command trial but its assignment has no command")
        }
        let params = try Self.jsonObject(assignment.paramsJSON, trialID: trialID)
        // A sweep without data (all families `command`, no `data` section) has an empty URI:
        // the program gets an empty directory.
        let dataDirectory: URL
        if assignment.dataURI.isEmpty {
            dataDirectory = scratch.appendingPathComponent("no-data", isDirectory: true)
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        } else {
            dataDirectory = try cache.localDirectory(uri: assignment.dataURI, dataVersion: assignment.dataVersion)
        }
        let output = scratch.appendingPathComponent("output", isDirectory: true)
        let trainer = try CommandTrainer(command: assignment.command, params: params, trialID: trialID,
                                         dataDirectory: dataDirectory, outputDirectory: output)
        guard control.attach(trainer, trialID: trialID) else {
            channel.send(.ended(trialID: trialID, how: .cancelled, note: "cancelled before its command started"))
            return
        }
        let grace = options.commandStopGraceSeconds
        var end: CommandEnd?
        var last: (epoch: Int, metrics: [String: Double])?
        var lastTime = DispatchTime.now().uptimeNanoseconds
        let outcome = try trainer.run(onEpoch: { line in
            guard end == nil else { return }
            let now = DispatchTime.now().uptimeNanoseconds
            let seconds = Double(now - lastTime) / 1e9
            lastTime = now
            last = (line.epoch, line.metrics)
            let epoch = UInt32(clamping: line.epoch)
            switch report(epoch: epoch, seconds: seconds, metrics: line.metrics) {
            case .trainOn: return
            case .continued: lastTime = DispatchTime.now().uptimeNanoseconds; return
            case .cancelled: end = .cancelled
            case .stopped: end = .stopped(epoch)
            case .paused: end = .paused(epoch)
            }
            trainer.stop(grace: grace)
        })
        if control.shouldEnd(trialID) { end = .cancelled }
        switch end {
        case .cancelled?:
            channel.send(.ended(trialID: trialID, how: .cancelled, note: "cancelled"))
            return
        case .stopped(let epoch)?:
            channel.send(.ended(trialID: trialID, how: .stopped, note: "stopped at epoch \(epoch)"))
            return
        case .paused(let epoch)?:
            // A program cannot be checkpointed: pausing ends it, reporting the milestone's metrics.
            channel.send(.toHead(.done(TrialDone(trialID: trialID, epoch: epoch, metrics: Self.wire(last?.metrics ?? [:])))))
            return
        case nil:
            break
        }
        switch outcome {
        case .finished:
            guard let last else {
                throw RungError.badInput("command \(assignment.command.joined(separator: " ")) finished without printing a metric line such as {\"epoch\": 1, \"val_auc\": 0.7}")
            }
            let artifacts = TrialArtifacts(store: try openBlobStore(uri: artifactsURI), trialID: trialID, scratch: scratch)
            let uri = try artifacts.uploadOutput(output)
            channel.send(.toHead(.done(TrialDone(trialID: trialID, epoch: UInt32(clamping: last.epoch),
                                                 metrics: Self.wire(last.metrics), checkpointURI: uri))))
        case .stopped:
            channel.send(.ended(trialID: trialID, how: .cancelled, note: "cancelled"))
        case .failed(let reason):
            throw RungError.badInput(reason)
        }
    }

    // MARK: - The milestone protocol

    /// What follows an epoch's report.
    enum EpochOutcome: Equatable {
        /// The epoch is no milestone: train on.
        case trainOn
        /// The epoch is a milestone and the head said continue: train on.
        case continued
        /// The trial was cancelled while it waited for the head's decision.
        case cancelled
        /// The head stopped the trial at this milestone.
        case stopped
        /// The head paused the trial at this milestone (it may resume later).
        case paused
    }

    /// The milestone protocol, the same for every family: sends the epoch's report, marked
    /// at-milestone when `epoch` is one of the assignment's milestones (but not its last
    /// epoch), and at a milestone waits for the head's decision. Each family then obeys the
    /// outcome its own way (a built-in trainer pauses with a checkpoint, a command cannot).
    func report(epoch: UInt32, seconds: Double, metrics: [String: Double]) -> EpochOutcome {
        let atMilestone = epoch != assignment.maxEpochs && assignment.milestones.contains(epoch)
        options.metrics?.epoch(seconds: seconds)
        channel.send(.toHead(.epochReport(EpochReport(trialID: trialID, epoch: epoch, seconds: seconds,
                                                      metrics: Self.wire(metrics), atMilestone: atMilestone))))
        guard atMilestone else { return .trainOn }
        switch channel.waitForDecision(trialID: trialID, epoch: epoch) {
        case nil: return .cancelled
        case .continue?: return .continued
        case .stop?: return .stopped
        case .pause?: return .paused
        }
    }

    // MARK: - Helpers

    /// The assignment's parameters for a built-in family.
    static func parameters(_ json: String, trialID: UInt64) throws -> [String: ParamValue] {
        do {
            return try JSONDecoder().decode([String: ParamValue].self, from: Data(json.utf8))
        } catch {
            throw RungError.badInput("the parameters of trial \(trialID) are not a JSON object of numbers, strings and booleans: \(json)")
        }
    }

    /// The assignment's parameters as a JSON object for a command.
    static func jsonObject(_ json: String, trialID: UInt64) throws -> [String: JSONValue] {
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8)) else {
            throw RungError.badInput("the parameters of trial \(trialID) are not a JSON object: \(json)")
        }
        return object
    }

    /// Metrics in wire order (sorted by name).
    static func wire(_ metrics: [String: Double]) -> [WireMetric] {
        metrics.sorted { $0.key < $1.key }.map { WireMetric($0.key, $0.value) }
    }
}
