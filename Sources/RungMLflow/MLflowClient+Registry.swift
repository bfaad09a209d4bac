import Foundation
import RungBlob

/// MLflow's model-registry and artifact calls.
extension MLflowClient {
    /// Creates the registered model `name` unless it exists.
    public func ensureRegisteredModel(_ name: String, description: String) throws {
        do {
            try call("POST", "registered-models/create", body: ["name": name, "description": description])
        } catch MLflowError.rejected(_, "RESOURCE_ALREADY_EXISTS", _) {
        }
    }

    /// The versions of registered model `name`, each as MLflow's JSON `model_version`.
    public func modelVersions(of name: String) throws -> [[String: Any]] {
        var versions: [[String: Any]] = []
        var token: String?
        repeat {
            var query = ["filter": "name='\(name.replacingOccurrences(of: "'", with: "\\'"))'", "max_results": "200"]
            if let token { query["page_token"] = token }
            let answer = try call("GET", "model-versions/search", query: query)
            versions += answer["model_versions"] as? [[String: Any]] ?? []
            token = answer["next_page_token"] as? String
            if token?.isEmpty == true { token = nil }
        } while token != nil
        return versions
    }

    /// Creates a version of registered model `name` from `source` (logged by `runID`) and
    /// returns its number.
    public func createModelVersion(name: String, source: String, runID: String, tags: [String: String]) throws -> String {
        let answer = try call("POST", "model-versions/create", body: [
            "name": name, "source": source, "run_id": runID,
            "tags": tags.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] },
        ])
        guard let version = (answer["model_version"] as? [String: Any])?["version"] else {
            throw MLflowError.unavailable("model-versions/create answered without a version")
        }
        return "\(version)"
    }

    /// The aliases of registered model `name`: alias → version.
    public func aliases(of name: String) throws -> [String: String] {
        let answer = try call("GET", "registered-models/get", query: ["name": name])
        let list = (answer["registered_model"] as? [String: Any])?["aliases"] as? [[String: Any]] ?? []
        var aliases: [String: String] = [:]
        for entry in list {
            if let alias = entry["alias"] as? String, let version = entry["version"] { aliases[alias] = "\(version)" }
        }
        return aliases
    }

    /// Points `alias` of registered model `name` at `version`.
    public func setAlias(name: String, alias: String, version: String) throws {
        try call("POST", "registered-models/alias", body: ["name": name, "alias": alias, "version": version])
    }

    /// Removes `alias` from registered model `name`.
    public func deleteAlias(name: String, alias: String) throws {
        try call("DELETE", "registered-models/alias", query: ["name": name, "alias": alias])
    }

    /// Uploads the local file `file` as `path` under a run's artifact location
    /// `artifactURI` (`mlflow-artifacts:/…` through the server's artifact proxy, or a local
    /// `file://` / absolute path, copied).
    public func uploadArtifact(_ file: URL, to artifactURI: String, path: String) throws {
        if artifactURI.hasPrefix("mlflow-artifacts:") {
            var rest = String(artifactURI.dropFirst("mlflow-artifacts:".count))
            while rest.hasPrefix("/") { rest.removeFirst() }
            let url = baseURI + "/api/2.0/mlflow-artifacts/artifacts/" + (rest + "/" + path).split(separator: "/").map { Self.escape(String($0)) }.joined(separator: "/")
            let reply: HTTPClient.Reply
            do {
                reply = try httpClient.send(method: "PUT", url: url, headers: [("Content-Type", "application/octet-stream")], file: file.path)
            } catch let failure as HTTPClient.Failure {
                throw MLflowError.unavailable("PUT \(url): \(failure)")
            }
            _ = try Self.decode(reply, what: "upload \(path)")
            return
        }
        var local = artifactURI
        if local.hasPrefix("file://") { local = String(local.dropFirst("file://".count)) }
        guard local.hasPrefix("/") else {
            throw MLflowError.rejected(status: 0, code: "UNSUPPORTED_ARTIFACT_STORE",
                                      message: "the run's artifact location \(artifactURI) is neither served by the tracking server (mlflow-artifacts:) nor a local path; start the server with --serve-artifacts")
        }
        let destination = URL(fileURLWithPath: local).appendingPathComponent(path)
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: file, to: destination)
        } catch {
            throw MLflowError.rejected(status: 0, code: "ARTIFACT_WRITE_FAILED", message: "cannot write \(destination.path): \(error.localizedDescription)")
        }
    }
}
