import Schema
import Testing

// Every accepted and rejected form of docs/reference.md.

@Suite struct TrimTests {
    @Test(arguments: [
        ("\u{3000}宝山区\u{3000}", "宝山区"),
        ("  a  ", "a"),
        ("\t\r\n a\u{00A0}", "a"),
        ("\u{FEFF}call_id", "call_id"),
        ("call_id\u{FEFF}", "call_id"),
        ("\u{2003}x\u{205F}\u{2028}", "x"),
        ("a b", "a b"),
        ("a\u{3000}b", "a\u{3000}b"),
        ("abc", "abc"),
        ("宝山区", "宝山区"),
        ("", ""),
        ("   ", ""),
        ("\u{3000}", ""),
        ("\r\n", ""),
    ])
    func trims(_ text: String, _ expected: String) {
        #expect(ValueParser.trim(Substring(text)) == Substring(expected))
    }

    @Test func trimsASliceInsideALongerString() {
        let line = "x, \u{3000}罗店镇 ,y"
        let fields = line.split(separator: ",")
        #expect(ValueParser.trim(fields[1]) == "罗店镇")
    }
}

@Suite struct DateTimeTests {
    @Test(arguments: [
        ("2017-03-05 09:07:00", "2017-03-05 09:07:00"),
        ("2017-03-05T09:07:00", "2017-03-05 09:07:00"),
        ("2017-03-05 09:07", "2017-03-05 09:07:00"),
        ("2017-03-05", "2017-03-05 00:00:00"),
        ("2017/3/5 9:07", "2017-03-05 09:07:00"),
        ("2017/3/5 9:07:30", "2017-03-05 09:07:30"),
        ("2017/03/05 09:07", "2017-03-05 09:07:00"),
        ("2017/12/31 23:59:59", "2017-12-31 23:59:59"),
        ("2017/3/5", "2017-03-05 00:00:00"),
        ("2017/10/15", "2017-10-15 00:00:00"),
        ("2016-02-29", "2016-02-29 00:00:00"),
        ("2000-02-29 12:00", "2000-02-29 12:00:00"),
        ("2016/2/29 0:00", "2016-02-29 00:00:00"),
        ("2017-12-31 23:59:59", "2017-12-31 23:59:59"),
        ("2018-01-01 00:00:00", "2018-01-01 00:00:00"),
        ("0001-01-01", "0001-01-01 00:00:00"),
    ])
    func accepts(_ text: String, _ expected: String) throws {
        let value = try #require(ValueParser.dateTime(Substring(text)))
        #expect(value.description == expected)
        #expect(value.monthPrecision == false)
    }

    @Test(arguments: [
        // impossible dates and times
        "2017-02-30", "2017-13-01", "2017-00-10", "2017-04-31", "2019-02-29", "1900-02-29", "2017/2/30",
        "2017/13/1", "2017/3/0", "0000-01-01",
        "2017-03-05 24:00", "2017-03-05 12:60", "2017-03-05 23:59:60", "2017/3/5 24:00", "2017/3/5 9:60",
        // strict dash forms
        "2017-3-5", "2017-03-5", "2017-3-05", "17-03-05", "02017-03-05", "2017-03-05 9:07", "2017-03-05 09:7",
        "2017-03-05 09:07:0", "2017-03-05  09:07", "2017-03-05T09:07", "2017-03-05t09:07:00",
        "2017-03-05 09:07:00Z", "2017-03-05 09:07:00+08:00", "2017-03-05 09:07:00.123", "2017-03-05 09",
        "2017-03-05 09:07:00:00", "2017-03-05 09:07:",
        // Excel slash forms
        "2017/3/5 9:7", "2017/003/5", "2017/3/005", "2017/3/5 009:07", "2017/3/5 09:07:0", "2017/3/5T9:07",
        "2017/3/", "2017/3", "2017/3/5 ", "2017/3/5 9", "2017/3/5 9:07:", "17/3/5",
        // anything else
        "", "20170305", "2017.03.05", "2017-03/05", "2017/03-05", " 2017-03-05", "2017-03-05 ",
        "２０１７-03-05", "2017年3月5日", "03/05/2017", "yesterday",
    ])
    func rejects(_ text: String) {
        #expect(ValueParser.dateTime(Substring(text)) == nil)
    }

