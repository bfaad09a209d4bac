/// The SQLite schema as an ordered list of migrations. A migration, once released, is
/// never edited: changes are new migrations appended with the next version number.
enum SQLiteSchema {
    /// One schema change.
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    /// The newest schema version this binary knows.
    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The table that records which migrations were applied.
    static let migrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at REAL NOT NULL
        );
        """

    /// Every migration, in order.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "initial schema", sql: """
            CREATE TABLE sweeps (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                name         TEXT NOT NULL,
                config_yaml  TEXT NOT NULL,
                seed         INTEGER NOT NULL,
                status       TEXT NOT NULL CHECK (status IN ('queued','running','finished','cancelled','failed')),
                data_version TEXT,
                created_at   REAL NOT NULL,
                finished_at  REAL,
                message      TEXT
            );
            CREATE INDEX sweeps_by_status ON sweeps (status);

            CREATE TABLE studies (
                sweep_id     INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
                family       TEXT NOT NULL,
                trial_budget INTEGER NOT NULL CHECK (trial_budget >= 0),
                created_at   REAL NOT NULL,
                PRIMARY KEY (sweep_id, family)
            );

            CREATE TABLE trials (
                id             INTEGER PRIMARY KEY AUTOINCREMENT,
                sweep_id       INTEGER NOT NULL,
                family         TEXT NOT NULL,
                number         INTEGER NOT NULL,
                params_json    TEXT NOT NULL,
                seed           INTEGER NOT NULL,
                status         TEXT NOT NULL CHECK (status IN ('pending','running','paused','stopped','finished','failed','cancelled')),
                worker         TEXT,
                retries        INTEGER NOT NULL DEFAULT 0,
                last_epoch     INTEGER NOT NULL DEFAULT 0,
                checkpoint_uri TEXT,
                reason         TEXT,
                created_at     REAL NOT NULL,
                started_at     REAL,
                finished_at    REAL,
                UNIQUE (sweep_id, family, number),
                FOREIGN KEY (sweep_id, family) REFERENCES studies (sweep_id, family) ON DELETE CASCADE
            );
            CREATE INDEX trials_by_status ON trials (status, sweep_id);

            CREATE TABLE epoch_results (
                trial_id     INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
                epoch        INTEGER NOT NULL,
                seconds      REAL,
                metrics_json TEXT NOT NULL,
                recorded_at  REAL NOT NULL,
                PRIMARY KEY (trial_id, epoch)
            ) WITHOUT ROWID;

            CREATE TABLE workers (
                name       TEXT PRIMARY KEY,
                host       TEXT NOT NULL,
                slots      INTEGER NOT NULL CHECK (slots >= 0),
                status     TEXT NOT NULL CHECK (status IN ('active','draining','lost','left')),
                first_seen REAL NOT NULL,
                last_seen  REAL NOT NULL
            );

            CREATE TABLE model_versions (
                family       TEXT NOT NULL,
                version      INTEGER NOT NULL CHECK (version >= 1),
                stage        TEXT NOT NULL CHECK (stage IN ('none','staging','production','archived')),
                sweep_id     INTEGER,
                trial_id     INTEGER,
                uri          TEXT NOT NULL,
                metrics_json TEXT NOT NULL,
                created_at   REAL NOT NULL,
                PRIMARY KEY (family, version)
            );
            CREATE UNIQUE INDEX model_versions_one_production ON model_versions (family) WHERE stage = 'production';
            """),
        Migration(version: 2, name: "trial final metrics", sql: """
            ALTER TABLE trials ADD COLUMN final_metrics TEXT;
            """),
    ]
}
