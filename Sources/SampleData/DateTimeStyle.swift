/// The datetime forms the exports write, all of them forms the contract reads. Times are
/// kept to the minute, so every form of one record parses to the same value and a record
/// exported twice in two forms is still an exact duplicate.
enum DateTimeStyle: Sendable {
    /// `2017-03-05 09:07:00`
    case seconds
    /// `2017-03-05T09:07:00`
    case isoT
    /// `2017-03-05 09:07`
    case minutes
    /// `2017/3/5 9:07`, as Excel writes it
    case excel
    /// Any of the four above, row by row.
    case mixed

    static let concrete: [DateTimeStyle] = [.seconds, .isoT, .minutes, .excel]
}

extension ExportFile {
    /// A datetime field; `minute` is the minute of the day, nil for a date alone
    /// (written `2017-03-05`, or `2017/3/5` in the Excel style).
    func field(date: CivilDate, minute: Int?, style: DateTimeStyle) {
        separate()
        if style == .excel {
            appendNumber(date.year); append(0x2F)
            appendNumber(date.month); append(0x2F)
            appendNumber(date.day)
            guard let minute else { return }
            append(0x20)
            appendNumber(minute / 60); append(0x3A)
            appendNumber(minute % 60, width: 2)
            return
        }
        appendNumber(date.year); append(0x2D)
        appendNumber(date.month, width: 2); append(0x2D)
        appendNumber(date.day, width: 2)
        guard let minute else { return }
        append(style == .isoT ? 0x54 : 0x20)
        appendNumber(minute / 60, width: 2); append(0x3A)
        appendNumber(minute % 60, width: 2)
        if style != .minutes {
            append(0x3A); append(0x30); append(0x30)
        }
    }
}
