/// Trials ranked by the sweep metric at their last reported epoch.
///
/// Order: trials with a value for the metric first, best first in the metric's mode
/// (`max`: higher is better); trials whose metric is missing or NaN at their last reported
/// epoch (or that reported nothing yet) last. Ties go to the trial with more epochs, then
/// to the lower trial id, so the order is total and deterministic. Each entry also carries
/// its rank within its family.
public struct Leaderboard: Sendable, Equatable {
    /// The metric the trials are ranked by.
    public let metric: MetricSettings
    /// Every trial, ranked (rank 1 first).
    public let entries: [LeaderboardEntry]

    /// Ranks `trials` by `metric`, reading each trial's value from its reports in `epochs`
    /// (reports of trials not in `trials` are ignored; the highest epoch of a trial counts).
    public init(trials: [LeaderboardTrial], epochs: [LeaderboardEpoch], metric: MetricSettings) {
        self.metric = metric
        var last: [Int64: LeaderboardEpoch] = [:]
        for report in epochs where (last[report.trialID]?.epoch ?? Int.min) < report.epoch {
            last[report.trialID] = report
        }
        var unranked = trials.map { trial -> LeaderboardEntry in
            let report = last[trial.id]
            return LeaderboardEntry(rank: 0, familyRank: 0, trial: trial, epoch: report?.epoch,
                                    value: report?.metrics[metric.name] ?? .nan, metrics: report?.metrics ?? [:])
        }
        unranked.sort { Self.precedes($0, $1, mode: metric.mode) }
        var familyCounts: [String: Int] = [:]
        var ranked: [LeaderboardEntry] = []
        ranked.reserveCapacity(unranked.count)
        for (index, var entry) in unranked.enumerated() {
            entry.rank = index + 1
            let place = (familyCounts[entry.trial.family] ?? 0) + 1
            familyCounts[entry.trial.family] = place
            entry.familyRank = place
            ranked.append(entry)
        }
        entries = ranked
    }

    /// Whether `a` ranks above `b`: a value beats no value, a better value beats a worse
    /// one, then more epochs, then the lower trial id.
    public static func precedes(_ a: LeaderboardEntry, _ b: LeaderboardEntry, mode: OptimizationMode) -> Bool {
        BestPerFamily.precedes(aValue: a.value, aEpochs: a.trial.epochs, aID: a.trial.id,
                               bValue: b.value, bEpochs: b.trial.epochs, bID: b.trial.id, mode: mode)
    }

    /// The families present, in the order of their best entry.
    public var families: [String] {
        var seen: Set<String> = []
        return entries.compactMap { seen.insert($0.trial.family).inserted ? $0.trial.family : nil }
    }

    /// The entries of one family (all families when nil), in rank order.
    public func entries(family: String?) -> [LeaderboardEntry] {
        guard let family else { return entries }
        return entries.filter { $0.trial.family == family }
    }

    /// The first `count` entries of one family (or of all), in rank order.
    public func top(_ count: Int, family: String? = nil) -> [LeaderboardEntry] {
        Array(entries(family: family).prefix(max(0, count)))
    }

    /// The best entry of each family that has a value for the metric: the best so far, as
    /// `BestPerFamily` defines it (the ranking is that definition's order).
    public var bestPerFamily: [String: LeaderboardEntry] {
        var best: [String: LeaderboardEntry] = [:]
        for entry in entries where entry.hasValue && best[entry.trial.family] == nil {
            best[entry.trial.family] = entry
        }
        return best
    }

    /// The best entry overall with a value for the metric, if any.
    public var best: LeaderboardEntry? {
        entries.first.flatMap { $0.hasValue ? $0 : nil }
    }

    /// The best value so far of one family after each of its trials, in trial-id order
    /// (the trials' last reported values; NaN until some trial of the family has a value).
    public func bestSoFar(family: String) -> [(trialID: Int64, value: Double)] {
        var current = Double.nan
        return entries(family: family).sorted { $0.trial.id < $1.trial.id }.map { entry in
            if entry.hasValue, current.isNaN || (metric.mode == .max ? entry.value > current : entry.value < current) {
                current = entry.value
            }
            return (entry.trial.id, current)
        }
    }
}
