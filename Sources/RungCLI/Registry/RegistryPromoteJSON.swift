
/// `rung registry promote --json`.
public struct RegistryPromoteJSON: Encodable {
    var family: String
    var version: Int
    var stage: String
    var archived: Int?
    var changed: Bool

    /// The document for `family@version`, now at `stage`; `archived` is the version it
    /// replaced, `changed` whether anything changed.
    public init(family: String, version: Int, stage: String, archived: Int?, changed: Bool) {
        self.family = family
        self.version = version
        self.stage = stage
        self.archived = archived
        self.changed = changed
    }

    enum CodingKeys: String, CodingKey { case family, version, stage, archived, changed }

    /// Writes every field, `archived` as null when nothing was archived.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(family, forKey: .family)
        try c.encode(version, forKey: .version)
        try c.encode(stage, forKey: .stage)
        try c.encode(archived, forKey: .archived)
        try c.encode(changed, forKey: .changed)
    }
}
