import RungCore
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
            let membership = SQLValue.membership("s.status", in: sweepStatuses)
            conditions.append(membership.sql)
            values += membership.values
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
            let membership = SQLValue.membership("t.status", in: statuses)
            conditions.append(membership.sql)
            values += membership.values
        }
        if let afterID {
            conditions.append("t.id > ?")
            values.append(.integer(afterID))
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
