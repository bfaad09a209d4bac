/// A fault the head injects into itself on purpose, for the fault-injection tests
/// (docs/testing.md, "Fault injection"): set with `RUNG_FAILPOINT` on `rung head`.
public enum HeadFailpoint: Equatable, Sendable {
    /// SIGKILL the head after it received the trial messages of its `n`th such loop pass
    /// and before that pass commits: the messages were read, nothing of them is stored.
    case killBeforeCommit(pass: Int)

    /// Parses `kill-before-commit:N`; nil for an empty value; a clear error otherwise.
    public init?(parsing text: String) throws {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "kill-before-commit", let n = Int(parts[1]), n >= 1 else {
            throw FailpointError(text: text)
        }
        self = .killBeforeCommit(pass: n)
    }

    /// An unknown failpoint.
    public struct FailpointError: Error, CustomStringConvertible {
        let text: String
        public var description: String { "RUNG_FAILPOINT=\(text) is not a failpoint; known: kill-before-commit:N (N ≥ 1)" }
    }
}
