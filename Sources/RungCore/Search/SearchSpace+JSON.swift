extension SearchSpace {
    /// Builds a space from an ask-tell `space` object: {NAME: {"type": uniform|loguniform|int|
    /// quniform|choice|const, "low", "high", "log", "q", "choices", "value", "when"}}.
    /// Parameters are ordered by name (JSON objects carry no order), so suggestions do not
    /// depend on how the client ordered its keys.
    public init(json: JSONValue) throws {
        guard case .object(let object) = json else { throw RungError.badInput("space must be an object of parameters") }
        var parameters: [Parameter] = []
        for name in object.keys.sorted() {
            guard case .object(let def) = object[name]! else {
                throw RungError.badInput("space.\(name) must be an object with a type")
            }
            func number(_ key: String) throws -> Double {
                guard let v = def[key] else { throw RungError.badInput("space.\(name) needs \(key)") }
                guard let d = v.number else { throw RungError.badInput("space.\(name).\(key) must be a number, not \(v.summary)") }
                return d
            }
            func integer(_ key: String) throws -> Int {
                guard let v = def[key] else { throw RungError.badInput("space.\(name) needs \(key)") }
                guard let i = v.integer else { throw RungError.badInput("space.\(name).\(key) must be an integer, not \(v.summary)") }
                return i
            }
            guard case .string(let type)? = def["type"] else {
                throw RungError.badInput("space.\(name) needs a type (uniform, loguniform, int, choice)")
            }
            let allowed: Set<String>
            let domain: ParameterDomain
            switch type {
            case "uniform":
                allowed = ["type", "low", "high", "when"]
                domain = .uniform(low: try number("low"), high: try number("high"))
            case "loguniform":
                allowed = ["type", "low", "high", "when"]
                domain = .loguniform(low: try number("low"), high: try number("high"))
            case "int":
                allowed = ["type", "low", "high", "log", "when"]
                var log = false
                if let l = def["log"] {
                    guard case .bool(let b) = l else { throw RungError.badInput("space.\(name).log must be true or false") }
                    log = b
                }
                domain = .int(low: try integer("low"), high: try integer("high"), log: log)
            case "quniform":
                allowed = ["type", "low", "high", "q", "when"]
                domain = .quniform(low: try number("low"), high: try number("high"), q: try number("q"))
            case "choice":
                allowed = ["type", "choices", "when"]
                guard case .array(let items)? = def["choices"] else {
                    throw RungError.badInput("space.\(name) needs choices (an array)")
                }
                domain = .choice(try items.map { item in
                    guard let v = item.paramValue else {
                        throw RungError.badInput("space.\(name).choices may hold only strings, numbers and booleans")
                    }
                    return v
                })
            case "const":
                allowed = ["type", "value", "when"]
                guard let v = def["value"]?.paramValue else { throw RungError.badInput("space.\(name) needs a scalar value") }
                domain = .const(v)
            default:
                throw RungError.badInput("space.\(name).type '\(type)' is unknown (expected uniform, loguniform, int, choice)")
            }
            if let extra = def.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw RungError.badInput("space.\(name): unknown key '\(extra)' for type \(type)")
            }
            var conditions: [ParameterCondition] = []
            if let w = def["when"] {
                guard case .object(let when) = w, !when.isEmpty else {
                    throw RungError.badInput("space.\(name).when must be an object {parameter: value}")
                }
                for parent in when.keys.sorted() {
                    let raw = when[parent]!
                    let values: [JSONValue]
                    if case .array(let a) = raw { values = a } else { values = [raw] }
                    conditions.append(ParameterCondition(parent: parent, values: try values.map {
                        guard let v = $0.paramValue else { throw RungError.badInput("space.\(name).when.\(parent) must hold scalars") }
                        return v
                    }))
                }
            }
            parameters.append(Parameter(name: name, domain: domain, conditions: conditions))
        }
        try self.init(parameters)
    }
}
