import Foundation
import RungCore
import RungData
import RungBlob
import RungTraining

/// Uploads a trial's model, checkpoint or command output under `trials/<trial>/` of the
/// artifacts location, and reads checkpoints back by URI.
struct TrialArtifacts {
    /// The artifacts store (from the head's welcome).
    let store: any BlobStore
    /// The trial.
    let trialID: UInt64
    /// A local scratch directory for files on their way up.
    let scratch: URL

    /// The key prefix of this trial's artifacts.
    var prefix: String { "trials/\(trialID)" }

    /// Uploads `model.json` and `preprocessor.json`; returns the URI of the trial's directory.
    func uploadModel(_ trainer: Trainer, preprocessor: Preprocessor) throws -> String {
        let model = scratch.appendingPathComponent("model.json")
        let pre = scratch.appendingPathComponent(PreparedData.preprocessorFileName)
        try trainer.saveModel(to: model)
        try preprocessor.save(to: pre)
        // One put per file (not putDirectory) so earlier checkpoints under the prefix stay valid.
        try store.put(pre, key: "\(prefix)/\(PreparedData.preprocessorFileName)")
        try store.put(model, key: "\(prefix)/model.json")
        return store.uri(for: prefix)
    }

    /// Uploads `trainer.checkpoint()` as `checkpoint-<epoch>.json`; returns its URI.
    func uploadCheckpoint(_ trainer: Trainer, epoch: Int) throws -> String {
        let file = scratch.appendingPathComponent("checkpoint-\(epoch).json")
        do {
            try trainer.checkpoint().write(to: file, options: .atomic)
        } catch let error as RungError {
            throw error
        } catch {
            throw RungError.unavailable("cannot write the checkpoint of trial \(trialID) to \(file.path): \(error.localizedDescription)")
        }
        let key = "\(prefix)/checkpoint-\(epoch).json"
        try store.put(file, key: key)
        return store.uri(for: key)
    }

    /// Uploads `bytes` (a cross-validated trial's checkpoint of every fold) as
    /// `checkpoint-<epoch>.json`; returns its URI.
    func uploadCheckpoint(bytes: Data, epoch: Int) throws -> String {
        let file = scratch.appendingPathComponent("checkpoint-\(epoch).json")
        do {
            try bytes.write(to: file, options: .atomic)
        } catch {
            throw RungError.unavailable("cannot write the checkpoint of trial \(trialID) to \(file.path): \(error.localizedDescription)")
        }
        let key = "\(prefix)/checkpoint-\(epoch).json"
        try store.put(file, key: key)
        return store.uri(for: key)
    }

    /// Uploads every file a command wrote into its output directory; returns the URI of the
    /// trial's directory, or "" when it wrote nothing.
    func uploadOutput(_ directory: URL) throws -> String {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return ""
        }
        let base = directory.standardizedFileURL.path
        var uploaded = 0
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base + "/") else { continue }
            try store.put(url, key: "\(prefix)/\(path.dropFirst(base.count + 1))")
            uploaded += 1
        }
        return uploaded == 0 ? "" : store.uri(for: prefix)
    }

    /// The bytes of the blob at `uri` (a checkpoint URI from `uploadCheckpoint`), fetched
    /// through the blob store of its parent location.
    static func read(uri: String, scratch: URL) throws -> Data {
        guard let slash = uri.lastIndex(of: "/"), uri.index(after: slash) < uri.endIndex else {
            throw RungError.badInput("the checkpoint URI '\(uri)' does not name a file")
        }
        let parent = String(uri[..<slash])
        let name = String(uri[uri.index(after: slash)...])
        let store = try openBlobStore(uri: parent.isEmpty ? "/" : parent)
        let local = scratch.appendingPathComponent("resume-\(name)")
        try store.get(name, to: local)
        do {
            return try Data(contentsOf: local)
        } catch {
            throw RungError.unavailable("cannot read the checkpoint \(uri): \(error.localizedDescription)")
        }
    }
}
