/// The parameters of one family's search, in an order where every parameter comes after
/// the parameters its conditions name.
public struct SearchSpace: Sendable, Equatable {
    /// The parameters, parents before the parameters conditional on them.
    public let parameters: [Parameter]
    private let indexByName: [String: Int]

    /// Validates `parameters` (bounds, conditions naming existing `choice`/`const` parents and
    /// their values, no cycles) and orders them parents-first, otherwise keeping their order.
    /// Throws `RungError.badInput` naming the parameter.
    public init(_ parameters: [Parameter]) throws {
        var seen = Set<String>()
        for p in parameters {
            if !seen.insert(p.name).inserted { throw RungError.badInput("parameter '\(p.name)' is defined twice") }
            if let problem = p.domain.validationProblem() {
                throw RungError.badInput("parameter '\(p.name)': \(problem)")
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0) })
        for p in parameters {
            for c in p.conditions {
                if let problem = SearchSpace.conditionProblem(c, of: p.name, parents: byName) {
                    throw RungError.badInput("parameter '\(p.name)': \(problem)")
                }
            }
        }
        // Stable topological order.
        var ordered: [Parameter] = []
        var placed = Set<String>()
        var remaining = parameters
        while !remaining.isEmpty {
            guard let i = remaining.firstIndex(where: { p in p.conditions.allSatisfy { placed.contains($0.parent) } }) else {
                let names = remaining.map(\.name).joined(separator: ", ")
                throw RungError.badInput("the when-conditions of parameters \(names) form a cycle")
            }
            let p = remaining.remove(at: i)
            placed.insert(p.name)
            ordered.append(p)
        }
        self.parameters = ordered
        var index: [String: Int] = [:]
        for (i, p) in ordered.enumerated() { index[p.name] = i }
        self.indexByName = index
    }

    /// Describes what is wrong with condition `c` of parameter `name`, or returns nil.
    static func conditionProblem(_ c: ParameterCondition, of name: String, parents: [String: Parameter]) -> String? {
        if c.parent == name { return "when names the parameter itself" }
        guard let parent = parents[c.parent] else {
            return "when names '\(c.parent)', which is not a parameter of this space"
        }
        if c.values.isEmpty { return "when: \(c.parent) lists no values" }
        for v in c.values where !parent.domain.contains(v) {
            return "when: \(c.parent) = \(v), but \(v) is not a possible value of '\(c.parent)'"
        }
        return nil
    }

    /// The number of parameters.
    public var count: Int { parameters.count }

    /// The position of the parameter called `name` in `parameters`.
    public func index(of name: String) -> Int? { indexByName[name] }

    /// Whether parameter `p` is active given the (parent) values already in `params`.
    public func isActive(_ p: Parameter, in params: [String: ParamValue]) -> Bool {
        for c in p.conditions {
            guard let v = params[c.parent], c.values.contains(where: { $0.matches(v) }) else { return false }
        }
        return true
    }

    /// Draws every active parameter from its prior (uniform in its own scale).
    public func sampleRandom(using rng: inout SeededGenerator) -> [String: ParamValue] {
        var params: [String: ParamValue] = [:]
        for p in parameters where isActive(p, in: params) {
            params[p.name] = ParameterEncoding(p.domain).sample(using: &rng)
        }
        return params
    }

    /// Checks that `params` assigns exactly the active parameters values in their domains;
    /// returns a description of the first problem, or nil.
    public func validationProblem(of params: [String: ParamValue]) -> String? {
        for p in parameters {
            let active = isActive(p, in: params)
            if active {
                guard let v = params[p.name] else { return "active parameter '\(p.name)' is missing" }
                if !p.domain.contains(v) { return "parameter '\(p.name)' = \(v) is outside its \(p.domain.typeName) domain" }
            } else if params[p.name] != nil {
                return "parameter '\(p.name)' is set although its when-condition does not hold"
            }
        }
        for k in params.keys.sorted() where indexByName[k] == nil { return "unknown parameter '\(k)'" }
        return nil
    }

    /// The parameters as a JSON object, in the space's order.
    public func json(_ params: [String: ParamValue]) -> String {
        JSONText.object(parameters.compactMap { p in params[p.name].map { (p.name, $0.jsonLiteral) } })
    }
}
