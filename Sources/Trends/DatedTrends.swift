import CSVReading
import Ingest
import Schema

/// Trend figures of an events dataset: counts of standing records per metric, area and
/// month, from which quarters, years and year-to-date follow.
///
/// A pure function of the standing records and the dataset's declaration (its metrics and
/// area columns).
public struct DatedTrends: Sendable {
    public let dataset: Dataset
    public let metrics: [String]
    public let span: DataSpan
    /// Areas in output order: city, districts, streets, communities (each in byte order).
    public let areas: [Area]
    /// The first month with data, as year * 12 + month - 1.
    public let firstMonth: Int
    public let monthCount: Int
    /// counts[(metric × areas + area) × months + month offset]
    let counts: [Int]
    /// ytdCounts[metric][area] = (this span, the span a year earlier)
    let ytdCounts: [[(Int, Int)]]
    private let areaIndex: [Area: Int]

    /// nil when the dataset has no standing records. `jobs` > 1: the groups are counted in
    /// that many parts at once (each of at least `partRecords`), whose counts are added:
    /// the same figures for any value. `flatKeys`: the most possible combinations numbered
    /// through a flat table, beyond which a dictionary numbers them (the same figures too).
    ///
    /// One pass over the record groups (`RecordStore.groups(.trends)`: records by day,
    /// place and set of metrics) adds each group's size to a histogram by its place
    /// (district, street, community: a "combination"), month, year-to-date state and set
    /// of metrics. The areas and metrics a cell adds to are worked out once per cell
    /// afterwards, not per group.
    public init?(_ ingest: DatasetIngest, city: String = GovStatsConfig.defaultCity, jobs: Int = 1, partRecords: Int = 100_000, flatKeys: Int = 1 << 20) {
        guard ingest.dataset.kind == .events, let dateColumn = ingest.dataset.date,
              let groups = ingest.store.groups(.trends), groups.count > 0 else { return nil }
        dataset = ingest.dataset
        let cityArea = Area(level: .city, name: city)
        // The columns the count reads, decoded from the groups side by side.
        var dates: DateValues?
        var metricSets: [UInt32] = []
        var decodedPlaces: PlaceColumns?
        let decode: [() -> Void] = [
            { dates = groups.dates(dateColumn) },
            { metricSets = groups.metricSets },
            { decodedPlaces = PlaceColumns(groups: groups, places: ingest.dataset.places) },
        ]
        Parallel.each(decode.count, jobs: jobs) { decode[$0]() }
        let days = dates!.days
        let places = decodedPlaces!

        // The span: earliest date, latest date (a month-precision latest date ends its month).
        var firstDay = Int.max
        var lastDay = Int.min
        var lastDated = Int.min
        for record in 0..<days.count {
            let day = days.day(record)
            firstDay = min(firstDay, day)
            lastDated = max(lastDated, day)
            var end = day
            if days.isMonthPrecision(record) {
                let date = LocalDate(dayNumber: day)
                end = day + LocalDate.daysInMonth(year: date.year, month: date.month) - 1
            }
            lastDay = max(lastDay, end)
        }
        span = DataSpan(first: LocalDate(dayNumber: firstDay), asOf: LocalDate(dayNumber: lastDay))
        firstMonth = span.first.year * 12 + span.first.month - 1
        monthCount = span.asOf.year * 12 + span.asOf.month - firstMonth

        metrics = dataset.metrics.map(\.name)
        let counting = Counting(
            months: MonthLookup(days: firstDay...lastDated), firstMonth: firstMonth, monthCount: monthCount,
            ytd: span.ytd.start.dayNumber...span.ytd.end.dayNumber,
            prior: span.priorYtd.start.dayNumber...span.priorYtd.end.dayNumber,
            maskCount: 1 << metrics.count)
        let histogram = withExtendedLifetime((groups, dates, places)) {
            Self.count(dates: days, sizes: groups.sizes, places: places, metricSets: metricSets, counting: counting, jobs: jobs, partRecords: partRecords, flatKeys: flatKeys)
        }

        // Areas: the city, and each district, district/street and district/community pair
        // that a combination names; a combination counts in its own (two combinations may
        // name one area).
        let combinationAreas: [[Area]] = histogram.combinations.map { key in
            let combination = places.combination(key)
            let district = places.districtNames[Int(combination.district)]
            var list = [cityArea, Area(level: .district, name: district)]
            if let street = combination.street {
                list.append(Area(level: .street, name: district + "/" + places.streetNames[Int(street)]))
            }
            if let community = combination.community {
                list.append(Area(level: .community, name: district + "/" + places.communityNames[Int(community)]))
            }
            return list
        }
        areas = Set(combinationAreas.joined()).union([cityArea]).sorted {
            $0.level != $1.level ? $0.level < $1.level : utf8Less($0.name, $1.name)
        }
        var index: [Area: Int] = [:]
        for (position, area) in areas.enumerated() { index[area] = position }
        areaIndex = index
        let areaLists = combinationAreas.map { $0.map { index[$0]! } }

        // Each cell of the histogram added to the counts of its metrics and areas.
        let areaCount = areas.count
        let monthCount = monthCount
        let metricCount = metrics.count
        let maskCount = counting.maskCount
        var counts = Array(repeating: 0, count: metricCount * areaCount * monthCount)
        var ytdFlat = Array(repeating: 0, count: metricCount * areaCount * 2)
        /// `body(count, metric, area)` for each non-empty cell of `cells` (one per set of
        /// metrics), each metric of its set and each of `areaList`.
        func spread(_ cells: ArraySlice<UInt32>, _ areaList: [Int], _ body: (Int, Int, Int) -> Void) {
            for (mask, count) in zip(0..., cells) where count > 0 {
                for metric in 0..<metricCount where mask & (1 << metric) != 0 {
                    for area in areaList { body(Int(count), metric, area) }
                }
            }
        }
        for (combination, areaList) in areaLists.enumerated() {
            for month in 0..<monthCount {
                let cells = (combination * monthCount + month) * maskCount
                spread(histogram.months[cells..<(cells + maskCount)], areaList) { count, metric, area in
                    counts[(metric * areaCount + area) * monthCount + month] += count
                }
            }
            for state in 0..<Counting.ytdStates {
                let cells = (combination * Counting.ytdStates + state) * maskCount
                spread(histogram.ytd[cells..<(cells + maskCount)], areaList) { count, metric, area in
                    if state & 1 != 0 { ytdFlat[(metric * areaCount + area) * 2] += count }
                    if state & 2 != 0 { ytdFlat[(metric * areaCount + area) * 2 + 1] += count }
                }
            }
        }
        self.counts = counts
        self.ytdCounts = (0..<metricCount).map { metric in
            (0..<areaCount).map { area in (ytdFlat[(metric * areaCount + area) * 2], ytdFlat[(metric * areaCount + area) * 2 + 1]) }
        }
    }

