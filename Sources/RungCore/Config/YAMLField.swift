import Yams

/// The one YAML validation layer for rung's input files (sweep configs and dataset
/// recipes): a YAML node together with where it came from (file, key path), so that every
/// error has the one format `FILE:LINE: key PATH: what is wrong` (docs/config.md).
public struct YAMLField {
    /// The YAML node.
    public let node: Node
    /// The dotted key path of the node (`split.train`, `families.xgboost.space`); empty for
    /// the document's root.
    public let path: String
    /// The file name used in messages.
    public let file: String
    /// The line of the key this node is the value of (nil for the root and list items).
    public var keyLine: Int? = nil

    /// A field for `node` at `path` of `file`.
    public init(node: Node, path: String, file: String, keyLine: Int? = nil) {
        self.node = node
        self.path = path
        self.file = file
        self.keyLine = keyLine
    }

    /// Parses `yaml` into the root field of `file`; an empty document is an error naming
    /// `what` ("the sweep config is empty"), a syntax error names the line.
    public static func document(yaml: String, file: String, what: String) throws -> YAMLField {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw RungError.badInput("\(file):1: \(what) is empty")
            }
            root = node
        } catch let e as RungError {
            throw e
        } catch let e as YamlError {
            throw RungError.badInput(syntaxErrorMessage(e, file: file))
        } catch {
            throw RungError.badInput("\(file): invalid YAML: \(error)")
        }
        return YAMLField(node: root, path: "", file: file)
    }

    /// A YAML syntax error in the one format.
    static func syntaxErrorMessage(_ e: YamlError, file: String) -> String {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let ctx = context.map { " \($0.text)" } ?? ""
            return "\(file):\(mark.line): invalid YAML: \(problem)\(ctx)"
        case let .duplicatedKeysInMapping(duplicates, context):
            return "\(file):\(context.mark.line): key \(duplicates.joined(separator: ", ")) appears twice"
        default:
            return "\(file): invalid YAML: \(e)"
        }
    }

    /// The line the node starts on.
    public var line: Int { node.mark?.line ?? 1 }

    /// The node's resolved YAML tag (str, int, float, bool, null, …).
    var tagName: Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    /// The error `FILE:LINE: key PATH: problem` for `problem` at `line` and key `path`
    /// (`FILE: key PATH: problem` when the line is unknown: nil or 0).
    public static func error(file: String, line: Int?, path: String, _ problem: String) -> RungError {
        let at = line.map { $0 > 0 ? "\(file):\($0)" : file } ?? file
        return RungError.badInput("\(at): key \(path.isEmpty ? "(top level)" : path): \(problem)")
    }

    /// An error about this node.
    public func error(_ problem: String) -> RungError {
        Self.error(file: file, line: line, path: path, problem)
    }

    /// An error about this node, located at its key's line (where the user wrote the name).
    public func keyError(_ problem: String) -> RungError {
        Self.error(file: file, line: keyLine ?? line, path: path, problem)
    }

    /// The entries of a mapping, rejecting keys outside `allowed` and duplicate keys.
    public func mapping(allowed: [String]? = nil) throws -> [(key: String, field: YAMLField)] {
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
    public func child(_ key: String, in entries: [(key: String, field: YAMLField)]) -> YAMLField? {
        entries.first(where: { $0.key == key })?.field
    }

    /// The required child `key` of a mapping node.
    public func required(_ key: String, in entries: [(key: String, field: YAMLField)]) throws -> YAMLField {
        guard let f = child(key, in: entries) else { throw error("missing required key '\(key)'") }
        return f
    }

    /// How the node reads in a message: "a mapping", "a list", or the scalar in quotes.
    public var kindName: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s): return "'\(s.string)'"
        case .alias: return "an alias"
        }
    }

    /// A string scalar (not null).
    public func string() throws -> String {
        guard case .scalar(let s) = node, tagName != .null else { throw error("expected a string, found \(kindName)") }
        return s.string
    }

    /// Any scalar's text as written (a column name or a label such as `NULL`, `yes` or `3`).
    public func text() throws -> String {
        guard case .scalar(let s) = node else { throw error("expected a single value, found \(kindName)") }
        return s.string
    }

    /// A number (an int or float scalar).
    public func double() throws -> Double {
        guard case .scalar = node, tagName == .int || tagName == .float, let d = node.float else {
            throw error("expected a number, found \(kindName)")
        }
        return d
    }

    /// An integer scalar.
    public func int() throws -> Int {
        guard case .scalar = node, tagName == .int, let i = node.int else {
            throw error("expected an integer, found \(kindName)")
        }
        return i
    }

    /// A boolean scalar.
    public func bool() throws -> Bool {
        guard case .scalar = node, tagName == .bool, let b = node.bool else {
            throw error("expected true or false, found \(kindName)")
        }
        return b
    }

    /// A scalar as a parameter value (bool, int, float or string by its YAML type).
    public func scalarValue() throws -> ParamValue {
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

    /// The items of a list, each with the path `PATH[i]`.
    public func sequence() throws -> [YAMLField] {
        guard case .sequence(let seq) = node else { throw error("expected a list, found \(kindName)") }
        return seq.enumerated().map { YAMLField(node: $0.element, path: "\(path)[\($0.offset)]", file: file) }
    }
}
