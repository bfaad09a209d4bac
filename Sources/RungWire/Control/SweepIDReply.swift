/// The reply of `submit` and `cancel`: `{"ok": true, "sweep": ID}`.
public struct SweepIDReply: ControlReply, Equatable {
    /// Always true in a success reply.
    public var ok: Bool
    /// The sweep submitted or cancelled.
    public var sweep: Int64

    /// A success reply naming `sweep`.
    public init(ok: Bool = true, sweep: Int64) {
        self.ok = ok
        self.sweep = sweep
    }
}