    /// The place columns of an events dataset, and the numbering of combinations: a key per
    /// (district, street or none, community or none) from slot numbers.
    struct PlaceColumns {
        /// The columns, kept alive while their codes are read.
        let values: [TextValues]
        // Read through pointers: valid while `values` live.
        let districts: TextCodes
        let streets: TextCodes?
        let communities: TextCodes?
        let districtNames: [String]
        let streetNames: [String]
        let communityNames: [String]
        /// Keys run from 0 to `keyCount`: district × (streets + 1) + street (streets: none),
        /// then × (communities + 1) + community (communities: none).
        let keyCount: Int

        init(groups: RecordGroups, places: PlaceHandles) {
            let district = groups.texts(places.district)
            let street = places.street.map(groups.texts)
            let community = places.community.map(groups.texts)
            values = [district] + [street, community].compactMap { $0 }
            districts = district.codes
            streets = street?.codes
            communities = community?.codes
            districtNames = district.names
            streetNames = street?.names ?? []
            communityNames = community?.names ?? []
            keyCount = districtNames.count * (streetNames.count + 1) * (communityNames.count + 1)
        }

        @inline(__always)
        func key(_ record: Int) -> Int {
            var key = Int(districts[record]) * (streetNames.count + 1) + Self.number(streets, record, none: streetNames.count)
            key = key * (communityNames.count + 1) + Self.number(communities, record, none: communityNames.count)
            return key
        }

        @inline(__always)
        private static func number(_ column: TextCodes?, _ record: Int, none: Int) -> Int {
            guard let column else { return none }
            let code = column[record]
            return code < 0 ? none : code
        }

        /// The slot numbers a key stands for (nil: none).
        func combination(_ key: Int) -> (district: UInt64, street: UInt64?, community: UInt64?) {
            let community = key % (communityNames.count + 1)
            let rest = key / (communityNames.count + 1)
            let street = rest % (streetNames.count + 1)
            return (UInt64(rest / (streetNames.count + 1)), street == streetNames.count ? nil : UInt64(street),
                    community == communityNames.count ? nil : UInt64(community))
        }
    }

