import Schema
#if canImport(Glibc)
import Glibc
#endif

/// The day of the run, in local time: SOURCE_DATE_EPOCH's when it is set (a reproducible
/// build of the reports), else the system clock's. A datetime after it is invalid.
enum RunDay {
    static func today() throws(Failure) -> LocalDate {
        var seconds = time_t(try sourceDateEpoch() ?? time(nil))
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil,
              let day = LocalDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday)) else {
            throw .error(["cannot read the system clock's date"])
        }
        return day
    }

    /// The latest SOURCE_DATE_EPOCH taken: 9999-12-30 23:59:59 UTC, whose day in any time
    /// zone is a date of four digits.
    static let latestEpoch = 253_402_214_399

    /// SOURCE_DATE_EPOCH, when it is set (not empty): seconds since 1970-01-01 UTC.
    static func sourceDateEpoch() throws(Failure) -> Int? {
        guard let text = getenv("SOURCE_DATE_EPOCH").map({ String(cString: $0) }), !text.isEmpty else { return nil }
        guard let seconds = Int(text), (0...latestEpoch).contains(seconds) else {
            throw .usage(["SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, up to \(latestEpoch) (9999-12-30), not '\(text)'"])
        }
        return seconds
    }
}
