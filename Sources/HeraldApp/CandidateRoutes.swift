import Foundation
import HTTPTypes
import HeraldConfig
import HeraldCore
import HeraldIngest
import HeraldStore
import Hummingbird
import NIOCore

/// The people-in-the-loop API of deletion candidates (same token as the rest of `/api`):
///
/// - `GET /api/candidates?rule=…&state=…`: candidates, soonest due first, with why they match;
/// - `POST /api/candidates/approve|keep|postpone` with `{"subject": "…"}` (`"by": "7d"` to postpone,
///   an optional `"note"` to keep);
/// - `GET /api/cleanup/actions`: what was archived or deleted;
/// - `POST /api/cleanup/actions/{id}/restore`: puts an archive back.
struct CandidateRoutes: Sendable {
    let database: AppDatabase
    let actions: CleanupActions
    let configuration: Reloadable<HeraldConfiguration>
    /// Wakes the action pass (an approval may make something due now).
    let wake: @Sendable () -> Void

    /// Adds the routes to the API group (behind the token).
    func register(on api: RouterGroup<HeraldRequestContext>) {
        api.get("candidates") { request, _ in await self.list(request) }
        api.post("candidates/{verb}") { request, context in
            await self.change(request, verb: context.parameters.get("verb") ?? "", context: context)
        }
        api.get("cleanup/actions") { request, _ in await self.actionList(request) }
        api.post("cleanup/actions/{id}/restore") { request, context in
            await self.restore(request, id: context.parameters.get("id", as: Int64.self))
        }
    }

    private func list(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        let state = query.get("state")
        if let state, CandidateState(rawValue: state) == nil {
            let states = CandidateState.allCases.map(\.rawValue).joined(separator: ", ")
            return OperationsRoutes.json(.badRequest, ["error": "state must be one of \(states)"])
        }
        do {
            let rows = try await database.candidates(rule: query.get("rule"), state: state)
            return OperationsRoutes.json(.ok, ["candidates": rows.map(Self.object)])
        } catch {
            return OperationsRoutes.json(.serviceUnavailable, ["error": "the candidates cannot be read: \(error)"])
        }
    }

    private func change(_ request: Request, verb: String, context: HeraldRequestContext) async -> Response {
        guard ["approve", "keep", "postpone"].contains(verb) else {
            return OperationsRoutes.json(.notFound, ["error": "no such action '\(verb)': approve, keep or postpone"])
        }
        let body: [String: Any]
        do {
            let buffer = try await request.body.collect(upTo: 64 << 10)
            guard let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
            else {
                return OperationsRoutes.json(.badRequest, ["error": "the body must be a JSON object"])
            }
            body = object
        } catch {
            return OperationsRoutes.json(.badRequest, ["error": "the body must be JSON of at most 64 KiB: \(error)"])
        }
        guard let subject = body["subject"] as? String, !subject.isEmpty else {
            return OperationsRoutes.json(
                .badRequest, ["error": "'subject' is required (the candidate's subject, as GET /api/candidates shows)"])
        }
        do {
            switch verb {
            case "approve":
                guard try await database.approve(subject: subject, now: Date()) else {
                    return OperationsRoutes.json(.notFound, ["error": "no open candidate \(subject)"])
                }
                wake()
                return OperationsRoutes.json(.ok, ["subject": subject, "approved": true])
            case "keep":
                let removed = try await database.keep(subject: subject, note: body["note"] as? String, now: Date())
                return OperationsRoutes.json(.ok, ["subject": subject, "kept": true, "candidates_removed": removed])
            default:
                guard let text = body["by"] as? String, let delay = ConfigValueParser.duration(text), delay > .zero
                else {
                    return OperationsRoutes.json(.badRequest, ["error": "'by' must be a duration such as 7d or 12h"])
                }
                guard try await database.postpone(subject: subject, by: delay) else {
                    return OperationsRoutes.json(.notFound, ["error": "no open candidate \(subject)"])
                }
                return OperationsRoutes.json(.ok, ["subject": subject, "postponed_by": text])
            }
        } catch {
            return OperationsRoutes.json(.serviceUnavailable, ["error": "\(error)"])
        }
    }

    private func actionList(_ request: Request) async -> Response {
        let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 100
        guard (1...1000).contains(limit) else {
            return OperationsRoutes.json(.badRequest, ["error": "limit must be 1 to 1000"])
        }
        do {
            let rows = try await database.cleanupActions(limit: limit)
            return OperationsRoutes.json(.ok, ["actions": rows.map(Self.object)])
        } catch {
            return OperationsRoutes.json(.serviceUnavailable, ["error": "the actions cannot be read: \(error)"])
        }
    }

    private func restore(_ request: Request, id: Int64?) async -> Response {
        guard let id else { return OperationsRoutes.json(.badRequest, ["error": "the action id must be a number"]) }
        do {
            switch try await actions.restore(id: id) {
            case .success(let record): return OperationsRoutes.json(.ok, ["action": Self.object(record)])
            case .failure(let failure): return OperationsRoutes.json(.conflict, ["error": failure.description])
            }
        } catch {
            return OperationsRoutes.json(.serviceUnavailable, ["error": "\(error)"])
        }
    }

    static func object(_ candidate: Candidate) -> [String: Any] {
        let format = ISO8601DateFormatter()
        return [
            "rule": candidate.rule, "subject": candidate.subject, "scope": candidate.scope, "title": candidate.title,
            "size": candidate.size, "reason": candidate.reason, "state": candidate.state,
            "flagged_at": format.string(from: candidate.flaggedAt), "due_at": format.string(from: candidate.dueAt),
            "approved_at": candidate.approvedAt.map(format.string(from:)) ?? NSNull(),
            "added_at": candidate.addedAt.map(format.string(from:)) ?? NSNull(),
        ]
    }

    static func object(_ record: CleanupActionRecord) -> [String: Any] {
        let format = ISO8601DateFormatter()
        return [
            "id": record.id, "rule": record.rule, "subject": record.subject, "title": record.title,
            "action": record.action.rawValue, "state": record.state.rawValue, "size": record.size,
            "files": record.files.map { ["from": $0.from, "to": $0.to ?? NSNull()] as [String: Any] },
            "started_at": format.string(from: record.startedAt),
            "finished_at": record.finishedAt.map(format.string(from:)) ?? NSNull(),
            "restored_at": record.restoredAt.map(format.string(from:)) ?? NSNull(), "error": record.error ?? NSNull(),
        ]
    }
}
