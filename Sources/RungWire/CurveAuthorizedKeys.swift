import Foundation
import RungCore

/// The public keys a head lets in: every `NAME.pub` in its `authorized/` folder (known by
/// NAME), plus the head's own key (known as `head`, so the head's machine can run CLI
/// clients with the head's key directory). Re-read whenever the folder's listing or a
/// file's modification time or size changes, so keys can be added and removed while the
/// head runs.
public struct CurveAuthorizedKeys {
    /// The `authorized/` folder.
    public let directory: URL
    private let headKey: CurveKey
    private var namesByKey: [CurveKey: String] = [:]
    /// The values of `namesByKey`, for the per-message check of `contains(name:)`.
    private var nameSet: Set<String> = []
    private var signature: [String]?

    /// Keys from `directory`, not read until the first `refresh()`.
    public init(directory: URL, headKey: CurveKey) {
        self.directory = directory
        self.headKey = headKey
    }

    /// The name of the peer holding `key`, or nil when it is not authorized.
    public func name(for key: CurveKey) -> String? {
        if key == headKey { return CurveServerKeys.headName }
        return namesByKey[key]
    }

    /// Whether a connection made as `name` would still be let in.
    public func contains(name: String) -> Bool {
        name == CurveServerKeys.headName || nameSet.contains(name)
    }

    /// The names of the authorized keys (the head's own key not included), sorted.
    public var names: [String] { namesByKey.values.sorted() }

    /// Re-reads the folder when it changed since the last call; returns log lines saying
    /// what changed and which files were ignored (empty when nothing changed).
    public mutating func refresh() -> [String] {
        let fm = FileManager.default
        let listing = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        let exists = fm.fileExists(atPath: directory.path)
        let newSignature = (exists ? ["present"] : ["missing"]) + listing.map { name -> String in
            var info = stat()
            guard stat(directory.appendingPathComponent(name).path, &info) == 0 else { return name + "|?" }
            return "\(name)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)|\(info.st_size)"
        }
        guard newSignature != signature else { return [] }
        let first = signature == nil
        signature = newSignature
        var lines: [String] = []
        var fresh: [CurveKey: String] = [:]
        for file in listing {
            let url = directory.appendingPathComponent(file)
            if file.hasSuffix(".\(CurveKeyFile.secretExtension)") {
                lines.append("ignored \(url.path): a secret key does not belong in \(directory.path); delete it and put the matching .\(CurveKeyFile.publicExtension) there")
                continue
            }
            guard file.hasSuffix(".\(CurveKeyFile.publicExtension)") else { continue }
            let name = String(file.dropLast(CurveKeyFile.publicExtension.count + 1))
            if name == CurveServerKeys.headName {
                lines.append("ignored \(url.path): the name \(name) is kept for the head's own key; rename the file")
                continue
            }
            do {
                let key = try CurveKeyFile.readPublic(url)
                if let other = fresh[key] {
                    lines.append("\(url.path) holds the same key as \(other).\(CurveKeyFile.publicExtension); connections with it are logged as \(other)")
                } else if key == headKey {
                    lines.append("ignored \(url.path): it is the head's own key, which is always let in")
                } else {
                    fresh[key] = name
                }
            } catch let error as RungError {
                lines.append("ignored \(url.path): \(error.message)")
            } catch {
                lines.append("ignored \(url.path): \(error)")
            }
        }
        var info = stat()
        if exists, stat(directory.path, &info) == 0, info.st_mode & 0o022 != 0 {
            lines.append("\(directory.path) is writable by other users (mode \(String(info.st_mode & 0o777, radix: 8))): whoever can write there can let keys in; run `chmod go-w \(directory.path)`")
        }
        let before = Set(namesByKey.values), after = Set(fresh.values)
        namesByKey = fresh
        nameSet = after
        if !exists {
            lines.insert("no folder \(directory.path) yet: every worker and client will be refused until their .pub files are put there (`rung keys authorize`)", at: 0)
        } else if first {
            lines.insert(after.isEmpty
                ? "no authorized keys in \(directory.path) yet: every worker and client will be refused until their .pub files are put there (`rung keys authorize`)"
                : "\(after.count) authorized key(s) in \(directory.path): \(after.sorted().joined(separator: ", "))", at: 0)
        } else if before != after || !lines.isEmpty {
            var change: [String] = []
            let added = after.subtracting(before).sorted(), removed = before.subtracting(after).sorted()
            if !added.isEmpty { change.append("added " + added.joined(separator: ", ")) }
            if !removed.isEmpty { change.append("removed " + removed.joined(separator: ", ")) }
            lines.insert("re-read \(directory.path): \(after.count) authorized key(s)"
                         + (change.isEmpty ? "" : " (" + change.joined(separator: "; ") + ")"), at: 0)
        }
        return lines
    }
}
