import ArgumentParser
import Foundation
import RungCore
import RungWire
import RungCLI

/// `rung keys`: make and authorize the CURVE keys of a head, its workers and its clients.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make and authorize CURVE keys: encrypted, authenticated links between head, workers and clients.",
        discussion: """
        Layout (docs/protocol.md, Security):
          head's DIR:     head.key (secret), head.pub, authorized/NAME.pub
          a peer's DIR:   NAME.key (secret), NAME.pub, head.pub (a copy)

        Set up:
          rung keys generate /etc/rung/keys --role head       # on the head
          rung keys generate ~/.rung-keys --name worker-1     # on a worker
          # copy worker-1.pub to the head, then there:
          rung keys authorize /etc/rung/keys worker-1.pub
          # copy head.pub into ~/.rung-keys on every worker and client
          rung head --keys /etc/rung/keys --listen tcp://0.0.0.0:7770
          rung worker --keys ~/.rung-keys --head tcp://HEAD:7770

        The head re-reads authorized/ when it changes: add or delete a .pub \
        file to let a key in or out, without a restart.
        """,
        subcommands: [KeysGenerateCommand.self, KeysAuthorizeCommand.self, KeysShowCommand.self]
    )
}

/// `rung keys generate DIR`: a new key pair.
struct KeysGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Make a CURVE key pair: DIR/NAME.key (secret, mode 0600) and DIR/NAME.pub (public).",
        discussion: "The head's pair is always named head; --role head also creates DIR/authorized/."
    )

    /// Whose key this is; it decides the default name and what to do next.
    enum Role: String, ExpressibleByArgument, CaseIterable {
        case head, worker, client
    }

    @Argument(help: ArgumentHelp("The key directory (created with mode 0700 if missing).", valueName: "DIR"))
    var directory: String

    @Option(help: "The key's name: the file name and how the head logs this peer. Default: head for --role head, else this host's name.")
    var name: String?

    @Option(help: "head, worker or client. Default: head when --name is head, else worker.")
    var role: Role?

    @Flag(help: "Replace an existing key pair of that name (peers that trust the old public key are then refused).")
    var force = false

    @Flag(help: "Print one JSON document.")
    var json = false

    func run() throws {
        let role = self.role ?? (name == CurveServerKeys.headName ? .head : .worker)
        let keyName: String
        switch role {
        case .head:
            if let name, name != CurveServerKeys.headName {
                throw RungError.usage("--name \(name): the head's key pair is always named \(CurveServerKeys.headName) (workers and clients look for head.pub)")
            }
            keyName = CurveServerKeys.headName
        case .worker, .client:
            if name == CurveServerKeys.headName {
                throw RungError.usage("--name head is the head's key; give this \(role.rawValue) its own name, e.g. --name \(Self.hostName())")
            }
            keyName = name ?? Self.hostName()
        }
        let dir = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        let written = try CurveKeyFile.write(try CurveKeyPair.generate(), name: keyName, role: role.rawValue, in: dir, force: force)
        let publicKey = try CurveKeyFile.readPublic(written.public)
        if role == .head {
            let authorized = dir.appendingPathComponent(CurveServerKeys.authorizedFolder, isDirectory: true)
            try FileManager.default.createDirectory(at: authorized, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        if json {
            try Output.json(["name": keyName, "role": role.rawValue, "secret_file": written.secret.path,
                             "public_file": written.public.path, "public_key": publicKey.z85])
            return
        }
        Output.line("wrote \(written.secret.path) (secret key, mode 0600: keep it on this machine, never copy it)")
        Output.line("wrote \(written.public.path) (public key \(publicKey.z85))")
        Output.line("next:")
        switch role {
        case .head:
            Output.line("  copy \(written.public.path) into the key directory of every worker and client")
            Output.line("  let each worker and client in: rung keys authorize \(dir.path) THEIR_NAME.pub  (or copy it to \(dir.path)/authorized/)")
            Output.line("  start the head: rung head --keys \(dir.path) --listen tcp://0.0.0.0:7770")
        case .worker, .client:
            Output.line("  copy \(written.public.path) to the head and run there: rung keys authorize HEAD_KEYS_DIR \(keyName).pub")
            let headPub = dir.appendingPathComponent("\(CurveServerKeys.headName).\(CurveKeyFile.publicExtension)")
            if !FileManager.default.fileExists(atPath: headPub.path) {
                Output.line("  copy the head's head.pub into \(dir.path)")
            }
            Output.line(role == .worker
                ? "  start the worker: rung worker --keys \(dir.path) --head tcp://HEAD:7770"
                : "  talk to the head: rung sweep submit CONFIG --keys \(dir.path) --head tcp://HEAD:7770  (or set RUNG_KEYS=\(dir.path))")
        }
    }

    static func hostName() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "worker"
        let cleaned = String(host.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "worker" : String(cleaned.prefix(64))
    }
}

/// `rung keys authorize DIR PUBFILE`: let a worker's or client's key into a head.
struct KeysAuthorizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authorize",
        abstract: "Let a worker or client in: copy its public key to DIR/authorized/NAME.pub.",
        discussion: "A running head picks the change up at its next handshake; delete the file to let the key out again."
    )

    @Argument(help: ArgumentHelp("The head's key directory (with head.key).", valueName: "DIR"))
    var directory: String

    @Argument(help: ArgumentHelp("The worker's or client's public key file.", valueName: "PUBFILE"))
    var publicKeyFile: String

    @Option(help: "The name the head logs this key by. Default: PUBFILE's name without .pub.")
    var name: String?

    @Flag(help: "Replace an authorized key of that name that differs.")
    var force = false

    func run() throws {
        let dir = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        let headKey = dir.appendingPathComponent("\(CurveServerKeys.headName).\(CurveKeyFile.secretExtension)")
        guard FileManager.default.fileExists(atPath: headKey.path) else {
            throw RungError.usage("\(dir.path) is not a head's key directory (it has no head.key); make one with `rung keys generate \(dir.path) --role head`")
        }
        let source = URL(fileURLWithPath: publicKeyFile).standardizedFileURL
        let key = try CurveKeyFile.readPublic(source)
        let keyName = name ?? source.deletingPathExtension().lastPathComponent
        try CurveKeyFile.validateName(keyName)
        if keyName == CurveServerKeys.headName {
            throw RungError.usage("the name head is the head's own key; pass --name NAME for this worker or client")
        }
        let authorized = dir.appendingPathComponent(CurveServerKeys.authorizedFolder, isDirectory: true)
        try FileManager.default.createDirectory(at: authorized, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: authorized.path)) ?? []).sorted()
        where file.hasSuffix(".\(CurveKeyFile.publicExtension)") {
            let url = authorized.appendingPathComponent(file)
            if let existing = try? CurveKeyFile.readPublic(url), existing == key {
                Output.line("\(key.abbreviated) is already authorized as \(url.deletingPathExtension().lastPathComponent) (\(url.path))")
                return
            }
        }
        let destination = authorized.appendingPathComponent("\(keyName).\(CurveKeyFile.publicExtension)")
        if FileManager.default.fileExists(atPath: destination.path) && !force {
            throw RungError.usage("\(destination.path) already holds a different key for \(keyName): pass --force to replace it (the old key is then refused), or --name to authorize this one under another name")
        }
        try CurveKeyFile.writePublic(key, name: keyName, role: "authorized", to: destination, force: true)
        Output.line("authorized \(keyName) (\(key.abbreviated)) in \(destination.path); a running head lets it in from its next connection")
    }
}

