-- A SQLite store written by rung at commit 2cc2398 (schema version 2: rung-storebench, 2 trials x 2 epochs,
-- plus one model version), dumped with sqlite3 .dump. SQLiteStoreTests loads it and opens it with today's code.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at REAL NOT NULL
);
INSERT INTO schema_migrations VALUES(1,'initial schema',1796279499.6668491363);
INSERT INTO schema_migrations VALUES(2,'trial final metrics',1796279499.667552948);
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
INSERT INTO sweeps VALUES(1,'storebench',replace('name: storebench\n','\n',char(10)),1,'finished',NULL,1796279499.6677799224,NULL,NULL);
CREATE TABLE studies (
    sweep_id     INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
    family       TEXT NOT NULL,
    trial_budget INTEGER NOT NULL CHECK (trial_budget >= 0),
    created_at   REAL NOT NULL,
    PRIMARY KEY (sweep_id, family)
);
INSERT INTO studies VALUES(1,'xgboost',2,1796279499.6680521965);
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
    finished_at    REAL, final_metrics TEXT,
    UNIQUE (sweep_id, family, number),
    FOREIGN KEY (sweep_id, family) REFERENCES studies (sweep_id, family) ON DELETE CASCADE
);
INSERT INTO trials VALUES(1,1,'xgboost',1,'{"max_depth":1,"learning_rate":0.05}',1,'finished','w0',0,2,NULL,NULL,1796279499.6682639121,1796279499.6682634353,1796279499.668926239,'{"test_auc":0.69,"val_auc":0.7}');
INSERT INTO trials VALUES(2,1,'xgboost',2,'{"max_depth":2,"learning_rate":0.05}',2,'finished','w0',0,2,NULL,NULL,1796279499.669189453,1796279499.669189453,1796279499.6695563792,'{"test_auc":0.69,"val_auc":0.7}');
CREATE TABLE epoch_results (
    trial_id     INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    epoch        INTEGER NOT NULL,
    seconds      REAL,
    metrics_json TEXT NOT NULL,
    recorded_at  REAL NOT NULL,
    PRIMARY KEY (trial_id, epoch)
) WITHOUT ROWID;
INSERT INTO epoch_results VALUES(1,1,0.25,'{"train_auc":0.7,"val_auc":0.601,"val_logloss":0.5}',1796279499.6683635711);
INSERT INTO epoch_results VALUES(1,2,0.25,'{"train_auc":0.7,"val_auc":0.602,"val_logloss":0.5}',1796279499.6688511371);
INSERT INTO epoch_results VALUES(2,1,0.25,'{"train_auc":0.7,"val_auc":0.601,"val_logloss":0.5}',1796279499.6692113876);
INSERT INTO epoch_results VALUES(2,2,0.25,'{"train_auc":0.7,"val_auc":0.602,"val_logloss":0.5}',1796279499.6695122719);
CREATE TABLE workers (
    name       TEXT PRIMARY KEY,
    host       TEXT NOT NULL,
    slots      INTEGER NOT NULL CHECK (slots >= 0),
    status     TEXT NOT NULL CHECK (status IN ('active','draining','lost','left')),
    first_seen REAL NOT NULL,
    last_seen  REAL NOT NULL
);
INSERT INTO workers VALUES('w0','bench',1,'active',1796279499.668366909,1796279499.6695127486);
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
INSERT INTO model_versions VALUES('xgboost',1,'production',1,2,'file:///registry/xgboost/1','{"val_auc":0.7}',1790000000.5);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('sweeps',1);
INSERT INTO sqlite_sequence VALUES('trials',2);
CREATE INDEX sweeps_by_status ON sweeps (status);
CREATE INDEX trials_by_status ON trials (status, sweep_id);
CREATE UNIQUE INDEX model_versions_one_production ON model_versions (family) WHERE stage = 'production';
COMMIT;
