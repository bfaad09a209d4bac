import Foundation
import RungCore

/// The head's key directory (`rung head --keys DIR`): its own key pair `head.key`/`head.pub`
/// and `authorized/`, one `NAME.pub` per worker or client allowed in. The file name (without
/// `.pub`) is the name the head logs for connections made with that key.
public struct CurveServerKeys: Sendable {
    /// The file name (without extension) of the head's own key pair.
    public static let headName = "head"
    /// The folder, inside the head's key directory, of authorized public keys.
    public static let authorizedFolder = "authorized"

    /// The key directory.
    public let directory: URL
    /// The head's key pair (from `head.key`).
    public let keyPair: CurveKeyPair

    /// `DIR/authorized`.
    public var authorizedDirectory: URL { directory.appendingPathComponent(Self.authorizedFolder, isDirectory: true) }

    /// Loads `directory/head.key`, refusing a missing or unprotected one with a sentence that
    /// says how to make it.
    public static func load(directory: URL) throws -> CurveServerKeys {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
            throw RungError.usage("--keys \(directory.path): no such directory; make one with `rung keys generate \(directory.path) --role head`")
        }
        let secret = directory.appendingPathComponent("\(headName).\(CurveKeyFile.secretExtension)")
        guard FileManager.default.fileExists(atPath: secret.path) else {
            throw RungError.usage("--keys \(directory.path) has no \(headName).\(CurveKeyFile.secretExtension): make the head's key pair with `rung keys generate \(directory.path) --role head`")
        }
        return CurveServerKeys(directory: directory, keyPair: try CurveKeyFile.readSecret(secret))
    }

    /// A key set for tests and embedding: `keyPair` as the head's key, authorizing the
    /// `.pub` files in `directory/authorized`.
    public init(directory: URL, keyPair: CurveKeyPair) {
        self.directory = directory
        self.keyPair = keyPair
    }
}
