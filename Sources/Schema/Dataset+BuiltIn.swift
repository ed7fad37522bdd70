/// The three built-in datasets, and the two kinds a `govstats.toml` may declare. Adding a
/// metric to a built-in dataset is one more entry in its `metrics` here.
extension Dataset {
    public static let alarmCalls = Dataset(
        name: "alarm_calls", kind: .events, title: Words(zh: "110 接警", en: "110 alarm calls"),
        columns: [
            ColumnSpec("call_id", required: true, .text, aliases: ["接警编号", "警情编号"], hints: idHints),
            ColumnSpec("received_at", required: true, .datetime, aliases: ["接警时间", "报警时间"]),
            districtColumn,
            streetColumn,
            ColumnSpec("call_type", required: false, .text, aliases: ["警情类型"], hints: ["call type", "type", "priority"]),
            ColumnSpec("category", required: true, .text, aliases: ["警情类别"], hints: categoryHints),
            ColumnSpec("response_seconds", required: false, .count, aliases: ["到场用时", "到场时长"]),
            ColumnSpec("disposition", required: false, .text, aliases: ["处置结果"], hints: outcomeHints),
        ],
        keyColumns: ["call_id"], dateColumn: "received_at", areas: AreaColumns(), unit: eventUnit,
        metrics: [
            .all("calls", Words(zh: "接警总数", en: "all calls")),
            .matching("alarm_calls", column: "call_type", setting: "alarm_call_types", defaults: ["报警"], absentMatches: true,
                      Words(zh: "报警类接警", en: "alarm calls")),
            .matching("theft_calls", column: "category", setting: "theft_categories", defaults: ["盗窃", "入室盗窃", "扒窃", "偷盗"],
                      Words(zh: "盗窃类接警", en: "theft calls")),
        ],
        breakdownColumn: "category", complianceTitle: Words(zh: "", en: ""), isBuiltIn: true, order: 0)

    public static let burglaryReports = Dataset(
        name: "burglary_reports", kind: .events, title: Words(zh: "入室盗窃案件", en: "Burglary reports"),
        columns: [
            ColumnSpec("case_id", required: true, .text, aliases: ["案件编号"], hints: idHints),
            ColumnSpec("reported_at", required: true, .datetime, aliases: ["报案时间", "立案时间"]),
            districtColumn,
            streetColumn,
            ColumnSpec("community", required: true, .text, aliases: ["小区", "社区", "居委"], isArea: true, hints: communityHints),
            ColumnSpec("premises", required: false, .text, aliases: ["场所"]),
            ColumnSpec("loss_yuan", required: false, .amount, aliases: ["损失金额"]),
            ColumnSpec("status", required: false, .text, aliases: ["案件状态"], hints: outcomeHints),
        ],
        keyColumns: ["case_id"], dateColumn: "reported_at", areas: AreaColumns(community: "community"), unit: eventUnit,
        metrics: [
            .all("burglaries", Words(zh: "入室盗窃案件", en: "burglaries")),
            .matching("cleared", column: "status", setting: "cleared_statuses", defaults: ["已破", "破案", "solved"],
                      Words(zh: "已破入室盗窃案件", en: "cleared burglaries"))
                .share(of: "burglaries", Words(zh: "破案率", en: "clearance rate"), riseIsGood: true),
        ],
        breakdownColumn: nil, complianceTitle: Words(zh: "", en: ""), isBuiltIn: true, order: 1)

    public static let safeCommunity = Dataset(
        name: "safe_community", kind: .assessments, title: Words(zh: "平安小区考评", en: "Safe-community assessments"),
        columns: assessmentColumns(id: ColumnSpec("community_id", required: true, .text, aliases: ["小区编号"], hints: idHints),
                                   unit: ColumnSpec("community", required: true, .text, aliases: ["小区", "小区名称"], isArea: true, hints: unitHints),
                                   periodAliases: ["考评期", "年度"]),
        keyColumns: ["community_id", AssessmentColumns.period], dateColumn: nil, areas: AreaColumns(),
        unit: Words(zh: "个小区", en: "communities"), metrics: [], breakdownColumn: nil,
        complianceTitle: Words(zh: "平安小区达标率", en: "safe-community compliance"), isBuiltIn: true, order: 2)

