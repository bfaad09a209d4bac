import RungWire

/// What a slot thread tells the worker's main loop over its inproc PAIR socket.
///
/// Frames: `[0x00][wire frame]` for a message to forward to the head (`epoch_report`,
/// `done`, `failed`), `[0x01][trial u64 LE][how u8][note]` for a trial that ended with
/// nothing more to send (stopped at a milestone, cancelled).
enum SlotEvent: Equatable {
    /// How a trial ended without a message for the head.
    enum Ending: UInt8, Equatable {
        /// The head cancelled it (or its sweep).
        case cancelled = 0
        /// The head's scheduler stopped it at a milestone.
        case stopped = 1
    }

    /// Forward this message to the head.
    case toHead(WireMessage)
    /// The trial ended without a message for the head; `note` is for the log.
    case ended(trialID: UInt64, how: Ending, note: String)

    /// The frames on the PAIR socket.
    var frames: [[UInt8]] {
        switch self {
        case .toHead(let message):
            return [[0], WireFormat.encode(message)]
        case .ended(let trialID, let how, let note):
            return [[1], (0..<8).map { UInt8(truncatingIfNeeded: trialID >> (8 * UInt64($0))) }, [how.rawValue], Array(note.utf8)]
        }
    }

    /// Parses frames written by `frames`; nil for anything else.
    init?(frames: [[UInt8]]) {
        guard let tag = frames.first, tag.count == 1 else { return nil }
        switch tag[0] {
        case 0:
            guard frames.count == 2, let message = try? WireFormat.decode(frames[1]) else { return nil }
            self = .toHead(message)
        case 1:
            guard frames.count == 4, frames[1].count == 8, frames[2].count == 1, let how = Ending(rawValue: frames[2][0]) else { return nil }
            let id = frames[1].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            self = .ended(trialID: id, how: how, note: String(decoding: frames[3], as: UTF8.self))
        default:
            return nil
        }
    }
}
