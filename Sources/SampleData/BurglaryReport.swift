/// One burglary (入室盗窃) case as the generator makes it.
struct BurglaryReport {
    var day: Int
    /// 1-based number of the case within its day, in time order.
    var sequence: Int
    /// Minute of the day; nil when only the date is known (written as a date alone).
    var minute: Int?
    var district: Int
    var community: Int
    /// -1: no street recorded.
    var street: Int
    var premises: Int
    /// In fen (1/100 yuan); -1: not recorded.
    var lossFen: Int
    var status: Int
    var revisionRoll: Int

    /// The later of two exports brings news: a case under investigation is solved, or the
    /// loss is assessed again. District, community and date never change.
    mutating func revise() {
        if status == BurglaryTables.underInvestigation {
            status = BurglaryTables.solved
        } else {
            lossFen = lossFen < 0 ? 500_000 : lossFen + 30_000
        }
    }
}
