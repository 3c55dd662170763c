import HeraldCore
import Testing

@Suite struct TerminalTextTests {
    @Test func controlCharactersBecomeVisibleEscapes() {
        #expect(TerminalText.safe("plain Café 🎬 text") == "plain Café 🎬 text")
        #expect(TerminalText.safe("a\nb\rc\td") == #"a\nb\rc\td"#)
        #expect(TerminalText.safe("\u{1B}]0;owned\u{07}\u{1B}[2J") == #"\x1b]0;owned\x07\x1b[2J"#)
        #expect(TerminalText.safe("del\u{7F} csi\u{9B}") == #"del\x7f csi\x9b"#)
        #expect(TerminalText.safe("abc\u{202E}fdp.exe") == #"abc\u{202e}fdp.exe"#)
        #expect(TerminalText.safe(#"C:\Media"#) == #"C:\\Media"#, "an escape in the output always means one")
    }
}
