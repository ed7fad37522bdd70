/// Reference data the records are drawn from: Shanghai's sixteen districts in their usual
/// order, each with a short code for record ids and some of its real streets and towns
/// (街道, 镇). Weights and yearly factors are invented, only meant to look plausible.
struct District: Sendable {
    let name: String
    /// Two letters that start the district's call ids (`BS2017030500123`).
    let code: String
    let streets: [String]
    /// Relative number of 110 calls (roughly in proportion to population).
    let callWeight: Int
    /// Calls per year 2015, 2016, 2017, 2018 in per mille of 2015.
    let callTrend: [Int]
    /// Share of calls that are thefts, per mille, by year.
    let theftShare: [Int]
    /// Residential communities assessed for the safe-community standard, per unit of scale.
    let communities: Int
    /// Share of communities up to the standard, per mille, for 2015, 2016, 2017.
    let complianceTrend: [Int]
    /// Relative number of burglaries, and their trend by year in per mille of 2015.
    let burglaryWeight: Int
    let burglaryTrend: [Int]
}

enum Shanghai {
    static let baoshan = 8
    static let minhang = 7
    static let pudong = 10
    static let xuhui = 1
    static let huangpu = 0

    static let districts: [District] = [
        District(name: "黄浦区", code: "HP",
                 streets: ["南京东路街道", "外滩街道", "半淞园路街道", "小东门街道", "豫园街道", "老西门街道", "五里桥街道", "打浦桥街道", "淮海中路街道", "瑞金二路街道"],
                 callWeight: 65, callTrend: [1000, 968, 921, 905], theftShare: [160, 150, 138, 130],
                 communities: 24, complianceTrend: [620, 700, 790], burglaryWeight: 30, burglaryTrend: [1000, 820, 610, 580]),
        District(name: "徐汇区", code: "XH",
                 streets: ["天平路街道", "湖南路街道", "斜土路街道", "枫林路街道", "长桥街道", "田林街道", "虹梅路街道", "康健新村街道", "徐家汇街道", "凌云路街道", "龙华街道", "漕河泾街道", "华泾镇"],
                 callWeight: 110, callTrend: [1000, 1021, 978, 950], theftShare: [150, 146, 132, 125],
                 communities: 36, complianceTrend: [650, 720, 810], burglaryWeight: 55, burglaryTrend: [1000, 870, 700, 660]),
        District(name: "长宁区", code: "CN",
                 streets: ["华阳路街道", "江苏路街道", "新华路街道", "周家桥街道", "天山路街道", "仙霞新村街道", "虹桥街道", "程家桥街道", "北新泾街道", "新泾镇"],
                 callWeight: 70, callTrend: [1000, 951, 880, 851], theftShare: [140, 131, 120, 118],
                 communities: 26, complianceTrend: [660, 740, 830], burglaryWeight: 35, burglaryTrend: [1000, 800, 640, 600]),
        District(name: "静安区", code: "JA",
                 streets: ["江宁路街道", "石门二路街道", "南京西路街道", "静安寺街道", "曹家渡街道", "天目西路街道", "北站街道", "宝山路街道", "共和新路街道", "大宁路街道", "彭浦新村街道", "临汾路街道", "芷江西路街道", "彭浦镇"],
                 callWeight: 105, callTrend: [1000, 1043, 1012, 998], theftShare: [150, 152, 141, 139],
                 communities: 34, complianceTrend: [640, 690, 760], burglaryWeight: 50, burglaryTrend: [1000, 950, 860, 840]),
        District(name: "普陀区", code: "PT",
                 streets: ["曹杨新村街道", "长风新村街道", "长寿路街道", "甘泉路街道", "石泉路街道", "宜川路街道", "万里街道", "真如镇街道", "长征镇", "桃浦镇"],
                 callWeight: 130, callTrend: [1000, 982, 903, 861], theftShare: [155, 147, 133, 127],
                 communities: 32, complianceTrend: [600, 680, 770], burglaryWeight: 60, burglaryTrend: [1000, 840, 690, 650]),
        District(name: "虹口区", code: "HK",
                 streets: ["欧阳路街道", "曲阳路街道", "广中路街道", "嘉兴路街道", "凉城新村街道", "四川北路街道", "北外滩街道", "江湾镇街道"],
                 callWeight: 80, callTrend: [1000, 962, 934, 902], theftShare: [150, 142, 136, 131],
                 communities: 28, complianceTrend: [630, 700, 750], burglaryWeight: 40, burglaryTrend: [1000, 900, 810, 790]),
        District(name: "杨浦区", code: "YP",
                 streets: ["定海路街道", "平凉路街道", "江浦路街道", "四平路街道", "控江路街道", "长白新村街道", "延吉新村街道", "殷行街道", "大桥街道", "五角场街道", "新江湾城街道", "五角场镇"],
                 callWeight: 130, callTrend: [1000, 1012, 951, 933], theftShare: [150, 149, 140, 136],
                 communities: 36, complianceTrend: [610, 660, 720], burglaryWeight: 60, burglaryTrend: [1000, 930, 850, 820]),
        District(name: "闵行区", code: "MH",
                 streets: ["莘庄镇", "七宝镇", "梅陇镇", "古美路街道", "江川路街道", "新虹街道", "浦锦街道", "颛桥镇", "华漕镇", "虹桥镇", "吴泾镇", "马桥镇", "浦江镇"],
                 callWeight: 250, callTrend: [1000, 942, 851, 803], theftShare: [175, 160, 135, 121],
                 communities: 50, complianceTrend: [580, 690, 800], burglaryWeight: 120, burglaryTrend: [1000, 720, 480, 450]),
        District(name: "宝山区", code: "BS",
                 streets: ["友谊路街道", "吴淞街道", "张庙街道", "罗店镇", "大场镇", "杨行镇", "月浦镇", "罗泾镇", "顾村镇", "高境镇", "庙行镇", "淞南镇"],
                 callWeight: 0, callTrend: [], theftShare: [],
                 communities: 40, complianceTrend: [590, 700, 820], burglaryWeight: 90, burglaryTrend: [1000, 760, 520, 480]),
        District(name: "嘉定区", code: "JD",
                 streets: ["新成路街道", "真新街道", "嘉定镇街道", "南翔镇", "安亭镇", "马陆镇", "徐行镇", "华亭镇", "外冈镇", "江桥镇", "菊园新区"],
                 callWeight: 155, callTrend: [1000, 1062, 1101, 1118], theftShare: [170, 168, 162, 160],
                 communities: 34, complianceTrend: [560, 610, 680], burglaryWeight: 75, burglaryTrend: [1000, 1040, 1080, 1090]),
        District(name: "浦东新区", code: "PD",
                 streets: ["潍坊新村街道", "陆家嘴街道", "周家渡街道", "塘桥街道", "上钢新村街道", "南码头路街道", "沪东新村街道", "金杨新村街道", "洋泾街道", "浦兴路街道", "东明路街道", "花木街道", "川沙新镇", "高桥镇", "北蔡镇", "合庆镇", "唐镇", "曹路镇", "金桥镇", "高行镇", "张江镇", "三林镇", "惠南镇", "周浦镇", "康桥镇", "祝桥镇"],
                 callWeight: 550, callTrend: [1000, 1031, 1003, 982], theftShare: [165, 158, 149, 143],
                 communities: 60, complianceTrend: [620, 690, 760], burglaryWeight: 230, burglaryTrend: [1000, 910, 780, 760]),
        District(name: "金山区", code: "JS",
                 streets: ["石化街道", "朱泾镇", "枫泾镇", "张堰镇", "亭林镇", "吕巷镇", "廊下镇", "金山卫镇", "漕泾镇", "山阳镇"],
                 callWeight: 80, callTrend: [1000, 1024, 1052, 1049], theftShare: [145, 146, 150, 151],
                 communities: 22, complianceTrend: [540, 580, 640], burglaryWeight: 35, burglaryTrend: [1000, 1010, 990, 1000]),
        District(name: "松江区", code: "SJ",
                 streets: ["岳阳街道", "永丰街道", "方松街道", "中山街道", "泗泾镇", "佘山镇", "车墩镇", "新桥镇", "洞泾镇", "九亭镇", "泖港镇", "石湖荡镇", "新浜镇", "叶榭镇", "小昆山镇"],
                 callWeight: 175, callTrend: [1000, 1083, 1124, 1151], theftShare: [180, 176, 171, 168],
                 communities: 38, complianceTrend: [570, 640, 700], burglaryWeight: 80, burglaryTrend: [1000, 1060, 1100, 1120]),
        District(name: "青浦区", code: "QP",
                 streets: ["夏阳街道", "盈浦街道", "香花桥街道", "朱家角镇", "练塘镇", "金泽镇", "赵巷镇", "徐泾镇", "华新镇", "重固镇", "白鹤镇"],
                 callWeight: 120, callTrend: [1000, 1052, 1071, 1098], theftShare: [175, 170, 166, 160],
                 communities: 30, complianceTrend: [550, 600, 660], burglaryWeight: 60, burglaryTrend: [1000, 1030, 1010, 990]),
        District(name: "奉贤区", code: "FX",
                 streets: ["西渡街道", "奉浦街道", "金海街道", "南桥镇", "奉城镇", "庄行镇", "金汇镇", "四团镇", "青村镇", "柘林镇", "海湾镇"],
                 callWeight: 115, callTrend: [1000, 1002, 972, 951], theftShare: [165, 160, 152, 149],
                 communities: 30, complianceTrend: [560, 630, 710], burglaryWeight: 55, burglaryTrend: [1000, 960, 900, 880]),
        District(name: "崇明区", code: "CM",
                 streets: ["城桥镇", "堡镇", "新河镇", "庙镇", "竖新镇", "向化镇", "三星镇", "港沿镇", "中兴镇", "陈家镇", "绿华镇", "港西镇", "建设镇", "新海镇", "东平镇", "长兴镇", "横沙乡"],
                 callWeight: 70, callTrend: [1000, 971, 988, 1003], theftShare: [120, 118, 121, 119],
                 communities: 20, complianceTrend: [520, 560, 610], burglaryWeight: 20, burglaryTrend: [1000, 980, 950, 940]),
    ]

