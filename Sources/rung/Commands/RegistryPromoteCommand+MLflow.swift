import Foundation
import RungCore
import RungStore
import RungArtifacts
import RungMLflow
import RungCLI

/// A promotion moves MLflow's aliases at once when a tracking server is known
/// (docs/ecosystem.md, "Model registry").
extension RegistryPromoteCommand {
    /// Exports the family's versions and moves its `production`/`staging` aliases on the
    /// tracking server named by `--mlflow`, `RUNG_MLFLOW` or the version's sweep's
    /// `tracking:`. Returns a line for the user (nil when no server is known).
    func moveMLflowAliases(of version: ModelVersion, store: any Store, registry: Registry) -> String? {
        let sweep = version.sweepID.flatMap { try? store.sweep(id: $0) }
        let own = sweep.flatMap { try? SweepConfigParser.parse(yaml: $0.configYAML, file: "sweep \($0.id) config") }?.tracking
        guard let uri = mlflow ?? EnvironmentDefault.value("RUNG_MLFLOW") ?? own?.mlflow else { return nil }
        let experiment = own?.experiment ?? sweep?.name ?? version.family
        let client = MLflowClient(baseURI: uri, timeout: 30)
        do {
            let exporter = RegistryExporter(registry: registry, store: store, log: { Output.note("rung: \($0)") })
            let moved = try exporter.exportPass(client: client, experimentID: try client.experimentID(named: experiment),
                                                families: [version.family])
            return "MLflow \(uri): registered model \(version.family) now has production → its copy of v\(version.version)"
                + (moved.versionsCreated > 0 ? " (\(moved.versionsCreated) version(s) exported first)" : "")
        } catch {
            return "MLflow \(uri) did not take the alias now (\(error)); it moves at the next export pass (rung head --mlflow, rung export mlflow)"
        }
    }
}
