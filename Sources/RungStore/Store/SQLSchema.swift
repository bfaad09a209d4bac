import Foundation

/// The schema of both SQL stores as one ordered list of migrations, written once with the
/// type words of `SQLDialect.schema(_:)` (`{ID}`, `{BIGINT}`, `{REAL}`, `{BYTES}`,
/// `{WITHOUT ROWID}`). A migration, once released, is never edited: changes are new
/// migrations appended with the next version number.
///
/// PostgreSQL ids of sweeps and trials are plain `BIGINT` keys assigned by the store itself
/// (it is the only writer), so that a transaction replayed after a reconnect writes exactly
/// the same rows; SQLite assigns them (`AUTOINCREMENT`). PostgreSQL's `rung_commit_seq`
/// holds the sequence number of the last committed writing transaction: after a connection
/// drops during `COMMIT`, the store reads it to learn whether the commit happened.
enum SQLSchema {
    /// One schema change.
    struct Migration {
        /// Its number in `schema_migrations`.
        let version: Int
        /// Its name in `schema_migrations`.
        let name: String
        /// The statements, with type words.
        let template: String
        /// Statements only PostgreSQL runs, before the template's.
        var postgresqlOnly = ""

        /// The statements in `dialect`.
        func sql(for dialect: SQLDialect) -> String {
            dialect.schema(dialect == .postgresql ? postgresqlOnly + template : template)
        }

        /// The values of `recordStatement` for this migration.
        var recordValues: [SQLValue] {
            [.int(version), .text(name), .date(Date())]
        }
    }

    /// The newest schema version this binary knows.
    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The table that records which migrations were applied.
    static func migrationsTable(_ dialect: SQLDialect) -> String {
        dialect.schema("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at {REAL} NOT NULL
            )
            """)
    }

    /// The statement recording an applied migration (`Migration.recordValues`).
    static let recordStatement = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"

    /// Every migration, in order.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "initial schema", template: """
            CREATE TABLE sweeps (
                id           {ID},
                name         TEXT NOT NULL,
                config_yaml  {BYTES} NOT NULL,
                seed         {BIGINT} NOT NULL,
                status       TEXT NOT NULL CHECK (status IN ('queued','running','finished','cancelled','failed')),
                data_version TEXT,
                created_at   {REAL} NOT NULL,
                finished_at  {REAL},
                message      TEXT
            );
            CREATE INDEX sweeps_by_status ON sweeps (status);

            CREATE TABLE studies (
                sweep_id     {BIGINT} NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
                family       TEXT NOT NULL,
                trial_budget INTEGER NOT NULL CHECK (trial_budget >= 0),
                created_at   {REAL} NOT NULL,
                PRIMARY KEY (sweep_id, family)
            );

            CREATE TABLE trials (
                id             {ID},
                sweep_id       {BIGINT} NOT NULL,
                family         TEXT NOT NULL,
                number         INTEGER NOT NULL,
                params_json    TEXT NOT NULL,
                seed           {BIGINT} NOT NULL,
                status         TEXT NOT NULL CHECK (status IN ('pending','running','paused','stopped','finished','failed','cancelled')),
                worker         TEXT,
                retries        INTEGER NOT NULL DEFAULT 0,
                last_epoch     INTEGER NOT NULL DEFAULT 0,
                checkpoint_uri TEXT,
                reason         TEXT,
                created_at     {REAL} NOT NULL,
                started_at     {REAL},
                finished_at    {REAL},
                UNIQUE (sweep_id, family, number),
                FOREIGN KEY (sweep_id, family) REFERENCES studies (sweep_id, family) ON DELETE CASCADE
            );
            CREATE INDEX trials_by_status ON trials (status, sweep_id);

            CREATE TABLE epoch_results (
                trial_id     {BIGINT} NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
                epoch        INTEGER NOT NULL,
                seconds      {REAL},
                metrics_json TEXT NOT NULL,
                recorded_at  {REAL} NOT NULL,
                PRIMARY KEY (trial_id, epoch)
            ){WITHOUT ROWID};

            CREATE TABLE workers (
                name       TEXT PRIMARY KEY,
                host       TEXT NOT NULL,
                slots      INTEGER NOT NULL CHECK (slots >= 0),
                status     TEXT NOT NULL CHECK (status IN ('active','draining','lost','left')),
                first_seen {REAL} NOT NULL,
                last_seen  {REAL} NOT NULL
            );

            CREATE TABLE model_versions (
                family       TEXT NOT NULL,
                version      INTEGER NOT NULL CHECK (version >= 1),
                stage        TEXT NOT NULL CHECK (stage IN ('none','staging','production','archived')),
                sweep_id     {BIGINT},
                trial_id     {BIGINT},
                uri          TEXT NOT NULL,
                metrics_json TEXT NOT NULL,
                created_at   {REAL} NOT NULL,
                PRIMARY KEY (family, version)
            );
            CREATE UNIQUE INDEX model_versions_one_production ON model_versions (family) WHERE stage = 'production';
            """, postgresqlOnly: """
            CREATE TABLE rung_commit_seq (
                only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
                seq      BIGINT NOT NULL
            );
            INSERT INTO rung_commit_seq (seq) VALUES (0);

            """),
        Migration(version: 2, name: "trial final metrics", template: """
            ALTER TABLE trials ADD COLUMN final_metrics TEXT;
            """),
        // Earlier heads kept a running sweep's data location only in its message ("data URI").
        Migration(version: 3, name: "sweep data uri", template: """
            ALTER TABLE sweeps ADD COLUMN data_uri TEXT;
            UPDATE sweeps SET data_uri = substr(message, 6) WHERE message LIKE 'data %';
            """),
        // The retrain gate's decisions (docs/nightly.md); `sweep_id` is set once the sweep it
        // let run was submitted.
        Migration(version: 4, name: "drift results", template: """
            CREATE TABLE drift_results (
                result_key   TEXT PRIMARY KEY,
                recorded_at  {REAL} NOT NULL,
                config_name  TEXT NOT NULL,
                batch        INTEGER NOT NULL,
                retrain_when TEXT NOT NULL,
                retrain      INTEGER NOT NULL CHECK (retrain IN (0, 1)),
                reason       TEXT NOT NULL,
                drift_share  {REAL},
                sweep_id     {BIGINT},
                result_json  TEXT NOT NULL
            );
            CREATE INDEX drift_results_by_sweep ON drift_results (sweep_id);
            """),
        // What TPE was fitted on when it suggested the trial (SuggestionFit.storedText); NULL before.
        Migration(version: 5, name: "trial suggestion fit", template: """
            ALTER TABLE trials ADD COLUMN suggestion_fit TEXT;
            """),
        // The MLflow export's marks: how far each trial (trial_id 0: the sweep's parent run)
        // has been written to its tracking server (docs/mlflow.md).
        Migration(version: 6, name: "tracking export marks", template: """
            CREATE TABLE tracking_exports (
                sweep_id   {BIGINT} NOT NULL,
                trial_id   {BIGINT} NOT NULL,
                run_id     TEXT NOT NULL,
                epochs     INTEGER NOT NULL,
                status     TEXT NOT NULL,
                updated_at {REAL} NOT NULL,
                PRIMARY KEY (sweep_id, trial_id)
            );
            """),
    ]
}
