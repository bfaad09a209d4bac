import Foundation
import RungCore
import RungStore
import RungArtifacts

/// Copies rung's model registry into MLflow's (docs/mlflow.md): each version of a family
/// becomes a version of the registered model named after the family, logged by a run of
/// its own (the MLflow model directory under `model/`), tagged `rung.model_version`; rung's
/// `production` and `staging` stages become the aliases of the same names and move when a
/// promotion moves the stage. Idempotent: versions are found again by their tag.
public final class RegistryExporter {
    private let registry: Registry
    private let store: any Store
    private let log: (String) -> Void
    /// MLflow version numbers of exported rung versions, by "family@version".
    private var exported: [String: String] = [:]
    /// The stages last written as aliases, by family.
    private var syncedStages: [String: [String: Int]] = [:]

    /// An exporter of the versions in `registry` (whose stages live in `store`).
    public init(registry: Registry, store: any Store, log: @escaping (String) -> Void) {
        self.registry = registry
        self.store = store
        self.log = log
    }

    /// What one pass did.
    public struct PassResult: Equatable, Sendable {
        /// Model versions created in MLflow.
        public var versionsCreated = 0
        /// Aliases set or removed.
        public var aliasesMoved = 0

        /// Nothing done yet.
        public init() {}
    }

    /// Exports every version of `families` (every family when nil) to `client`, logging
    /// their runs in experiment `experimentID`, and moves the aliases to match the stages.
    public func exportPass(client: MLflowClient, experimentID: String, families: Set<String>? = nil) throws -> PassResult {
        var result = PassResult()
        let versions = try store.modelVersions(family: nil).filter { families?.contains($0.family) ?? true }
        for (family, ofFamily) in Dictionary(grouping: versions, by: \.family).sorted(by: { $0.key < $1.key }) {
            var stages: [String: Int] = [:]
            for version in ofFamily where version.stage == .production || version.stage == .staging {
                stages[version.stage.rawValue] = version.version
            }
            let pending = ofFamily.filter { exported["\(family)@\($0.version)"] == nil }
            if pending.isEmpty && syncedStages[family] == stages { continue }
            try client.ensureRegisteredModel(family, description: "rung model family \(family)")
            var known: [Int: String] = [:]
            for version in try client.modelVersions(of: family) {
                let tags = version["tags"] as? [[String: Any]] ?? []
                if let tag = tags.first(where: { $0["key"] as? String == "rung.model_version" }),
                   let value = (tag["value"] as? String).flatMap(Int.init), let number = version["version"] {
                    known[value] = "\(number)"
                }
            }
            for version in ofFamily.sorted(by: { $0.version < $1.version }) {
                if let number = known[version.version] {
                    exported["\(family)@\(version.version)"] = number
                    continue
                }
                guard let number = try create(version, client: client, experimentID: experimentID) else { continue }
                exported["\(family)@\(version.version)"] = number
                result.versionsCreated += 1
            }
            let aliases = try client.aliases(of: family)
            for stage in [ModelVersion.Stage.production, .staging] {
                let alias = stage.rawValue
                if let version = stages[alias], let number = exported["\(family)@\(version)"] {
                    if aliases[alias] != number {
                        try client.setAlias(name: family, alias: alias, version: number)
                        result.aliasesMoved += 1
                    }
                } else if aliases[alias] != nil {
                    try client.deleteAlias(name: family, alias: alias)
                    result.aliasesMoved += 1
                }
            }
            syncedStages[family] = stages
        }
        return result
    }

    /// Logs one version's model directory with a run of its own and registers it; nil
    /// when the version is not an XGBoost model (a command family's), which is logged.
    private func create(_ version: ModelVersion, client: MLflowClient, experimentID: String) throws -> String? {
        let directory = try registry.directory(of: version)
        let modelData = try Data(contentsOf: directory.appendingPathComponent(Registry.modelFile))
        guard MLflowModelFiles.isXGBoostJSON(modelData) else {
            log("mlflow registry: \(version.family)@\(version.version) is not an XGBoost JSON model; not exported")
            return nil
        }
        let xgbVersion = MLflowModelFiles.xgboostVersion(ofModelJSON: modelData) ?? "3.0.0"
        var tags = ["rung.role": "model", "rung.family": version.family, "rung.model_version": String(version.version),
                    "mlflow.runName": "\(version.family)-v\(version.version)", "rung.version": RungVersion.string]
        if let trial = version.trialID { tags["rung.trial_id_of_model"] = String(trial) }
        if let sweep = version.sweepID { tags["rung.sweep_id_of_model"] = String(sweep) }
        let created = try client.call("POST", "runs/create", body: [
            "experiment_id": experimentID, "run_name": "\(version.family)-v\(version.version)",
            "start_time": TrialRunMapping.millis(version.createdAt),
            "tags": tags.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] },
        ])
        let info = (created["run"] as? [String: Any])?["info"] as? [String: Any] ?? [:]
        guard let runID = info["run_id"] as? String, let artifactURI = info["artifact_uri"] as? String else {
            throw MLflowError.unavailable("runs/create answered without a run id or artifact location")
        }
        try client.logBatch(runID: runID, metrics: version.metrics.sorted { $0.key < $1.key }.filter { $0.value.isFinite }.map {
            MLflowMetric(key: $0.key, value: $0.value, timestampMillis: TrialRunMapping.millis(version.createdAt), step: 0)
        })
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("rung-mlmodel-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        let files: [(String, Data)] = [
            ("MLmodel", Data(MLflowModelFiles.mlmodel(runID: runID, xgboostVersion: xgbVersion, created: version.createdAt,
                                                     modelUUID: UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")).utf8)),
            (MLflowModelFiles.modelFile, modelData),
            ("requirements.txt", Data(MLflowModelFiles.requirements(xgboostVersion: xgbVersion).utf8)),
            ("conda.yaml", Data(MLflowModelFiles.conda(xgboostVersion: xgbVersion).utf8)),
            ("python_env.yaml", Data(MLflowModelFiles.pythonEnv().utf8)),
            ("rung/" + Registry.preprocessorFile, try Data(contentsOf: directory.appendingPathComponent(Registry.preprocessorFile))),
            ("rung/" + Registry.metadataFile, try Data(contentsOf: directory.appendingPathComponent(Registry.metadataFile))),
        ]
        for (index, (path, data)) in files.enumerated() {
            let file = staging.appendingPathComponent("f\(index)")
            try data.write(to: file)
            try client.uploadArtifact(file, to: artifactURI, path: "model/" + path)
        }
        try client.updateRun(runID: runID, status: "FINISHED", endMillis: TrialRunMapping.millis(version.createdAt))
        let number = try client.createModelVersion(name: version.family, source: artifactURI + "/model", runID: runID,
                                                   tags: ["rung.model_version": String(version.version), "rung.stage": version.stage.rawValue])
        log("mlflow registry: \(version.family)@\(version.version) is version \(number) of registered model \(version.family)")
        return number
    }
}
