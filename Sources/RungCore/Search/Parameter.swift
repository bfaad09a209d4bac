/// One named parameter of a search space, with the conditions under which it is active.
public struct Parameter: Sendable, Equatable {
    /// The parameter's name, as passed to the trainer.
    public var name: String
    /// The values it may take.
    public var domain: ParameterDomain
    /// All of these must hold for the parameter to be active (`when:` in the config);
    /// an inactive parameter is neither suggested nor passed to the trainer.
    public var conditions: [ParameterCondition]

    /// Creates a parameter; `conditions` empty means always active.
    public init(name: String, domain: ParameterDomain, conditions: [ParameterCondition] = []) {
        self.name = name
        self.domain = domain
        self.conditions = conditions
    }
}

/// A `when:` clause: the parameter is active only while `parent` takes one of `values`.
public struct ParameterCondition: Sendable, Equatable {
    /// The name of the parameter this one depends on.
    public var parent: String
    /// The parent values under which the condition holds.
    public var values: [ParamValue]

    /// Creates a condition on `parent` taking any of `values`.
    public init(parent: String, values: [ParamValue]) {
        self.parent = parent
        self.values = values
    }
}