    /// What the counting pass needs besides the columns.
    struct Counting: Sendable {
        let months: MonthLookup
        let firstMonth: Int
        let monthCount: Int
        let ytd: ClosedRange<Int>
        let prior: ClosedRange<Int>
        /// 2^metrics: a cell per set of metrics a record counts in.
        let maskCount: Int
        /// Year-to-date states: bit 0 in the year to date, bit 1 in the same span a year earlier.
        static let ytdStates = 4

        /// Cells per combination in the histogram's `months` and `ytd`.
        var monthCells: Int { monthCount * maskCount }
        var ytdCells: Int { Self.ytdStates * maskCount }
    }

    /// Records counted by combination: `months[(combination × months + month) × masks + mask]`
    /// and `ytd[(combination × 4 + state) × masks + mask]` (`Counting.ytdStates`), combinations numbered in the order of
    /// `combinations` (their keys).
    struct Histogram {
        var combinations: [Int] = []
        var months: [UInt32] = []
        var ytd: [UInt32] = []
    }

    /// The histogram of all records, counted in parts of at least `partRecords` on up to
    /// `jobs` threads, each part numbering the combinations it meets in its own order, then
    /// added up in the order of the parts (the same figures for any number of parts).
    private static func count(dates: DateDays, sizes: GroupSizes, places: PlaceColumns, metricSets: [UInt32], counting: Counting, jobs: Int, partRecords: Int, flatKeys: Int) -> Histogram {
        let recordCount = dates.count
        precondition(recordCount < Int(UInt32.max), "too many records for 32-bit counts")
        let parts = max(1, min(jobs, recordCount / max(1, partRecords)))
        let results = UnsafeMutableBufferPointer<Histogram>.allocate(capacity: parts)
        results.initialize(repeating: Histogram())
        defer { results.deinitialize().deallocate() }
        let countPart = { (part: Int) in
            results[part] = countRecords((part * recordCount / parts)..<((part + 1) * recordCount / parts),
                                         dates: dates, sizes: sizes, places: places, metricSets: metricSets, counting: counting, flatKeys: flatKeys)
        }
        // Each part writes only its own element of `results`.
        Parallel.each(parts, jobs: jobs, countPart)
        var total = results[0]
        guard parts > 1 else { return total }
        let (monthCells, ytdCells) = (counting.monthCells, counting.ytdCells)
        var numbers: [Int: Int] = [:]
        for (number, key) in total.combinations.enumerated() { numbers[key] = number }
        for part in results.dropFirst() {
            for (number, key) in part.combinations.enumerated() {
                let into: Int
                if let known = numbers[key] {
                    into = known
                } else {
                    into = total.combinations.count
                    numbers[key] = into
                    total.combinations.append(key)
                    total.months.append(contentsOf: repeatElement(0, count: monthCells))
                    total.ytd.append(contentsOf: repeatElement(0, count: ytdCells))
                }
                for cell in 0..<monthCells { total.months[into * monthCells + cell] += part.months[number * monthCells + cell] }
                for cell in 0..<ytdCells { total.ytd[into * ytdCells + cell] += part.ytd[number * ytdCells + cell] }
            }
        }
        return total
    }

    /// The histogram of `records`. Combinations are numbered through a flat table of keys
    /// when there are at most `flatKeys` possible keys (one array read per record), else
    /// through a dictionary.
    private static func countRecords(_ records: Range<Int>, dates: DateDays, sizes: GroupSizes, places: PlaceColumns, metricSets: [UInt32], counting: Counting, flatKeys: Int) -> Histogram {
        let flat = places.keyCount <= flatKeys
        var numbers = flat ? Array(repeating: Int32(-1), count: places.keyCount) : []
        var sparse: [Int: Int32] = [:]
        var combinations: [Int] = []
        let (monthCells, ytdCells) = (counting.monthCells, counting.ytdCells)
        var months = Cells(perCombination: monthCells)
        var ytd = Cells(perCombination: ytdCells)
        defer { months.free(); ytd.free() }
        let firstMonth = counting.firstMonth
        let maskCount = counting.maskCount
        for record in records {
            let key = places.key(record)
            var number = flat ? numbers[key] : sparse[key] ?? -1
            if number < 0 {
                number = Int32(combinations.count)
                if flat { numbers[key] = number } else { sparse[key] = number }
                combinations.append(key)
                months.add()
                ytd.add()
            }
            let mask = Int(metricSets[record])
            let day = dates.day(record)
            let month = counting.months.month(ofDay: day) - firstMonth
            let state = (counting.ytd.contains(day) ? 1 : 0) | (counting.prior.contains(day) ? 2 : 0)
            let size = UInt32(truncatingIfNeeded: sizes[record])
            months.pointer[Int(number) * monthCells + month * maskCount + mask] &+= size
            ytd.pointer[Int(number) * ytdCells + state * maskCount + mask] &+= size
        }
        return Histogram(combinations: combinations, months: months.array(), ytd: ytd.array())
    }

