import Foundation
import RungCore

extension SQLiteDatabase.Value {
    /// A timestamp as seconds since 1970.
    static func date(_ date: Date) -> Self { .real(date.timeIntervalSince1970) }
    /// An optional timestamp (NULL when nil).
    static func date(_ date: Date?) -> Self { date.map { .real($0.timeIntervalSince1970) } ?? .null }
    /// Optional text (NULL when nil).
    static func text(_ text: String?) -> Self { text.map { .text($0) } ?? .null }
    /// An optional integer (NULL when nil).
    static func integer(_ value: Int64?) -> Self { value.map { .integer($0) } ?? .null }
    /// A count or number.
    static func int(_ value: Int) -> Self { .integer(Int64(value)) }
    /// A 64-bit seed, stored by bit pattern.
    static func seed(_ value: UInt64) -> Self { .integer(Int64(bitPattern: value)) }
}

extension SQLiteDatabase.Row {
    /// A timestamp column.
    func date(_ column: Int32) -> Date { Date(timeIntervalSince1970: double(column)) }
    /// An optional timestamp column.
    func optionalDate(_ column: Int32) -> Date? { optionalDouble(column).map { Date(timeIntervalSince1970: $0) } }
    /// A seed column.
    func seed(_ column: Int32) -> UInt64 { UInt64(bitPattern: int64(column)) }
    /// An integer column as `Int`.
    func int(_ column: Int32) -> Int { Int(int64(column)) }
}

// MARK: - Sweeps

extension SQLiteStore {
    private static let sweepColumns = "id, name, config_yaml, seed, status, data_version, created_at, finished_at, message"

    private func sweep(from row: SQLiteDatabase.Row) throws -> SweepRecord {
        let statusText = row.text(4)
        guard let status = SweepRecord.Status(rawValue: statusText) else {
            throw RungError.badInput("store \(location): sweep \(row.int64(0)) has the unknown status \(statusText)")
        }
        return SweepRecord(id: row.int64(0), name: row.text(1), configYAML: row.text(2), seed: row.seed(3),
                           status: status, dataVersion: row.optionalText(5), createdAt: row.date(6),
                           finishedAt: row.optionalDate(7), message: row.optionalText(8))
    }

