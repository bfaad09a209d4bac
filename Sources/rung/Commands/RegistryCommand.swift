import ArgumentParser
import Foundation
import RungCore
import RungStore
import RungArtifacts

/// `rung registry`: the registered model versions and their stages.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "List, inspect and promote registered model versions.",
        discussion: """
        Versions live under <artifacts>/registry/<family>/v<N>/ (model.json, preprocessor.json, \
        metadata.json); their stages (none, staging, production, archived) live in the store.

        References: FAMILY (production, else the newest), FAMILY@production, FAMILY@staging \
        (newest staging), FAMILY@latest, FAMILY@3 or FAMILY@v3.
        """,
        subcommands: [RegistryListCommand.self, RegistryShowCommand.self, RegistryPromoteCommand.self]
    )
}

/// `rung registry ls`: every registered version.
struct RegistryListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List registered model versions: family, version, stage, sweep, trial, metrics, created."
    )

    @Option(help: "Only versions of this model family.")
    var family: String?

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        let location: String
        var versions: [ModelVersion] = []
        if let opened = try store.openReadOnlyIfExists() {
            defer { opened.close() }
            location = opened.location
            versions = try opened.modelVersions(family: family)
        } else {
            location = store.maskedStoreURL
        }
        if json {
            try Output.json(RegistryListJSON(store: location, family: family, versions: versions.map(RegistryVersionJSON.init)))
            return
        }
        guard !versions.isEmpty else {
            let what = family.map { "no registered versions of \($0)" } ?? "no registered models yet"
            Output.line("\(what): nothing has been registered with store \(location)")
            return
        }
        let now = Date()
        let rows = versions.map { v in
            ["\(v.family)@\(v.version)", v.stage.rawValue, v.sweepID.map(String.init) ?? "—",
             v.trialID.map(String.init) ?? "—", RegistryVersionJSON.keyMetrics(v.metrics),
             Humanize.date(v.createdAt) + " (\(Humanize.ago(v.createdAt, now: now)))"]
        }
        Output.line(TerminalTable.render(["MODEL", "STAGE", "SWEEP", "TRIAL", "METRICS", "CREATED"], rows,
                                         colour: [1: TerminalStyle.colour(forStatus:)]))
    }
}

/// `rung registry show FAMILY[@VERSION]`: one version and its metadata.
struct RegistryShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one registered version: stage, location and its metadata.json (params, metrics, data version, sweep and trial).",
        discussion: "A reference that names no registered version exits with status 65."
    )

    @Argument(help: "FAMILY, FAMILY@production, FAMILY@staging, FAMILY@latest, FAMILY@3 or FAMILY@v3.")
    var reference: String

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    func run() throws {
        let parsed = try ModelReference(parsing: reference)
        let opened = try store.openReadOnly(missing: "model \(parsed) is not registered")
        defer { opened.close() }
        let registry = try store.registry(store: opened)
        let version = try registry.version(parsed)
        let directory = try registry.directory(of: version)
        let metadataFile = directory.appendingPathComponent(Registry.metadataFile)
        let metadata = try registry.metadata(of: version)
        if json {
            let raw: JSONValue
            do {
                raw = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: metadataFile))
            } catch {
                throw RungError.badInput("\(metadataFile.path) is not valid JSON: \(error.localizedDescription)")
            }
            try Output.json(RegistryShowJSON(version: RegistryVersionJSON(version), directory: directory.path, metadata: raw))
            return
        }
        Output.line("\(version.family)@\(version.version)  \(TerminalStyle.paint(version.stage.rawValue, TerminalStyle.colour(forStatus: version.stage.rawValue)))")
        Output.line("  location:     \(version.uri)")
        Output.line("  created:      \(Humanize.date(metadata.createdAt)); rung \(metadata.rungVersion)")
        Output.line("  from:         sweep \(metadata.sweepID.map(String.init) ?? "—"), trial \(metadata.trialID.map(String.init) ?? "—"); seed \(metadata.seed)")
        Output.line("  data version: \(metadata.dataVersion)")
        Output.line("  params:       \(RegistryShowJSON.params(metadata.params))")
        Output.line("  metrics:      \(Humanize.metrics(metadata.metrics))")
    }
}

