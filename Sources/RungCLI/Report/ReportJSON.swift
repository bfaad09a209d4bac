
/// `rung report --json`.
public struct ReportJSON: Encodable {
    var file: String
    var bytes: Int
    var sweep: Int64
    var name: String
    var status: String
    var families: [String]
    var trials: Int

    /// The document for a report written to `file` (`bytes` long) about a sweep.
    public init(file: String, bytes: Int, sweep: Int64, name: String, status: String, families: [String], trials: Int) {
        self.file = file
        self.bytes = bytes
        self.sweep = sweep
        self.name = name
        self.status = status
        self.families = families
        self.trials = trials
    }
}
