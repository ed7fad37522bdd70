import CSVReading
import Dispatch
import Ingest
import Schema

/// Trend figures of a dated dataset (alarm_calls, burglary_reports): counts of standing
/// records per metric, area and month, from which quarters, years and year-to-date follow.
///
/// A pure function of the standing records and the dataset's settings.
public struct DatedTrends: Sendable {
    public let dataset: DatasetKind
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

    /// nil when the dataset has no standing records. `jobs` > 1: the records are counted in
    /// that many parts at once (each of at least `partRecords`), whose counts are added:
    /// the same figures for any value.
    public init?(_ ingest: DatasetIngest, settings: DatasetSettings, jobs: Int = 1, partRecords: Int = 100_000) {
        let store = ingest.store
        guard store.count > 0, let dateColumn = ingest.dataset.dateColumn else { return nil }
        dataset = ingest.dataset
        let dates = store.slots(of: dateColumn)

        // The span: earliest date, latest date (a month-precision latest date ends its month).
        var firstDay = Int.max
        var lastDay = Int.min
        for slot in dates {
            let day = Slot.dayNumber(slot)
            firstDay = min(firstDay, day)
            var end = day
            if Slot.isMonthPrecision(slot) {
                let date = LocalDate(dayNumber: day)
                end = day + LocalDate.daysInMonth(year: date.year, month: date.month) - 1
            }
            lastDay = max(lastDay, end)
        }
        span = DataSpan(first: LocalDate(dayNumber: firstDay), asOf: LocalDate(dayNumber: lastDay))
        firstMonth = span.first.year * 12 + span.first.month - 1
        monthCount = span.asOf.year * 12 + span.asOf.month - firstMonth

        // Areas: the city, each district, each district/street and district/community pair.
        let districts = store.slots(of: "district")
        let districtNames = store.texts(of: "district")
        let streets = store.slots(of: "street")
        let streetNames = store.texts(of: "street")
        let communities = dataset == .burglaryReports ? store.slots(of: "community") : nil
        let communityNames = dataset == .burglaryReports ? store.texts(of: "community") : []
        // Distinct districts and pairs, numbered through flat tables of slot numbers (one
        // array read per record, no hashing).
        var districtSeen = Array(repeating: false, count: districtNames.count)
        var streetPairIndex = PairIndex(firstCount: districtNames.count, secondCount: streetNames.count)
        var communityPairIndex = PairIndex(firstCount: districtNames.count, secondCount: communityNames.count)
        var streetPairs: [Pair] = []
        var communityPairs: [Pair] = []
        for record in 0..<store.count {
            let district = districts[record]
            districtSeen[Int(district)] = true
            let street = streets[record]
            if !Slot.isEmpty(street), streetPairIndex[district, street] == nil {
                streetPairIndex[district, street] = Int32(streetPairs.count)
                streetPairs.append(Pair(district, street))
            }
            if let communities {
                let community = communities[record]
                if communityPairIndex[district, community] == nil {
                    communityPairIndex[district, community] = Int32(communityPairs.count)
                    communityPairs.append(Pair(district, community))
                }
            }
        }
        func area(_ level: AreaLevel, _ pair: Pair, _ names: [String]) -> Area {
            Area(level: level, name: districtNames[Int(pair.first)] + "/" + names[Int(pair.second)])
        }
        let districtSlots = districtNames.indices.filter { districtSeen[$0] }
        var areaSet: Set<Area> = [.city]
        areaSet.formUnion(districtSlots.map { Area(level: .district, name: districtNames[$0]) })
        areaSet.formUnion(streetPairs.map { area(.street, $0, streetNames) })
        areaSet.formUnion(communityPairs.map { area(.community, $0, communityNames) })
        areas = areaSet.sorted {
            $0.level != $1.level ? $0.level < $1.level : utf8Less($0.name, $1.name)
        }
        var index: [Area: Int] = [:]
        for (position, area) in areas.enumerated() { index[area] = position }
        areaIndex = index
        // Area positions by district slot and by pair number (two pairs may name one area).
        let districtPosition = districtNames.indices.map { slot in
            districtSeen[slot] ? index[Area(level: .district, name: districtNames[slot])]! : 0
        }
        let streetPosition = streetPairs.map { index[area(.street, $0, streetNames)]! }
        let communityPosition = communityPairs.map { index[area(.community, $0, communityNames)]! }

        // Which metrics each record counts in.
        let memberships = Self.memberships(ingest: ingest, settings: settings)
        metrics = memberships.map(\.name)

        let ytd = span.ytd
        let prior = span.priorYtd
        let ytdRange = ytd.start.dayNumber...ytd.end.dayNumber
        let priorRange = prior.start.dayNumber...prior.end.dayNumber
        let months = MonthLookup(dates: dates)
        let areaCount = areas.count
        let monthCount = monthCount
        let firstMonth = firstMonth
        let metricCount = memberships.count
        let countsSize = metricCount * areaCount * monthCount
        // (this span, the span a year earlier) per metric and area, flat while counting.
        let ytdSize = metricCount * areaCount * 2
        let recordCount = store.count
        let parts = max(1, min(jobs, recordCount / max(1, partRecords)))
        // Part p counts records [p × n / parts, (p + 1) × n / parts) into its own arrays.
        let partCounts = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts * (countsSize + ytdSize))
        partCounts.initialize(repeating: 0)
        defer { partCounts.deallocate() }
        // Constants for the counting below: a `var` it captured would be boxed, and every
        // read of it checked for exclusive access at run time.
        let streetPairNumbers = streetPairIndex
        let communityPairNumbers = communityPairIndex
        let countPart = { (part: Int) in
            let counts = UnsafeMutableBufferPointer(rebasing: partCounts[(part * (countsSize + ytdSize))..<(part * (countsSize + ytdSize) + countsSize)])
            let ytdFlat = UnsafeMutableBufferPointer(rebasing: partCounts[(part * (countsSize + ytdSize) + countsSize)..<((part + 1) * (countsSize + ytdSize))])
            for record in (part * recordCount / parts)..<((part + 1) * recordCount / parts) {
                let slot = dates[record]
                let day = Slot.dayNumber(slot)
                let month = months.month(of: slot) - firstMonth
                let inYtd = ytdRange.contains(day)
                let inPrior = priorRange.contains(day)
                // The record's areas: the city (0), its district, street and community (-1: none).
                let district = districts[record]
                let districtArea = districtPosition[Int(district)]
                let street = streets[record]
                let streetArea = Slot.isEmpty(street) ? -1 : streetPosition[Int(streetPairNumbers[district, street]!)]
                let communityArea = communities.map { communityPosition[Int(communityPairNumbers[district, $0[record]]!)] } ?? -1
                for metric in 0..<metricCount where memberships[metric].counts(record) {
                    for level in 0..<4 {
                        let area = level == 0 ? 0 : level == 1 ? districtArea : level == 2 ? streetArea : communityArea
                        if area < 0 { continue }
                        counts[(metric * areaCount + area) * monthCount + month] += 1
                        if inYtd { ytdFlat[(metric * areaCount + area) * 2] += 1 }
                        if inPrior { ytdFlat[(metric * areaCount + area) * 2 + 1] += 1 }
                    }
                }
            }
        }
        if parts == 1 {
            countPart(0)
        } else {
            withoutActuallyEscaping(countPart) { countPart in
                // Each part writes only its own stretch of `partCounts`.
                nonisolated(unsafe) let countPart = countPart
                DispatchQueue.concurrentPerform(iterations: parts) { countPart($0) }
            }
        }
        var counts = Array(repeating: 0, count: countsSize)
        var ytdFlat = Array(repeating: 0, count: ytdSize)
        for part in 0..<parts {
            let base = part * (countsSize + ytdSize)
            for index in 0..<countsSize { counts[index] += partCounts[base + index] }
            for index in 0..<ytdSize { ytdFlat[index] += partCounts[base + countsSize + index] }
        }
        self.counts = counts
        self.ytdCounts = (0..<metricCount).map { metric in
            (0..<areaCount).map { area in (ytdFlat[(metric * areaCount + area) * 2], ytdFlat[(metric * areaCount + area) * 2 + 1]) }
        }
    }

    struct Pair: Hashable {
        let first: UInt64
        let second: UInt64
        init(_ first: UInt64, _ second: UInt64) {
            self.first = first
            self.second = second
        }
    }

    /// Which records a metric counts: all of them, or those whose text in `column` is one
    /// of the accepted values (`matches`, by slot), a file without the column counting as
    /// `absentCounts`. A struct, not a closure, so that the per-record test in the counting
    /// loop costs no reference counting.
    struct Membership {
        let name: String
        let column: ColumnSlots?
        let matches: [Bool]
        let absentCounts: Bool

        static func all(_ name: String) -> Membership {
            Membership(name: name, column: nil, matches: [], absentCounts: true)
        }

        @inline(__always)
        func counts(_ record: Int) -> Bool {
            guard let column else { return true }
            let slot = column[record]
            if slot == Slot.absent { return absentCounts }
            if Slot.isEmpty(slot) { return false }
            return matches[Int(slot)]
        }
    }

    /// The contract's metrics and which records each counts.
    static func memberships(ingest: DatasetIngest, settings: DatasetSettings) -> [Membership] {
        let store = ingest.store
        func matching(_ name: String, _ column: String, _ accepted: [String], absentCounts: Bool) -> Membership {
            let wanted = Set(accepted.map { $0.lowercased() })
            let matches = store.texts(of: column).map { wanted.contains($0.lowercased()) }
            return Membership(name: name, column: store.slots(of: column), matches: matches, absentCounts: absentCounts)
        }
        switch ingest.dataset {
        case .alarmCalls:
            return [
                .all("calls"),
                matching("alarm_calls", "call_type", settings.alarmCallTypes, absentCounts: true),
                matching("theft_calls", "category", settings.theftCategories, absentCounts: false),
            ]
        case .burglaryReports:
            return [
                .all("burglaries"),
                matching("cleared", "status", settings.clearedStatuses, absentCounts: false),
            ]
        case .safeCommunity:
            return []
        }
    }

    // MARK: Figures

    public func metricIndex(_ metric: String) -> Int? { metrics.firstIndex(of: metric) }

    public func areaPosition(_ area: Area) -> Int? { areaIndex[area] }

    /// The months (`2016-03`) without a single record citywide between the first and the
    /// last month with data: most often an export that is missing, which makes the month
    /// read as a fall to zero and the next as a rise from nothing.
    public func emptyMonths() -> [String] {
        guard let city = areaPosition(.city), !metrics.isEmpty else { return [] }
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
        for table in tables.sorted(by: { utf8Less($0.dataset.rawValue, $1.dataset.rawValue) }) {
            let metrics = table.metrics.indices.sorted { utf8Less(table.metrics[$0], table.metrics[$1]) }
            let areas = table.areas.indices.sorted { left, right in
                let (a, b) = (table.areas[left], table.areas[right])
                let level = compareUTF8(a.level.rawValue, b.level.rawValue)
                return level != 0 ? level < 0 : utf8Less(a.name, b.name)
            }
            for metric in metrics {
                for area in areas {
                    // One metric and area: the rows share their first four fields, so the
                    // kind of period and then the period decide (as `TrendRow.csvOrder`
                    // would). A series comes in time order, which is already the order of
                    // its labels unless a year has fewer than four digits: it is sorted
                    // only when it is not in order.
                    for kind in kindsInCSVOrder {
                        var rows = table.series(metric: metric, area: area, kind: kind)
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
        let firstIndex = span.first.year * 12 + span.first.month - 1
        return periods(of: kind).map { period in
            let start = period.startMonth - firstMonth
            let value = sum(metric, area, from: start, to: start + period.months)
            let prior = sum(metric, area, from: start - period.months, to: start)
            let priorBeforeData = period.startMonth - period.months < period.alignedFirst(firstIndex)
            return TrendRow(
                dataset: dataset, metric: name, areaLevel: place.level, area: place.name,
                periodKind: period.kind, period: period.label, value: value, priorValue: prior,
                changePercent: priorBeforeData ? nil : Percent.change(value: value, prior: prior),
                complete: isComplete(period))
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
