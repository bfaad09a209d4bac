
/// `rung registry ls --json`.
public struct RegistryListJSON: Encodable {
    var store: String
    var family: String?
    var versions: [RegistryVersionJSON]

    /// The listing of `versions` (of `family` when filtered) in the store at `store`.
    public init(store: String, family: String?, versions: [RegistryVersionJSON]) {
        self.store = store
        self.family = family
        self.versions = versions
    }

    enum CodingKeys: String, CodingKey { case store, family, versions }

    /// Writes every field, `family` as null when the listing is not filtered.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(store, forKey: .store)
        try c.encode(family, forKey: .family)
        try c.encode(versions, forKey: .versions)
    }
}
