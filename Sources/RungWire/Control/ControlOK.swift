/// The reply of a request that only succeeds or fails: `{"ok": true}`.
public struct ControlOK: ControlReply, Equatable {
    /// Always true in a success reply.
    public var ok: Bool

    /// A success reply.
    public init(ok: Bool = true) { self.ok = ok }
}
