import Foundation
import RungCore

/// Writes a file so that readers see either the old file or the whole new one: the bytes go
/// to a temporary sibling, are flushed, and the sibling is renamed over the target.
public enum AtomicFile {
    /// Writes `data` to `url` atomically; failures name the file (exit 69: cannot write).
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RungError.usage("cannot write \(url.path): the directory \(directory.path) does not exist")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw RungError.unavailable("cannot write \(url.path): cannot create \(temporary.path) (\(String(cString: strerror(errno))))")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw RungError.unavailable("cannot write \(url.path): \(error.localizedDescription)")
        }
        chmod(temporary.path, 0o644)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw RungError.unavailable("cannot write \(url.path): \(reason)")
        }
    }
}
