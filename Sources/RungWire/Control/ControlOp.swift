/// The operations a head answers in `control` frames (docs/protocol.md, "Control requests").
public enum ControlOp: String, CaseIterable, Codable, Sendable {
    case submit, cancel, sweep, status, top, drain, workers, records

    /// The known ops as one comma-separated list, for error messages.
    public static var knownList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
