import RungWire

/// One reply of the head's `top` control op, as `rung top` reads it (docs/top.md): the
/// typed reply RungWire defines, named here for the files of `rung top`.
public typealias TopSnapshot = RungWire.TopSnapshot
