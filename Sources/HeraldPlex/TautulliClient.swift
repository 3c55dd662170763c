import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1

/// Reads watch history from Tautulli's API v2 (`GET /api/v2?apikey=…&cmd=get_history`).
///
/// Tautulli's values are loosely typed: numbers may arrive as strings and empty values as `""`
/// (a movie's `parent_rating_key`, an episode's `year`), so rows are read field by field.
public struct TautulliClient: Sendable {
    let http: HTTPClient
    let settings: TautulliSettings

    public init(http: HTTPClient, settings: TautulliSettings) {
        self.http = http
        self.settings = settings
    }

    public struct Page: Sendable {
        public var records: [WatchRecord]
        /// Rows in the whole (filtered) history.
        public var total: Int?
        /// Rows without an id, skipped.
        public var skipped: Int
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case rejectedKey
        case status(Int)
        case apiError(String)
        case transport(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .rejectedKey: "Tautulli rejected the API key (401)"
            case .status(let code): "Tautulli answered \(code)"
            case .apiError(let message): "Tautulli answered an error: \(message)"
            case .transport(let detail): "Tautulli could not be reached: \(detail)"
            case .malformed(let detail): "Tautulli's answer could not be read: \(detail)"
            }
        }
    }

    /// Rows `start ..< start + length`, newest first; `after` (`YYYY-MM-DD`, inclusive) limits
    /// them to recent days for incremental syncs.
    public func history(start: Int, length: Int, after: String? = nil) async throws(Failure) -> Page {
        var query = "cmd=get_history&order_column=date&order_dir=desc&start=\(start)&length=\(length)"
        if let after { query += "&after=\(after)" }
        let body = try await get(query)
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let response = object["response"] as? [String: Any]
        else { throw .malformed("not a Tautulli API answer") }
        guard response["result"] as? String == "success" else {
            throw .apiError(response["message"] as? String ?? "unknown error")
        }
        guard let data = response["data"] as? [String: Any], let rows = data["data"] as? [[String: Any]] else {
            throw .malformed("get_history without data.data")
        }
        var skipped = 0
        let records = rows.compactMap { row -> WatchRecord? in
            guard let id = Self.int(row["row_id"]) ?? Self.int(row["id"]) ?? Self.int(row["reference_id"]),
                let started = Self.int(row["started"]) ?? Self.int(row["date"])
            else {
                skipped += 1
                return nil
            }
            return WatchRecord(
                rowID: Int64(id), guid: Self.string(row["guid"]), ratingKey: Self.string(row["rating_key"]),
                grandparentRatingKey: Self.string(row["grandparent_rating_key"]),
                mediaType: Self.string(row["media_type"]) ?? "", user: Self.string(row["user"]) ?? "",
                userID: Self.int(row["user_id"]).map(Int64.init), started: Date(timeIntervalSince1970: Double(started)),
                stopped: Self.int(row["stopped"]).map { Date(timeIntervalSince1970: Double($0)) },
                duration: Self.int(row["play_duration"]) ?? Self.int(row["duration"]) ?? 0,
                percentComplete: Self.int(row["percent_complete"]),
                watchedStatus: Self.double(row["watched_status"]) ?? 0)
        }
        return Page(records: records, total: Self.int(data["recordsFiltered"]), skipped: skipped)
    }

    private func get(_ query: String) async throws(Failure) -> Data {
        let base = settings.url.hasSuffix("/") ? String(settings.url.dropLast()) : settings.url
        var request = HTTPClientRequest(url: "\(base)/api/v2?apikey=\(settings.apiKey.value)&\(query)")
        request.method = .GET
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(settings.timeout.nanoseconds))
            let body = try await response.body.collect(upTo: 64 << 20)
            switch response.status.code {
            case 200..<300: return Data(body.readableBytesView)
            case 401: throw Failure.rejectedKey
            default: throw Failure.status(Int(response.status.code))
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .transport("\(error)")
        }
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: text.isEmpty ? nil : text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    static func int(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: number.intValue
        case let text as String: Int(text) ?? Double(text).map { Int($0) }
        default: nil
        }
    }

    static func double(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber: number.doubleValue
        case let text as String: Double(text)
        default: nil
        }
    }
}
