/// One column of a `CleanTable`: its name, what it is for, and its values.
public struct CleanColumn: Sendable, Equatable {
    /// What a column is for.
    public enum Role: String, Codable, Sendable {
        /// Identifies a row (kept in split files and predictions, never a feature).
        case id
        /// An input of the model.
        case feature
        /// The 0/1 label.
        case target
    }

    /// The column's name.
    public var name: String
    /// What the column is for.
    public var role: Role
    /// Its values.
    public var values: ColumnValues

    /// Creates a column.
    public init(name: String, role: Role, values: ColumnValues) {
        self.name = name
        self.role = role
        self.values = values
    }

    /// A numeric column from optional numbers (nil is missing).
    public static func numeric(_ name: String, role: Role = .feature, _ values: [Double?]) -> CleanColumn {
        CleanColumn(name: name, role: role, values: .numeric(values.map { $0 ?? .nan }))
    }

    /// A text column from optional texts (nil is missing); levels are in first-seen order.
    public static func text(_ name: String, role: Role = .feature, _ values: [String?]) -> CleanColumn {
        var index: [String: Int32] = [:]
        var levels: [String] = []
        let codes = values.map { v -> Int32 in
            guard let v else { return -1 }
            if let c = index[v] { return c }
            let c = Int32(levels.count)
            index[v] = c
            levels.append(v)
            return c
        }
        return CleanColumn(name: name, role: role, values: .text(codes: codes, levels: levels))
    }

    /// Whether the column holds numbers.
    public var isNumeric: Bool {
        if case .numeric = values { return true }
        return false
    }

    /// The value in `row` as text (numbers as written in split files), or nil if missing.
    public func text(at row: Int) -> String? {
        switch values {
        case .numeric(let v):
            let x = v[row]
            if x.isNaN { return nil }
            var out: [UInt8] = []
            NumberFormatting.append(x, to: &out)
            return String(decoding: out, as: UTF8.self)
        case .text(let codes, let levels):
            let c = codes[row]
            return c < 0 ? nil : levels[Int(c)]
        }
    }
}
