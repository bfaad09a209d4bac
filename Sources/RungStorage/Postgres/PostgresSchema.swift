/// The PostgreSQL schema as an ordered list of migrations, numbered like the SQLite
/// schema's (version 2 is "trial final metrics" in both). A migration, once released, is
/// never edited: changes are new migrations appended with the next version number.
///
/// Ids of sweeps and trials are plain `BIGINT` keys assigned by the store itself (it is
/// the only writer), so that a transaction replayed after a reconnect writes exactly the
/// same rows. `rung_commit_seq` holds the sequence number of the last committed writing
/// transaction: after a connection drops during `COMMIT`, the store reads it to learn
/// whether the commit happened.
enum PostgresSchema {
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
            applied_at DOUBLE PRECISION NOT NULL
        )
        """

    /// Every migration, in order.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "initial schema", sql: """
            CREATE TABLE rung_commit_seq (
                only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
                seq      BIGINT NOT NULL
            );
            INSERT INTO rung_commit_seq (seq) VALUES (0);

            CREATE TABLE sweeps (
                id           BIGINT PRIMARY KEY,
                name         TEXT NOT NULL,
                config_yaml  BYTEA NOT NULL,
                seed         BIGINT NOT NULL,
                status       TEXT NOT NULL CHECK (status IN ('queued','running','finished','cancelled','failed')),
                data_version TEXT,
                created_at   DOUBLE PRECISION NOT NULL,
                finished_at  DOUBLE PRECISION,
                message      TEXT
            );
            CREATE INDEX sweeps_by_status ON sweeps (status);

            CREATE TABLE studies (
                sweep_id     BIGINT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
                family       TEXT NOT NULL,
                trial_budget INTEGER NOT NULL CHECK (trial_budget >= 0),
                created_at   DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (sweep_id, family)
            );

            CREATE TABLE trials (
                id             BIGINT PRIMARY KEY,
                sweep_id       BIGINT NOT NULL,
                family         TEXT NOT NULL,
                number         INTEGER NOT NULL,
                params_json    TEXT NOT NULL,
                seed           BIGINT NOT NULL,
                status         TEXT NOT NULL CHECK (status IN ('pending','running','paused','stopped','finished','failed','cancelled')),
                worker         TEXT,
                retries        INTEGER NOT NULL DEFAULT 0,
                last_epoch     INTEGER NOT NULL DEFAULT 0,
                checkpoint_uri TEXT,
                reason         TEXT,
                created_at     DOUBLE PRECISION NOT NULL,
                started_at     DOUBLE PRECISION,
                finished_at    DOUBLE PRECISION,
                UNIQUE (sweep_id, family, number),
                FOREIGN KEY (sweep_id, family) REFERENCES studies (sweep_id, family) ON DELETE CASCADE
            );
            CREATE INDEX trials_by_status ON trials (status, sweep_id);

            CREATE TABLE epoch_results (
                trial_id     BIGINT NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
                epoch        INTEGER NOT NULL,
                seconds      DOUBLE PRECISION,
                metrics_json TEXT NOT NULL,
                recorded_at  DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (trial_id, epoch)
            );

            CREATE TABLE workers (
                name       TEXT PRIMARY KEY,
                host       TEXT NOT NULL,
                slots      INTEGER NOT NULL CHECK (slots >= 0),
                status     TEXT NOT NULL CHECK (status IN ('active','draining','lost','left')),
                first_seen DOUBLE PRECISION NOT NULL,
                last_seen  DOUBLE PRECISION NOT NULL
            );

            CREATE TABLE model_versions (
                family       TEXT NOT NULL,
                version      INTEGER NOT NULL CHECK (version >= 1),
                stage        TEXT NOT NULL CHECK (stage IN ('none','staging','production','archived')),
                sweep_id     BIGINT,
                trial_id     BIGINT,
                uri          TEXT NOT NULL,
                metrics_json TEXT NOT NULL,
                created_at   DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (family, version)
            );
            CREATE UNIQUE INDEX model_versions_one_production ON model_versions (family) WHERE stage = 'production';
            """),
        Migration(version: 2, name: "trial final metrics", sql: """
            ALTER TABLE trials ADD COLUMN final_metrics TEXT;
            """),
    ]
}
