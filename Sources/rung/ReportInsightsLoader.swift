import Foundation
import RungCore
import RungData
import RungBlob
import RungStore
import RungArtifacts
import RungTraining
import RungDrift
import RungCLI

/// Gathers `rung report`'s feature importance and drift table: for each family, the model
/// version the sweep registered is explained over the sweep's validation split (mean
/// |contribution| by source column); the drift table is the retrain gate's result recorded
/// in the store for the sweep. What cannot be gathered becomes a note on the page, not an
/// error: the rest of the report does not depend on it.
enum ReportInsightsLoader {
    /// The insights of `data`'s sweep, read from `store` and the artifacts at `artifactsURI`.
    static func load(data: ReportData, store: any Store, artifactsURI: String) -> ReportInsights {
        var insights = ReportInsights()
        do {
            if let result = try store.driftResults(sweepID: data.sweep.id).last { insights.drift = try drift(result) }
        } catch {
            Output.note("rung: the drift result of sweep \(data.sweep.id) is not shown: \(describe(error))")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rung-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var validation: CleanTable?
        var validationProblem: String?
        func validationTable() -> CleanTable? {
            if validation == nil && validationProblem == nil {
                do { validation = try loadValidation(data.sweep, artifactsURI: artifactsURI, scratch: scratch) } catch { validationProblem = describe(error) }
            }
            return validation
        }
        for family in data.families {
            do {
                guard let version = try store.modelVersions(family: family).last(where: { $0.sweepID == data.sweep.id }) else {
                    insights.importanceNotes[family] = "No model of \(family) was registered by this sweep, so there is nothing to explain."
                    continue
                }
                guard let table = validationTable() else {
                    insights.importanceNotes[family] = "Not available: the sweep's validation split cannot be read (\(validationProblem ?? "unknown"))."
                    continue
                }
                let cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/rung/registry", isDirectory: true)
                let registry = Registry(store: store, blobs: try openBlobStore(uri: artifactsURI), cacheDirectory: cache)
                let directory = try registry.directory(of: version)
                let preprocessor = try Preprocessor.load(from: directory.appendingPathComponent(ModelDirectory.preprocessorFile))
                let saved = try SavedModel.load(from: directory.appendingPathComponent(ModelDirectory.modelFile))
                let contributions = try SourceContributions(encoded: saved.predictContributions(preprocessor.transform(table)),
                                                            preprocessor: preprocessor)
                let columns = contributions.meanAbsolute().sorted { $0.contribution > $1.contribution }
                insights.importance.append(.init(family: family, version: version.version, rows: contributions.rowCount,
                                                 columns: columns.map { ($0.column, $0.contribution) }))
            } catch {
                insights.importanceNotes[family] = "Not available: \(describe(error))."
            }
        }
        return insights
    }

    /// The sweep's validation split, cleaned: from its prepared directory, read through the
    /// blob store when it is remote.
    private static func loadValidation(_ sweep: SweepRecord, artifactsURI: String, scratch: URL) throws -> CleanTable {
        guard let uri = sweep.dataURI, !uri.isEmpty else {
            throw RungError.badInput("the store records no data location for sweep \(sweep.id)")
        }
        if !SweepData.isRemote(uri) { return try PreparedData.open(SweepData.localURL(uri)).loadTable(.validation) }
        let blobs = try openBlobStore(uri: uri)
        let local = scratch.appendingPathComponent("data", isDirectory: true)
        for key in [PreparedData.manifestFileName, PreparedData.preprocessorFileName, SplitName.validation.fileName] {
            guard try blobs.exists(key) else { throw RungError.badInput("\(blobs.uri(for: key)) does not exist") }
            try blobs.get(key, to: local.appendingPathComponent(key))
        }
        return try PreparedData.open(local).loadTable(.validation)
    }

    /// The drift part of the page from a stored gate result.
    static func drift(_ result: DriftResultRecord) throws -> ReportInsights.Drift {
        let document = try JSONSerialization.jsonObject(with: Data(result.resultJSON.utf8)) as? [String: Any] ?? [:]
        var columns: [ReportInsights.Drift.Column] = []
        var target: ReportInsights.Drift.Column?
        if let drift = document["drift"] {
            let report = try JSONDecoder().decode(DriftReport.self, from: JSONSerialization.data(withJSONObject: drift))
            func row(_ c: DriftReport.Column) -> ReportInsights.Drift.Column {
                .init(name: c.name, kind: c.kind, test: c.test, statistic: c.statistic, pValue: c.pValue, psi: c.psi, drifted: c.drifted)
            }
            columns = report.columns.map(row)
            target = report.target.map(row)
        }
        let models = (document["families"] as? [[String: Any]] ?? []).map { f -> String in
            let name = "\(f["family"] as? String ?? "?")@\(f["version"] as? Int ?? 0)"
            let recorded = (f["recorded_test_auc"] as? Double).map { String(format: "%.4f", $0) } ?? "—"
            let now = (f["batch_auc"] as? Double).map { String(format: "%.4f", $0) } ?? "—"
            return "\(name) (production then): test AUC \(recorded) when registered, \(now) on batch \(result.batch)"
        }
        return .init(batch: result.batch, when: result.when, retrain: result.retrain, reason: result.reason,
                     recordedAt: result.recordedAt, driftShare: result.driftShare, columns: columns, target: target, models: models)
    }

    private static func describe(_ error: Error) -> String { (error as? RungError)?.message ?? "\(error)" }
}
