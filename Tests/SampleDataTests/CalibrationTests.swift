import Foundation
import SampleData
import Testing

/// The published figures, counted independently over a default-size generation: the
/// standing version of each distinct record, the last one in file order winning.
@Suite struct CalibrationTests {
    struct Figures {
        let alarm: StandingDataset
        let burglary: StandingDataset
        let safe: StandingDataset

        init(folder: String) throws {
            alarm = try StandingDataset(folder: folder + "/alarm_calls", dataset: .alarmCalls)
            burglary = try StandingDataset(folder: folder + "/burglary_reports", dataset: .burglaryReports)
            safe = try StandingDataset(folder: folder + "/safe_community", dataset: .safeCommunity)
        }

        /// 宝山区 calls in [from, through] (dates `YYYY-MM-DD`, both included).
        func baoshan(_ from: String, _ through: String, alarmOnly: Bool = false, theftOnly: Bool = false) -> Int {
            let thefts: Set = ["盗窃", "入室盗窃", "扒窃", "偷盗"]
            return alarm.records.filter { call in
                let date = String(call["received_at"]!.prefix(10))
                return call["district"] == "宝山区" && date >= from && date <= through
                    && (!alarmOnly || call["call_type"] == "报警")
                    && (!theftOnly || thefts.contains(call["category"]!))
            }.count
        }

        func kangcheng(year: String) -> Int {
            burglary.records.filter {
                $0["district"] == "闵行区" && $0["community"] == "康城" && $0["reported_at"]!.hasPrefix(year)
            }.count
        }
    }

    static func check(_ figures: Figures, unit: Int) {
        let alarm2016 = figures.baoshan("2016-01-01", "2016-12-31", alarmOnly: true)
        let alarm2017 = figures.baoshan("2017-01-01", "2017-12-31", alarmOnly: true)
        #expect(alarm2016 == 1_000 * unit && alarm2017 == 698 * unit)
        #expect(percentChange(from: alarm2016, to: alarm2017) == "-30.2")

        let ytd2017 = figures.baoshan("2017-01-01", "2017-02-28", alarmOnly: true)
        let ytd2018 = figures.baoshan("2018-01-01", "2018-02-28", alarmOnly: true)
        #expect(ytd2017 == 160 * unit && ytd2018 == 117 * unit)
        #expect(percentChange(from: ytd2017, to: ytd2018) == "-26.9")

        let theft2017 = figures.baoshan("2017-01-01", "2017-02-28", theftOnly: true)
        let theft2018 = figures.baoshan("2018-01-01", "2018-02-28", theftOnly: true)
        #expect(theft2017 == 50 * unit && theft2018 == 29 * unit)
        #expect(percentChange(from: theft2017, to: theft2018) == "-42.0")

        let (k2015, k2016, k2017) = (figures.kangcheng(year: "2015"), figures.kangcheng(year: "2016"), figures.kangcheng(year: "2017"))
        #expect(k2015 == 40 * unit && k2016 == 20 * unit && k2017 == 4 * unit)
        #expect(percentChange(from: k2015, to: k2016) == "-50.0")
        #expect(percentChange(from: k2016, to: k2017) == "-80.0")
        #expect(figures.burglary.records.filter { $0["community"] == "康城" }.allSatisfy {
            $0["district"] == "闵行区" && ($0["street"] == "莘庄镇" || $0["street"] == "")
        })

        let minhang2017 = figures.safe.records.filter { $0["district"] == "闵行区" && $0["period"] == "2017" }
        let compliant = minhang2017.filter { $0["compliant"] == "true" }.count
        #expect(minhang2017.count == 50 * unit && compliant == 40 * unit)
        #expect(percentChange(from: minhang2017.count, to: compliant) == "-20.0")  // i.e. a rate of 80.0%

        // as-of date 2018-02-28 and first date 2015-01-01, in both dated datasets.
        for (data, column) in [(figures.alarm, "received_at"), (figures.burglary, "reported_at")] {
            let dates = data.records.map { String($0[column]!.prefix(10)) }
            #expect(dates.min() == "2015-01-01")
            #expect(dates.max() == "2018-02-28")
        }
    }

    @Test func defaultGenerationReproducesThePublishedFigures() throws {
        let folder = try Scratch.generate(label: "calibration")
        defer { Scratch.remove(folder) }
        let figures = try Figures(folder: folder)
        Self.check(figures, unit: 1)

        // The rows that must be rejected, where the README says they are.
        #expect(figures.alarm.rejections == ExpectedQuality.alarmRejections)
        #expect(figures.burglary.rejections == ExpectedQuality.burglaryRejections)
        #expect(figures.safe.rejections == ExpectedQuality.safeRejections)
        #expect(figures.alarm.outcomes + figures.burglary.outcomes + figures.safe.outcomes == ExpectedQuality.outcomes)
    }

    /// At a larger size the calibrated counts are whole multiples, so the figures still hold.
    @Test func figuresHoldAtAnyScale() throws {
        let folder = try Scratch.generate(rows: 95_000, seed: 3, label: "calibration-k3")
        defer { Scratch.remove(folder) }
        Self.check(try Figures(folder: folder), unit: 3)
    }

    @Test func figuresHoldForOtherSeedsAndSmallSizes() throws {
        let folder = try Scratch.generate(rows: 2_000, seed: 123_456_789, label: "calibration-small")
        defer { Scratch.remove(folder) }
        Self.check(try Figures(folder: folder), unit: 1)
    }
}

@Test func percentRoundsHalfAwayFromZero() {
    #expect(percentChange(from: 160, to: 117) == "-26.9")  // −26.875
    #expect(percentChange(from: 1_000, to: 698) == "-30.2")
    #expect(percentChange(from: 8, to: 9) == "12.5")
    #expect(percentChange(from: 16, to: 17) == "6.3")  // 6.25
    #expect(percentChange(from: 16, to: 15) == "-6.3")
}