    /// Parts of invented community names; two-character prefixes so that no generated
    /// name can be the real 康城.
    static let communityPrefixes = [
        "春申", "锦绣", "阳光", "绿洲", "明珠", "翠湖", "枫林", "梅园", "兰亭", "丽都",
        "嘉苑", "世纪", "中环", "和平", "幸福", "民星", "长江", "银河", "彩虹", "海湾",
        "滨江", "金桥", "东兰", "西郊", "南园", "北苑", "景城", "华庭", "瑞和", "新元",
    ]
    static let communitySuffixes = [
        "花园", "新村", "苑", "家园", "公寓", "小区", "名邸", "雅苑", "佳苑", "一村", "二村", "三村",
    ]

    /// The community calibrated to the report: 闵行区 莘庄镇 康城, index 0 of 闵行区.
    static let kangcheng = "康城"
    static let kangchengStreet = "莘庄镇"

    /// Name of the `index`-th community of a district, unique within the district.
    static func communityName(district: Int, index: Int) -> String {
        if district == minhang && index == 0 { return kangcheng }
        let p = communityPrefixes.count
        let s = communitySuffixes.count
        // Rotate by district so districts do not all start with the same names.
        let n = index + district * 7
        let base = communityPrefixes[n % p] + communitySuffixes[suffixIndex(n)]
        let round = n / (p * s)
        return round == 0 ? base : base + "\(round + 1)期"
    }

