import CSVReading

/// How a dataset's files are decoded: detected per file, or declared.
public enum EncodingSetting: Equatable, Sendable {
    case auto
    case fixed(TextEncoding)
}

/// What `govstats.toml` says about one dataset; the defaults when it says nothing.
public struct DatasetSettings: Equatable, Sendable {
    /// canonical column -> the header used in the files (added to the aliases).
    public var columns: [String: String] = [:]
    public var datetimeFormats: [DatePattern] = []
    public var encoding: EncodingSetting = .auto
    public var theftCategories: [String] = ["盗窃", "入室盗窃", "扒窃", "偷盗"]
    public var alarmCallTypes: [String] = ["报警"]
    public var clearedStatuses: [String] = ["已破", "破案", "solved"]
    /// The years a date or period may fall in: a value outside is rejected, so that one
    /// placeholder (`0001-01-01`, `1900-01-01`, `9999-12-31`) cannot stretch the trend
    /// series, which hold every period from the first to the last with data, over centuries.
    public var years: ClosedRange<Int> = DatasetSettings.defaultYears

    public static let defaultYears = 1980...2099

    public init() {}
}

/// The parsed `govstats.toml` (DATA_CONTRACT.md section 1, "Exports with other headers").
public struct GovStatsConfig: Equatable, Sendable {
    public var datasets: [DatasetKind: DatasetSettings] = [:]

    public init() {}

    public subscript(kind: DatasetKind) -> DatasetSettings {
        datasets[kind] ?? DatasetSettings()
    }

    /// Parses the text of a config file. `file` is the name used in error messages.
    /// An unknown section, key or column, a value of the wrong type, a bad date pattern or
    /// malformed TOML is a `ConfigError` naming the key and the line.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> GovStatsConfig {
        try ConfigReader.parse(text, file: file)
    }
}

/// A usage error in a config file (exit 2).
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based; nil when no line can be named.
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `govstats.toml line 3: unknown key 'colums' in [alarm_calls]`
    public var description: String {
        if let line { "\(file) line \(line): \(message)" } else { "\(file): \(message)" }
    }
}
