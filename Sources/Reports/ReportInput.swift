import Ingest
import Schema
import Trends

/// Everything the reports are rendered from. Built by the command from the transform
/// stage's results; the renderers are pure functions of it (no clock, no file system).
public struct ReportInput: Sendable {
    public enum Language: String, Sendable, CaseIterable {
        case zh, en
    }

    public let language: Language
    /// The datasets present and what became of their files' rows.
    public let datasets: [DatasetIngest]
    /// The trend tables of the dated datasets, which make the rows of `data/trends.csv`.
    /// Every trend figure a page shows is one of those rows.
    public let trends: [DatedTrends]
    /// Every row of `data/compliance.csv`, sorted as in the file.
    public let compliance: [ComplianceRow]
    /// The date span of each dated dataset present (alarm_calls, burglary_reports).
    public let spans: [Dataset: DataSpan]
    /// The breakdown of each events dataset that has a breakdown column.
    public let categories: [CategoryBreakdown]
    /// The name of the city level of areas (`全市`, or `[report] city`).
    public let city: String
    /// `YYYY-MM-DD HH:MM:SS UTC` from SOURCE_DATE_EPOCH, or nil: then no clock is shown.
    public let generatedAt: String?
    public let toolVersion: String

    public init(
        language: Language, datasets: [DatasetIngest], trends: [DatedTrends], compliance: [ComplianceRow],
        spans: [Dataset: DataSpan], categories: [CategoryBreakdown], generatedAt: String?, toolVersion: String,
        city: String = GovStatsConfig.defaultCity
    ) {
        self.city = city
        self.language = language
        self.datasets = datasets
        self.trends = trends
        self.compliance = compliance
        self.spans = spans
        self.categories = categories
        self.generatedAt = generatedAt
        self.toolVersion = toolVersion
    }
}

/// One file of the output folder, by its path relative to it.
public struct OutputDocument: Equatable, Sendable {
    public let path: String
    public let contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}
