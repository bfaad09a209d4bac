import Foundation

/// The state machine behind `rung ask-tell`: one JSON request line in, at most one JSON
/// reply line out (docs/search.md, "ask-tell"). Malformed requests get `{"error":"…"}` and the
/// session goes on.
public struct AskTellSession {
    /// What to do after a request.
    public struct Reply: Equatable, Sendable {
        /// The line to print (without newline), or nil for none.
        public var line: String?
        /// Whether the process should exit (after `close`).
        public var exit: Bool
    }

    private let searcherKind: SearcherSettings.Kind
    private let tpeOptions: TPEOptions
    private var searcher: (any Searcher)?
    private var nextTrial: TrialID = 0
    private var open: Set<TrialID> = []
    private var parallel = 1
    private let decoder = JSONDecoder()

    /// A session that will use `searcher` (with `tpe` settings for TPE) once initialised.
    public init(searcher: SearcherSettings.Kind, tpe: TPEOptions = TPEOptions()) {
        self.searcherKind = searcher
        self.tpeOptions = tpe
    }

    /// Handles one request line.
    public mutating func handle(line: String) -> Reply {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return Reply(line: nil, exit: false) }
        do {
            let request = try decoder.decode(JSONValue.self, from: Data(trimmed.utf8))
            guard case .object(let obj) = request else { throw RungError.badInput("a request must be a JSON object") }
            guard case .string(let op)? = obj["op"] else { throw RungError.badInput("a request needs \"op\": init, ask, tell or close") }
            switch op {
            case "init": return Reply(line: try initialise(obj), exit: false)
            case "ask": return Reply(line: try ask(obj), exit: false)
            case "tell": return Reply(line: try tell(obj), exit: false)
            case "close": return Reply(line: nil, exit: true)
            default: throw RungError.badInput("unknown op '\(op)' (expected init, ask, tell or close)")
            }
        } catch let e as RungError {
            return Reply(line: JSONText.object([("error", JSONText.quote(e.message))]), exit: false)
        } catch is DecodingError {
            return Reply(line: JSONText.object([("error", JSONText.quote("the request is not valid JSON"))]), exit: false)
        } catch {
            return Reply(line: JSONText.object([("error", JSONText.quote("\(error)"))]), exit: false)
        }
    }

    private mutating func initialise(_ obj: [String: JSONValue]) throws -> String {
        let allowed: Set<String> = ["op", "space", "seed", "mode", "parallel"]
        if let extra = obj.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw RungError.badInput("init: unknown key '\(extra)'")
        }
        guard let spaceJSON = obj["space"] else { throw RungError.badInput("init needs a space") }
        let space = try SearchSpace(json: spaceJSON)
        var seed: UInt64 = 0
        if let s = obj["seed"] {
            guard let i = s.integer, i >= 0 else { throw RungError.badInput("init: seed must be a non-negative integer") }
            seed = UInt64(i)
        }
        var mode = OptimizationMode.min
        if let m = obj["mode"] {
            guard case .string(let t) = m, let parsed = OptimizationMode(rawValue: t) else {
                throw RungError.badInput("init: mode must be \"min\" or \"max\"")
            }
            mode = parsed
        }
        var parallel = 1
        if let p = obj["parallel"] {
            guard let i = p.integer, i >= 1 else { throw RungError.badInput("init: parallel must be a positive integer") }
            parallel = i
        }
        switch searcherKind {
        case .tpe: searcher = TPESearcher(space: space, mode: mode, seed: seed, options: tpeOptions)
        case .random: searcher = RandomSearcher(space: space, seed: seed)
        }
        self.parallel = parallel
        nextTrial = 0
        open = []
        return "{\"ok\":true}"
    }

    private mutating func ask(_ obj: [String: JSONValue]) throws -> String {
        guard var s = searcher else { throw RungError.badInput("ask before init: send {\"op\":\"init\",…} first") }
        var traced = false
        if let t = obj["trace"] {
            guard case .bool(let b) = t else { throw RungError.badInput("ask: trace must be true or false") }
            traced = b
        }
        var draws = 0
        if let d = obj["draws"] {
            guard let i = d.integer, i >= 0, i <= 100_000 else { throw RungError.badInput("ask: draws must be an integer in 0…100000") }
            draws = i
        }
        let id = nextTrial
        nextTrial += 1
        var members: [(String, String)] = [("trial", String(id))]
        if traced, var tpe = s as? TPESearcher {
            let (params, trace) = tpe.suggestTraced(trialID: id, draws: draws)
            s = tpe
            members.append(("params", s.space.json(params)))
            members.append(("trace", trace?.json ?? "null"))
        } else {
            members.append(("params", s.space.json(s.suggest(trialID: id))))
        }
        searcher = s
        open.insert(id)
        return JSONText.object(members)
    }

    private mutating func tell(_ obj: [String: JSONValue]) throws -> String {
        guard var s = searcher else { throw RungError.badInput("tell before init") }
        guard let t = obj["trial"], let id = t.integer else { throw RungError.badInput("tell needs \"trial\": the id from ask") }
        guard open.contains(id) else {
            throw RungError.badInput(id < nextTrial ? "trial \(id) was already told" : "trial \(id) was never asked")
        }
        guard let v = obj["value"] else { throw RungError.badInput("tell needs \"value\" (a number, or null for a failed trial)") }
        switch v {
        case .null:
            break
        default:
            guard let d = v.number else { throw RungError.badInput("tell: value must be a number or null, not \(v.summary)") }
            s.observe(trialID: id, value: d, budget: 1)
        }
        s.finish(trialID: id)
        searcher = s
        open.remove(id)
        return "{\"ok\":true}"
    }

    /// The number of trials asked and not yet told.
    public var pendingCount: Int { open.count }
    /// The `parallel` value of the last init (informational: more asks are allowed).
    public var parallelism: Int { parallel }
}
