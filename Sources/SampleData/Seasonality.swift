/// Relative activity by calendar: summer evenings are busier than winter mornings.
enum Seasonality {
    /// Per month, January first.
    static let month = [92, 84, 96, 98, 102, 108, 112, 111, 104, 100, 97, 96]
    /// Monday first.
    static let weekday = [97, 96, 97, 98, 106, 108, 98]
    /// Per hour of the day, for the time of a call or a report.
    static let hour = [34, 24, 17, 13, 11, 13, 22, 40, 58, 66, 70, 72, 70, 68, 70, 72, 76, 82, 90, 94, 92, 84, 70, 50]

    static func dayWeight(_ day: Int) -> Int {
        let date = CivilDate(dayIndex: day)
        return month[date.month - 1] * weekday[date.weekday]
    }

    /// Cumulative weight of the hours of a day, each hour counted 60 times (once a minute).
    static let hourCumulative: [Int] = {
        var table = [0]
        for weight in hour { table.append(table.last! + weight * 60) }
        return table
    }()

    /// The `index`-th of `count` times in a day, as a minute of the day, in order:
    /// stratified draws through the hourly profile, so the times of one day come out sorted
    /// without sorting them.
    static func minute(index: Int, of count: Int, using rng: inout SplitMix64) -> Int {
        hourCumulative.withUnsafeBufferPointer { cumulative in
            let total = cumulative[24]
            let target = (index * total + rng.below(total)) / count
            var hour = 0
            while cumulative[hour + 1] <= target { hour += 1 }
            return hour * 60 + (target - cumulative[hour]) / Self.hour[hour]
        }
    }
}