    /// The built-in datasets, in contract order.
    public static let builtIn: [Dataset] = [alarmCalls, burglaryReports, safeCommunity]

    /// A dataset of `kind = "events"` declared in `govstats.toml`: an optional `id` key, a
    /// required `at`, `district`, optional `street`, `community` and `category`; the metric
    /// `count` and the declared ones.
    public static func declaredEvents(name: String, title: Words, metrics: [MetricDeclaration], settings: DatasetSettings) -> Dataset {
        Dataset(
            name: name, kind: .events, title: title,
            columns: [
                ColumnSpec("id", required: false, .text, aliases: [], hints: idHints),
                ColumnSpec("at", required: true, .datetime, aliases: []),
                districtColumn,
                streetColumn,
                ColumnSpec("community", required: false, .text, aliases: ["小区", "社区", "居委"], isArea: true, hints: communityHints),
                ColumnSpec("category", required: false, .text, aliases: [], hints: categoryHints),
            ],
            keyColumns: ["id"], dateColumn: "at", areas: AreaColumns(community: "community"), unit: eventUnit,
            metrics: [.all("count", Words(zh: "总数", en: "count"))] + metrics, breakdownColumn: "category",
            complianceTitle: Words(zh: "", en: ""), settings: settings, isBuiltIn: false, order: 100)
    }

    /// A dataset of `kind = "assessments"` declared in `govstats.toml`: the columns of
    /// safe_community with `unit_id` and `unit` for the assessed unit.
    public static func declaredAssessments(name: String, title: Words, settings: DatasetSettings) -> Dataset {
        Dataset(
            name: name, kind: .assessments, title: title,
            columns: assessmentColumns(id: ColumnSpec("unit_id", required: true, .text, aliases: [], hints: idHints),
                                       unit: ColumnSpec("unit", required: true, .text, aliases: [], isArea: true, hints: unitHints),
                                       periodAliases: ["考评期"]),
            keyColumns: ["unit_id", AssessmentColumns.period], dateColumn: nil, areas: AreaColumns(),
            unit: Words(zh: "个单位", en: "units"), metrics: [], breakdownColumn: nil,
            complianceTitle: Words(zh: title.zh + "达标率", en: "compliance (\(title.en))"), settings: settings,
            isBuiltIn: false, order: 100)
    }

    private static let eventUnit = Words(zh: "起", en: "")

    private static let districtColumn = ColumnSpec(
        "district", required: true, .text, aliases: ["区", "所属区", "行政区"], isArea: true,
        hints: ["district", "borough", "precinct", "area", "ward", "region", "falls within", "zip", "beat", "区"])
    private static let streetColumn = ColumnSpec(
        "street", required: false, .text, aliases: ["街镇", "街道"], isArea: true, hints: ["street", "neighborhood", "neighbourhood", "lsoa name", "街", "镇"])

    // Words of the headers that commonly hold a column, for govstats init's guesses.
    private static let idHints = ["id", "number", "no", "ref", "reference", "incident", "case", "编号", "号"]
    private static let categoryHints = ["type", "category", "offense", "offence", "crime type", "call type", "类别", "类型"]
    private static let outcomeHints = ["status", "outcome", "disposition", "result", "状态"]
    private static let communityHints = ["community", "neighborhood", "neighbourhood", "lsoa name", "name", "小区", "社区"]
    private static let unitHints = ["name", "facility", "establishment", "building", "名称"]

    /// An assessment's columns in table order; `assessed_at` stands before `period`, which
    /// `period_from` derives from it.
    private static func assessmentColumns(id: ColumnSpec, unit: ColumnSpec, periodAliases: [String]) -> [ColumnSpec] {
        [
            id,
            unit,
            districtColumn,
            streetColumn,
            ColumnSpec(AssessmentColumns.assessedAt, required: false, .datetime, aliases: ["考评时间", "检查时间", "检查日期"]),
            ColumnSpec(AssessmentColumns.period, required: true, .period, aliases: periodAliases),
            ColumnSpec(AssessmentColumns.compliant, required: true, .boolean, aliases: ["是否达标"]),
            ColumnSpec(AssessmentColumns.score, required: false, .score, aliases: ["得分"]),
        ]
    }
}