    /// Counts for a growing number of combinations in one block, written through a pointer
    /// (a Swift array would be checked for uniqueness at every increment). Freed by `free`.
    private struct Cells {
        let perCombination: Int
        private(set) var pointer = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
        private var count = 0
        private var capacity = 0

        init(perCombination: Int) { self.perCombination = perCombination }

        /// Zero counts for one more combination.
        mutating func add() {
            if count + perCombination > capacity {
                capacity = max(16 * perCombination, capacity * 2)
                let grown = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
                grown.update(from: pointer, count: count)
                pointer.deallocate()
                pointer = grown
            }
            (pointer + count).initialize(repeating: 0, count: perCombination)
            count += perCombination
        }

        func array() -> [UInt32] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

        func free() { pointer.deallocate() }
    }

    // MARK: Figures

    public func metricIndex(_ metric: String) -> Int? { metrics.firstIndex(of: metric) }

    public func areaPosition(_ area: Area) -> Int? { areaIndex[area] }

    /// The months (`2016-03`) without a single record citywide between the first and the
    /// last month with data: most often an export that is missing, which makes the month
    /// read as a fall to zero and the next as a rise from nothing.
    public func emptyMonths() -> [String] {
        guard let city = areas.firstIndex(where: { $0.level == .city }), !metrics.isEmpty else { return [] }
        return series(metric: 0, area: city, kind: .month).filter { $0.value == 0 }.map(\.period)
    }

    /// The count for months [from, to) given as offsets from `firstMonth` (clipped to data).
    func sum(_ metric: Int, _ area: Int, from: Int, to: Int) -> Int {
        let lower = max(from, 0)
        let upper = min(to, monthCount)
        guard lower < upper else { return 0 }
        let row = (metric * areas.count + area) * monthCount
        return counts[(row + lower)..<(row + upper)].reduce(0, +)
    }

    /// Every row of `data/trends.csv` for this dataset (metric by metric, area by area).
    /// For large tables prefer `rows(metric:area:)`, which makes one area's rows at a time.
    public func rows() -> [TrendRow] {
        var rows: [TrendRow] = []
        for metric in metrics.indices {
            for area in areas.indices { rows += self.rows(metric: metric, area: area) }
        }
        return rows
    }

    /// Every row of the tables in `TrendRow.csvOrder`, one area's rows at a time: tables,
    /// metrics and areas are taken in the order of a row's first four fields and each
    /// area's rows sorted among themselves, which is the order of all rows sorted, without
    /// holding them (a row per community and month can be millions).
    public static func forEachRow(of tables: [DatedTrends], _ body: (TrendRow) throws -> Void) rethrows {
        for table in tables.sorted(by: { utf8Less($0.dataset.name, $1.dataset.name) }) {
            let metrics = table.metrics.indices.sorted { utf8Less(table.metrics[$0], table.metrics[$1]) }
            let areas = table.areas.indices.sorted { left, right in
                let (a, b) = (table.areas[left], table.areas[right])
                let level = compareUTF8(a.level.rawValue, b.level.rawValue)
                return level != 0 ? level < 0 : utf8Less(a.name, b.name)
            }
            let periods = kindsInCSVOrder.map { SeriesPeriods(table, kind: $0) }
            for metric in metrics {
                for area in areas {
                    // One metric and area: the rows share their first four fields, so the
                    // kind of period and then the period decide (as `TrendRow.csvOrder`
                    // would). A series comes in time order, which is already the order of
                    // its labels unless a year has fewer than four digits: it is sorted
                    // only when it is not in order.
                    for (kind, periods) in zip(kindsInCSVOrder, periods) {
                        var rows = table.series(metric: metric, area: area, kind: kind, periods: periods)
                        if !rows.indices.dropFirst().allSatisfy({ !periodOrder(rows[$0], rows[$0 - 1]) }) {
                            rows.sort(by: periodOrder)
                        }
                        for row in rows { try body(row) }
                    }
                }
            }
        }
    }

    /// `TrendRow.csvOrder` for rows of one metric, area and kind of period: the period's
    /// bytes decide.
    private static func periodOrder(_ left: TrendRow, _ right: TrendRow) -> Bool {
        let period = compareUTF8(left.period, right.period)
        return period != 0 ? period < 0 : TrendRow.csvOrder(left, right)
    }

    /// Kinds of period in the order of their names' bytes, as `data/trends.csv` has them.
    private static let kindsInCSVOrder = PeriodKind.allCases.sorted { utf8Less($0.rawValue, $1.rawValue) }

