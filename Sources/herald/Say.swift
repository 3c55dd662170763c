import HeraldCore

/// Prints one human-readable line with control characters escaped (`TerminalText`): titles,
/// paths, users and reasons come from webhooks and must not drive the reader's terminal.
func say(_ line: String) {
    print(TerminalText.safe(line))
}
