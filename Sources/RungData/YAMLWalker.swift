import RungCore
import Yams

/// Reads a composed YAML tree with errors that name the file, line and key.
struct YAMLWalker {
    /// One key of a mapping, with the line it is on.
    struct Entry {
        var key: String
        var keyLine: Int
        var value: Node
    }

    let fileName: String

    func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    private func at(_ node: Node) -> String {
        let l = line(node)
        return l > 0 ? "\(fileName) line \(l)" : fileName
    }

    /// A context for messages: a key in backquotes, or a phrase such as "the recipe" as is.
    private func name(_ context: String) -> String {
        context.hasPrefix("the ") ? context : "`\(context)`"
    }

    /// The entries of a mapping; a key not in `allowed` (when given) or given twice is an error.
    func mapping(_ node: Node, _ context: String, allowed: [String]?) throws -> [Entry] {
        guard case .mapping(let m) = node else {
            throw RungError.badInput("\(at(node)): \(name(context)) must be a mapping of keys to values.")
        }
        var out: [Entry] = []
        var seen = Set<String>()
        for (k, v) in m {
            guard case .scalar(let s) = k else {
                throw RungError.badInput("\(at(k)): a key in \(name(context)) must be plain text.")
            }
            let key = s.string
            if let allowed, !allowed.contains(key) {
                throw RungError.badInput("\(at(k)): unknown key `\(key)` in \(name(context)); expected one of \(allowed.joined(separator: ", ")).")
            }
            if !seen.insert(key).inserted {
                throw RungError.badInput("\(at(k)): key `\(key)` appears twice in \(name(context)).")
            }
            out.append(Entry(key: key, keyLine: line(k), value: v))
        }
        return out
    }

    /// The items of a sequence.
    func sequence(_ node: Node, _ key: String) throws -> [Node] {
        guard case .sequence(let s) = node else {
            throw RungError.badInput("\(at(node)): `\(key)` must be a list.")
        }
        return Array(s)
    }

    /// A scalar's text.
    func string(_ node: Node, _ key: String) throws -> String {
        guard case .scalar(let s) = node else {
            throw RungError.badInput("\(at(node)): `\(key)` must be a single value, not a list or mapping.")
        }
        return s.string
    }

    /// A scalar that is a finite number.
    func number(_ node: Node, _ key: String) throws -> Double {
        let text = try string(node, key)
        guard let value = NumberText.parse(text), value.isFinite else {
            throw RungError.badInput("\(at(node)): `\(key)` must be a number, not `\(text)`.")
        }
        return value
    }

    /// A YAML syntax error as the rest of a sentence that starts with the file name.
    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return " line \(mark.line): YAML syntax error: \(problem)."
        default:
            return ": YAML error: \(error)"
        }
    }
}
