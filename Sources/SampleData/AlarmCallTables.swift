/// The texts of alarm calls (call types, categories, dispositions) and how often each is
/// drawn. Several dispositions hold a comma, a line break or a quote, as real ones do.
enum AlarmCallTables {
    static let callTypes = ["报警", "求助", "举报", "咨询", ""]
    static let alarm = 0
    static let consultation = 3

    static let categories = [
        "盗窃", "入室盗窃", "扒窃", "偷盗",
        "纠纷", "交通事故", "诈骗", "抢劫", "火警", "噪音扰民", "打架斗殴", "求助", "走失", "其他",
    ]
    static let theftWeights = [55, 22, 16, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    /// Categories of calls that are not thefts, by call type.
    static let otherWeights: [[Int]] = [
        [0, 0, 0, 0, 30, 24, 10, 2, 4, 8, 8, 0, 0, 14],   // 报警
        [0, 0, 0, 0, 10, 5, 0, 0, 0, 0, 0, 50, 15, 20],   // 求助
        [0, 0, 0, 0, 0, 0, 20, 0, 0, 30, 0, 0, 0, 50],    // 举报
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100],     // 咨询
        [0, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 0, 60],     // (none)
    ]

    static let dispositions = [
        "已处置", "已调解", "已移交派出所", "已立案侦查", "现场无警情",
        "已救助", "已联系家属", "已移交相关部门", "已核查", "已解答",
        "已处置,双方和解", "已处置,已告知报警人", "已调解,双方和解",
        "已处置\n已电话回访", "已立案侦查\n报警人已到派出所做笔录",
        "报警人称\"有人撬门\",已处置",
        "已处置,已回访",
    ]
    static let revisedDisposition = 16
    /// Usual dispositions by call type.
    static let usualDispositions: [[Int]] = [
        [0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4],
        [5, 5, 6, 7, 0],
        [8, 8, 7],
        [9],
        [0],
    ]

    static let callTypeBytes = EncodedFields(callTypes)
    static let categoryBytes = EncodedFields(categories)
    static let dispositionBytes = EncodedFields(dispositions)

    static let baoshanOtherTypeWeights = [0, 55, 20, 22, 3]
    static let callTypeWeights = [700, 160, 60, 65, 15]
}