    /// Mixes the suffix with the prefix so neighbouring communities differ in both; one to
    /// one within each block of prefixes × suffixes, since 31 and 12 are coprime.
    private static func suffixIndex(_ n: Int) -> Int {
        let p = communityPrefixes.count
        let s = communitySuffixes.count
        return (n % p + (n / p % s) * (p + 1)) % s
    }

    static let communityPrefixBytes = EncodedFields(communityPrefixes)
    static let communitySuffixBytes = EncodedFields(communitySuffixes)
    static let kangchengBytes = EncodedFields([kangcheng, "期"])

    /// Writes `communityName(district:index:)` as a field without building the string.
    static func writeCommunityName(district: Int, index: Int, to file: ExportFile) {
        file.separate()
        if district == minhang && index == 0 {
            file.append(kangchengBytes.bytes(0))
            return
        }
        let p = communityPrefixes.count
        let s = communitySuffixes.count
        let n = index + district * 7
        file.append(communityPrefixBytes.bytes(n % p))
        file.append(communitySuffixBytes.bytes(suffixIndex(n)))
        let round = n / (p * s)
        if round > 0 {
            file.appendNumber(round + 1)
            file.append(kangchengBytes.bytes(1))
        }
    }

    /// Street of the `index`-th community: spread over the district's streets.
    static func communityStreet(district: Int, index: Int) -> Int {
        if district == minhang && index == 0 { return 0 }  // 莘庄镇
        let streets = districts[district].streets.count
        return Int(SplitMix64.mix(UInt64(district) << 32 | UInt64(index)) % UInt64(streets))
    }
}
