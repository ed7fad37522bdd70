/// One dataset: its columns, key, date column, areas, metrics, compliance rule and wording,
/// as one value that every stage reads. The three built-in datasets are declared in
/// `Dataset+BuiltIn.swift`; a `[datasets.<name>]` section of `govstats.toml` decodes into
/// the same value. No stage names a dataset or a metric: they loop over declarations.
///
/// A dataset is identified by its name: two values with the same name are the same
/// dataset (one may carry the settings of a `govstats.toml`, see `configured(with:)`).
public final class Dataset: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Dated records counted per metric, area and period (`data/trends.csv`).
        case events
        /// Assessments of units per period, compliant or not (`data/compliance.csv`).
        case assessments
    }

    public let name: String
    public let kind: Kind
    public let title: Words
    /// The columns in table order (the order that decides which bad value a rejected row is
    /// blamed on), as the settings make them: which are required, which are derived.
    public let columns: [ColumnSpec]
    /// The canonical columns whose values together make a record's key. When every one of
    /// them is optional, a row without a key is a record of its own (no duplicates).
    public let keyColumns: [String]
    /// The datetime column that dates an event; nil for assessments (dated by their period).
    public let dateColumn: String?
    /// The columns that name a record's district, street and community.
    public let areas: AreaColumns
    /// What one record is, in a count: `起` / `` for events, `个小区` / `communities` for
    /// assessments.
    public let unit: Words
    /// Events: the metrics, in report order (the first is every record).
    public let metrics: [Metric]
    /// Events: the column whose values are broken down by year in the reports, if any.
    public let breakdownColumn: String?
    /// Assessments: what the rate is called (`平安小区达标率`).
    public let complianceTitle: Words
    /// The value lists this dataset's section of `govstats.toml` may set, with their
    /// defaults (`theft_categories`, ...): the metrics read them.
    public let valueLists: [ValueListSetting]
    public let settings: DatasetSettings
    /// Built-in datasets first, in contract order; then declared ones by name.
    public let isBuiltIn: Bool
    let order: Int

    init(
        name: String, kind: Kind, title: Words, columns: [ColumnSpec], keyColumns: [String], dateColumn: String?,
        areas: AreaColumns, unit: Words, metrics: [MetricDeclaration], breakdownColumn: String?, complianceTitle: Words,
        settings: DatasetSettings = DatasetSettings(), isBuiltIn: Bool, order: Int
    ) {
        self.name = name
        self.kind = kind
        self.title = title
        self.keyColumns = keyColumns
        self.dateColumn = dateColumn
        self.areas = areas
        self.unit = unit
        self.breakdownColumn = breakdownColumn
        self.complianceTitle = complianceTitle
        self.settings = settings
        self.isBuiltIn = isBuiltIn
        self.order = order
        self.declaredColumns = columns
        self.declaredMetrics = metrics
        self.valueLists = metrics.compactMap(\.setting)
        let effective = Self.effective(columns, kind: kind, settings: settings)
        self.columns = effective
        func handle(_ name: String) -> Int {
            guard let index = effective.firstIndex(where: { $0.name == name }) else { preconditionFailure("\(name) is not a column of the declaration") }
            return index
        }
        func text(_ name: String) -> TextColumn { TextColumn(index: handle(name), name: name) }
        self.metrics = metrics.map { $0.resolved(settings, text) }
        self.places = PlaceHandles(district: text(areas.district), street: areas.street.map(text), community: areas.community.map(text))
        self.date = dateColumn.map { DateColumn(index: handle($0), name: $0) }
        self.breakdown = breakdownColumn.map(text)
        self.complianceColumns = kind == .assessments
            ? ComplianceHandles(period: PeriodColumn(index: handle(AssessmentColumns.period), name: AssessmentColumns.period),
                                compliant: FlagColumn(index: handle(AssessmentColumns.compliant), name: AssessmentColumns.compliant))
            : nil
    }

    /// The handles of the columns that place a record.
    public let places: PlaceHandles
    /// The handle of `dateColumn`.
    public let date: DateColumn?
    /// The handle of `breakdownColumn`.
    public let breakdown: TextColumn?
    /// Assessments: the handles of the period and the compliance flag.
    public let complianceColumns: ComplianceHandles?

    /// The columns and metrics as declared, before settings (kept to configure again).
    private let declaredColumns: [ColumnSpec]
    private let declaredMetrics: [MetricDeclaration]

    /// The same dataset read with `settings` (from its section of `govstats.toml`).
    public func configured(with settings: DatasetSettings) -> Dataset {
        Dataset(
            name: name, kind: kind, title: title, columns: declaredColumns, keyColumns: keyColumns, dateColumn: dateColumn,
            areas: areas, unit: unit, metrics: declaredMetrics, breakdownColumn: breakdownColumn,
            complianceTitle: complianceTitle, settings: settings, isBuiltIn: isBuiltIn, order: order)
    }

    /// Assessments: `period_from` derives the period from `assessed_at` (which becomes
    /// required); `compliant_when` judges compliance by the score (which becomes required)
    /// or by patterns over the `compliant` column.
    private static func effective(_ columns: [ColumnSpec], kind: Kind, settings: DatasetSettings) -> [ColumnSpec] {
        guard kind == .assessments else { return columns }
        return columns.map { spec in
            switch spec.name {
            case AssessmentColumns.period:
                if let from = settings.periodFrom {
                    return spec.with(required: false, derivation: .period(from: AssessmentColumns.assessedAt, from))
                }
            case AssessmentColumns.assessedAt:
                if settings.periodFrom != nil { return spec.with(required: true) }
            case AssessmentColumns.score:
                if case .scoreAtLeast = settings.compliantWhen { return spec.with(required: true) }
            case AssessmentColumns.compliant:
                switch settings.compliantWhen {
                case .scoreAtLeast(let threshold):
                    return spec.with(required: false, derivation: .scoreAtLeast(column: AssessmentColumns.score, threshold))
                case .values(let patterns):
                    return spec.with(type: .verdict(patterns))
                case nil:
                    break
                }
            default:
                break
            }
            return spec
        }
    }

    public func column(named name: String) -> ColumnSpec? {
        columns.first { $0.name == name }
    }

    /// The position of a column in `columns`.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// Whether a row with no key value is a record of its own.
    public var keyIsOptional: Bool {
        keyColumns.allSatisfy { column(named: $0)?.required == false }
    }

    public var description: String { name }

    /// A name a declared dataset or metric may have: `[a-z][a-z0-9_]*`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return name.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
        }
    }

    public static func == (lhs: Dataset, rhs: Dataset) -> Bool { lhs.name == rhs.name }

    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    public static func < (lhs: Dataset, rhs: Dataset) -> Bool {
        lhs.order != rhs.order ? lhs.order < rhs.order : lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
    }
}

