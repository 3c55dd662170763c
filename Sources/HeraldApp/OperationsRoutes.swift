import Foundation
import HTTPTypes
import HeraldConfig
import HeraldCore
import HeraldIngest
import HeraldStore
import HeraldWatch
import Hummingbird
import NIOCore
import Prometheus

/// `/healthz`, `/readyz`, `/metrics` and the read API `/api/events`.
struct OperationsRoutes: Sendable {
    let database: AppDatabase
    let readiness: Readiness
    let registry: PrometheusCollectorRegistry
    let configuration: Reloadable<HeraldConfiguration>
    /// Why the journal cannot take events now, if it cannot (`JournalWriter.commitFailure`).
    var journalFailure: @Sendable () -> String? = { nil }

    /// Adds the routes: the probes and metrics on `router`, the API on `api` (behind the token).
    func register(on router: Router<HeraldRequestContext>, api: RouterGroup<HeraldRequestContext>) {
        router.get("/healthz") { _, _ in Self.text(.ok, "ok\n") }
        router.get("/readyz") { _, _ in await self.ready() }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        api.get("events") { request, _ in await self.events(request) }
        api.get("deliveries") { request, _ in await self.deliveries(request) }
        api.post("deliveries/{id}/retry") { request, context in
            await self.replay(request, id: context.parameters.get("id", as: Int64.self))
        }
    }

    private func ready() async -> Response {
        let databaseOK = await database.isHealthy()
        let shuttingDown = readiness.isShuttingDown
        let journalFailure = journalFailure()
        let ready = databaseOK && !shuttingDown && readiness.isServing && journalFailure == nil
        var body: [String: Any] = [
            "status": ready ? "ready" : "not ready",
            "database": databaseOK ? "ok" : "unavailable",
            "shutting_down": shuttingDown,
        ]
        if let problem = database.durabilityProblem ?? journalFailure.map({ "commits fail: \($0)" }) {
            body["journal"] = problem
        }
        // A watcher that fell back to polling is degraded, not unready: events still arrive.
        if let watch = readiness.watch {
            body["watch"] =
                [
                    "watches": watch.watches, "polled_trees": watch.polledTrees,
                    "degraded": watch.degradedReason ?? NSNull(),
                ] as [String: Any]
        }
        return Self.json(ready ? .ok : .serviceUnavailable, body)
    }

    /// `GET /api/deliveries?state=dead&channel=discord&limit=50`: the outbox, newest first.
    private func deliveries(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        var state: Delivery.State?
        if let text = query.get("state") {
            guard let parsed = Delivery.State(rawValue: text) else {
                let states = Delivery.State.allCases.map(\.rawValue).joined(separator: ", ")
                return Self.json(.badRequest, ["error": "state must be one of \(states)"])
            }
            state = parsed
        }
        let limit = query.get("limit").flatMap(Int.init) ?? 50
        guard (1...1000).contains(limit) else { return Self.json(.badRequest, ["error": "limit must be 1 to 1000"]) }
        do {
            let rows = try await database.deliveries(state: state, channel: query.get("channel"), limit: limit)
            return Self.json(.ok, ["deliveries": rows.map(\.jsonObject)])
        } catch {
            return Self.json(.serviceUnavailable, ["error": "the outbox cannot be read: \(error)"])
        }
    }

    /// `POST /api/deliveries/{id}/retry`: sends a dead or expired message again.
    private func replay(_ request: Request, id: Int64?) async -> Response {
        guard let id else { return Self.json(.badRequest, ["error": "the delivery id must be a number"]) }
        do {
            let ttl = try await database.delivery(id: id).flatMap {
                configuration.current.notifications.channel(named: $0.channel)?.ttl
            }
            guard try await database.replayDelivery(id: id, now: Date(), ttl: ttl ?? .seconds(86_400)) else {
                return Self.json(.conflict, ["error": "delivery \(id) is not dead or expired (or does not exist)"])
            }
            return Self.json(.accepted, ["status": "pending", "id": id])
        } catch {
            return Self.json(.serviceUnavailable, ["error": "\(error)"])
        }
    }

    private func events(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        var filter = EventFilter(limit: 50)
        do {
            filter = try EventQuery.filter(
                since: query.get("since"), source: query.get("source"), kind: query.get("kind"),
                after: query.get("after"), before: query.get("before"), limit: query.get("limit"),
                maxLimit: Self.maxEventsPage, now: Date())
        } catch {
            return Self.json(.badRequest, ["error": "\(error)"])
        }
        do {
            let entries = try await database.events(matching: filter)
            var body: [String: Any] = ["events": entries.map(\.jsonObject)]
            // A full page has a next one, in the same direction, from its last entry.
            if entries.count == filter.limit, let last = entries.last {
                body[filter.ascending ? "next_after" : "next_before"] = last.sequence
            }
            return Self.json(.ok, body)
        } catch {
            return Self.json(.serviceUnavailable, ["error": "the journal cannot be read: \(error)"])
        }
    }

    /// The largest page of `/api/events`: raw bodies included, 1,000 events are a few MiB held
    /// in memory while the answer is written (10,000 left the daemon 80 MB larger).
    static let maxEventsPage = 1000

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data + [UInt8(ascii: "\n")])))
    }
}
