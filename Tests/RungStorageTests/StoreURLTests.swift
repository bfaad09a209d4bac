import RungCore
@testable import RungStore
import XCTest

final class StoreURLTests: XCTestCase {
    func testParsesSQLiteForms() throws {
        XCTAssertEqual(try StoreURL(parsing: "sqlite:.rung/rung.db"), .sqlite(path: ".rung/rung.db"))
        XCTAssertEqual(try StoreURL(parsing: "sqlite:/var/lib/rung.db"), .sqlite(path: "/var/lib/rung.db"))
        XCTAssertEqual(try StoreURL(parsing: "sqlite:///var/lib/rung.db"), .sqlite(path: "/var/lib/rung.db"))
        XCTAssertEqual(try StoreURL(parsing: StoreURL.defaultURL), .sqlite(path: ".rung/rung.db"))
        for bad in ["sqlite:", "sqlite://host/x.db", "mysql://x", "rung.db", ""] {
            let error = captureError { try StoreURL(parsing: bad) } as? RungError
            XCTAssertEqual(error?.kind, .usage, bad)
        }
    }

    func testParsesPostgresAndMasksPasswords() throws {
        let url = "postgresql://rung:s3cr3t@db.example:5432/rung?sslmode=require"
        let parsed = try StoreURL(parsing: url)
        XCTAssertEqual(parsed, .postgresql(uri: url))
        XCTAssertEqual(parsed.description, "postgresql://rung:***@db.example:5432/rung?sslmode=require")
        XCTAssertEqual(StoreURL.masked("postgres://u@h/db?password=hunter2&x=1"), "postgres://u@h/db?password=***&x=1")
        XCTAssertEqual(StoreURL.masked("postgresql://u@h:5432/db"), "postgresql://u@h:5432/db")

        // openStore routes postgresql:// to PostgresStore; nothing listens on port 1, so
        // after its bounded retries it reports the masked URL and never the password.
        let unreachable = "postgresql://rung:s3cr3t@127.0.0.1:1/rung"
        let error = captureError { try openStore(url: unreachable) } as? RungError
        XCTAssertEqual(error?.kind, .unavailable)
        XCTAssertTrue(error?.message.contains("postgresql://rung:***@127.0.0.1:1/rung") ?? false, error?.message ?? "")
        XCTAssertFalse(error?.message.contains("s3cr3t") ?? true, "the password never appears in a message")
    }

    func testOpenStoreOpensSQLite() throws {
        let dir = try TemporaryDirectory()
        let store = try openStore(url: "sqlite:" + dir.path("a/b.db"))
        XCTAssertEqual(store.location, "sqlite:" + dir.path("a/b.db"))
        XCTAssertFalse(store.isReadOnly)
    }
}
