/// What the searcher's model was fitted on when it suggested a trial's parameters: the
/// random start-up phase, a warm-start point, the results at one rung (epoch budget) as
/// BOHB does (`fit: highest_rung`), or each ended trial's last result as Ray Tune's
/// HyperOptSearch does (`fit: last_result`). Stored with the trial and shown by `rung report`.
public enum SuggestionFit: Sendable, Equatable, Hashable {
    /// Drawn at random: start-up trials, or a searcher without a model.
    case random
    /// A warm-start parameter set (`warm_start:`), not a suggestion.
    case warmStart
    /// Fitted on `observations` results at epoch `epoch` (the highest rung with enough results).
    case rung(epoch: Int, observations: Int)
    /// Fitted on `observations` last results, whatever epoch each trial reached.
    case lastResults(observations: Int)

    /// The stored form: `random`, `warm_start`, `rung:EPOCH:N` or `last:N`.
    public var storedText: String {
        switch self {
        case .random: return "random"
        case .warmStart: return "warm_start"
        case let .rung(epoch, n): return "rung:\(epoch):\(n)"
        case let .lastResults(n): return "last:\(n)"
        }
    }

    /// Parses `storedText`; nil for anything else.
    public init?(storedText text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("random", 1): self = .random
        case ("warm_start", 1): self = .warmStart
        case ("rung", 3):
            guard let e = Int(parts[1]), let n = Int(parts[2]), e >= 1, n >= 0 else { return nil }
            self = .rung(epoch: e, observations: n)
        case ("last", 2):
            guard let n = Int(parts[1]), n >= 0 else { return nil }
            self = .lastResults(observations: n)
        default: return nil
        }
    }

    /// A short phrase for people: `random`, `warm start`, `epoch 6 (14 results)`, `last results (12)`.
    public var summary: String {
        switch self {
        case .random: return "random"
        case .warmStart: return "warm start"
        case let .rung(epoch, n): return "epoch \(epoch) (\(n) results)"
        case let .lastResults(n): return "last results (\(n))"
        }
    }
}

extension SuggestionFit: Codable {
    /// Decodes the stored text form.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let fit = SuggestionFit(storedText: text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a suggestion fit: '\(text)'")
        }
        self = fit
    }

    /// Encodes the stored text form.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(storedText)
    }
}
