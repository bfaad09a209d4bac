import Foundation

/// What `rung report` shows beyond the store's sweep tables, gathered by the command from
/// the registry, the prepared data and the drift results: each family's feature importance
/// and the retrain gate's drift table for the sweep.
public struct ReportInsights: Sendable {
    /// One family's feature importance: the mean absolute contribution (SHAP value, log-odds)
    /// of each source column over the validation split, for the model the sweep registered.
    public struct Importance: Sendable {
        /// The family.
        public var family: String
        /// The registered version explained.
        public var version: Int
        /// The validation rows averaged over.
        public var rows: Int
        /// Source column and mean |contribution|, largest first.
        public var columns: [(column: String, value: Double)]

        /// Creates one family's importance.
        public init(family: String, version: Int, rows: Int, columns: [(column: String, value: Double)]) {
            self.family = family
            self.version = version
            self.rows = rows
            self.columns = columns
        }
    }

    /// The retrain gate's result recorded for the sweep.
    public struct Drift: Sendable {
        /// One source column (or the target) of the drift table.
        public struct Column: Sendable {
            /// The column.
            public var name: String
            /// `numeric` or `categorical`.
            public var kind: String
            /// `ks` or `chi2`.
            public var test: String
            /// The test statistic.
            public var statistic: Double
            /// The p-value.
            public var pValue: Double
            /// The population stability index.
            public var psi: Double
            /// Whether it counts as drifted.
            public var drifted: Bool

            /// Creates a row.
            public init(name: String, kind: String, test: String, statistic: Double, pValue: Double, psi: Double, drifted: Bool) {
                self.name = name
                self.kind = kind
                self.test = test
                self.statistic = statistic
                self.pValue = pValue
                self.psi = psi
                self.drifted = drifted
            }
        }

        /// The future batch compared with the initial train split.
        public var batch: Int
        /// The rule (`always`, `drift`, `degraded`).
        public var when: String
        /// Whether the sweep was to run.
        public var retrain: Bool
        /// Why.
        public var reason: String
        /// When the gate decided.
        public var recordedAt: Date
        /// The share of drifted columns, when the data was compared.
        public var driftShare: Double?
        /// The per-column rows (empty when the data was not compared).
        public var columns: [Column]
        /// The target's row, when both tables had labels.
        public var target: Column?
        /// One line per production model: its AUC on the batch against its recorded test AUC.
        public var models: [String]

        /// Creates the drift part.
        public init(batch: Int, when: String, retrain: Bool, reason: String, recordedAt: Date, driftShare: Double?,
                    columns: [Column], target: Column?, models: [String]) {
            self.batch = batch
            self.when = when
            self.retrain = retrain
            self.reason = reason
            self.recordedAt = recordedAt
            self.driftShare = driftShare
            self.columns = columns
            self.target = target
            self.models = models
        }
    }

    /// Feature importance per family, in the report's family order.
    public var importance: [Importance]
    /// Why a family has no importance chart (family → reason).
    public var importanceNotes: [String: String]
    /// The gate's result, if the run recorded one.
    public var drift: Drift?

    /// Creates the insights (none by default).
    public init(importance: [Importance] = [], importanceNotes: [String: String] = [:], drift: Drift? = nil) {
        self.importance = importance
        self.importanceNotes = importanceNotes
        self.drift = drift
    }
}