    public func createSweep(_ sweep: SweepRecord) throws -> SweepRecord {
        try write("""
            INSERT INTO sweeps (name, config_yaml, seed, status, data_version, created_at, finished_at, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(sweep.name), .text(sweep.configYAML), .seed(sweep.seed), .text(sweep.status.rawValue),
                  .text(sweep.dataVersion), .date(sweep.createdAt), .date(sweep.finishedAt), .text(sweep.message)],
            purpose: "create sweep \(sweep.name)")
        var created = sweep
        created.id = db.lastInsertRowID
        return created
    }

    public func sweep(id: Int64) throws -> SweepRecord? {
        try db.query("SELECT \(Self.sweepColumns) FROM sweeps WHERE id = ?", [.integer(id)],
                     purpose: "read sweep \(id)") { try sweep(from: $0) }.first
    }

    public func sweeps(statuses: Set<SweepRecord.Status>?) throws -> [SweepRecord] {
        var sql = "SELECT \(Self.sweepColumns) FROM sweeps"
        var values: [SQLiteDatabase.Value] = []
        if let statuses {
            sql += " WHERE status IN (\(Self.placeholders(statuses.count)))"
            values = statuses.map(\.rawValue).sorted().map { .text($0) }
        }
        return try db.query(sql + " ORDER BY id", values, purpose: "list sweeps") { try sweep(from: $0) }
    }

    public func updateSweep(_ sweep: SweepRecord) throws {
        try update("""
            UPDATE sweeps SET name = ?, config_yaml = ?, seed = ?, status = ?, data_version = ?, created_at = ?,
                finished_at = ?, message = ? WHERE id = ?
            """, [.text(sweep.name), .text(sweep.configYAML), .seed(sweep.seed), .text(sweep.status.rawValue),
                  .text(sweep.dataVersion), .date(sweep.createdAt), .date(sweep.finishedAt), .text(sweep.message),
                  .integer(sweep.id)],
            purpose: "update sweep \(sweep.id)", missing: "there is no sweep \(sweep.id)")
    }

    /// `?, ?, …` with `count` placeholders.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: max(count, 1)).joined(separator: ", ")
    }
}

// MARK: - Studies

extension SQLiteStore {
    private static func study(from row: SQLiteDatabase.Row) -> StudyRecord {
        StudyRecord(sweepID: row.int64(0), family: row.text(1), trialBudget: row.int(2), createdAt: row.date(3))
    }

    public func createStudy(_ study: StudyRecord) throws {
        try write("INSERT INTO studies (sweep_id, family, trial_budget, created_at) VALUES (?, ?, ?, ?)",
                  [.integer(study.sweepID), .text(study.family), .int(study.trialBudget), .date(study.createdAt)],
                  purpose: "create study \(study.family) of sweep \(study.sweepID)")
    }

    public func study(sweepID: Int64, family: String) throws -> StudyRecord? {
        try db.query("SELECT sweep_id, family, trial_budget, created_at FROM studies WHERE sweep_id = ? AND family = ?",
                     [.integer(sweepID), .text(family)],
                     purpose: "read study \(family) of sweep \(sweepID)", Self.study(from:)).first
    }

    public func studies(sweepID: Int64) throws -> [StudyRecord] {
        try db.query("SELECT sweep_id, family, trial_budget, created_at FROM studies WHERE sweep_id = ? ORDER BY family",
                     [.integer(sweepID)], purpose: "list the studies of sweep \(sweepID)", Self.study(from:))
    }

    public func updateStudy(_ study: StudyRecord) throws {
        try update("UPDATE studies SET trial_budget = ? WHERE sweep_id = ? AND family = ?",
                   [.int(study.trialBudget), .integer(study.sweepID), .text(study.family)],
                   purpose: "update study \(study.family) of sweep \(study.sweepID)",
                   missing: "there is no study \(study.family) in sweep \(study.sweepID)")
    }
}

// MARK: - Trials

extension SQLiteStore {
    private static let trialColumns = """
        t.id, t.sweep_id, t.family, t.number, t.params_json, t.seed, t.status, t.worker, t.retries, t.last_epoch,
        t.checkpoint_uri, t.reason, t.created_at, t.started_at, t.finished_at
        """

    private func trial(from row: SQLiteDatabase.Row) throws -> TrialRecord {
        let statusText = row.text(6)
        guard let status = TrialRecord.Status(rawValue: statusText) else {
            throw RungError.badInput("store \(location): trial \(row.int64(0)) has the unknown status \(statusText)")
        }
        return TrialRecord(id: row.int64(0), sweepID: row.int64(1), family: row.text(2), number: row.int(3),
                           paramsJSON: row.text(4), seed: row.seed(5), status: status, worker: row.optionalText(7),
                           retries: row.int(8), lastEpoch: row.int(9), checkpointURI: row.optionalText(10),
                           reason: row.optionalText(11), createdAt: row.date(12), startedAt: row.optionalDate(13),
                           finishedAt: row.optionalDate(14))
    }

    public func createTrial(_ trial: TrialRecord) throws -> TrialRecord {
        try write("""
            INSERT INTO trials (sweep_id, family, number, params_json, seed, status, worker, retries, last_epoch,
                checkpoint_uri, reason, created_at, started_at, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(trial.sweepID), .text(trial.family), .int(trial.number), .text(trial.paramsJSON),
                  .seed(trial.seed), .text(trial.status.rawValue), .text(trial.worker), .int(trial.retries),
                  .int(trial.lastEpoch), .text(trial.checkpointURI), .text(trial.reason), .date(trial.createdAt),
                  .date(trial.startedAt), .date(trial.finishedAt)],
            purpose: "create trial \(trial.number) of study \(trial.family) in sweep \(trial.sweepID)")
        var created = trial
        created.id = db.lastInsertRowID
        return created
    }

    public func trial(id: Int64) throws -> TrialRecord? {
        try db.query("SELECT \(Self.trialColumns) FROM trials t WHERE t.id = ?", [.integer(id)],
                     purpose: "read trial \(id)") { try trial(from: $0) }.first
    }