/// A text in the two report languages.
public struct Words: Hashable, Sendable {
    public let zh: String
    public let en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
}

/// The canonical columns that place a record.
public struct AreaColumns: Hashable, Sendable {
    public let district: String
    public let street: String?
    /// Events: a community level of areas (`district/community`) when the column is there.
    public let community: String?

    public init(district: String = "district", street: String? = "street", community: String? = nil) {
        self.district = district
        self.street = street
        self.community = community
    }
}

/// The canonical names of an assessments dataset's columns that its rules read.
public enum AssessmentColumns {
    public static let period = "period"
    public static let assessedAt = "assessed_at"
    public static let compliant = "compliant"
    public static let score = "score"
}

/// How a column's text becomes a value (section 1 of the reference, "Values").
public enum ColumnType: Sendable, Equatable {
    case text
    case datetime
    case boolean
    /// integer >= 0
    case count
    /// decimal >= 0
    case amount
    /// decimal 0..100
    case score
    /// `YYYY`, `YYYYH1`/`YYYYH2`, `YYYYQ1`..`YYYYQ4`
    case period
    /// Text judged by patterns: a boolean, true when a pattern matches (`compliant_when.values`).
    case verdict(PatternList)
}

/// A column whose value is worked out from another column of the same row, not read.
public enum Derivation: Sendable, Equatable {
    /// The period of this kind that holds the datetime of `from`.
    case period(from: String, Period.Kind)
    /// True when the score in `column` is at least `threshold`.
    case scoreAtLeast(column: String, ExactDecimal)
}

/// One column of a dataset's table: its canonical name, whether a file must have it, its
/// type and the other headers it may go by in an export.
public struct ColumnSpec: Sendable, Equatable {
    public let name: String
    public let required: Bool
    public let type: ColumnType
    public let aliases: [String]
    /// A name of a place (district, street, community, unit): a format character (bidi
    /// control, zero-width) in it is refused, since it makes a name that looks like another.
    public let isArea: Bool
    /// Set for a column worked out from others: it is not read from the file.
    public let derivation: Derivation?
    /// Words that an export's header for this column commonly holds, for `govstats init`'s
    /// guesses (`HeaderGuess`), strongest first.
    public let headerHints: [String]

    public init(_ name: String, required: Bool, _ type: ColumnType, aliases: [String], isArea: Bool = false, derivation: Derivation? = nil,
                hints: [String] = []) {
        self.name = name
        self.required = required
        self.type = type
        self.aliases = aliases
        self.isArea = isArea
        self.derivation = derivation
        self.headerHints = hints
    }

    func with(required: Bool? = nil, type: ColumnType? = nil, derivation: Derivation? = nil) -> ColumnSpec {
        ColumnSpec(name, required: required ?? self.required, type ?? self.type, aliases: aliases, isArea: isArea,
                   derivation: derivation ?? self.derivation, hints: headerHints)
    }
}