    @Test func excelFormEqualsTheDashForm() {
        #expect(ValueParser.dateTime("2017/3/5 9:07") == ValueParser.dateTime("2017-03-05 09:07:00"))
    }

    @Test func triesPatternsAfterTheBuiltInForms() throws {
        let patterns = [try DatePattern("MM/dd/yyyy hh:mm:ss a"), try DatePattern("yyyy-MM")]
        #expect(ValueParser.dateTime("03/05/2017 01:07:00 PM", patterns: patterns)?.description == "2017-03-05 13:07:00")
        let month = try #require(ValueParser.dateTime("2017-03", patterns: patterns))
        #expect(month.description == "2017-03-01 00:00:00")
        #expect(month.monthPrecision)
        // A built-in form wins, and a value no form takes is nil.
        #expect(ValueParser.dateTime("2017-03-05", patterns: patterns)?.monthPrecision == false)
        #expect(ValueParser.dateTime("2017-13", patterns: patterns) == nil)
    }

    @Test func parsesASubstringInsideALongerString() {
        let line = "A1,2017/3/5 9:07,宝山区"
        let fields = line.split(separator: ",")
        #expect(ValueParser.dateTime(fields[1])?.description == "2017-03-05 09:07:00")
    }
}

@Suite struct BooleanTests {
    @Test(arguments: [
        ("是", true), ("达标", true), ("合格", true), ("true", true), ("TRUE", true), ("True", true),
        ("yes", true), ("Yes", true), ("YES", true), ("y", true), ("Y", true), ("1", true),
        ("否", false), ("未达标", false), ("不合格", false), ("false", false), ("FALSE", false),
        ("no", false), ("No", false), ("n", false), ("N", false), ("0", false),
    ])
    func accepts(_ text: String, _ expected: Bool) {
        #expect(ValueParser.boolean(Substring(text)) == expected)
    }

    @Test(arguments: [
        "maybe", "2", "", "t", "f", "ye", "yess", "是的", "不", "达", "00", "01", "-1", " y", "y ", "Ｙ", "truE1",
    ])
    func rejects(_ text: String) {
        #expect(ValueParser.boolean(Substring(text)) == nil)
    }
}

@Suite struct CountTests {
    @Test(arguments: [
        ("0", Int64(0)), ("7", 7), ("007", 7), ("120", 120), ("86400", 86_400),
        ("9223372036854775807", Int64.max), ("0009223372036854775807", Int64.max),
    ])
    func accepts(_ text: String, _ expected: Int64) {
        #expect(ValueParser.count(Substring(text)) == expected)
    }

    @Test(arguments: [
        "", "-5", "+5", "-0", "1,000", "1 000", "1.0", "1.", ".5", "1e3", " 5", "5 ", "0x10", "五", "５", "٣",
        "9223372036854775808", "99999999999999999999",
    ])
    func rejects(_ text: String) {
        #expect(ValueParser.count(Substring(text)) == nil)
    }
}

@Suite struct AmountTests {
    @Test(arguments: [
        ("12", "12"), ("12.5", "12.5"), ("0.75", "0.75"), ("012.50", "12.5"), ("0.0", "0"), ("100.000", "100"),
        ("0", "0"), ("000", "0"), ("00.50", "0.5"), ("007", "7"), ("10", "10"), ("10.01", "10.01"),
        ("123456789012345678901234.5", "123456789012345678901234.5"),
    ])
    func accepts(_ text: String, _ expected: String) {
        #expect(ValueParser.amount(Substring(text)) == ExactDecimal(canonical: expected))
    }

    @Test(arguments: [
        "", ".5", "12.", ".", "-1", "-0.5", "+1", "1,000", "1,000.5", "1 000", "1e3", "1.2.3", "1..2",
        " 1", "1 ", "NaN", "１２", "12,5", "¥12",
    ])
    func rejects(_ text: String) {
        #expect(ValueParser.amount(Substring(text)) == nil)
    }
}

