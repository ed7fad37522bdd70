import Foundation
import Ingest
import Schema
import Testing
import TestSupport

/// The record groups the figures are computed from: after ingest they count exactly the
/// standing records (the last version of each call), however the count ran (a block of
/// counts per part of close days, or record by record for a part whose days are too far
/// apart), and whether the records came in one file or were inserted one at a time.
@Suite struct RecordGroupsTests {
    struct Call {
        let id: String
        let day: Int
        let district: String
        let street: String
        let callType: String
        let category: String
    }

    /// Calls over `days` days from 2016-01-01, every seventh a repeat of an earlier call:
    /// the same (a duplicate) or with another category (a conflict, which replaces it).
    static func calls(count: Int, days: Int) -> [Call] {
        let districts = ["宝山区", "闵行区", "徐汇区"]
        let streets = ["", "友谊路街道", "莘庄镇", "吴淞街道"]
        let types = ["报警", "咨询", ""]
        let categories = ["盗窃", "纠纷", "扒窃", "诈骗"]
        var state: UInt64 = 20180301
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
        var calls: [Call] = []
        for index in 0..<count {
            if index % 7 == 6 {
                let earlier = calls[next(calls.count)]
                let category = next(2) == 0 ? earlier.category : categories[next(categories.count)]
                calls.append(Call(id: earlier.id, day: earlier.day, district: earlier.district, street: earlier.street,
                                  callType: earlier.callType, category: category))
            } else {
                calls.append(Call(id: "C\(index)", day: next(days), district: districts[next(3)], street: streets[next(4)],
                                  callType: types[next(3)], category: categories[next(categories.count)]))
            }
        }
        return calls
    }

    static func text(_ call: Call) -> String {
        let date = LocalDate(dayNumber: LocalDate(year: 2016, month: 1, day: 1)!.dayNumber + call.day)
        return "\(call.id),\(date) 08:30:00,\(call.district),\(call.street),\(call.callType),\(call.category),60,已处置\n"
    }

    /// The trends groups worked out from the calls themselves: the last version of each
    /// call, by day, district, street and the metrics it counts in (calls: all; alarm calls:
    /// call type 报警; theft calls: a theft category).
    static func expectedTrends(_ calls: [Call]) -> [String] {
        var standing: [String: Call] = [:]
        for call in calls { standing[call.id] = call }
        var counts: [String: Int] = [:]
        for call in standing.values {
            let metrics = Dataset.alarmCalls.metrics.map(\.name)
            func bit(_ name: String) -> Int { 1 << metrics.firstIndex(of: name)! }
            let set = bit("calls") | (call.callType == "报警" ? bit("alarm_calls") : 0)
                | (["盗窃", "入室盗窃", "扒窃", "偷盗"].contains(call.category) ? bit("theft_calls") : 0)
            let street = call.street.isEmpty ? "-" : call.street
            counts["\(call.day) \(call.district) \(street) \(set)", default: 0] += 1
        }
        return counts.map { "\($0.key) × \($0.value)" }.sorted()
    }

    /// The trends groups as the store counted them, in the same words.
    static func trends(_ store: RecordStore) throws -> [String] {
        let dataset = store.dataset
        let groups = try #require(store.groups(.trends))
        let dates = groups.dates(try #require(dataset.date))
        let districts = groups.texts(dataset.places.district)
        let streets = groups.texts(try #require(dataset.places.street))
        let sets = groups.metricSets
        let first = LocalDate(year: 2016, month: 1, day: 1)!.dayNumber
        // `days` reads through a pointer into `dates`, kept alive here.
        return withExtendedLifetime(dates) {
            let days = dates.days
            return (0..<groups.count).map { group in
                "\(days.day(group) - first) \(districts[group] ?? "-") \(streets[group] ?? "-") \(sets[group]) × \(groups.sizes[group])"
            }.sorted()
        }
    }

    /// Close days (counted in blocks) and days years apart (record by record).
    @Test(arguments: [60, 6000])
    func theGroupsCountTheStandingRecords(days: Int) throws {
        let root = try TemporaryDirectory("groups")
        defer { root.remove() }
        let calls = Self.calls(count: 3000, days: days)
        _ = try root.write("data/alarm_calls/calls.csv", alarmHeader + calls.map(Self.text).joined())
        var sink = CollectedRejects()
        let stage = IngestStage(config: GovStatsConfig(), maxRejectPercent: ValueParser.amount("100"[...])!)
        let result = try stage.run(try DataFolder.discover(root: root.path + "/data"), rejects: &sink)
        #expect(sink.rows.isEmpty)
        let store = try #require(result.dataset(.alarmCalls)).store
        let expected = Self.expectedTrends(calls)
        let counted = try Self.trends(store)
        #expect(counted == expected, "counted only: \(Set(counted).subtracting(expected).sorted().prefix(4)); expected only: \(Set(expected).subtracting(counted).sorted().prefix(4))")
        #expect(expected.count > 100, "enough groups to mean something: \(expected.count)")

        // The same rows inserted one at a time are counted record by record, as they come.
        var oneByOne = RecordStore(dataset: .alarmCalls)
        for call in calls {
            let date = LocalDate(dayNumber: LocalDate(year: 2016, month: 1, day: 1)!.dayNumber + call.day)
            let values: [FieldValue] = Dataset.alarmCalls.columns.map { spec in
                switch spec.name {
                case "call_id": .text(call.id)
                case "received_at": .time(LocalDateTime(date: date, hour: 8, minute: 30)!)
                case "district": .text(call.district)
                case "street": call.street.isEmpty ? .missing : .text(call.street)
                case "call_type": call.callType.isEmpty ? .missing : .text(call.callType)
                case "category": .text(call.category)
                case "response_seconds": .count(60)
                default: .text("已处置")
                }
            }
            _ = oneByOne.insert(key: call.id, values: values)
        }
        let inserted = try Self.trends(oneByOne)
        #expect(inserted == expected, "inserted only: \(Set(inserted).subtracting(expected).sorted().prefix(4)); expected only: \(Set(expected).subtracting(inserted).sorted().prefix(4))")
    }
}