    public func trials(matching query: TrialQuery) throws -> [TrialRecord] {
        var sql = "SELECT \(Self.trialColumns) FROM trials t"
        var conditions: [String] = []
        var values: [SQLiteDatabase.Value] = []
        if let sweepStatuses = query.sweepStatuses {
            sql += " JOIN sweeps s ON s.id = t.sweep_id"
            conditions.append("s.status IN (\(Self.placeholders(sweepStatuses.count)))")
            values += sweepStatuses.map(\.rawValue).sorted().map { .text($0) }
        }
        if let sweepID = query.sweepID {
            conditions.append("t.sweep_id = ?")
            values.append(.integer(sweepID))
        }
        if let family = query.family {
            conditions.append("t.family = ?")
            values.append(.text(family))
        }
        if let statuses = query.statuses {
            conditions.append("t.status IN (\(Self.placeholders(statuses.count)))")
            values += statuses.map(\.rawValue).sorted().map { .text($0) }
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY t.id"
        if let limit = query.limit {
            sql += " LIMIT ?"
            values.append(.int(limit))
        }
        return try db.query(sql, values, purpose: "list trials") { try trial(from: $0) }
    }

    public func updateTrial(_ trial: TrialRecord) throws {
        try update("""
            UPDATE trials SET params_json = ?, seed = ?, status = ?, worker = ?, retries = ?, last_epoch = ?,
                checkpoint_uri = ?, reason = ?, created_at = ?, started_at = ?, finished_at = ? WHERE id = ?
            """, [.text(trial.paramsJSON), .seed(trial.seed), .text(trial.status.rawValue), .text(trial.worker),
                  .int(trial.retries), .int(trial.lastEpoch), .text(trial.checkpointURI), .text(trial.reason),
                  .date(trial.createdAt), .date(trial.startedAt), .date(trial.finishedAt), .integer(trial.id)],
            purpose: "update trial \(trial.id)", missing: "there is no trial \(trial.id)")
    }
}

// MARK: - Epoch results

extension SQLiteStore {
    private func epoch(from row: SQLiteDatabase.Row) throws -> EpochRecord {
        let trialID = row.int64(0), epoch = row.int(1)
        let metrics = try MetricsJSON.decode(row.text(3), context: "store \(location), trial \(trialID) epoch \(epoch)")
        return EpochRecord(trialID: trialID, epoch: epoch, seconds: row.optionalDouble(2) ?? .nan, metrics: metrics,
                           recordedAt: row.date(4))
    }

    @discardableResult
    public func recordEpochs(_ epochs: [EpochRecord]) throws -> Int {
        guard !epochs.isEmpty else { return 0 }
        return try transaction {
            var inserted = 0
            for epoch in epochs {
                inserted += try write("""
                    INSERT INTO epoch_results (trial_id, epoch, seconds, metrics_json, recorded_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (trial_id, epoch) DO NOTHING
                    """, [.integer(epoch.trialID), .int(epoch.epoch),
                          epoch.seconds.isNaN ? .null : .real(epoch.seconds),
                          .text(MetricsJSON.encode(epoch.metrics)), .date(epoch.recordedAt)],
                    purpose: "record epoch \(epoch.epoch) of trial \(epoch.trialID)")
            }
            return inserted
        }
    }

    public func epochs(trialID: Int64) throws -> [EpochRecord] {
        try db.query("""
            SELECT trial_id, epoch, seconds, metrics_json, recorded_at FROM epoch_results
            WHERE trial_id = ? ORDER BY epoch
            """, [.integer(trialID)], purpose: "read the epochs of trial \(trialID)") { try epoch(from: $0) }
    }

    public func epochs(sweepID: Int64, family: String?) throws -> [EpochRecord] {
        var sql = """
            SELECT e.trial_id, e.epoch, e.seconds, e.metrics_json, e.recorded_at FROM epoch_results e
            JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ?
            """
        var values: [SQLiteDatabase.Value] = [.integer(sweepID)]
        if let family {
            sql += " AND t.family = ?"
            values.append(.text(family))
        }
        return try db.query(sql + " ORDER BY e.trial_id, e.epoch", values,
                            purpose: "read the epochs of sweep \(sweepID)") { try epoch(from: $0) }
    }
}

// MARK: - Workers

extension SQLiteStore {
    private static let workerColumns = "name, host, slots, status, first_seen, last_seen"

    private func worker(from row: SQLiteDatabase.Row) throws -> WorkerRecord {
        let statusText = row.text(3)
        guard let status = WorkerRecord.Status(rawValue: statusText) else {
            throw RungError.badInput("store \(location): worker \(row.text(0)) has the unknown status \(statusText)")
        }
        return WorkerRecord(name: row.text(0), host: row.text(1), slots: row.int(2), status: status,
                            firstSeen: row.date(4), lastSeen: row.date(5))
    }

    public func createWorker(_ worker: WorkerRecord) throws {
        try write("INSERT INTO workers (\(Self.workerColumns)) VALUES (?, ?, ?, ?, ?, ?)",
                  [.text(worker.name), .text(worker.host), .int(worker.slots), .text(worker.status.rawValue),
                   .date(worker.firstSeen), .date(worker.lastSeen)],
                  purpose: "create worker \(worker.name)")
    }

    public func worker(name: String) throws -> WorkerRecord? {
        try db.query("SELECT \(Self.workerColumns) FROM workers WHERE name = ?", [.text(name)],
                     purpose: "read worker \(name)") { try worker(from: $0) }.first
    }

