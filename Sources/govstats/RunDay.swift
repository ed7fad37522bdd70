import Schema
#if canImport(Glibc)
import Glibc
#endif

/// The day of the run, in local time: SOURCE_DATE_EPOCH's when it is set (a reproducible
/// build of the reports), else the system clock's. A datetime after it is invalid.
enum RunDay {
    static func today() throws(Failure) -> LocalDate {
        var seconds = time(nil)
        if let text = getenv("SOURCE_DATE_EPOCH").map({ String(cString: $0) }), !text.isEmpty {
            guard let epoch = Int(text), epoch >= 0 else {
                throw .usage(["SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, not '\(text)'"])
            }
            seconds = time_t(epoch)
        }
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil,
              let day = LocalDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday)) else {
            throw .error(["cannot read the system clock's date"])
        }
        return day
    }
}
