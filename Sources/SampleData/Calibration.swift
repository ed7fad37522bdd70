/// The published figures the generated data reproduces, and the counts chosen for them.
///
/// Source: the 2018 《瞭望》 (Outlook Weekly) report on Shanghai's grassroots governance:
/// 宝山区 110 alarm calls fell 30.2% in 2017 and 26.9% in January–February 2018, theft calls
/// 42%; 80% of 闵行区's communities met the safe-community standard; the 康城 community
/// (30,000 residents) halved its burglaries in 2016 and cut them a further 80% in 2017.
///
/// Every count below is for one unit of scale and is multiplied by `Scale.unit`, so the
/// ratios, and therefore the percentages, hold exactly at any size.
enum Calibration {
    /// 宝山区's calls in one span, split by whether the call_type is 报警 and whether the
    /// category is a theft (盗窃, 入室盗窃, 扒窃, 偷盗).
    struct BaoshanSpan: Sendable {
        let span: DaySpan
        let alarmTheft: Int
        let alarmOther: Int
        let otherTheft: Int
        let otherOther: Int

        var kinds: [Int] { [alarmTheft, alarmOther, otherTheft, otherOther] }
        var alarmCalls: Int { alarmTheft + alarmOther }
        var theftCalls: Int { alarmTheft + otherTheft }
        var total: Int { alarmTheft + alarmOther + otherTheft + otherOther }
    }

    /// alarm_calls 2016 → 2017: 1000 → 698 (−30.2%); Jan–Feb 2017 → 2018: 160 → 117
    /// (−26.9%); theft calls Jan–Feb 2017 → 2018: 50 → 29 (−42.0%). 2015 is free.
    static let baoshan: [BaoshanSpan] = [
        BaoshanSpan(span: DaySpan(CivilDate(year: 2015, month: 1, day: 1), CivilDate(year: 2015, month: 12, day: 31)),
                    alarmTheft: 262, alarmOther: 784, otherTheft: 31, otherOther: 402),
        BaoshanSpan(span: DaySpan(CivilDate(year: 2016, month: 1, day: 1), CivilDate(year: 2016, month: 12, day: 31)),
                    alarmTheft: 241, alarmOther: 759, otherTheft: 29, otherOther: 388),
        BaoshanSpan(span: DaySpan(CivilDate(year: 2017, month: 1, day: 1), CivilDate(year: 2017, month: 2, day: 28)),
                    alarmTheft: 42, alarmOther: 118, otherTheft: 8, otherOther: 66),
        BaoshanSpan(span: DaySpan(CivilDate(year: 2017, month: 3, day: 1), CivilDate(year: 2017, month: 12, day: 31)),
                    alarmTheft: 118, alarmOther: 420, otherTheft: 19, otherOther: 331),
        BaoshanSpan(span: DaySpan(CivilDate(year: 2018, month: 1, day: 1), CivilDate(year: 2018, month: 2, day: 28)),
                    alarmTheft: 24, alarmOther: 93, otherTheft: 5, otherOther: 58),
    ]

    /// 宝山区 calls per unit of scale (4,198).
    static let baoshanCalls = baoshan.reduce(0) { $0 + $1.total }

    /// burglary_reports, 闵行区/康城 (莘庄镇), by year: 40 → 20 (−50.0%) → 4 (−80.0%); 2018 free.
    static let kangcheng: [(span: DaySpan, count: Int)] = [
        (DaySpan(CivilDate(year: 2015, month: 1, day: 1), CivilDate(year: 2015, month: 12, day: 31)), 40),
        (DaySpan(CivilDate(year: 2016, month: 1, day: 1), CivilDate(year: 2016, month: 12, day: 31)), 20),
        (DaySpan(CivilDate(year: 2017, month: 1, day: 1), CivilDate(year: 2017, month: 12, day: 31)), 4),
        (DaySpan(CivilDate(year: 2018, month: 1, day: 1), CivilDate(year: 2018, month: 2, day: 28)), 1),
    ]

    static let kangchengBurglaries = kangcheng.reduce(0) { $0 + $1.count }

    /// safe_community, 闵行区 period 2017: of every 5 communities 4 are compliant; 闵行区 has
    /// 50 communities per unit of scale, so 40 of 50 (80.0%).
    static let minhangCompliantOutOf = (compliant: 4, of: 5)
}

/// How big a generation is. `unit` (k) multiplies every calibrated count; the rest of the
/// requested rows go to the other districts and communities.
struct Scale: Sendable {
    /// Alarm calls of the other fifteen districts, at the least, so a small generation still
    /// has every district.
    static let minimumOtherCalls = 1_500

    let unit: Int
    /// Distinct alarm calls outside 宝山区.
    let otherCalls: Int
    /// Distinct burglaries outside 康城 (at least one every day).
    let otherBurglaries: Int

    init(rows: Int) {
        let rows = max(0, rows)
        unit = max(1, rows / SampleDataGenerator.defaultRows)
        otherCalls = max(rows - unit * Calibration.baoshanCalls, Self.minimumOtherCalls)
        otherBurglaries = max(rows / 10 - unit * Calibration.kangchengBurglaries, CivilDate.dayCount)
    }

    var baoshanCalls: Int { unit * Calibration.baoshanCalls }
    var alarmCalls: Int { baoshanCalls + otherCalls }
    var burglaries: Int { unit * Calibration.kangchengBurglaries + otherBurglaries }

    func communities(district: Int) -> Int { unit * Shanghai.districts[district].communities }
}
