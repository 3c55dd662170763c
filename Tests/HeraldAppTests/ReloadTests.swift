import Foundation
import HeraldConfig
import HeraldCore
import HeraldIngest
import HeraldTestSupport
import Logging
import Testing

@testable import HeraldApp

@Suite struct ReloadTests {
    @Test func aValidConfigurationReplacesTheRunningOneAndAnInvalidOneIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("herald.yml", "state_directory: /tmp/s\nsources: {sonarr: {token: one}}\n")
        let initial = try HeraldConfiguration.load(file: file, environment: [:])
        let running = Reloadable(initial)
        let ingest = Reloadable(initial.ingestSettings)
        let level = Reloadable(Logger.Level.info)
        let service = ReloadService(
            file: file, environment: [:], running: running, ingest: ingest, logLevel: level,
            logger: Logger(label: "test"))

        try directory.write(
            "herald.yml", "state_directory: /tmp/s\nlog: {level: debug}\nsources: {sonarr: {token: two}}\n")
        service.reload()
        #expect(ingest.current.sources[.sonarr]?.credentials.token?.value == "two")
        #expect(level.current == .debug)

        try directory.write("herald.yml", "state_directory: /tmp/s\nsources: {sonarr: {tokn: three}}\n")
        service.reload()
        #expect(ingest.current.sources[.sonarr]?.credentials.token?.value == "two", "the old configuration stays")
        #expect(running.current.logging.level == .debug)
    }
}
