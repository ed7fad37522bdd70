/// Row outcomes of the default generation, as documented in datasets/README.md.
enum ExpectedQuality {
    static let alarmRejections = [
        Rejection(file: "alarm_calls_2015-07-01.csv", line: 1745, column: "district"),
        Rejection(file: "alarm_calls_2016-07-01.csv", line: 1910, column: "response_seconds"),
        Rejection(file: "alarm_calls_2017-01-01.csv", line: 1936, column: "response_seconds"),
        Rejection(file: "alarm_calls_2017-07-01.csv", line: 1756, column: "received_at"),
        Rejection(file: "alarm_calls_2018-01-01.csv", line: 2515, column: "received_at"),
        Rejection(file: "alarm_calls_2018-03-01.csv", line: 807, column: ""),
    ]
    static let burglaryRejections = [
        Rejection(file: "burglary_reports_2016-01-05.csv", line: 447, column: "community"),
        Rejection(file: "burglary_reports_2017-01-05.csv", line: 445, column: "loss_yuan"),
        Rejection(file: "burglary_reports_2018-01-05.csv", line: 508, column: "reported_at"),
        Rejection(file: "burglary_reports_2018-03-01.csv", line: 167, column: "loss_yuan"),
    ]
    static let safeRejections = [
        Rejection(file: "safe_community_2018-01-15.csv", line: 638, column: "compliant"),
        Rejection(file: "safe_community_2018-01-15.csv", line: 639, column: "score"),
    ]

    private static func outcome(_ file: String, _ read: Int, _ accepted: Int, _ rejected: Int,
                                _ duplicates: Int, _ conflicts: Int) -> FileOutcome {
        FileOutcome(file: file, rowsRead: read, accepted: accepted, rejected: rejected,
                    duplicates: duplicates, conflicts: conflicts)
    }

    static let outcomes = [
        outcome("alarm_calls_2015-07-01.csv", 4647, 4646, 1, 0, 0),
        outcome("alarm_calls_2016-01-01.csv", 5449, 5045, 0, 404, 2),
        outcome("alarm_calls_2016-07-01.csv", 5048, 4689, 1, 358, 4),
        outcome("alarm_calls_2017-01-01.csv", 5478, 5075, 1, 402, 5),
        outcome("alarm_calls_2017-07-01.csv", 4828, 4467, 1, 360, 1),
        outcome("alarm_calls_2018-01-01.csv", 5142, 4762, 1, 379, 5),
        outcome("alarm_calls_2018-03-01.csv", 1657, 1316, 1, 340, 5),
        outcome("burglary_reports_2016-01-05.csv", 1041, 1040, 1, 0, 0),
        outcome("burglary_reports_2017-01-05.csv", 1048, 960, 1, 87, 5),
        outcome("burglary_reports_2018-01-05.csv", 951, 870, 1, 80, 2),
        outcome("burglary_reports_2018-03-01.csv", 204, 130, 1, 73, 6),
        outcome("safe_community_2016-01-15.csv", 540, 540, 0, 0, 0),
        outcome("safe_community_2017-01-15.csv", 564, 540, 0, 24, 3),
        outcome("safe_community_2017-07-15.csv", 96, 96, 0, 0, 0),
        outcome("safe_community_2018-01-15.csv", 638, 636, 2, 0, 0),
    ]
}
