import Foundation
import RungCore
import RungStore

/// Control requests from CLI clients (`rung sweep submit`, `cancel`, `rung top`), as JSON
/// objects in `control` frames; every request gets exactly one `control_reply`.
extension Head {
    /// Answers one control request; `key` is the name of the client's CURVE key, logged
    /// with requests that change something.
    func handleControl(_ json: String, key: String? = nil) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let op = object["op"] as? String else {
            return Self.reply(["error": "a control request must be a JSON object with an \"op\""])
        }
        do {
            switch op {
            case "submit":
                guard let yaml = object["config"] as? String else {
                    return Self.reply(["error": "submit needs \"config\" (the sweep YAML text)"])
                }
                let path = object["path"] as? String ?? "submitted config"
                let id = try submitInBackground(configYAML: yaml, configPath: path, dataOverride: object["data"] as? String)
                if let key { log("sweep \(id) was submitted with key \(key)") }
                return Self.reply(["ok": true, "sweep": id])
            case "cancel":
                guard let id = (object["sweep"] as? NSNumber)?.int64Value else {
                    return Self.reply(["error": "cancel needs \"sweep\" (a sweep id)"])
                }
                guard try cancel(sweepID: id) else { return Self.reply(["error": "sweep \(id) is not running"]) }
                if let key { log("sweep \(id) was cancelled with key \(key)") }
                return Self.reply(["ok": true, "sweep": id])
            case "status":
                return Self.reply(status())
            case "top":
                let sortName = object["sort"] as? String ?? "metric"
                guard let sort = TopSort(rawValue: sortName) else {
                    return Self.reply(["error": "top: unknown sort \(sortName); known: metric, id, duration, status"])
                }
                return Self.reply(topSnapshot(sweep: (object["sweep"] as? NSNumber)?.int64Value,
                                              family: object["family"] as? String, sort: sort,
                                              limit: (object["limit"] as? NSNumber)?.intValue ?? Self.topTrialLimit))
            case "sweep":
                guard let id = (object["sweep"] as? NSNumber)?.int64Value else {
                    return Self.reply(["error": "sweep needs \"sweep\" (a sweep id)"])
                }
                guard let record = try store.sweep(id: id) else { return Self.reply(["error": "there is no sweep \(id)"]) }
                var reply: [String: Any] = ["ok": true, "sweep": id, "name": record.name, "status": record.status.rawValue,
                                            "message": record.message ?? ""]
                reply.merge(sweepProgress(id)) { old, _ in old }
                return Self.reply(reply)
            case "drain":
                guard let name = object["worker"] as? String else { return Self.reply(["error": "drain needs \"worker\""]) }
                guard drain(worker: name) else { return Self.reply(["error": "no worker named \(name)"]) }
                if let key { log("worker \(name) asked to drain with key \(key)") }
                return Self.reply(["ok": true])
            default:
                return Self.reply(["error": "unknown op \(op); known: submit, cancel, status, top, sweep, drain"])
            }
        } catch let error as RungError {
            return Self.reply(["error": error.message, "kind": error.kind.rawValue])
        } catch {
            return Self.reply(["error": "\(error)"])
        }
    }

    /// A snapshot of the head for `rung top` and `sweep submit --wait`.
    public func status() -> [String: Any] {
        let sweepsJSON: [[String: Any]] = runningSweeps.compactMap { id in
            guard let s = sweeps[id] else { return nil }
            return ["id": id, "name": s.config.name,
                    "families": s.families.map { f in
                        ["name": f.config.name, "started": f.tuner.started, "budget": f.config.trials, "running": f.running.count,
                         "queued": f.restartQueue.count, "paused": f.paused.count] as [String: Any]
                    }]
        }
        let workersJSON: [[String: Any]] = workers.names.map { name in
            let w = workers[name]!
            var entry: [String: Any] = ["name": name, "host": w.host, "slots": w.slots, "busy": w.running.count,
                                        "draining": w.draining, "last_heard_ms": Int(Date().timeIntervalSince(w.lastHeard) * 1000)]
            if let key = w.key { entry["key"] = key }
            return entry
        }
        var snapshot: [String: Any] = ["ok": true, "sweeps": sweepsJSON, "workers": workersJSON, "dropped_frames": droppedFrames]
        if let zap { snapshot["refused_handshakes"] = zap.refused }
        return snapshot
    }

    static func reply(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return #"{"error":"internal: reply not encodable"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }
}
