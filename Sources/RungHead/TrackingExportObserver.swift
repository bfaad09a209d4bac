import Foundation
import RungStore
import RungMLflow

/// Connects the MLflow tracking export (`TrackingExportThread`) to the head: after every
/// pass it nudges the export thread, and inside every pass's transaction it writes the
/// export marks the thread moved since (the head is the store's only writer).
public final class TrackingExportObserver: HeadPassObserver {
    /// The export thread.
    public let export: TrackingExportThread

    /// An observer for `export` (already started or not).
    public init(export: TrackingExportThread) {
        self.export = export
    }

    /// Writes the marks the export moved since the last pass.
    public func passWillCommit(store: any Store) throws {
        let marks = export.takeMarks()
        guard !marks.isEmpty, let markStore = store as? any TrackingMarkStore else { return }
        try markStore.saveTrackingMarks(marks)
    }

    /// Nudges the export after a pass that changed rows.
    public func passCommitted(_ pass: HeadPass, head: Head) {
        if !pass.effects.isEmpty { export.nudge() }
    }
}
