import Foundation
import HeraldIngest
import HeraldTestSupport
import Testing

@Suite struct JSONDocumentTests {
    // MARK: - Values

    @Test func readsEveryKindOfValue() throws {
        let document = try JSONDocument(
            Data(
                #" {"s": "text", "i": -42, "f": 2.5, "e": 1e3, "t": true, "n": null, "a": [1, [2], {}], "o": {"k": "v"}} "#
                    .utf8))
        let root = document.root
        #expect(root.kind == .object)
        #expect(root["s"]?.string == "text")
        #expect(root["i"]?.int == -42)
        #expect(root["f"]?.double == 2.5)
        #expect(root["f"]?.int == nil)
        #expect(root["e"]?.int == 1000)
        #expect(root["t"]?.bool == true)
        #expect(root["n"]?.isNull == true)
        #expect(root["a"].map { Array($0.elements).map(\.kind) } == [.number, .array, .object])
        #expect(root["o"]?["k"]?.string == "v")
        #expect(root["missing"] == nil)
        #expect(root["s"]?["k"] == nil)
        #expect(root["i"]?.string == nil)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let document = try JSONDocument(
            Data(#"{"a\"b": "line\nbreak \u00e9 \ud83c\udfac \/ \\ \t", "plain": "Café 🎬"}"#.utf8))
        #expect(document.root[#"a"b"#]?.string == "line\nbreak é 🎬 / \\ \t")
        #expect(document.root["plain"]?.string == "Café 🎬")
    }

    /// Strings are scanned eight bytes at a time: a special byte at any offset of a word must be seen.
    @Test func specialBytesAreFoundAtEveryOffset() throws {
        for offset in 0..<24 {
            let before = String(repeating: "a", count: offset)
            let after = String(repeating: "b", count: 23 - offset)
            #expect(
                try JSONDocument(Data(("[\"" + before + "\\n" + after + "\"]").utf8)).root.elements.first { _ in true }?
                    .string == before + "\n" + after)
            #expect(
                try JSONDocument(Data(("[\"" + before + "é" + after + "\"]").utf8)).root.elements.first { _ in true }?
                    .string == before + "é" + after)
            #expect(
                try JSONDocument(Data(("[\"" + before + "\", \"" + after + "\"]").utf8)).root.elements.map(\.string)
                    == [before, after])
            do throws(JSONDocument.SyntaxError) {
                _ = try JSONDocument(Data(("[\"" + before + "\u{01}" + after + "\"]").utf8))
                Issue.record("a control character at offset \(offset) was accepted")
            } catch {
                #expect(error.column == offset + 3)
            }
        }
    }

    @Test func integersThatOverflowAreNotInts() throws {
        let document = try JSONDocument(Data("[9223372036854775807, 9223372036854775808, -9223372036854775808]".utf8))
        let values = Array(document.root.elements)
        #expect(values[0].int == Int.max)
        #expect(values[1].int == nil)
        #expect(values[2].int == Int.min)
    }

    @Test func theFirstOfRepeatedNamesWins() throws {
        #expect(try JSONDocument(Data(#"{"a": 1, "a": 2}"#.utf8)).root["a"]?.int == 1)
    }

    @Test func pathsNameWhereAValueSits() throws {
        let document = try JSONDocument(
            Data(#"{"series": {"path": 3}, "episodes": [{"title": "x"}, {"title": null}]}"#.utf8))
        #expect(document.root["series"]?["path"]?.path == "series.path")
        let episodes = Array(try #require(document.root["episodes"]).elements)
        #expect(episodes[1]["title"]?.path == "episodes[1].title")
        #expect(document.root.path == "")
    }

    // MARK: - Errors

    @Test(arguments: [
        ("", "unexpected end of input: a value expected at line 1, column 1"),
        ("{", "unexpected end of input: a member name expected at line 1, column 2"),
        (#"{"a" 1}"#, "expected ':' after a member name but found '1' at line 1, column 6"),
        (#"{"a": 1,}"#, "expected a quoted member name but found '}' at line 1, column 9"),
        ("[1 2]", "expected ',' or ']' but found '2' at line 1, column 4"),
        ("{\n  \"a\": tru }", "invalid literal (expected true) at line 2, column 8"),
        ("[01]", "a number may not start with 0 at line 1, column 2"),
        ("[1.]", "a decimal point needs digits after it at line 1, column 2"),
        ("[-]", "a number needs digits at line 1, column 2"),
        ("[1e]", "an exponent needs digits at line 1, column 2"),
        (#"["a\x"]"#, "invalid escape in a string: 'x' at line 1, column 5"),
        (#"["\u12g4"]"#, "a \\u escape needs four hex digits, found 'g' at line 1, column 7"),
        (#"["\udc00"]"#, "a \\u escape is a lone low surrogate at line 1, column 3"),
        (#"["\ud800x"]"#, "a \\u escape is a high surrogate without its low half at line 1, column 3"),
        ("[\"a\tb\"]", "unescaped control character in a string: byte 0x9 at line 1, column 4"),
        (#"["abc"#, "unexpected end of input inside a string at line 1, column 6"),
        ("{} {}", "unexpected text after the JSON value: '{' at line 1, column 4"),
        ("[1,]", "expected a value but found ']' at line 1, column 4"),
        ("nope", "invalid literal (expected null) at line 1, column 1"),
        ("[1e999]", "number out of range at line 1, column 2"),
    ])
    func syntaxErrorsSayWhatAndWhere(text: String, message: String) {
        do throws(JSONDocument.SyntaxError) {
            _ = try JSONDocument(Data(text.utf8))
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func invalidUTF8IsRefused() {
        let cases: [[UInt8]] = [
            [0x22, 0xC0, 0x80, 0x22],  // overlong
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xE2, 0x82, 0x22],  // truncated
            [0x22, 0x80, 0x22],  // lone continuation
        ]
        for bytes in cases {
            #expect(throws: JSONDocument.SyntaxError.self) { try JSONDocument(Data(bytes)) }
        }
        #expect(throws: Never.self) { try JSONDocument(Data([0x22, 0xF0, 0x9F, 0x8E, 0xAC, 0x22])) }
    }

    @Test func nestingIsLimitedWithoutUsingTheStack() throws {
        let deep =
            String(repeating: "[", count: JSONDocument.maximumDepth)
            + String(repeating: "]", count: JSONDocument.maximumDepth)
        #expect(throws: Never.self) { try JSONDocument(Data(deep.utf8)) }
        #expect(throws: JSONDocument.SyntaxError.self) { try JSONDocument(Data(("[" + deep + "]").utf8)) }
    }

    // MARK: - Against Foundation

    /// Random documents, written by Foundation: every one parses, and every value reads back equal.
    @Test func randomDocumentsReadBackAsFoundationWroteThem() throws {
        var random = SeededGenerator(seed: 0x4A50_4E)
        for _ in 0..<300 {
            let value = Self.randomValue(&random, depth: 0)
            let text = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
            let document = try JSONDocument(text)
            #expect(Self.equal(document.root, value), "\(String(decoding: text, as: UTF8.self))")
        }
    }

    /// Corrupted documents: wherever Foundation refuses a text, so does this parser. (It is stricter
    /// in one way: Foundation accepts a trailing comma in a list, RFC 8259 does not.)
    @Test func corruptedDocumentsAreRefusedWhereFoundationRefusesThem() throws {
        var random = SeededGenerator(seed: 7)
        var refused = 0
        for _ in 0..<2000 {
            var bytes = [UInt8](
                try JSONSerialization.data(
                    withJSONObject: Self.randomValue(&random, depth: 0), options: [.fragmentsAllowed]))
            let position = Int.random(in: 0..<bytes.count, using: &random)
            let replacements: [UInt8] = Array("{}[],:\"\\ 0-.eEtfnu".utf8) + [0x00, 0x80, 0xC3, 0xFF]
            bytes[position] = replacements.randomElement(using: &random)!
            let foundation = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
            let ours = (try? JSONDocument(Data(bytes))) != nil
            if !foundation {
                refused += 1
                #expect(!ours, "accepted what Foundation refuses: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(refused > 500)
    }

    private static func randomValue(_ random: inout SeededGenerator, depth: Int) -> Any {
        let alphabet: [String] = ["a", "Z", "é", "🎬", "\"", "\\", "/", "\n", "\t", "\u{01}", " ", "{x}", "日本"]
        func text() -> String {
            (0..<Int.random(in: 0...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
        }
        switch Int.random(in: 0..<(depth > 4 ? 5 : 7), using: &random) {
        case 0: return text()
        case 1: return Int.random(in: -1_000_000...1_000_000, using: &random)
        case 2: return Double(Int.random(in: -100_000...100_000, using: &random)) / 64
        case 3: return Bool.random(using: &random)
        case 4: return NSNull()
        case 5:
            return (0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(&random, depth: depth + 1) }
        default:
            var object: [String: Any] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                object[text()] = randomValue(&random, depth: depth + 1)
            }
            return object
        }
    }

    private static func equal(_ value: JSONDocument.Value, _ expected: Any) -> Bool {
        switch expected {
        case let text as String: return value.string == text
        case let number as NSNumber where value.kind == .bool: return value.bool == number.boolValue
        case let number as NSNumber: return value.double == number.doubleValue
        case is NSNull: return value.isNull
        case let list as [Any]:
            let elements = Array(value.elements)
            return value.kind == .array && elements.count == list.count
                && zip(elements, list).allSatisfy { equal($0, $1) }
        case let object as [String: Any]:
            return value.kind == .object
                && object.allSatisfy { key, member in value[key].map { equal($0, member) } ?? false }
        default: return false
        }
    }
}

@Suite struct LenientReadingTests {
    @Test func placeholdersEmptyTextAndSpacesAreAbsentEverythingElseIsKept() throws {
        let document = try JSONDocument(
            Data(
                #"""
                {"a": "{season_num}", "b": "", "c": "  ", "d": " {x} ", "e": "{not a placeholder}", "f": "Café",
                 "g": "\u00a0", "h": " padded ", "i": 12, "j": 2.5, "k": true, "l": null, "m": [], "n": "{}",
                 "o": "é{x}"}
                """#.utf8))
        let root = document.root
        let read = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o"].map {
            root.lenientString($0)
        }
        #expect(
            read == [
                nil, nil, nil, nil, "{not a placeholder}", "Café", nil, " padded ", "12", "2.5", "true", nil, nil, nil,
                "é{x}",
            ])
    }

    @Test func numbersMayArriveAsText() throws {
        let root = try JSONDocument(Data(#"{"a": "7", "b": " 8 ", "c": "x", "d": 3.0, "e": 0, "f": "{year}"}"#.utf8))
            .root
        #expect(["a", "b", "c", "d", "e", "f"].map { root.lenientInt($0) } == [7, 8, nil, 3, 0, nil])
        #expect(root.positiveInt("e") == nil)
    }
}