/// `rung registry promote FAMILY@VERSION`: make a version production by hand.
struct RegistryPromoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Make a registered version the production version of its family (the previous one is archived).",
        discussion: """
        This writes the store, so it needs the store's writer lock: stop a head that holds it \
        first (promotion through a running head is not built yet).
        """
    )

    @Argument(help: "The version to promote: FAMILY@VERSION (also FAMILY@v3, FAMILY@staging, FAMILY@latest).")
    var reference: String

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print one JSON document instead of a sentence.")
    var json = false

    func run() throws {
        let parsed = try ModelReference(parsing: reference)
        if parsed.selector == .preferred {
            throw RungError.usage("name the version to promote, e.g. \(parsed.family)@3 (see `rung registry ls --family \(parsed.family)`)")
        }
        let opened: any Store
        do {
            opened = try store.openWritable(missing: "model \(parsed) is not registered")
        } catch let error as RungError {
            guard case .storeInUse(let lockedStore, let holder)? = error.cause else { throw error }
            throw RungError(.unavailable, "cannot promote \(parsed): store \(lockedStore) is in use by another head (\(holder)); stop the head first (promotion through a running head is not built yet)",
                            cause: error.cause)
        }
        defer { opened.close() }
        let registry = try store.registry(store: opened)
        let target = try registry.version(parsed)
        let previous = try opened.productionVersion(family: target.family)
        let promoted = try registry.promote(family: target.family, version: target.version)
        let archived = previous.flatMap { $0.version == promoted.version ? nil : $0.version }
        if json {
            try Output.json(RegistryPromoteJSON(family: promoted.family, version: promoted.version, stage: promoted.stage.rawValue,
                                                archived: archived, changed: previous?.version != promoted.version))
            return
        }
        if previous?.version == promoted.version {
            Output.line("\(promoted.family)@\(promoted.version) is already production; nothing changed")
        } else if let archived {
            Output.line("\(promoted.family)@\(promoted.version) is now production; \(promoted.family)@\(archived) is archived")
        } else {
            Output.line("\(promoted.family)@\(promoted.version) is now production")
        }
    }
}

/// One model version in JSON output.
struct RegistryVersionJSON: Encodable {
    var family: String
    var version: Int
    var stage: String
    var sweepID: Int64?
    var trialID: Int64?
    var uri: String
    var metrics: [String: Double]
    var createdAt: String

    init(_ v: ModelVersion) {
        family = v.family
        version = v.version
        stage = v.stage.rawValue
        sweepID = v.sweepID
        trialID = v.trialID
        uri = v.uri
        metrics = v.metrics
        createdAt = Humanize.iso(v.createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case family, version, stage, uri, metrics
        case sweepID = "sweep_id", trialID = "trial_id", createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(family, forKey: .family)
        try c.encode(version, forKey: .version)
        try c.encode(stage, forKey: .stage)
        try c.encode(sweepID, forKey: .sweepID)
        try c.encode(trialID, forKey: .trialID)
        try c.encode(uri, forKey: .uri)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(createdAt, forKey: .createdAt)
    }

    /// The metrics a registry listing shows: test_auc and val_auc when present, else the first two.
    static func keyMetrics(_ metrics: [String: Double]) -> String {
        var names = ["test_auc", "val_auc"].filter { metrics[$0] != nil }
        if names.isEmpty { names = Array(metrics.keys.sorted().prefix(2)) }
        guard !names.isEmpty else { return "—" }
        return names.map { "\($0)=\(Output.metric(metrics[$0]))" }.joined(separator: " ")
    }
}

/// `rung registry ls --json`.
struct RegistryListJSON: Encodable {
    var store: String
    var family: String?
    var versions: [RegistryVersionJSON]

    enum CodingKeys: String, CodingKey { case store, family, versions }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(store, forKey: .store)
        try c.encode(family, forKey: .family)
        try c.encode(versions, forKey: .versions)
    }
}

/// `rung registry show --json`: the version and the content of its metadata.json.
struct RegistryShowJSON: Encodable {
    var version: RegistryVersionJSON
    var directory: String
    var metadata: JSONValue

    /// Parameters as sorted `name=value` pairs.
    static func params(_ params: [String: JSONValue]) -> String {
        guard !params.isEmpty else { return "—" }
        return params.keys.sorted().map { "\($0)=\(text(params[$0]!))" }.joined(separator: " ")
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(format: "%.4g", d)
        case .string(let s): return s
        case .array(let a): return "[" + a.map(text).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { "\($0):\(text(o[$0]!))" }.joined(separator: ",") + "}"
        }
    }
}

/// `rung registry promote --json`.
struct RegistryPromoteJSON: Encodable {
    var family: String
    var version: Int
    var stage: String
    var archived: Int?
    var changed: Bool

    enum CodingKeys: String, CodingKey { case family, version, stage, archived, changed }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(family, forKey: .family)
        try c.encode(version, forKey: .version)
        try c.encode(stage, forKey: .stage)
        try c.encode(archived, forKey: .archived)
        try c.encode(changed, forKey: .changed)
    }
}