/// `rung keys show DIR`: what a key directory holds.
struct KeysShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "List a key directory: its own key, the head's public key and the authorized keys, and check them."
    )

    @Argument(help: ArgumentHelp("A key directory.", valueName: "DIR"))
    var directory: String

    func run() throws {
        let dir = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        let fm = FileManager.default
        guard let files = try? fm.contentsOfDirectory(atPath: dir.path) else {
            throw RungError.usage("cannot list the key directory \(dir.path)")
        }
        var rows: [[String]] = []
        for file in files.sorted() where !file.hasPrefix(".") {
            let url = dir.appendingPathComponent(file)
            if file.hasSuffix(".\(CurveKeyFile.secretExtension)") {
                do {
                    let pair = try CurveKeyFile.readSecret(url)
                    rows.append([file, "secret", pair.publicKey.z85, "ok (public half shown)"])
                } catch let error as RungError {
                    rows.append([file, "secret", "", error.message])
                }
            } else if file.hasSuffix(".\(CurveKeyFile.publicExtension)") {
                rows.append(Self.row(url, kind: "public"))
            }
        }
        let authorized = dir.appendingPathComponent(CurveServerKeys.authorizedFolder)
        for file in ((try? fm.contentsOfDirectory(atPath: authorized.path)) ?? []).sorted() where file.hasSuffix(".\(CurveKeyFile.publicExtension)") {
            rows.append(Self.row(authorized.appendingPathComponent(file), kind: "authorized"))
        }
        guard !rows.isEmpty else {
            Output.line("\(dir.path) holds no keys: make some with `rung keys generate \(dir.path)`")
            return
        }
        Output.line(Output.table(["FILE", "KIND", "PUBLIC KEY", "CHECK"], rows.map { row in
            row[1] == "authorized" ? ["authorized/" + row[0]] + row.dropFirst() : row
        }))
    }

    private static func row(_ url: URL, kind: String) -> [String] {
        do {
            return [url.lastPathComponent, kind, try CurveKeyFile.readPublic(url).z85, "ok"]
        } catch let error as RungError {
            return [url.lastPathComponent, kind, "", error.message]
        } catch {
            return [url.lastPathComponent, kind, "", "\(error)"]
        }
    }
}
