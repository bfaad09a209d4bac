import Foundation
import RungCore
import RungData
import RungBlob
import RungStore
import RungArtifacts
import RungDrift
import RungCLI
import ArgumentParser

/// The `retrain:` gate of a nightly `rung run` (docs/nightly.md): the newest future batch
/// (k, as `data.through_batch` resolves) is compared with the initial train split — data
/// drift by `DriftReport`, and each family's production model's AUC on the batch against its
/// recorded test AUC — and the sweep runs only as `retrain.when` says. A family without a
/// production version always means the sweep runs.
struct RetrainGate {
    /// One production model's AUC on the batch.
    struct FamilyCheck: Codable {
        var family: String
        var version: Int
        var recordedTestAUC: Double?
        var batchAUC: Double?
        var drop: Double? { recordedTestAUC.flatMap { r in batchAUC.map { r - $0 } } }
        enum CodingKeys: String, CodingKey {
            case family, version, recordedTestAUC = "recorded_test_auc", batchAUC = "batch_auc"
        }
    }

    /// What the gate found and decided.
    struct Decision {
        var retrain: Bool
        var reason: String
        var when: RetrainSettings.When
        var batch: Int
        var drift: DriftReport?
        var families: [FamilyCheck]

        /// The decision as a JSON object; with `record`, also the key, time and config name it
        /// is kept under.
        func jsonData(record: (key: String, at: Date, configName: String)? = nil) throws -> Data {
            var document: [String: Any] = ["retrain": retrain, "reason": reason, "when": when.rawValue, "batch": batch]
            if let record {
                document["key"] = record.key
                document["recorded_at"] = record.at.timeIntervalSince1970
                document["config_name"] = record.configName
            }
            if let drift { document["drift"] = try JSONSerialization.jsonObject(with: drift.jsonData()) }
            document["families"] = families.map { f -> [String: Any] in
                var d: [String: Any] = ["family": f.family, "version": f.version]
                if let r = f.recordedTestAUC { d["recorded_test_auc"] = r }
                if let b = f.batchAUC { d["batch_auc"] = b }
                if let drop = f.drop { d["auc_drop"] = drop }
                return d
            }
            return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])
        }

        /// The terminal text: the drift table, each family's AUC, the decision.
        var text: String {
            var lines: [String] = []
            if let drift { lines.append("drift of future batch \(batch) against the initial train split:"); lines.append(DriftTable.render(drift)) }
            for f in families {
                let recorded = f.recordedTestAUC.map { String(format: "%.4f", $0) } ?? "—"
                let now = f.batchAUC.map { String(format: "%.4f", $0) } ?? "—"
                lines.append("\(f.family)@\(f.version) (production): test AUC \(recorded) when registered, \(now) on batch \(batch)"
                             + (f.drop.map { String(format: " (drop %.4f)", $0) } ?? ""))
            }
            lines.append("retrain (\(when.rawValue)): \(retrain ? "yes" : "no") — \(reason)")
            return lines.joined(separator: "\n")
        }
    }

    /// Decides for `config` (read from `configPath`) with the store and artifacts of the run.
    static func decide(config: SweepConfig, configPath: String, settings: RetrainSettings, store: any Store,
                       artifactsURI: String) throws -> Decision {
        let env = ProcessInfo.processInfo.environment
        let artifacts = try openBlobStore(uri: artifactsURI, environment: env)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rung-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let baseData = try SweepData.resolveBase(config: config, configDirectory: URL(fileURLWithPath: configPath).deletingLastPathComponent(),
                                                 artifacts: artifacts, scratch: scratch, environment: env)
        let cumulative = CumulativeStore(artifacts: artifacts, scratch: scratch, environment: env)
        let base = try cumulative.base(baseData)
        let k = try cumulative.resolve(config.data.throughBatch ?? .batch(0), base: base)
        var decision = Decision(retrain: true, reason: "", when: settings.when, batch: k, drift: nil, families: [])
        let registry = Registry(store: store, blobs: artifacts,
                                cacheDirectory: FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/rung/registry"))
        var production: [ModelVersion] = []
        for family in config.families {
            if let v = try store.productionVersion(family: family.name) { production.append(v) }
        }
        let missing = config.families.map(\.name).filter { name in !production.contains { $0.family == name } }
        if settings.when == .always {
            decision.reason = "retrain.when is always"
            return decision
        }
        if !missing.isEmpty {
            decision.reason = "no production model yet for \(missing.joined(separator: ", "))"
            return decision
        }
        guard k > 0 else {
            decision.retrain = false
            decision.reason = "no future batch has arrived yet (through_batch is 0): nothing new to compare"
            return decision
        }
        let prepared = try openBase(base.data.uri, batch: k, scratch: scratch, environment: env)
        let reference = try prepared.loadTable(.train)
        let current = try prepared.loadTable(file: PreparedData.futureFileName(k))
        let drift = try DriftReport(reference: reference, current: current, preprocessor: prepared.preprocessor,
                                    thresholds: DriftThresholds(pValue: settings.pValue, driftShare: settings.driftShare))
        decision.drift = drift
        for version in production {
            let concept = try ConceptDrift.measure(model: registry.directory(of: version), current: current)
            decision.families.append(FamilyCheck(family: version.family, version: version.version,
                                                 recordedTestAUC: version.metrics["test_auc"], batchAUC: concept.current["auc"]))
        }
        let share = String(format: "%.2f", drift.driftShare)
        switch settings.when {
        case .always:
            break
        case .drift:
            decision.retrain = drift.datasetDrift
            decision.reason = drift.datasetDrift
                ? "\(drift.driftedColumns.count) of \(drift.columns.count) columns drifted (share \(share) ≥ \(settings.driftShare))"
                : "only \(drift.driftedColumns.count) of \(drift.columns.count) columns drifted (share \(share) < \(settings.driftShare))"
        case .degraded:
            let worse = decision.families.filter { ($0.drop ?? 0) > settings.maxAUCDrop }
            decision.retrain = !worse.isEmpty
            decision.reason = worse.isEmpty
                ? "no production model lost more than \(settings.maxAUCDrop) AUC on batch \(k)"
                : worse.map { "\($0.family)@\($0.version) lost \(String(format: "%.4f", $0.drop ?? 0)) AUC" }.joined(separator: ", ")
                    + " (more than \(settings.maxAUCDrop))"
        }
        return decision
    }

    /// The base prepared data as a local directory: itself when it is on this machine; for a
    /// remote (S3) base, its manifest, preprocessor, train split and future batch `k` read
    /// through the blob store into `scratch` (the files are checked against the manifest when
    /// they are read). A missing file is one error naming its key.
    static func openBase(_ uri: String, batch k: Int, scratch: URL, environment: [String: String]) throws -> PreparedData {
        guard SweepData.isRemote(uri) else { return try PreparedData.open(SweepData.localURL(uri)) }
        let blobs = try openBlobStore(uri: uri, environment: environment)
        let local = scratch.appendingPathComponent("gate-base", isDirectory: true)
        for key in [PreparedData.manifestFileName, PreparedData.preprocessorFileName, SplitName.train.fileName,
                    PreparedData.futureFileName(k)] {
            guard try blobs.exists(key) else {
                throw RungError.badInput("the retrain gate cannot read the base prepared data: \(blobs.uri(for: key)) does not exist")
            }
            try blobs.get(key, to: local.appendingPathComponent(key))
        }
        return try PreparedData.open(local)
    }

    /// The whole gate of a nightly command (`rung run`, `rung sweep submit`): records the
    /// results a store that was away missed, decides with `store` (production versions, and
    /// the registry's models), keeps the decision (`record`, in `recordStore` when there is
    /// one), prints it (with `json`, the decision is the document printed when the sweep is
    /// skipped), and ends the command with `SweepExit.skippedNoDrift` when the sweep is not to
    /// run. Returns the record, to attach the sweep to once it is submitted.
    static func run(config: SweepConfig, configPath: String, settings: RetrainSettings, store: any Store,
                    recordStore: (any Store)?, artifactsURI: String, json: Bool) throws -> DriftResultRecord {
        if let recordStore {
            do {
                try recordPending(store: recordStore, artifactsURI: artifactsURI)
            } catch {
                Output.note("rung: earlier drift results kept in the artifacts were not recorded in the store: \((error as? RungError)?.message ?? "\(error)")")
            }
        }
        let decision = try decide(config: config, configPath: configPath, settings: settings, store: store, artifactsURI: artifactsURI)
        let kept = try record(decision, configName: config.name, store: recordStore, artifactsURI: artifactsURI)
        if json {
            if !decision.retrain { FileHandle.standardOutput.write(Data(kept.resultJSON.utf8) + Data("\n".utf8)) }
        } else {
            Output.line(decision.text)
        }
        if !decision.retrain { throw ExitCode(SweepExit.skippedNoDrift.rawValue) }
        return kept
    }

    /// Attaches the sweep the gate let run to its result: in the artifacts copy (its
    /// `sweep_id`), then in `store` when there is one (a note if it cannot take it; the next
    /// gate records it from the copy).
    static func attach(_ record: DriftResultRecord, sweepID: Int64, store: (any Store)?, artifactsURI: String) {
        var attached = record
        attached.sweepID = sweepID
        let key = artifactsPrefix + record.key + ".json"
        var copy = artifactsURI
        do {
            let artifacts = try openBlobStore(uri: artifactsURI)
            copy = artifacts.uri(for: key)
            var document = try JSONSerialization.jsonObject(with: Data(record.resultJSON.utf8)) as? [String: Any] ?? [:]
            document["sweep_id"] = sweepID
            let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])
            attached.resultJSON = String(decoding: data, as: UTF8.self)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("rung-gate-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: file) }
            try data.write(to: file)
            try artifacts.put(file, key: key)
        } catch {
            Output.note("rung: the drift result's copy \(copy) does not name sweep \(sweepID): \((error as? RungError)?.message ?? "\(error)")")
        }
        if let store {
            save(attached, in: store, copy: copy)
        } else {
            Output.note("rung: sweep \(sweepID) is recorded with the drift result in \(copy); the next retrain gate that can write the store records it there")
        }
    }

    /// The key of the JSON copies in the artifacts.
    static let artifactsPrefix = "retrain-gate/"

    /// Keeps `decision` as JSON in the artifacts, under `retrain-gate/<key>.json`, then in the
    /// store's `drift_results`. A store that cannot take it (unavailable, or held by a head)
    /// loses nothing: the artifacts copy stays, a note says so, and the next gate records it
    /// (`recordPending`). Returns the record (nil `sweepID`).
    @discardableResult
    static func record(_ decision: Decision, configName: String, store: (any Store)?, artifactsURI: String,
                       now: Date = Date()) throws -> DriftResultRecord {
        let artifacts = try openBlobStore(uri: artifactsURI)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        let key = "\(formatter.string(from: now))-batch-\(decision.batch)-\(UUID().uuidString.prefix(8).lowercased())"
        let record = try DriftResultRecord(key: key, recordedAt: now, configName: configName, batch: decision.batch,
                                           when: decision.when.rawValue, retrain: decision.retrain, reason: decision.reason,
                                           driftShare: decision.drift?.driftShare, sweepID: nil,
                                           resultJSON: String(decoding: decision.jsonData(record: (key, now, configName)), as: UTF8.self))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rung-gate-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(record.resultJSON.utf8).write(to: file)
        let artifactKey = artifactsPrefix + key + ".json"
        try artifacts.put(file, key: artifactKey)
        if let store {
            save(record, in: store, copy: artifacts.uri(for: artifactKey))
        }
        return record
    }

    /// Writes `record` to `store`; when the store cannot take it, says where the copy is.
    static func save(_ record: DriftResultRecord, in store: any Store, copy: String) {
        do {
            try store.saveDriftResult(record)
        } catch {
            Output.note("rung: the drift result was not recorded in the store \(store.location) (\((error as? RungError)?.message ?? "\(error)")); it is kept in \(copy) and the next retrain gate records it")
        }
    }

    /// Records in `store` every gate result kept in the artifacts that the store lacks (a
    /// store that was away when the gate ran). Returns how many it recorded.
    @discardableResult
    static func recordPending(store: any Store, artifactsURI: String) throws -> Int {
        let artifacts = try openBlobStore(uri: artifactsURI)
        let keys = try artifacts.list(prefix: artifactsPrefix).filter { $0.hasSuffix(".json") }
        guard !keys.isEmpty else { return 0 }
        var known: [String: DriftResultRecord] = [:]
        for result in try store.driftResults(sweepID: nil) { known[result.key] = result }
        var recorded = 0
        for key in keys {
            let name = String(key.dropFirst(artifactsPrefix.count).dropLast(".json".count))
            // Complete in the store already: nothing to read.
            if let stored = known[name], stored.sweepID != nil { continue }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("rung-gate-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: file) }
            try artifacts.get(key, to: file)
            // Copies written before results were stored carry no key: they stay where they are.
            guard let record = try? DriftResultRecord(gateJSON: Data(contentsOf: file)), record.key == name else { continue }
            if known[name] != nil && record.sweepID == nil { continue }
            try store.saveDriftResult(record)
            recorded += 1
        }
        return recorded
    }
}

extension DriftResultRecord {
    /// Reads back a gate result's JSON copy (`RetrainGate.record`).
    init(gateJSON data: Data) throws {
        guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let key = document["key"] as? String, let recorded = document["recorded_at"] as? Double,
              let name = document["config_name"] as? String, let batch = document["batch"] as? Int,
              let when = document["when"] as? String, let retrain = document["retrain"] as? Bool,
              let reason = document["reason"] as? String else {
            throw RungError.badInput("not a retrain gate result")
        }
        let drift = document["drift"] as? [String: Any]
        self.init(key: key, recordedAt: Date(timeIntervalSince1970: recorded), configName: name, batch: batch, when: when,
                  retrain: retrain, reason: reason, driftShare: drift?["drift_share"] as? Double,
                  sweepID: (document["sweep_id"] as? NSNumber)?.int64Value, resultJSON: String(decoding: data, as: UTF8.self))
    }
}
