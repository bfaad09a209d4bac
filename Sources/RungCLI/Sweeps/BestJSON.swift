
/// The best trial of a sweep in `rung sweep ls --json`.
public struct BestJSON: Encodable {
    var trial: Int64
    var family: String
    var value: Double
    var epoch: Int?
}
