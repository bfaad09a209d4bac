import RungCore

/// A reference to a registered model as users write it: `xgboost` (production, else the
/// newest), `xgboost@production`, `xgboost@staging` (newest staging), `xgboost@latest`,
/// `xgboost@3` or `xgboost@v3`.
public struct ModelReference: Sendable, Equatable, CustomStringConvertible {
    /// Which version of the family is meant.
    public enum Selector: Sendable, Equatable {
        case preferred, latest, production, staging
        case version(Int)
    }

    /// The model family.
    public var family: String
    /// Which version is meant.
    public var selector: Selector

    /// Creates a reference.
    public init(family: String, selector: Selector = .preferred) {
        self.family = family
        self.selector = selector
    }

    /// Parses `FAMILY[@VERSION|@production|@staging|@latest]`, throwing `RungError.usage`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let family = parts.first, !family.isEmpty else {
            throw RungError.usage("model reference \"\(text)\" has no family; write FAMILY[@VERSION|@production]")
        }
        self.family = family
        guard parts.count == 2 else {
            selector = .preferred
            return
        }
        let tag = parts[1].lowercased()
        switch tag {
        case "production": selector = .production
        case "staging": selector = .staging
        case "latest": selector = .latest
        default:
            let digits = tag.hasPrefix("v") ? String(tag.dropFirst()) : tag
            guard let number = Int(digits), number >= 1 else {
                throw RungError.usage("model reference \"\(text)\" has the unknown version \"\(parts[1])\"; use a number, production, staging or latest")
            }
            selector = .version(number)
        }
    }

    /// The reference as users write it.
    public var description: String {
        switch selector {
        case .preferred: return family
        case .latest: return family + "@latest"
        case .production: return family + "@production"
        case .staging: return family + "@staging"
        case .version(let n): return family + "@\(n)"
        }
    }
}
