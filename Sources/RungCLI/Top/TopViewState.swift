import RungWire

/// What the person chose in `rung top`: the sweep, the family filter, the sort, the scroll.
public struct TopViewState: Equatable, Sendable {
    /// The chosen sweep (nil: the head chooses).
    public var sweep: Int64?
    /// The family filter (nil: every family).
    public var family: String?
    /// The trial table's order.
    public var sort: TopSort = .metric
    /// The first trial row shown.
    public var scroll = 0

    /// The choices `rung top` starts with.
    public init(sweep: Int64? = nil, family: String? = nil, sort: TopSort = .metric, scroll: Int = 0) {
        self.sweep = sweep
        self.family = family
        self.sort = sort
        self.scroll = scroll
    }

    /// Applies a key; returns false for `quit`. `page` is how many trial rows are visible.
    public mutating func apply(_ key: TopKey, snapshot: TopSnapshot?, page: Int) -> Bool {
        switch key {
        case .quit:
            return false
        case .nextSweep, .previousSweep:
            guard let sweeps = snapshot?.sweeps, !sweeps.isEmpty else { return true }
            let current = sweeps.firstIndex { $0.id == (sweep ?? snapshot?.sweep) } ?? 0
            let step = key == .nextSweep ? 1 : sweeps.count - 1
            sweep = sweeps[(current + step) % sweeps.count].id
            family = nil
            scroll = 0
        case .family:
            guard let names = selectedSweep(in: snapshot)?.families.map(\.name), !names.isEmpty else { return true }
            if let family, let i = names.firstIndex(of: family) {
                self.family = i + 1 < names.count ? names[i + 1] : nil
            } else {
                family = names[0]
            }
            scroll = 0
        case .sort:
            sort = sort.next
            scroll = 0
        case .up: scroll = max(0, scroll - 1)
        case .down: scroll += 1
        case .pageUp: scroll = max(0, scroll - max(1, page))
        case .pageDown: scroll += max(1, page)
        case .top: scroll = 0
        case .bottom: scroll = Int.max / 2
        }
        return true
    }

    /// The sweep on screen: the chosen one if the head still shows it, else the head's choice.
    public func selectedSweep(in snapshot: TopSnapshot?) -> TopSnapshot.Sweep? {
        guard let snapshot else { return nil }
        return snapshot.sweeps.first { $0.id == sweep } ?? snapshot.selected ?? snapshot.sweeps.first
    }

    /// The snapshot's trials of the selected sweep, filtered and ordered as chosen (the head
    /// already did so; this keeps the view right between a key press and the next snapshot).
    public func trials(in snapshot: TopSnapshot?) -> [TopSnapshot.Trial] {
        guard let snapshot, let selected = selectedSweep(in: snapshot), snapshot.sweep == selected.id else { return [] }
        let higher = selected.mode != "min"
        let rank = ["running": 0, "paused": 1, "pending": 2, "finished": 3, "stopped": 4, "failed": 5, "cancelled": 6]
        return snapshot.trials.filter { family == nil || $0.family == family }.sorted { a, b in
            switch sort {
            case .metric:
                let av = a.metric, bv = b.metric
                if let av, let bv, av != bv { return higher ? av > bv : av < bv }
                if (av == nil) != (bv == nil) { return av != nil }
            case .id: break
            case .duration:
                let ad = a.seconds ?? -1, bd = b.seconds ?? -1
                if ad != bd { return ad > bd }
            case .status:
                let ar = rank[a.status] ?? 9, br = rank[b.status] ?? 9
                if ar != br { return ar < br }
            }
            return a.id > b.id
        }
    }
}
