import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1

/// Serves the JSON webhook routes (`/hooks/{tautulli,sonarr,radarr,lidarr}`, `/hooks/generic/{name}`)
/// inside each connection's HTTP/1 pipeline, in front of Hummingbird (see `HTTPServerBuilder.herald`).
///
/// Why: these are the routes that take bursts (an *arr import of a season, a Tautulli library
/// sweep), and each request is small. Served through the router, a request costs a Swift task and
/// the hops between the event loop and the async world about as much CPU as reading, decoding and
/// journalling it. Here the body is gathered on the event loop, decoded there, and handed to the
/// journal with a callback that writes the 202 once the event is durable: no task per request.
/// It sits right after NIO's HTTP/1 decoder, so hook requests are not converted to HTTP types
/// either; they are read as NIO parses them.
///
/// Everything else (Plex, the API, `/metrics`) is passed on untouched to Hummingbird, which sits
/// behind this handler in the same pipeline. Answers on one connection stay in request order: a
/// hook request waits while a request passed on is unanswered, and later requests wait while a
/// hook request is being journalled (socket reads too, once a client has pipelined some). On
/// graceful shutdown the quiesce event is held back until a hook request in flight is answered.
public final class WebhookChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    /// The `WWW-Authenticate` challenge of a 401 for missing credentials.
    public static let challenge = "Basic realm=\"herald\""

    /// Records a request's duration by route pattern and status, as the router's middleware does.
    public typealias DurationRecorder = @Sendable (_ route: String, _ status: Int, _ duration: Duration) -> Void

    /// What answering a hook request needs: all that waits for the journal with it.
    private struct Reply {
        var route: WebhookIntake.Route
        var version: HTTPVersion
        /// Whether the connection ends after the answer.
        var closes: Bool
        var started: ContinuousClock.Instant

        init(_ route: WebhookIntake.Route, _ head: HTTPRequestHead, started: ContinuousClock.Instant) {
            self.route = route
            version = head.version
            closes = !head.isKeepAlive
            self.started = started
        }
    }

    /// A hook request being read.
    private struct Hook {
        var reply: Reply
        var head: HTTPRequestHead
        var settings: IngestSettings
        var limit: Int
        var body: ByteBuffer?
    }

    private enum State {
        /// Between requests.
        case idle
        /// A request's parts are passed on to Hummingbird until its end.
        case passing
        /// A hook request's body is being gathered.
        case reading(Hook)
        /// A hook request was answered before its body was read: its parts are dropped until its end.
        case discarding(closeAfter: Bool)
        /// A hook request's event is being journalled; nothing else starts until it is answered.
        case journalling
    }

    private let intake: WebhookIntake
    private let recordDuration: DurationRecorder?
    private var state = State.idle
    /// Requests passed on to Hummingbird whose answer has not been written in full.
    private var unansweredPassed = 0
    /// Parts held back to keep answers in order; while any are held, socket reads are held too.
    private var held = CircularBuffer<HTTPServerRequestPart>()
    private var readHeld = false
    private var quiesceHeld = false
    /// A held hook request waits for Hummingbird's answer to an earlier request.
    private var waitingForPassed = false
    /// Whether parts were passed on since `resume` began, so it ends a read for Hummingbird.
    private var passedOutsideRead = false
    /// Where the journal's callbacks are handed to this connection's event loop.
    private var mailbox: LoopMailbox?
    /// Where whole answers are written (see `respond`).
    private var encoder: ChannelHandlerContext?

    public init(intake: WebhookIntake, recordDuration: DurationRecorder? = nil) {
        self.intake = intake
        self.recordDuration = recordDuration
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        // `HeraldHTTPChannel` adds this handler once NIO's HTTP/1 handlers are in place.
        encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        encoder = nil  // a context of the same pipeline: not kept past it
    }

    private var isBlocked: Bool {
        if case .journalling = state { return true }
        return !held.isEmpty
    }

    // MARK: - Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if isBlocked {
            held.append(part)
        } else {
            process(part, context: context)
        }
    }

    private func process(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.idle, .head(let head)):
            guard let route = Self.route(of: head) else {
                unansweredPassed += 1
                state = .passing
                passedOutsideRead = true
                context.fireChannelRead(wrapInboundOut(part))
                return
            }
            if unansweredPassed > 0 {
                // Hummingbird still owes an earlier answer on this connection: wait for it. (When
                // called from `resume`, the part was just taken from the front of `held`.)
                held.prepend(part)
                waitingForPassed = true
                return
            }
            start(route, head: head, context: context)
        case (.passing, _):
            if case .end = part { state = .idle }
            passedOutsideRead = true
            context.fireChannelRead(wrapInboundOut(part))
        case (.reading(var hook), .body(var chunk)):
            state = .idle  // so `hook.body` is the only reference to its storage and grows in place
            let size = (hook.body?.readableBytes ?? 0) + chunk.readableBytes
            guard size <= hook.limit else {
                respond(intake.refused(.tooLarge(limit: hook.limit), route: hook.reply.route), hook.reply, context)
                state = .discarding(closeAfter: hook.reply.closes)
                return
            }
            if hook.body == nil {
                hook.body = chunk
            } else {
                hook.body!.writeBuffer(&chunk)
            }
            state = .reading(hook)
        case (.reading(let hook), .end):
            state = .journalling
            finish(hook, context: context)
        case (.discarding(let closeAfter), .end):
            state = .idle
            if closeAfter {
                context.close(promise: nil)
            } else {
                resume(context: context)
            }
        case (.discarding, _):
            break
        case (.idle, _), (.reading, .head), (.journalling, _):
            // Not a well-formed request sequence; the HTTP decoder never produces one.
            context.close(promise: nil)
        }
    }

    /// The JSON hook route a request head is for, if any.
    private static func route(of head: HTTPRequestHead) -> WebhookIntake.Route? {
        guard head.method == .POST else { return nil }
        return WebhookIntake.Route.json(path: head.uri.split(separator: "?", maxSplits: 1).first ?? "")
    }

    private static func query(_ head: HTTPRequestHead) -> (String) -> String? {
        guard head.uri.utf8.contains(UInt8(ascii: "?")) else { return { _ in nil } }
        let uri = URI(head.uri)
        return { uri.queryParameters.get($0) }
    }

    private static func header(_ head: HTTPRequestHead) -> (String) -> String? {
        { head.headers.first(name: $0) }
    }

    /// Checks the head; refuses at once (the body is then dropped unread) or starts gathering it.
    private func start(_ route: WebhookIntake.Route, head: HTTPRequestHead, context: ChannelHandlerContext) {
        // `Connection: close`, or HTTP/1.0 without keep-alive, ends the connection after the answer.
        let reply = Reply(route, head, started: ContinuousClock.now)
        do throws(WebhookError) {
            let (settings, limit) = try intake.admit(route, header: Self.header(head), query: Self.query(head))
            state = .reading(Hook(reply: reply, head: head, settings: settings, limit: limit))
        } catch {
            respond(intake.refused(error, route: route), reply, context)
            state = .discarding(closeAfter: reply.closes)
        }
    }

    /// Decodes the whole body and journals the event; the answer is written once it is durable.
    private func finish(_ hook: Hook, context: ChannelHandlerContext) {
        let body = hook.body.map { Data($0.readableBytesView) } ?? Data()
        let event: Event
        do throws(WebhookError) {
            event = try intake.event(
                hook.reply.route, settings: hook.settings, body: body, header: Self.header(hook.head),
                query: Self.query(hook.head))
        } catch {
            answer(intake.refused(error, route: hook.reply.route), hook.reply, context)
            return
        }
        let reply = hook.reply
        let receipt = WebhookIntake.Receipt(event)
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let mailbox = mailbox ?? LoopMailbox.of(context.eventLoop)
        self.mailbox = mailbox
        let intake = intake
        intake.journal.append(event) { result in
            mailbox.post {
                let (handler, context) = bound.value
                switch result {
                case .success(let sequence):
                    handler.answer(intake.accepted(receipt, sequence: sequence), reply, context)
                case .failure(let error):
                    handler.answer(intake.notJournalled(reply.route, error: error), reply, context)
                }
            }
        }
    }

    /// Answers a hook request whose body was read, then goes on with what was held back.
    private func answer(_ answer: WebhookIntake.Answer, _ reply: Reply, _ context: ChannelHandlerContext) {
        respond(answer, reply, context)
        state = .idle
        if reply.closes {
            held.removeAll()
            context.close(promise: nil)
            return
        }
        resume(context: context)
    }

    /// Writes an answer as the bytes of a whole HTTP/1 response, in one write and one flush.
    ///
    /// The bytes go out from the response encoder's context, so past it: an answer here is one
    /// small buffer, where the head, body and end parts cost an allocation or two each on the way
    /// through the encoder. The encoder keeps no state between responses that know their length,
    /// so the router's answers on the same connection are unaffected, and order is kept because
    /// both are written on this event loop in request order.
    private func respond(_ answer: WebhookIntake.Answer, _ reply: Reply, _ context: ChannelHandlerContext) {
        let status = HTTPResponseStatus(statusCode: Int(answer.status.code))
        var bytes = context.channel.allocator.buffer(capacity: 192 + answer.body.count)
        bytes.writeStaticString("HTTP/")
        bytes.writeString(String(reply.version.major))
        bytes.writeInteger(UInt8(ascii: "."))
        bytes.writeString(String(reply.version.minor))
        bytes.writeInteger(UInt8(ascii: " "))
        bytes.writeString(String(status.code))
        bytes.writeInteger(UInt8(ascii: " "))
        bytes.writeString(status.reasonPhrase)
        bytes.writeStaticString("\r\ncontent-type: application/json\r\ncontent-length: ")
        bytes.writeString(String(answer.body.count))
        if answer.challenge {
            bytes.writeStaticString("\r\nwww-authenticate: ")
            bytes.writeString(Self.challenge)
        }
        if reply.closes {
            bytes.writeStaticString("\r\nconnection: close")
        } else if reply.version == .http1_0 {
            bytes.writeStaticString("\r\nconnection: keep-alive")
        }
        bytes.writeStaticString("\r\n\r\n")
        bytes.writeBytes(answer.body)
        guard let encoder else {
            // Not in a pipeline `HeraldHTTPChannel` built: there is no way to answer in HTTP.
            context.close(promise: nil)
            return
        }
        encoder.writeAndFlush(NIOAny(bytes), promise: nil)
        recordDuration?(reply.route.pattern, answer.status.code, ContinuousClock.now - reply.started)
    }

    /// Processes held parts until one has to wait again; once nothing waits, lets a held quiesce
    /// event and reads through.
    private func resume(context: ChannelHandlerContext) {
        passedOutsideRead = false
        defer {
            // Hummingbird takes what it was passed at the end of a read; this is outside one.
            if passedOutsideRead { context.fireChannelReadComplete() }
        }
        while !held.isEmpty, !waitingForPassed {
            if case .journalling = state { return }
            process(held.removeFirst(), context: context)
        }
        if held.isEmpty, readHeld {
            readHeld = false
            context.read()
        }
        guard !isBlocked else { return }
        if quiesceHeld {
            quiesceHeld = false
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            switch state {
            case .reading, .journalling, .discarding:
                // Finish the hook request in flight first; Hummingbird then closes the idle connection.
                quiesceHeld = true
                return
            case .idle, .passing:
                held.removeAll()
                waitingForPassed = false
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: - Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        context.write(data, promise: promise)
        if case .end = part, unansweredPassed > 0 {
            unansweredPassed -= 1
            if unansweredPassed == 0, waitingForPassed {
                waitingForPassed = false
                resume(context: context)
            }
        }
    }

    /// Holds socket reads only once a client has pipelined requests that wait here. Not while one
    /// request is journalled: turning reads off and on again costs two `epoll_ctl` calls per request.
    public func read(context: ChannelHandlerContext) {
        if !held.isEmpty {
            readHeld = true
        } else {
            context.read()
        }
    }
}
