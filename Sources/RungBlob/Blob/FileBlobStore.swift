import Foundation
import RungCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `BlobStore` in a local directory (a plain path or `file:///abs/path`). Writes go to a
/// temporary name beside the target (`.rung-tmp-…`, never listed), are flushed to disk and
/// then renamed into place, so a crash leaves either the old blob or the new one.
public struct FileBlobStore: BlobStore {
    /// The root directory (created on the first write).
    public let root: URL
    /// Names starting with this are temporaries of unfinished writes and are never listed.
    public static let temporaryPrefix = ".rung-tmp-"

    /// Creates a store rooted at `root`.
    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public var rootURI: String { URL(fileURLWithPath: root.path, isDirectory: true).absoluteString }

    public func put(_ file: URL, key: String) throws {
        let destination = try url(for: key)
        try copyAtomically(from: file, to: destination)
        Self.syncDirectory(destination.deletingLastPathComponent())
    }

    public func putDirectory(_ files: [String: URL], prefix: String) throws {
        let destination = try url(for: prefix)
        for name in files.keys { try Self.validate(key: name) }
        let parent = destination.deletingLastPathComponent()
        try makeDirectory(parent)
        let stalePrefix = Self.temporaryPrefix + destination.lastPathComponent + "-"
        if let siblings = try? FileManager.default.contentsOfDirectory(atPath: parent.path) {
            for name in siblings where name.hasPrefix(stalePrefix) {
                try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
            }
        }
        let temporary = parent.appendingPathComponent(stalePrefix + UUID().uuidString, isDirectory: true)
        do {
            try makeDirectory(temporary)
            for (name, file) in files.sorted(by: { $0.key < $1.key }) {
                let target = temporary.appendingPathComponent(name)
                try makeDirectory(target.deletingLastPathComponent())
                try Self.copyFile(from: file, to: target)
            }
            Self.syncDirectory(temporary)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory) {
                let old = parent.appendingPathComponent(stalePrefix + "old-" + UUID().uuidString)
                try Self.rename(destination, to: old)
                try Self.rename(temporary, to: destination)
                try? FileManager.default.removeItem(at: old)
            } else {
                try Self.rename(temporary, to: destination)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        Self.syncDirectory(parent)
    }

    public func get(_ key: String, to destination: URL) throws {
        let source = try url(for: key)
        guard isRegularFile(source) else {
            throw RungError.badInput("blob \(key) does not exist in \(rootURI)")
        }
        try copyAtomically(from: source, to: destination)
    }

    /// Copies `source` to a temporary sibling of `destination`, then renames it into place,
    /// so readers never see a half-written file; the temporary is removed on failure.
    private func copyAtomically(from source: URL, to destination: URL) throws {
        let parent = destination.deletingLastPathComponent()
        try makeDirectory(parent)
        let temporary = parent.appendingPathComponent(Self.temporaryPrefix + destination.lastPathComponent + "-" + UUID().uuidString)
        do {
            try Self.copyFile(from: source, to: temporary)
            try Self.rename(temporary, to: destination)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    public func localFile(for key: String) -> URL? {
        try? url(for: key)
    }

    public func exists(_ key: String) throws -> Bool {
        isRegularFile(try url(for: key))
    }

    public func list(prefix: String) throws -> [String] {
        if prefix.hasPrefix("/") || prefix.split(separator: "/").contains(where: { $0 == ".." }) {
            throw RungError.usage("blob prefix \(prefix) must be a relative key prefix without ..")
        }
        let directoryPart = prefix.contains("/") ? String(prefix[..<prefix.lastIndex(of: "/")!]) : ""
        let start = directoryPart.isEmpty ? root : root.appendingPathComponent(directoryPart, isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: start.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return []
        }
        guard let enumerator = FileManager.default.enumerator(atPath: start.path) else {
            throw RungError.unavailable("cannot list the blob directory \(start.path)")
        }
        var keys: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let type = enumerator.fileAttributes?[.type] as? FileAttributeType
            if name.hasPrefix(Self.temporaryPrefix) {
                if type == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            guard type == .typeRegular else { continue }
            let key = directoryPart.isEmpty ? relative : directoryPart + "/" + relative
            if key.hasPrefix(prefix) { keys.append(key) }
        }
        return keys.sorted()
    }

    public func delete(_ key: String) throws {
        let target = try url(for: key)
        guard FileManager.default.fileExists(atPath: target.path) else { return }
        do {
            try FileManager.default.removeItem(at: target)
        } catch {
            throw RungError.unavailable("cannot delete blob \(key) at \(target.path): \(error.localizedDescription)")
        }
    }

    public func uri(for key: String) -> String {
        key.isEmpty ? rootURI : URL(fileURLWithPath: root.appendingPathComponent(key).path).absoluteString
    }

    // MARK: - Internals

    /// The local path of `key`, after checking the key is a safe relative path.
    func url(for key: String) throws -> URL {
        try Self.validate(key: key)
        return root.appendingPathComponent(key)
    }

    /// Throws `RungError.usage` unless `key` is a `/`-separated relative path of plain names.
    static func validate(key: String) throws {
        let components = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw RungError.usage("blob key \"\(key)\" must be a relative path like registry/xgboost/v1/model.json")
        }
        if components.contains(where: { $0.hasPrefix(temporaryPrefix) }) {
            throw RungError.usage("blob key \"\(key)\" uses the reserved name prefix \(temporaryPrefix)")
        }
    }

    private func isRegularFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    private func makeDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw RungError.unavailable("cannot create the directory \(url.path) in blob store \(rootURI): \(error.localizedDescription)")
        }
    }

    /// Copies `source` to a new file `destination` in 1 MiB chunks and flushes it to disk.
    static func copyFile(from source: URL, to destination: URL) throws {
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            throw RungError.unavailable("cannot read \(source.path): \(String(cString: strerror(errno)))")
        }
        defer { close(input) }
        let output = open(destination.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else {
            throw RungError.unavailable("cannot create \(destination.path): \(String(cString: strerror(errno)))")
        }
        defer { close(output) }
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(input, buffer, size)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw RungError.unavailable("cannot read \(source.path): \(String(cString: strerror(errno)))")
            }
            var written = 0
            while written < count {
                let n = write(output, buffer + written, count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw RungError.unavailable("cannot write \(destination.path): \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
        if fsync(output) != 0 {
            throw RungError.unavailable("cannot flush \(destination.path) to disk: \(String(cString: strerror(errno)))")
        }
    }

    /// Renames `source` to `destination` (atomically replacing a file there).
    static func rename(_ source: URL, to destination: URL) throws {
        #if canImport(Glibc)
        let rc = Glibc.rename(source.path, destination.path)
        #else
        let rc = Darwin.rename(source.path, destination.path)
        #endif
        if rc != 0 {
            throw RungError.unavailable("cannot rename \(source.path) to \(destination.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Flushes a directory's entries (a rename's durability), ignoring failures.
    static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
