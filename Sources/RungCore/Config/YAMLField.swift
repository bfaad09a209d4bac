import Yams

/// A YAML node together with where it came from (file, key path), so that every
/// validation error can say "FILE:LINE: key PATH: problem".
struct YAMLField {
    let node: Node
    let path: String
    let file: String
    /// The line of the key this node is the value of (nil for the root and list items).
    var keyLine: Int? = nil

    var line: Int { node.mark?.line ?? 1 }

    /// The node's resolved YAML tag (str, int, float, bool, null, …).
    var tagName: Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    /// An error about this node.
    func error(_ problem: String) -> RungError {
        RungError.badInput("\(file):\(line): key \(path.isEmpty ? "(top level)" : path): \(problem)")
    }

    /// An error about this node, located at its key's line (where the user wrote the name).
    func keyError(_ problem: String) -> RungError {
        RungError.badInput("\(file):\(keyLine ?? line): key \(path): \(problem)")
    }

    /// The entries of a mapping, rejecting keys outside `allowed` and duplicate keys.
    func mapping(allowed: [String]? = nil) throws -> [(key: String, field: YAMLField)] {
        guard case .mapping(let m) = node else { throw error("expected a mapping (key: value pairs), found \(kindName)") }
        var out: [(key: String, field: YAMLField)] = []
        var seen = Set<String>()
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                throw YAMLField(node: k, path: path, file: file).error("keys must be plain strings")
            }
            let key = ks.string
            let childPath = path.isEmpty ? key : path + "." + key
            let keyField = YAMLField(node: k, path: childPath, file: file)
            if let allowed, !allowed.contains(key) {
                throw keyField.error("unknown key '\(key)' (expected one of: \(allowed.joined(separator: ", ")))")
            }
            if !seen.insert(key).inserted { throw keyField.error("key '\(key)' appears twice") }
            out.append((key, YAMLField(node: v, path: childPath, file: file, keyLine: k.mark?.line)))
        }
        return out
    }

    /// The child `key` of a mapping node, if present.
    func child(_ key: String, in entries: [(key: String, field: YAMLField)]) -> YAMLField? {
        entries.first(where: { $0.key == key })?.field
    }

    /// The required child `key` of a mapping node.
    func required(_ key: String, in entries: [(key: String, field: YAMLField)]) throws -> YAMLField {
        guard let f = child(key, in: entries) else { throw error("missing required key '\(key)'") }
        return f
    }

    var kindName: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s): return "'\(s.string)'"
        case .alias: return "an alias"
        }
    }

    func string() throws -> String {
        guard case .scalar(let s) = node, tagName != .null else { throw error("expected a string, found \(kindName)") }
        return s.string
    }

    func double() throws -> Double {
        guard case .scalar = node, tagName == .int || tagName == .float, let d = node.float else {
            throw error("expected a number, found \(kindName)")
        }
        return d
    }

    func int() throws -> Int {
        guard case .scalar = node, tagName == .int, let i = node.int else {
            throw error("expected an integer, found \(kindName)")
        }
        return i
    }

    func bool() throws -> Bool {
        guard case .scalar = node, tagName == .bool, let b = node.bool else {
            throw error("expected true or false, found \(kindName)")
        }
        return b
    }

    /// A scalar as a parameter value (bool, int, float or string by its YAML type).
    func scalarValue() throws -> ParamValue {
        guard case .scalar(let s) = node else { throw error("expected a single value, found \(kindName)") }
        switch tagName {
        case .bool: if let b = node.bool { return .bool(b) }
        case .int: if let i = node.int { return .int(i) }
        case .float: if let d = node.float { return .double(d) }
        case .null: throw error("expected a value, found null")
        default: break
        }
        return .string(s.string)
    }

    func sequence() throws -> [YAMLField] {
        guard case .sequence(let seq) = node else { throw error("expected a list, found \(kindName)") }
        return seq.enumerated().map { YAMLField(node: $0.element, path: "\(path)[\($0.offset)]", file: file) }
    }
}
