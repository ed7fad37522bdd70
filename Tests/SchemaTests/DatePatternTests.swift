import Schema
import Testing

@Suite struct DatePatternTests {
    @Test(arguments: [
        // the contract's examples
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 01:07:00 PM", "2017-03-05 13:07:00"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2017-03-05T09:07:00.123", "2017-03-05 09:07:00"),
        // AM/PM edges
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 12:07:00 AM", "2017-03-05 00:07:00"),
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 12:07:00 PM", "2017-03-05 12:07:00"),
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 01:00:00 am", "2017-03-05 01:00:00"),
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 11:59:59 pm", "2017-03-05 23:59:59"),
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 11:59:59 Pm", "2017-03-05 23:59:59"),
        ("M/d/yyyy h:mm a", "3/5/2017 9:07 AM", "2017-03-05 09:07:00"),
        ("yyyy年M月d日 ah:mm", "2017年3月5日 下午1:07", "2017-03-05 13:07:00"),
        ("yyyy年M月d日 ah:mm", "2017年3月5日 上午12:30", "2017-03-05 00:30:00"),
        // month names
        ("d MMM yyyy", "5 Mar 2017", "2017-03-05 00:00:00"),
        ("d MMM yyyy", "5 MAR 2017", "2017-03-05 00:00:00"),
        ("dd-MMM-yy", "05-sep-17", "2017-09-05 00:00:00"),
        ("MMMM d, yyyy", "March 5, 2017", "2017-03-05 00:00:00"),
        ("MMMM d, yyyy", "may 31, 2017", "2017-05-31 00:00:00"),
        // numeric fields
        ("yyyyMMddHHmmss", "20170305090700", "2017-03-05 09:07:00"),
        ("M/d/yy H:mm", "3/5/17 9:07", "2017-03-05 09:07:00"),
        ("M/d/yy H:mm", "12/31/17 23:59", "2017-12-31 23:59:00"),
        ("y-M-d", "2017-3-5", "2017-03-05 00:00:00"),
        ("dd.MM.yyyy HH:mm:ss.S", "05.03.2017 09:07:00.1", "2017-03-05 09:07:00"),
        ("dd.MM.yyyy H:m:s", "05.03.2017 9:7:5", "2017-03-05 09:07:05"),
        // literals
        ("yyyy-MM-dd''HH", "2017-03-05'09", "2017-03-05 09:00:00"),
        ("yyyy-MM-dd 'at' HH:mm", "2017-03-05 at 09:07", "2017-03-05 09:07:00"),
        ("'day' d 'of' M 'in' yyyy", "day 5 of 3 in 2017", "2017-03-05 00:00:00"),
    ])
    func parses(_ pattern: String, _ text: String, _ expected: String) throws {
        let value = try #require(try DatePattern(pattern).parse(Substring(text)))
        #expect(value.description == expected)
        #expect(value.monthPrecision == false)
    }

    @Test(arguments: [
        ("yyyy-MM", "2017-03", "2017-03-01 00:00:00"),
        ("yyyy.M", "2017.3", "2017-03-01 00:00:00"),
        ("MMM yyyy", "Dec 2017", "2017-12-01 00:00:00"),
        ("yyyy'o''clock'MM", "2017o'clock03", "2017-03-01 00:00:00"),
        ("yyyy年M月", "2017年11月", "2017-11-01 00:00:00"),
    ])
    func aPatternWithoutADayGivesMonthPrecision(_ pattern: String, _ text: String, _ expected: String) throws {
        let value = try #require(try DatePattern(pattern).parse(Substring(text)))
        #expect(value.description == expected)
        #expect(value.monthPrecision)
    }

    @Test(arguments: [
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 13:07:00 PM"),
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 00:07:00 AM"),
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 01:07:00"),
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 01:07:00 XM"),
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 01:07:00 P"),
        ("MM/dd/yyyy hh:mm:ss a", "3/05/2017 01:07:00 PM"),
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 1:07:00 PM"),
        ("MM/dd/yyyy hh:mm:ss a", "03/05/2017 01:07:00 PM "),
        ("MM/dd/yyyy hh:mm:ss a", "02/30/2017 01:07:00 PM"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2017-03-05T09:07:00.12"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2017-03-05T09:07:00.1234"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2017-03-05 09:07:00.123"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2017-03-05T09:07:00"),
        ("yyyy-MM", "2017-3"),
        ("yyyy-MM", "2017-13"),
        ("yyyy-MM", "2017-00"),
        ("yyyy-MM", "2017-03-05"),
        ("yyyy-MM", "17-03"),
        ("yyyy-MM-dd HH:mm", "2017-03-05 24:00"),
        ("yyyy-MM-dd HH:mm", "2017-03-05 23:60"),
        ("d MMM yyyy", "5 Mrz 2017"),
        ("d MMM yyyy", "5 March 2017"),
        ("MMMM d, yyyy", "Mar 5, 2017"),
        ("dd-MMM-yy", "05-Sep-2017"),
        ("y-M-d", "2017-003-5"),
        ("yyyy-MM-dd", ""),
    ])
    func rejects(_ pattern: String, _ text: String) throws {
        #expect(try DatePattern(pattern).parse(Substring(text)) == nil)
    }

    @Test(arguments: [
        ("yyyy-QQ", "unknown pattern letter 'Q' (supported: y M d H h m s S a; put literal letters in quotes, as in 'T')"),
        ("EEE, dd MMM yyyy", "unknown pattern letter 'E' (supported: y M d H h m s S a; put literal letters in quotes, as in 'T')"),
        ("yyyy-MM-dd HH:mm z", "unknown pattern letter 'z' (supported: y M d H h m s S a; put literal letters in quotes, as in 'T')"),
        ("G yyyy-MM", "unknown pattern letter 'G' (supported: y M d H h m s S a; put literal letters in quotes, as in 'T')"),
        ("yyyy-MM-ddTHH:mm", "unknown pattern letter 'T' (supported: y M d H h m s S a; put literal letters in quotes, as in 'T')"),
        ("dd/MM", "no year (y, yy or yyyy)"),
        ("", "no year (y, yy or yyyy)"),
        ("yyyy-dd", "no month (M, MM, MMM or MMMM)"),
        ("yyyy-MM-dd hh:mm", "the 12-hour 'h' needs 'a' (AM/PM); use 'H' for 0-23"),
        ("yyyy-MM-dd HH:mm a", "'a' (AM/PM) needs the 12-hour 'h' or 'hh'"),
        ("yyyy-MM HH:mm", "a pattern without a day (d or dd) cannot have a time"),
        ("yyyy-MM-dd'T", "a quote (') is not closed"),
        ("yyyy-MM-yyyy", "the year appears more than once"),
        ("yyyy-MM-dd HH:mm hh a", "the hour appears more than once"),
        ("yyy-MM", "'yyy' is not supported for the year (use y, yy or yyyy)"),
        ("yyyyy-MM", "'yyyyy' is not supported for the year (use y, yy or yyyy)"),
        ("yyyy-MMMMM", "'MMMMM' is not supported for the month (use M, MM, MMM or MMMM)"),
        ("yyyy-MM-ddd", "'ddd' is not supported for the day (use d or dd)"),
        ("yyyy-MM-dd HHH", "'HHH' is not supported for the hour (use H or HH)"),
        ("yyyy-MM-dd hh:mm aa", "'aa' is not supported (use a single a for AM/PM)"),
    ])
    func refuses(_ pattern: String, _ message: String) {
        #expect(throws: DatePatternError(pattern: pattern, message: message)) {
            try DatePattern(pattern)
        }
    }

    @Test func errorDescriptionNamesThePattern() {
        let error = DatePatternError(pattern: "yyyy-QQ", message: "unknown pattern letter 'Q'")
        #expect(error.description == "date pattern 'yyyy-QQ': unknown pattern letter 'Q'")
    }

    @Test func patternsCompareByText() throws {
        #expect(try DatePattern("yyyy-MM") == DatePattern("yyyy-MM"))
        #expect(try DatePattern("yyyy-MM") != DatePattern("yyyy/MM"))
        #expect(try DatePattern("yyyy-MM").pattern == "yyyy-MM")
    }
}
