import Foundation
import Testing

@testable import HeraldApp

@Suite struct StructuredLogHandlerTests {
    @Test func timestampsAreUTCWithMilliseconds() {
        // 2026-12-04T17:30:05.123Z
        let date = Date(timeIntervalSince1970: 1_796_405_405.123_4)
        #expect(StructuredLogHandler.timestamp(date) == "2026-12-04T17:30:05.123Z")
        #expect(StructuredLogHandler.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(
            StructuredLogHandler.timestamp(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
    }

    @Test func timestampsMatchFoundationsISO8601Form() {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(
            StructuredLogHandler.timestamp(date)
                == date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }

    /// A value from a webhook cannot forge a log line or drive the terminal showing the log.
    @Test func logfmtValuesEscapeControlCharacters() {
        #expect(StructuredLogHandler.logfmtValue("plain") == "plain")
        #expect(StructuredLogHandler.logfmtValue("two words") == #""two words""#)
        #expect(
            StructuredLogHandler.logfmtValue("x\nts=2026 level=critical msg=\u{1B}[2J")
                == #""x\nts=2026 level=critical msg=\x1b[2J""#)
        #expect(StructuredLogHandler.logfmtValue("say \"hi\"") == #""say \"hi\"""#)
    }
}
