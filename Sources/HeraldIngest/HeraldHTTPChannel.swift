import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 child channel with `WebhookChannelHandler` placed right after NIO's
/// HTTP/1 decoder, ahead of the conversion to HTTP types and the async bridge to the router.
///
/// Hummingbird's own extension point (`additionalChannelHandlers`) sits after that conversion;
/// the JSON hook routes skip it too, which is a tenth of what serving one costs.
public struct HeraldHTTPChannel: ServerChildChannel {
    public typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let makeHandler: @Sendable () -> WebhookChannelHandler

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let codec = try operations.context(handlerType: HTTP1ToHTTPServerCodec.self)
            try operations.addHandler(makeHandler(), position: .before(codec.handler))
            return value
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1 server whose JSON webhook routes are served by `WebhookChannelHandler`s made by
    /// `makeHandler` (one per connection), and everything else by the application's router.
    public static func herald(
        configuration: HTTP1Channel.Configuration = .init(),
        makeHandler: @escaping @Sendable () -> WebhookChannelHandler
    ) -> HTTPServerBuilder {
        .init { responder in
            HeraldHTTPChannel(
                inner: HTTP1Channel(responder: responder, configuration: configuration), makeHandler: makeHandler)
        }
    }
}
