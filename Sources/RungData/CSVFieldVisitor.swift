/// What `CSVReader` calls while it scans a file: one call per field and one per record.
/// Generic use lets the optimiser specialise the scanning loop for each visitor.
public protocol CSVFieldVisitor {
    /// Receives field number `index` (0-based) of the current record; `bytes` are only
    /// valid during the call and already have quotes removed and doubled quotes collapsed.
    mutating func field(_ bytes: UnsafeBufferPointer<UInt8>, index: Int) throws
    /// Ends the current record, which had `fieldCount` fields and began on `line` (1-based).
    mutating func endRecord(fieldCount: Int, line: Int) throws
}
