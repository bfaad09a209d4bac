import Foundation
import RungCore

/// A worker's or CLI client's key directory (`--keys DIR` or `RUNG_KEYS`): exactly one
/// secret key `NAME.key` (its `NAME.pub` went to the head's `authorized/`) and the head's
/// public key `head.pub`. The head's own key directory works too: a client using it
/// connects as the head's key, which the head always lets in.
public struct CurveClientKeys: Sendable {
    /// The key directory.
    public let directory: URL
    /// The name of this peer's key file (without `.key`); the head logs connections by it.
    public let name: String
    /// This peer's key pair.
    public let keyPair: CurveKeyPair
    /// The head's public key (from `head.pub`).
    public let serverKey: CurveKey

    /// A key set from values (tests and embedding).
    public init(directory: URL, name: String, keyPair: CurveKeyPair, serverKey: CurveKey) {
        self.directory = directory
        self.name = name
        self.keyPair = keyPair
        self.serverKey = serverKey
    }

    /// Loads `directory`: its single `.key` file and `head.pub`; every problem is one
    /// sentence saying what to copy or run.
    public static func load(directory: URL) throws -> CurveClientKeys {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
            throw RungError.usage("--keys \(directory.path): no such directory; make one with `rung keys generate \(directory.path) --name NAME`")
        }
        let headPub = directory.appendingPathComponent("\(CurveServerKeys.headName).\(CurveKeyFile.publicExtension)")
        let names = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        let secrets = names.filter { $0.hasSuffix(".\(CurveKeyFile.secretExtension)") && !$0.hasPrefix(".") }
        guard !secrets.isEmpty else {
            throw RungError.usage("--keys \(directory.path) has no secret key (NAME.\(CurveKeyFile.secretExtension)): make one with `rung keys generate \(directory.path) --name NAME` and authorize its .pub on the head")
        }
        // In the head's own directory, head.key is the one to use.
        let chosen: String
        if secrets.count == 1 {
            chosen = secrets[0]
        } else if secrets.contains("\(CurveServerKeys.headName).\(CurveKeyFile.secretExtension)") {
            chosen = "\(CurveServerKeys.headName).\(CurveKeyFile.secretExtension)"
        } else {
            throw RungError.usage("--keys \(directory.path) holds several secret keys (\(secrets.joined(separator: ", "))): keep one per directory")
        }
        guard fm.fileExists(atPath: headPub.path) else {
            throw RungError.usage("--keys \(directory.path) has no \(CurveServerKeys.headName).\(CurveKeyFile.publicExtension): copy the head's \(CurveServerKeys.headName).\(CurveKeyFile.publicExtension) (from the head's key directory) into \(directory.path)")
        }
        let keyPair = try CurveKeyFile.readSecret(directory.appendingPathComponent(chosen))
        return CurveClientKeys(directory: directory, name: String(chosen.dropLast(CurveKeyFile.secretExtension.count + 1)),
                               keyPair: keyPair, serverKey: try CurveKeyFile.readPublic(headPub))
    }
}
