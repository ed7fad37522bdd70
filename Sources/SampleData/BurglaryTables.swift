/// The texts of burglary cases (premises, statuses, handling units) and how often each is
/// drawn.
enum BurglaryTables {
    static let premises = ["住宅", "商铺", "办公场所", "仓库", "车库", "学校", "住宅,底楼", "住宅,高层", "住宅\n阳台入室"]
    static let premisesWeights = [820, 60, 40, 25, 20, 10, 12, 8, 5]
    static let statuses = ["已破", "破案", "未破", "侦查中"]
    static let solved = 0
    static let underInvestigation = 3
    /// Older cases are more often closed; by year from 2015.
    static let statusWeights = [[450, 100, 440, 10], [400, 100, 430, 70], [300, 80, 320, 300], [100, 50, 150, 700]]

    static let premisesBytes = EncodedFields(premises)
    static let statusBytes = EncodedFields(statuses)
    /// The police sub-bureau (分局) that handles the case, an unknown column in one export.
    static let unitBytes = EncodedFields(Shanghai.districts.map { district in
        let short = district.name.hasSuffix("新区") ? district.name.dropLast(2) : district.name.dropLast()
        return String(short) + "分局"
    })
}