    /// The rows of one metric and area: every year, quarter and month, then the ytd row.
    public func rows(metric: Int, area: Int) -> [TrendRow] {
        var rows: [TrendRow] = []
        for kind in [PeriodKind.year, .quarter, .month, .ytd] { rows += series(metric: metric, area: area, kind: kind) }
        return rows
    }

    /// The rows of one metric, area and kind of period, in time order (computed from the
    /// monthly counts when asked, so the table is never held as rows).
    public func series(metric: Int, area: Int, kind: PeriodKind) -> [TrendRow] {
        series(metric: metric, area: area, kind: kind, periods: SeriesPeriods(self, kind: kind))
    }

    /// The periods of one kind with what every series of the table shares about them:
    /// their labels, whether each is complete, and whether its prior period precedes the
    /// data. Worked out once for all the series of a table (`forEachRow`).
    struct SeriesPeriods {
        let periods: [CalendarPeriod]
        let labels: [String]
        let complete: [Bool]
        let priorBeforeData: [Bool]

        init(_ table: DatedTrends, kind: PeriodKind) {
            periods = table.periods(of: kind)
            labels = periods.map(\.label)
            complete = periods.map(table.isComplete)
            let firstIndex = table.span.first.year * 12 + table.span.first.month - 1
            priorBeforeData = periods.map { $0.startMonth - $0.months < $0.alignedFirst(firstIndex) }
        }
    }

    func series(metric: Int, area: Int, kind: PeriodKind, periods: SeriesPeriods) -> [TrendRow] {
        let name = metrics[metric]
        let place = areas[area]
        if kind == .ytd {
            let (value, prior) = ytdCounts[metric][area]
            let priorBeforeData = span.priorYtd.start.year < span.first.year
            return [TrendRow(
                dataset: dataset, metric: name, areaLevel: place.level, area: place.name,
                periodKind: .ytd, period: span.ytdLabel, value: value, priorValue: prior,
                changePercent: priorBeforeData ? nil : Percent.change(value: value, prior: prior),
                complete: true)]
        }
        return periods.periods.indices.map { index in
            let period = periods.periods[index]
            let start = period.startMonth - firstMonth
            let value = sum(metric, area, from: start, to: start + period.months)
            let prior = sum(metric, area, from: start - period.months, to: start)
            return TrendRow(
                dataset: dataset, metric: name, areaLevel: place.level, area: place.name,
                periodKind: period.kind, period: periods.labels[index], value: value, priorValue: prior,
                changePercent: periods.priorBeforeData[index] ? nil : Percent.change(value: value, prior: prior),
                complete: periods.complete[index])
        }
    }

    /// A calendar period as a run of months.
    public struct CalendarPeriod: Sendable {
        public let kind: PeriodKind
        /// year * 12 + month - 1 of its first month
        public let startMonth: Int
        public let months: Int

        /// The first month of the period of this kind that contains `month`.
        func alignedFirst(_ month: Int) -> Int { month - month % months }

        public var year: Int { startMonth / 12 }

        public var label: String {
            let year = startMonth / 12
            let month = startMonth % 12 + 1
            switch kind {
            case .year: return String(year)
            case .quarter: return "\(year)Q\((month - 1) / 3 + 1)"
            default: return String(year) + "-" + (month < 10 ? "0" : "") + String(month)
            }
        }

        public var firstDay: LocalDate { LocalDate(year: startMonth / 12, month: startMonth % 12 + 1, day: 1)! }

        public var lastDay: LocalDate {
            let end = startMonth + months - 1
            let year = end / 12
            let month = end % 12 + 1
            return LocalDate(year: year, month: month, day: LocalDate.daysInMonth(year: year, month: month))!
        }
    }

    /// The periods of one kind (year, quarter or month) from the first to the last with data.
    public func periods(of kind: PeriodKind) -> [CalendarPeriod] {
        let months: Int
        switch kind {
        case .year: months = 12
        case .quarter: months = 3
        case .month: months = 1
        default: return []
        }
        let first = span.first.year * 12 + span.first.month - 1
        let last = span.asOf.year * 12 + span.asOf.month - 1
        var result: [CalendarPeriod] = []
        var start = first - first % months
        while start <= last {
            result.append(CalendarPeriod(kind: kind, startMonth: start, months: months))
            start += months
        }
        return result
    }

    /// A period wholly inside first record date .. as-of date.
    public func isComplete(_ period: CalendarPeriod) -> Bool {
        period.firstDay >= span.first && period.lastDay <= span.asOf
    }
}
