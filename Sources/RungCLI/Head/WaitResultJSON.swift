
/// `rung sweep submit --wait --json`: how the sweep ended.
struct WaitResultJSON: Encodable {
    var sweep: Int64
    var status: String
    var message: String
    /// Trials per status, when the head reports them.
    var trials: [String: Int]?
    var exitStatus: Int32

    enum CodingKeys: String, CodingKey {
        case sweep, status, message, trials
        case exitStatus = "exit_status"
    }
}