@Suite struct ScoreTests {
    @Test(arguments: [
        ("0", "0"), ("59.5", "59.5"), ("99.99", "99.99"), ("100", "100"), ("100.0", "100"), ("100.000", "100"),
        ("0100", "100"), ("050", "50"), ("0.01", "0.01"),
    ])
    func accepts(_ text: String, _ expected: String) {
        #expect(ValueParser.score(Substring(text)) == ExactDecimal(canonical: expected))
    }

    @Test(arguments: ["100.01", "100.1", "101", "200", "1000", "-1", "", ".5", "100.", "95分"])
    func rejects(_ text: String) {
        #expect(ValueParser.score(Substring(text)) == nil)
    }
}

@Suite struct PeriodTests {
    @Test(arguments: [
        ("2017", Period.Kind.year, 2017, 1, "2017"),
        ("2017H1", .half, 2017, 1, "2017H1"),
        ("2017h2", .half, 2017, 2, "2017H2"),
        ("2017Q1", .quarter, 2017, 1, "2017Q1"),
        ("2017q4", .quarter, 2017, 4, "2017Q4"),
        ("1999Q3", .quarter, 1999, 3, "1999Q3"),
    ])
    func accepts(_ text: String, _ kind: Period.Kind, _ year: Int, _ index: Int, _ description: String) {
        let period = ValueParser.period(Substring(text))
        #expect(period == Period(kind: kind, year: year, index: index))
        #expect(period?.description == description)
    }

    @Test(arguments: [
        "2017H3", "2017H0", "2017Q5", "2017Q0", "17", "2017-1", "2017 H1", "2017H", "2017H12", "2017Y1", "0000",
        "20171", "201", "２０１７", "", "H12017", "2017年",
    ])
    func rejects(_ text: String) {
        #expect(ValueParser.period(Substring(text)) == nil)
    }
}

/// The byte screen in front of `textProblem` reads eight bytes at a time: whatever
/// `textProblem` refuses must pass the screen at every offset within and across words.
@Suite struct TextScreenTests {
    static let refused: [Unicode.Scalar] = ["\u{00}", "\u{01}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "\u{0B}"]
    static let refusedInNames: [Unicode.Scalar] = ["\u{0A}", "\u{0D}", "\u{00AD}", "\u{0600}", "\u{061C}", "\u{180E}",
                                                  "\u{200B}", "\u{200E}", "\u{202E}", "\u{2066}", "\u{FEFF}", "\u{FFF9}",
                                                  "\u{110BD}", "\u{E0001}"]

    static func screened(_ text: String, isArea: Bool) -> Bool {
        var copy = text
        return copy.withUTF8 { ValueParser.mayHaveTextProblem(utf8: $0, isArea: isArea) }
    }

    @Test func noRefusedCharacterSlipsPastTheScreen() {
        for isArea in [false, true] {
            for scalar in Self.refused + (isArea ? Self.refusedInNames : []) {
                for offset in 0..<19 {
                    let text = String(repeating: "a", count: offset) + String(scalar) + String(repeating: "宝", count: 3)
                    #expect(ValueParser.textProblem(text, isArea: isArea) != nil, "\(scalar.value) at \(offset)")
                    #expect(Self.screened(text, isArea: isArea), "U+\(String(scalar.value, radix: 16)) at \(offset)")
                }
            }
        }
    }

    @Test func plainTextPassesTheScreen() {
        for isArea in [false, true] {
            for offset in 0..<19 {
                let text = String(repeating: "x", count: offset) + "宝山区罗店镇 Main St. 1-2 (东) 路"
                #expect(!Self.screened(text, isArea: isArea), "\(offset)")
            }
        }
        // A line break in a note is screened and then allowed.
        #expect(Self.screened("第一行\n第二行", isArea: false))
        #expect(ValueParser.textProblem("第一行\n第二行", isArea: false) == nil)
    }
}
