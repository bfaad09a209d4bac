import Foundation
import RungCore

/// CURVE key files: `NAME.pub` holds a public key and `NAME.key` a secret one, each as one
/// line of 40 Z85 characters after `#` comment lines. Secret files are mode 0600 and rung
/// refuses to use one that other users can read, as ssh does.
public enum CurveKeyFile {
    /// The extension of public key files.
    public static let publicExtension = "pub"
    /// The extension of secret key files.
    public static let secretExtension = "key"
    private static let secretMarker = "# rung CURVE secret key"

    /// Throws `RungError.usage` unless `name` can name a key file: letters, digits, `.`, `_`
    /// and `-`, not starting with a dot, at most 64 characters.
    public static func validateName(_ name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.count <= 64, !name.hasPrefix("."), name.allSatisfy({ allowed.contains($0) }) else {
            throw RungError.usage("the key name '\(name)' must be 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'")
        }
    }

    /// Reads the public key in `url`.
    public static func readPublic(_ url: URL) throws -> CurveKey {
        let text = try read(url, what: "public key")
        if text.hasPrefix(secretMarker) {
            throw RungError.usage("\(url.path) is a secret key, not a public one: use the matching .\(publicExtension) file and never copy a .\(secretExtension) file off its host")
        }
        return try parse(text, path: url.path)
    }

    /// Reads the secret key in `url` and derives its key pair; refuses a file that group or
    /// other users can read or write.
    public static func readSecret(_ url: URL) throws -> CurveKeyPair {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw RungError.usage("cannot read the secret key \(url.path): \(String(cString: strerror(errno)))")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw RungError.usage("the secret key \(url.path) is accessible to other users (mode \(String(mode, radix: 8))): run `chmod 600 \(url.path)`; rung will not use a secret key others can read")
        }
        return try CurveKeyPair(secretKey: parse(try read(url, what: "secret key"), path: url.path))
    }

    /// Writes `NAME.key` (mode 0600) and `NAME.pub` (mode 0644) for `pair` into `directory`,
    /// creating it (mode 0700) if needed. Refuses to replace either file unless `force`.
    public static func write(_ pair: CurveKeyPair, name: String, role: String, in directory: URL,
                             force: Bool) throws -> (secret: URL, public: URL) {
        try validateName(name)
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: directory.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw RungError.usage("\(directory.path) is a file, not a key directory") }
        } else {
            do {
                try fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw RungError.unavailable("cannot create the key directory \(directory.path): \(error.localizedDescription)")
            }
        }
        let secretURL = directory.appendingPathComponent("\(name).\(secretExtension)")
        let publicURL = directory.appendingPathComponent("\(name).\(publicExtension)")
        if !force {
            for url in [secretURL, publicURL] where fm.fileExists(atPath: url.path) {
                throw RungError.usage("\(url.path) already exists: pass --force to replace the key pair (peers that trust the old public key will be refused until they get the new one)")
            }
        }
        let stamp = ISO8601DateFormatter().string(from: Date())
        try writeAtomically("\(secretMarker) for \(name) (\(role)), made \(stamp).\n# Keep it on this host only: whoever holds it can act as \(name).\n\(pair.secretKey.z85)\n",
                            to: secretURL, mode: 0o600)
        try writePublic(pair.publicKey, name: name, role: role, to: publicURL, force: true)
        return (secretURL, publicURL)
    }

    /// Writes a public key file (mode 0644) for the peer `name`; refuses to replace an
    /// existing file unless `force`.
    public static func writePublic(_ key: CurveKey, name: String, role: String, to url: URL, force: Bool) throws {
        if !force && FileManager.default.fileExists(atPath: url.path) {
            throw RungError.usage("\(url.path) already exists: pass --force to replace it")
        }
        let stamp = ISO8601DateFormatter().string(from: Date())
        try writeAtomically("# rung CURVE public key for \(name) (\(role)), made \(stamp).\n\(key.z85)\n", to: url, mode: 0o644)
    }

    /// The one key in a key file's text; `path` names the file in errors.
    static func parse(_ text: String, path: String) throws -> CurveKey {
        var found: (line: Int, text: String)?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if let found {
                throw RungError.badInput("\(path) line \(index + 1): a key file holds one key, but there is another one on line \(found.line)")
            }
            found = (index + 1, line)
        }
        guard let found else { throw RungError.badInput("\(path) holds no key (only comments or nothing)") }
        return try CurveKey(z85: found.text, source: "\(path) line \(found.line)")
    }

    private static func read(_ url: URL, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw RungError.usage("cannot read the \(what) \(url.path): \(FileManager.default.fileExists(atPath: url.path) ? "permission denied" : "no such file")")
        }
        guard data.count < 64 * 1024, let text = String(data: data, encoding: .utf8) else {
            throw RungError.badInput("\(url.path) is not a key file (not short UTF-8 text)")
        }
        return text
    }

    /// Writes through a temporary file created with `mode` (so a secret is never readable
    /// by others, even for a moment) and renames it into place.
    private static func writeAtomically(_ text: String, to url: URL, mode: mode_t) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        unlink(temporary.path)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else {
            throw RungError.unavailable("cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let ok = written == bytes.count && fchmod(fd, mode) == 0 && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw RungError.unavailable("cannot write \(url.path): \(reason)")
        }
    }
}
