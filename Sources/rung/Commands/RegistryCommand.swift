import ArgumentParser
import Foundation
import RungCore
import RungStore
import RungArtifacts
import RungCLI

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
        Output.line(RegistryListView.table(versions, now: now))
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

        With an MLflow tracking server (--mlflow, $RUNG_MLFLOW, else the `tracking:` of the \
        sweep that registered the version) the registered model's production and staging \
        aliases move at once; if the server cannot be reached they move at the next export \
        pass (`rung head --mlflow`, `rung export mlflow`).
        """
    )

    @Argument(help: "The version to promote: FAMILY@VERSION (also FAMILY@v3, FAMILY@staging, FAMILY@latest).")
    var reference: String

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print one JSON document instead of a sentence.")
    var json = false

    @Option(help: ArgumentHelp("Move the MLflow aliases on this tracking server at once (default: env RUNG_MLFLOW, else the version's sweep's `tracking:`).", valueName: "uri"))
    var mlflow: String?

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
        if let note = moveMLflowAliases(of: promoted, store: opened, registry: registry) { Output.note("rung: \(note)") }
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

