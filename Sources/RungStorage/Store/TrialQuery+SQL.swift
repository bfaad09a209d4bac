/// The SELECT both SQL stores run for `trials(matching:)`.
extension TrialQuery {
    /// The statement selecting `columns` of the matching trials (table alias `t`), ordered by
    /// id, and its parameter values.
    func selectStatement(columns: String) -> (sql: String, values: [SQLValue]) {
        var sql = "SELECT \(columns) FROM trials t"
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let sweepStatuses {
            sql += " JOIN sweeps s ON s.id = t.sweep_id"
            conditions.append("s.status IN (\(SQLValue.placeholders(sweepStatuses.count)))")
            values += sweepStatuses.map(\.rawValue).sorted().map { .text($0) }
        }
        if let sweepID {
            conditions.append("t.sweep_id = ?")
            values.append(.integer(sweepID))
        }
        if let family {
            conditions.append("t.family = ?")
            values.append(.text(family))
        }
        if let statuses {
            conditions.append("t.status IN (\(SQLValue.placeholders(statuses.count)))")
            values += statuses.map(\.rawValue).sorted().map { .text($0) }
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY t.id"
        if let limit {
            sql += " LIMIT ?"
            values.append(.int(limit))
        }
        return (sql, values)
    }
}
