import Foundation
import HeraldCore
import HeraldIngest
import NIOCore
import NIOHTTP1
import NIOPosix

/// How much of a webhook's cost is the HTTP server: a bare SwiftNIO HTTP/1 server that reads a
/// request body and answers 202, optionally decoding it with the Sonarr decoder, and nothing else
/// (no router, no Swift task per request, no journal). Run it, post to it with wrk, and compare
/// its CPU per request with the daemon's (BENCHMARKS.md, "the HTTP floor").
///
/// `herald-bench http-floor PORT [decode]` serves on 127.0.0.1 until killed.
enum HTTPFloorProbe {
    static func run(port: Int, decode: Bool) throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(decode: decode))
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        print("serving on 127.0.0.1:\(port)\(decode ? ", decoding Sonarr bodies" : "")")
        try channel.closeFuture.wait()
    }

    /// Collects one request's body and answers it; one per connection, on its event loop.
    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private var body = ByteBuffer()
        private let decode: Bool

        init(decode: Bool) { self.decode = decode }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head:
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                var reply = "{\"status\":\"accepted\"}\n"
                if decode {
                    let bytes = body.withUnsafeReadableBytes { Data($0) }
                    if let event = try? SonarrWebhookDecoder.decode(bytes) { reply = "{\"id\":\"\(event.id)\"}\n" }
                }
                var head = HTTPResponseHead(version: .http1_1, status: .accepted)
                head.headers.add(name: "content-type", value: "application/json")
                head.headers.add(name: "content-length", value: String(reply.utf8.count))
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reply)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