/// A metric of an events dataset: the standing records it counts.
public struct Metric: Sendable, Equatable {
    public let name: String
    public let title: Words
    /// Every condition must hold; none: every record counts.
    public let conditions: [Condition]
    /// A share of another metric worth stating beside the count (cleared burglaries of all
    /// burglaries: the clearance rate), with its name.
    public var shareOf: (metric: String, title: Words)? { share.map { ($0.metric, $0.title) } }
    let share: Share?
    /// A rise is the good news (cleared cases), not a fall (calls, crimes).
    public let riseIsGood: Bool

    struct Share: Sendable, Equatable {
        let metric: String
        let title: Words
    }

    /// A record counts when its value in `column` matches one of `patterns`. A record from a
    /// file without the column counts when `absentMatches`; an empty value never does.
    public struct Condition: Sendable, Equatable {
        public let column: TextColumn
        public let patterns: PatternList
        public let absentMatches: Bool

        public init(column: TextColumn, patterns: PatternList, absentMatches: Bool = false) {
            self.column = column
            self.patterns = patterns
            self.absentMatches = absentMatches
        }
    }

    /// A condition as declared, on a column named in the declaration (`where`).
    public struct ConditionDeclaration: Sendable, Equatable {
        public let column: String
        public let patterns: PatternList

        public init(column: String, patterns: PatternList) {
            self.column = column
            self.patterns = patterns
        }
    }

    public init(name: String, title: Words, conditions: [Condition], shareOf: (metric: String, title: Words)? = nil, riseIsGood: Bool = false) {
        self.name = name
        self.title = title
        self.conditions = conditions
        self.share = shareOf.map { Share(metric: $0.metric, title: $0.title) }
        self.riseIsGood = riseIsGood
    }
}

/// A value list of a dataset's section (`theft_categories`), the column it matches and
/// the list it replaces.
public struct ValueListSetting: Sendable, Equatable {
    public let key: String
    public let column: String
    public let defaults: [String]
}

/// A metric as declared: its conditions, one of which may take its patterns from a value
/// list of `govstats.toml` (`theft_categories`), the declared defaults otherwise.
public struct MetricDeclaration: Sendable, Equatable {
    let name: String
    let title: Words
    let conditions: [Metric.ConditionDeclaration]
    /// The value list that gives the patterns of one more condition, on its column.
    let setting: ValueListSetting?
    let absentMatches: Bool
    var shareOf: (metric: String, title: Words)?
    var riseIsGood = false

    /// The metric as a share of `metric`, named `title` (the clearance rate of burglaries).
    public func share(of metric: String, _ title: Words, riseIsGood: Bool) -> MetricDeclaration {
        var copy = self
        copy.shareOf = (metric, title)
        copy.riseIsGood = riseIsGood
        return copy
    }

    public static func == (lhs: MetricDeclaration, rhs: MetricDeclaration) -> Bool {
        lhs.name == rhs.name && lhs.title == rhs.title && lhs.conditions == rhs.conditions && lhs.setting == rhs.setting
            && lhs.absentMatches == rhs.absentMatches && lhs.shareOf?.metric == rhs.shareOf?.metric && lhs.riseIsGood == rhs.riseIsGood
    }

    /// Every record.
    public static func all(_ name: String, _ title: Words) -> MetricDeclaration {
        MetricDeclaration(name: name, title: title, conditions: [], setting: nil, absentMatches: false)
    }

    /// The records whose `column` matches the value list `setting` (its defaults unless
    /// `govstats.toml` sets it).
    public static func matching(
        _ name: String, column: String, setting: String, defaults: [String], absentMatches: Bool = false, _ title: Words
    ) -> MetricDeclaration {
        MetricDeclaration(name: name, title: title, conditions: [], setting: ValueListSetting(key: setting, column: column, defaults: defaults),
                          absentMatches: absentMatches)
    }

    /// The records that meet every condition (a declared metric's `where`).
    public static func matching(_ name: String, _ title: Words, conditions: [Metric.ConditionDeclaration]) -> MetricDeclaration {
        MetricDeclaration(name: name, title: title, conditions: conditions, setting: nil, absentMatches: false)
    }

    /// The metric with its value list from `settings` and its columns as handles.
    func resolved(_ settings: DatasetSettings, _ column: (String) -> TextColumn) -> Metric {
        var conditions = self.conditions.map { Metric.Condition(column: column($0.column), patterns: $0.patterns) }
        if let setting {
            let patterns = settings.valueLists[setting.key] ?? PatternList(plain: setting.defaults)
            conditions.append(Metric.Condition(column: column(setting.column), patterns: patterns, absentMatches: absentMatches))
        }
        return Metric(name: name, title: title, conditions: conditions, shareOf: shareOf, riseIsGood: riseIsGood)
    }
}
