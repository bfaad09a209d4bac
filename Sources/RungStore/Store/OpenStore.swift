import RungCore

/// Opens the store named by `url` (`sqlite:PATH` or `postgresql://…`); `readOnly` opens it
/// for inspection without taking the writer lock or migrating it.
public func openStore(url: String, readOnly: Bool = false) throws -> any Store {
    switch try StoreURL(parsing: url) {
    case .sqlite(let path):
        return try SQLiteStore(path: path, readOnly: readOnly)
    case .postgresql:
        return try PostgresStore(url: url, readOnly: readOnly)
    }
}
