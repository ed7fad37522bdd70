import CSVReading

/// How a dataset's files are decoded: detected per file, or declared.
public enum EncodingSetting: Equatable, Sendable {
    case auto
    case fixed(TextEncoding)
}

/// Rows kept or left out by the values of a column (`keep`, `drop`).
public struct RowFilter: Equatable, Sendable {
    /// A canonical column of the dataset, or else a header of the file as written.
    public let column: String
    public let patterns: PatternList

    public init(column: String, patterns: PatternList) {
        self.column = column
        self.patterns = patterns
    }
}

/// How an assessment is judged compliant (`compliant_when`).
public enum ComplianceRule: Equatable, Sendable {
    /// `score` >= the threshold.
    case scoreAtLeast(ExactDecimal)
    /// The `compliant` column matches one of the patterns; any other non-empty value is not
    /// compliant.
    case values(PatternList)
}

/// What `govstats.toml` says about one dataset; the defaults when it says nothing.
public struct DatasetSettings: Equatable, Sendable {
    /// canonical column -> the header used in the files (added to the aliases).
    public var columns: [String: String] = [:]
    public var datetimeFormats: [DatePattern] = []
    public var encoding: EncodingSetting = .auto
    /// The value lists that replace a metric's defaults, by key (`theft_categories`).
    public var valueLists: [String: PatternList] = [:]
    /// Rows must match, for each of these, one of its patterns.
    public var keep: [RowFilter] = []
    /// Rows that match, for one of these, one of its patterns are left out.
    public var drop: [RowFilter] = []
    /// The datetime column whose latest value decides which of a key's rows stands.
    public var latestBy: String?
    /// Assessments: the kind of period derived from `assessed_at`.
    public var periodFrom: Period.Kind?
    public var compliantWhen: ComplianceRule?
    /// The years a date or period may fall in: a value outside is rejected, so that one
    /// placeholder (`0001-01-01`, `1900-01-01`, `9999-12-31`) cannot stretch the trend
    /// series, which hold every period from the first to the last with data, over centuries.
    public var years: ClosedRange<Int> = DatasetSettings.defaultYears
    /// The day of the run: a datetime after it is invalid (`in the future`), so that one
    /// mistyped year cannot move the as-of date. nil: no such check (set by the command).
    public var lastDay: LocalDate?

    public static let defaultYears = 1980...2099

    public init() {}
}

/// The parsed `govstats.toml` (reference: "Configuration").
public struct GovStatsConfig: Equatable, Sendable {
    /// The settings of each dataset named in the file, built-in or declared.
    public var datasets: [Dataset: DatasetSettings] = [:]
    /// The datasets declared by `[datasets.<name>]`, by name.
    public var declared: [Dataset] = []
    /// `[report] city`: the name of the city level of areas.
    public var city: String?
    /// `[report] max_districts`: the most distinct districts a dataset may name.
    public var maxDistricts = GovStatsConfig.defaultMaxDistricts
    /// The day of the run (SOURCE_DATE_EPOCH's, or today's), given to every dataset: a
    /// datetime after it is invalid. Set by the command, never read from the file.
    public var runDay: LocalDate?
    /// The sha256 of the file it was read from ("none": no file), to which the run state
    /// is keyed. Set by the command.
    public var fingerprint = "none"

    public static let defaultMaxDistricts = 200
    /// The city level's name when `[report] city` is not set.
    public static let defaultCity = "全市"

    public init() {}

    public subscript(dataset: Dataset) -> DatasetSettings {
        datasets[dataset] ?? DatasetSettings()
    }

    /// The name of the city level of areas.
    public var cityName: String { city ?? Self.defaultCity }

    /// Every dataset the data folder may hold, with its settings: the built-in ones in
    /// contract order, then the declared ones by name.
    public var allDatasets: [Dataset] {
        (Dataset.builtIn + declared).map(resolve).sorted()
    }

    /// `dataset` with the settings this file gives it.
    public func resolve(_ dataset: Dataset) -> Dataset {
        var settings = self[dataset]
        settings.lastDay = runDay
        if let declared = declared.first(where: { $0 == dataset }) {
            return declared.configured(with: settings)
        }
        return dataset.configured(with: settings)
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
