import HeraldConfig
import Testing

@Suite struct ConfigValueParserTests {
    @Test(arguments: [
        ("30", Duration.seconds(30)), ("500ms", .milliseconds(500)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)),
        ("2d", .seconds(172_800)),
    ])
    func durations(text: String, expected: Duration) {
        #expect(ConfigValueParser.duration(text) == expected)
    }

    @Test(arguments: ["", "m", "5x", "1h30", "-5s", "five"])
    func notDurations(text: String) {
        #expect(ConfigValueParser.duration(text) == nil)
    }

    @Test(arguments: [("1024", 1024), ("10MiB", 10 << 20), ("10 MB", 10_000_000), ("512KiB", 524_288), ("1g", 1 << 30)])
    func sizes(text: String, expected: Int) {
        #expect(ConfigValueParser.byteSize(text) == expected)
    }

    @Test(arguments: ["", "MiB", "10 parsecs", "99999999999999999999GiB"])
    func notSizes(text: String) {
        #expect(ConfigValueParser.byteSize(text) == nil)
    }

    @Test func environmentExpansion() {
        let expander = EnvironmentExpander(variables: ["A": "1", "EMPTY": ""])
        #expect(expander.expand("x${A}y").text == "x1y")
        #expect(expander.expand("${EMPTY:-fallback}").text == "fallback")
        #expect(expander.expand("$$HOME").text == "$HOME")
        #expect(expander.expand("cost $5").text == "cost $5")
        #expect(expander.expand("${B}").missing == ["B"])
        #expect(expander.expand("${unterminated").malformed)
    }
}
