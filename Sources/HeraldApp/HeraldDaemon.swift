import AsyncHTTPClient
import Foundation
import HeraldConfig
import HeraldCore
import HeraldIngest
import HeraldNotify
import HeraldPlex
import HeraldStore
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The running daemon's parts, as assembled by `buildServiceGroup`. Tests reach in through these.
public struct HeraldDaemon: Sendable {
    public let serviceGroup: ServiceGroup
    public let database: AppDatabase
    /// Where producers append events (group commit); the dispatcher follows its commits.
    public let journal: JournalWriter
    public let readiness: Readiness
    public let configuration: Reloadable<HeraldConfiguration>

    /// Runs every service until a graceful shutdown completes.
    public func run() async throws {
        try await serviceGroup.run()
    }

    /// Starts a graceful shutdown, as SIGTERM does.
    public func shutdown() async {
        await serviceGroup.triggerGracefulShutdown()
    }
}

/// The composition root: opens the database, builds the journal, dispatcher, HTTP server and
/// lifecycle services, and returns them as one `ServiceGroup`.
///
/// Services are listed in dependency order: the journal first (it shuts down last, after every
/// in-flight request has been answered), the lifecycle service last (it hears of a shutdown first
/// and turns `/readyz` off before the listener closes).
///
/// - Parameters:
///   - configuration: The validated configuration.
///   - environment: Process environment (for SIGHUP reloads, `$NOTIFY_SOCKET`, `$WATCHDOG_USEC`).
///   - registry: Where metrics are collected; `/metrics` renders it.
///   - logLevel: The shared level the log handlers read, so a reload can change it.
///   - dispatchHandler: The seam where the rules engine records each event's consequences.
///   - dispatchRetryInterval: How long the dispatcher waits before trying a failed event again.
///   - installSignalHandlers: Whether SIGTERM/SIGINT trigger a graceful shutdown (off in tests).
public func buildServiceGroup(
    configuration: HeraldConfiguration,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    logger: Logger,
    logLevel: Reloadable<Logger.Level> = Reloadable(.info),
    dispatchHandler: DispatchHandler? = nil,
    dispatchRetryInterval: Duration = .seconds(5),
    installSignalHandlers: Bool = true,
    now: @escaping @Sendable () -> Date = { Date() }
) throws -> HeraldDaemon {
    let started = ContinuousClock.now
    let metrics = PrometheusMetricsFactory(registry: registry)
    // One daemon per journal: held until the journal is closed at the end of the group.
    let stateLock = try StateLock.acquire(forDatabase: configuration.databasePath)
    let database = try AppDatabase.open(
        path: configuration.databasePath, fullSync: configuration.journal.synchronous == .full,
        backgroundCheckpoints: true)
    let checkpointer = try WALCheckpointer(path: configuration.databasePath, database: database)
    let journal = JournalWriter(
        database: database, maxBatch: configuration.journal.maxBatch, logger: logger, metrics: metrics)
    let running = Reloadable(configuration)
    let ingest = Reloadable(configuration.ingestSettings)
    let readiness = Readiness()
    let notifier = SystemdNotifier(environment: environment)

    let router = Router(context: HeraldRequestContext.self)
    router.add(middleware: RequestMetricsMiddleware(factory: metrics))
    let api = router.group("api").add(middleware: APITokenMiddleware(configuration: running))
    let intake = WebhookIntake(
        journal: journal, settings: ingest, metrics: IngestMetrics(factory: metrics), logger: logger)
    WebhookRoutes(intake: intake).register(on: router)
    OperationsRoutes(
        database: database, readiness: readiness, registry: registry, configuration: running,
        journalFailure: { journal.commitFailure }
    ).register(on: router, api: api)

    for rule in configuration.cleanupRules where !rule.dryRun && rule.enabled {
        logger.notice(
            "cleanup rule is live: due candidates will be \(rule.action == .archive ? "archived" : "deleted")",
            metadata: ["rule.name": "\(rule.name)", "rule.grace": "\(rule.grace)"])
    }
    if !configuration.openSources.isEmpty {
        logger.warning(
            "webhook sources without credentials accept requests from anyone who can reach the port",
            metadata: ["sources.open": "\(configuration.openSources.joined(separator: ", "))"])
    }

    // The HTTP client exists only when there is a Plex server or an HTTP channel to talk to.
    let channels = configuration.notifications.channels
    let needsHTTP =
        !configuration.plexServers.isEmpty || configuration.tautulli != nil
        || channels.contains { $0.service != .email }
    let http = needsHTTP ? HTTPClient(eventLoopGroupProvider: .singleton, configuration: .herald) : nil
    let templates = try NotificationTemplates(directory: configuration.notifications.templatesDirectory)
    var signals: [String: WakeSignal] = [:]
    var clients: [String: any PlexServerClient] = [:]
    for server in configuration.plexServers {
        signals[server.name] = WakeSignal()
        if let http { clients[server.name] = LivePlexClient(http: http, settings: server) }
    }
    var channelSignals: [String: WakeSignal] = [:]
    for channel in channels { channelSignals[channel.name] = WakeSignal() }
    let wakeSignals = Array(signals.values) + Array(channelSignals.values)
    var senders: [ChannelTarget.Service: any ChannelSender] = [.email: SMTPChannelSender()]
    if let http {
        for service in [ChannelTarget.Service.discord, .slack, .telegram, .webhook] {
            senders[service] = HTTPChannelSender(http: http)
        }
    }
    let evaluation = CandidateEvaluation(database: database, zone: configuration.timeZone ?? .current, now: now)
    let scanSignals = signals
    let cleanupActions = CleanupActions(
        database: database, settings: configuration.cleanup, evaluation: evaluation, clients: clients,
        journal: journal, logger: logger, now: now, wakeScans: { scanSignals[$0]?.wake() })
    let cleanupWake = WakeSignal()
    let rules = RuleDispatch(configuration: running, logger: logger, now: now)
    let inventoryWakes = InventoryService.wakes(for: configuration.plexServers)
    let watchesInventory = configuration.plexServers.contains { $0.inventory != nil }
    let handler: @Sendable () -> DispatchHandler? = {
        let inner = dispatchHandler ?? rules.handler
        guard watchesInventory else { return inner }
        // The inventory fetches what changed once Plex has added something.
        return { entries in
            if entries.contains(where: { InventoryService.isTrigger($0.event.kind) }) {
                for signal in inventoryWakes.values { signal.wake() }
            }
            return try inner?(entries) ?? DispatchWork()
        }
    }
    CandidateRoutes(
        database: database, actions: cleanupActions, configuration: running, wake: { cleanupWake.wake() }
    ).register(on: api)

    let server = Application(
        router: router,
        server: .http1(
            configuration: HTTP1Channel.Configuration(
                idleTimeout: .nanoseconds(Int64(configuration.server.idleTimeout.nanoseconds)))),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.server.host, port: configuration.server.port), serverName: "herald"),
        onServerRunning: { channel in
            readiness.serverStarted(port: channel.localAddress?.port)
            notifier.notify("READY=1")
            logger.notice(
                "herald ready",
                metadata: [
                    "server.address": "\(configuration.server.host):\(channel.localAddress?.port ?? 0)",
                    "startup.ms": "\((ContinuousClock.now - started).milliseconds)",
                    "journal.synchronous": "\(configuration.journal.synchronous.rawValue)",
                ])
        },
        logger: logger
    )
    var services: [ServiceGroupConfiguration.ServiceConfiguration] =
        http.map { [.named(HTTPClientService(client: $0))] } ?? []
    services += [
        .named(JournalService(writer: journal, database: database, stateLock: stateLock, logger: logger)),
        .named(
            CheckpointService(
                checkpointer: checkpointer, interval: .seconds(1), logger: logger, database: database,
                retention: configuration.journal.retention, now: now)),
        .named(
            EventDispatcher(
                database: database, commits: journal.commits, handler: handler,
                cached: { journal.committedEvent($0) }, forget: { journal.forgetCommitted(upTo: $0) },
                afterDispatch: { for signal in wakeSignals { signal.wake() } }, retryInterval: dispatchRetryInterval,
                logger: logger)),
        .named(
            ScanWorker(
                database: database, journal: journal, servers: configuration.plexServers, clients: clients,
                signals: signals, logger: logger, now: now, random: { Double.random(in: 0..<1) })),
        .named(
            InventoryService(
                database: database, servers: configuration.plexServers, clients: clients,
                history: http.flatMap { http in
                    configuration.tautulli.map {
                        HistorySync(
                            database: database, client: TautulliClient(http: http, settings: $0), pageSize: $0.pageSize,
                            now: now)
                    }
                }, logger: logger, now: now, wakes: inventoryWakes)),
        .named(
            CleanupService(
                evaluation: evaluation, actions: cleanupActions, rules: configuration.cleanupRules,
                checkEvery: configuration.cleanup.checkEvery, journal: journal, logger: logger, now: now,
                zone: configuration.timeZone ?? .current, wake: cleanupWake)),
        .named(
            NotifyWorker(
                database: database, journal: journal, channels: channels, senders: senders,
                renderer: NotificationRenderer(templates: templates), signals: channelSignals,
                timeZone: configuration.timeZone ?? .current, metrics: NotifyMetrics(factory: metrics), logger: logger,
                now: now, random: { Double.random(in: 0..<1) })),
    ]
    if !configuration.watch.roots.isEmpty || !configuration.watch.pollRoots.isEmpty {
        services.append(
            .named(
                WatchService(
                    configuration: configuration.watch, journal: journal, readiness: readiness, metrics: metrics,
                    logger: logger)))
    }
    if installSignalHandlers {
        services.append(
            .named(
                ReloadService(
                    file: configuration.file, environment: environment, running: running, ingest: ingest,
                    logLevel: logLevel, logger: logger)))
    }
    services.append(.named(server))
    services.append(
        .named(
            LifecycleService(
                readiness: readiness, notifier: notifier,
                watchdogInterval: SystemdNotifier.watchdogInterval(environment: environment), logger: logger)))

    var groupConfiguration = ServiceGroupConfiguration(
        services: services,
        gracefulShutdownSignals: installSignalHandlers ? [.sigterm, .sigint] : [],
        logger: logger
    )
    groupConfiguration.maximumGracefulShutdownDuration = configuration.server.shutdownTimeout
    groupConfiguration.maximumCancellationDuration = .seconds(2)
    return HeraldDaemon(
        serviceGroup: ServiceGroup(configuration: groupConfiguration),
        database: database, journal: journal, readiness: readiness, configuration: running)
}

extension ServiceGroupConfiguration.ServiceConfiguration {
    /// A service named by its type alone in ServiceLifecycle's logs and errors. The default name
    /// is the service's whole description, which prints every field (the process environment,
    /// clients, settings) and so put secrets into debug logs.
    static func named(_ service: some Service) -> Self {
        .init(service: service, serviceName: String(describing: type(of: service)))
    }
}
