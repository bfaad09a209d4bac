import ArgumentParser
import RungCore
import RungCLI
import RungStore

/// `--head` and `--keys` for the read-only commands that can ask a running head instead of
/// opening its store (`rung leaderboard`, `rung sweep ls`, `rung sweep show`): for a laptop
/// that reaches the head but not the head's database file.
struct HeadReadOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Ask the running head at ENDPOINT for the records instead of opening the store (for machines without access to it).", valueName: "ENDPOINT"))
    var head: String?

    @Option(help: ArgumentHelp("With --head: a CURVE key directory for a head started with --keys. Default: $RUNG_KEYS.", valueName: "DIR"))
    var keys: String?

    /// With `--head`, a read-only copy of what the head's store holds of `sweep` (nil: every
    /// sweep; with `latest`, the newest); nil without `--head`.
    func mirror(sweep: Int64?, latest: Bool = false) throws -> (any Store)? {
        guard let head else { return nil }
        return try HeadStoreReads.mirror(endpoint: head, keys: keys, sweep: sweep, latest: latest)
    }
}
