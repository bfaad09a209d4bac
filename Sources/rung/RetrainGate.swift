import Foundation
import RungCore
import RungData
import RungBlob
import RungStore
import RungArtifacts
import RungDrift
import RungCLI

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

        /// The decision as a JSON object.
        func jsonData() throws -> Data {
            var document: [String: Any] = ["retrain": retrain, "reason": reason, "when": when.rawValue, "batch": batch]
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
        guard !SweepData.isRemote(base.data.uri) else {
            throw RungError.usage("retrain.when \(settings.when.rawValue) needs the base prepared data on this machine; \(base.data.uri) is remote")
        }
        let prepared = try PreparedData.open(SweepData.localURL(base.data.uri))
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

    /// Keeps `decision` as JSON in the artifacts, under `retrain-gate/<UTC time>-batch-<k>.json`.
    static func record(_ decision: Decision, artifactsURI: String) throws {
        let artifacts = try openBlobStore(uri: artifactsURI)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rung-gate-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try decision.jsonData().write(to: file)
        try artifacts.put(file, key: "retrain-gate/\(formatter.string(from: Date()))-batch-\(decision.batch).json")
    }
}