    public func workers(statuses: Set<WorkerRecord.Status>?) throws -> [WorkerRecord] {
        var sql = "SELECT \(Self.workerColumns) FROM workers"
        var values: [SQLiteDatabase.Value] = []
        if let statuses {
            sql += " WHERE status IN (\(Self.placeholders(statuses.count)))"
            values = statuses.map(\.rawValue).sorted().map { .text($0) }
        }
        return try db.query(sql + " ORDER BY name", values, purpose: "list workers") { try worker(from: $0) }
    }

    public func updateWorker(_ worker: WorkerRecord) throws {
        try update("UPDATE workers SET host = ?, slots = ?, status = ?, first_seen = ?, last_seen = ? WHERE name = ?",
                   [.text(worker.host), .int(worker.slots), .text(worker.status.rawValue), .date(worker.firstSeen),
                    .date(worker.lastSeen), .text(worker.name)],
                   purpose: "update worker \(worker.name)", missing: "there is no worker \(worker.name)")
    }

    public func saveWorker(_ worker: WorkerRecord) throws {
        try write("""
            INSERT INTO workers (\(Self.workerColumns)) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET host = excluded.host, slots = excluded.slots, status = excluded.status,
                last_seen = excluded.last_seen
            """, [.text(worker.name), .text(worker.host), .int(worker.slots), .text(worker.status.rawValue),
                  .date(worker.firstSeen), .date(worker.lastSeen)],
            purpose: "save worker \(worker.name)")
    }
}

// MARK: - Model versions

extension SQLiteStore {
    private static let versionColumns = "family, version, stage, sweep_id, trial_id, uri, metrics_json, created_at"

    private func modelVersion(from row: SQLiteDatabase.Row) throws -> ModelVersion {
        let family = row.text(0), version = row.int(1), stageText = row.text(2)
        guard let stage = ModelVersion.Stage(rawValue: stageText) else {
            throw RungError.badInput("store \(location): model \(family)@\(version) has the unknown stage \(stageText)")
        }
        let metrics = try MetricsJSON.decode(row.text(6), context: "store \(location), model \(family)@\(version)")
        return ModelVersion(family: family, version: version, stage: stage, sweepID: row.optionalInt64(3),
                            trialID: row.optionalInt64(4), uri: row.text(5), metrics: metrics, createdAt: row.date(7))
    }

    public func createModelVersion(_ version: ModelVersion) throws -> ModelVersion {
        try transaction {
            let next = try db.query("SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE family = ?",
                                    [.text(version.family)], purpose: "number a new version of model \(version.family)") {
                $0.int(0)
            }.first ?? 1
            var created = version
            created.version = next
            try write("INSERT INTO model_versions (\(Self.versionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      [.text(created.family), .int(next), .text(created.stage.rawValue), .integer(created.sweepID),
                       .integer(created.trialID), .text(created.uri), .text(MetricsJSON.encode(created.metrics)),
                       .date(created.createdAt)],
                      purpose: "register model \(created.family)@\(next)")
            return created
        }
    }

    public func modelVersion(family: String, version: Int) throws -> ModelVersion? {
        try db.query("SELECT \(Self.versionColumns) FROM model_versions WHERE family = ? AND version = ?",
                     [.text(family), .int(version)], purpose: "read model \(family)@\(version)") {
            try modelVersion(from: $0)
        }.first
    }

    public func modelVersions(family: String?) throws -> [ModelVersion] {
        if let family {
            return try db.query("SELECT \(Self.versionColumns) FROM model_versions WHERE family = ? ORDER BY version",
                                [.text(family)], purpose: "list the versions of model \(family)") {
                try modelVersion(from: $0)
            }
        }
        return try db.query("SELECT \(Self.versionColumns) FROM model_versions ORDER BY family, version",
                            purpose: "list model versions") { try modelVersion(from: $0) }
    }

    public func updateModelVersion(_ version: ModelVersion) throws {
        try update("""
            UPDATE model_versions SET stage = ?, sweep_id = ?, trial_id = ?, uri = ?, metrics_json = ?, created_at = ?
            WHERE family = ? AND version = ?
            """, [.text(version.stage.rawValue), .integer(version.sweepID), .integer(version.trialID),
                  .text(version.uri), .text(MetricsJSON.encode(version.metrics)), .date(version.createdAt),
                  .text(version.family), .int(version.version)],
            purpose: "update model \(version.family)@\(version.version)",
            missing: "there is no model \(version.family)@\(version.version)")
    }
}
