import CSVReading

/// Writes `alarm_calls/`: seven half-yearly exports whose date ranges overlap by two weeks,
/// each with its own quirks (see `files`), and a handful of rows that must be rejected.
struct AlarmCallExport {
    enum Column: Hashable, Sendable {
        case callID, receivedAt, district, street, callType, category, responseSeconds, disposition
        /// Not in the contract: ignored by the pipeline.
        case operatorID
    }

    static let canonical: [(Column, String)] = [
        (.callID, "call_id"), (.receivedAt, "received_at"), (.district, "district"), (.street, "street"),
        (.callType, "call_type"), (.category, "category"), (.responseSeconds, "response_seconds"),
        (.disposition, "disposition"),
    ]

    static let files: [ExportSpec<Column>] = [
        ExportSpec(name: "alarm_calls_2015-07-01.csv", span: DaySpan((2015, 1, 1), (2015, 6, 30)), columns: canonical),
        ExportSpec(name: "alarm_calls_2016-01-01.csv", span: DaySpan((2015, 6, 17), (2015, 12, 31)), columns: canonical)
            .with { $0.dateTimeStyles = [(.seconds, 9), (.minutes, 1)] },
        // Excel on a Chinese Windows: GB18030, Chinese headers, CRLF, Excel's datetimes.
        ExportSpec(name: "alarm_calls_2016-07-01.csv", span: DaySpan((2015, 12, 18), (2016, 6, 30)), columns: [
            (.callID, "接警编号"), (.receivedAt, "接警时间"), (.district, "所属区"), (.street, "街镇"),
            (.callType, "警情类型"), (.category, "警情类别"), (.responseSeconds, "到场用时"), (.disposition, "处置结果"),
        ]).with {
            $0.encoding = .gb18030
            $0.lineEnding = .crlf
            $0.dateTimeStyles = [(.excel, 1)]
        },
        // A byte order mark and headers in other cases with spaces around them.
        ExportSpec(name: "alarm_calls_2017-01-01.csv", span: DaySpan((2016, 6, 17), (2016, 12, 31)), columns: [
            (.callID, "Call_ID"), (.receivedAt, " Received_At"), (.district, "District "), (.street, "street"),
            (.callType, "CALL_TYPE"), (.category, "Category"), (.responseSeconds, "response_seconds"),
            (.disposition, "disposition"),
        ]).with {
            $0.byteOrderMark = true
            $0.dateTimeStyles = [(.isoT, 1)]
        },
        ExportSpec(name: "alarm_calls_2017-07-01.csv", span: DaySpan((2016, 12, 18), (2017, 6, 30)), columns: canonical)
            .with { $0.lineEnding = .crlf },
        // Another system's export: the other aliases, columns reordered, an unknown column,
        // every datetime form, values padded with white space.
        ExportSpec(name: "alarm_calls_2018-01-01.csv", span: DaySpan((2017, 6, 17), (2017, 12, 31)), columns: [
            (.receivedAt, "报警时间"), (.callID, "警情编号"), (.district, "行政区"), (.street, "街道"),
            (.category, "警情类别"), (.callType, "警情类型"), (.responseSeconds, "到场时长"), (.disposition, "处置结果"),
            (.operatorID, "接警员"),
        ]).with {
            $0.dateTimeStyles = DateTimeStyle.concrete.map { ($0, 1) }
            $0.paddedValues = true
        },
        ExportSpec(name: "alarm_calls_2018-03-01.csv", span: DaySpan((2017, 12, 18), (2018, 2, 28)), columns: canonical)
            .with { $0.finalLineBreak = false },
    ]

    static let badRows: [BadRow<Column>] = [
        BadRow(file: 0, afterDay: CivilDate(2015, 3, 14).dayIndex, values: [
            .callID: "JD2015031499001", .receivedAt: "2015-03-14 10:21:00", .district: "", .street: "南翔镇",
            .callType: "报警", .category: "纠纷", .responseSeconds: "420", .disposition: "已调解",
        ], reason: "district: required value missing"),
        BadRow(file: 2, afterDay: CivilDate(2016, 3, 5).dayIndex, values: [
            .callID: "BS2016030599001", .receivedAt: "2016/3/5 14:32", .district: "宝山区", .street: "顾村镇",
            .callType: "报警", .category: "盗窃", .responseSeconds: "1,000", .disposition: "已立案侦查",
        ], reason: "response_seconds: '1,000' has a thousands separator"),
        BadRow(file: 3, afterDay: CivilDate(2016, 8, 20).dayIndex, values: [
            .callID: "BS2016082099001", .receivedAt: "2016-08-20T22:15:00", .district: "宝山区", .street: "大场镇",
            .callType: "报警", .category: "纠纷", .responseSeconds: "-5", .disposition: "已调解",
        ], reason: "response_seconds: '-5' is negative"),
        BadRow(file: 4, afterDay: CivilDate(2017, 2, 28).dayIndex, values: [
            .callID: "BS2017023099001", .receivedAt: "2017-02-30 08:00:00", .district: "宝山区", .street: "罗店镇",
            .callType: "报警", .category: "盗窃", .responseSeconds: "300", .disposition: "已处置",
        ], reason: "received_at: '2017-02-30 08:00:00' is an impossible date"),
        BadRow(file: 5, afterDay: CivilDate(2017, 9, 15).dayIndex, values: [
            .callID: "PD2017091599001", .receivedAt: "", .district: "浦东新区", .street: "张江镇",
            .callType: "报警", .category: "交通事故", .responseSeconds: "360", .disposition: "已处置",
            .operatorID: "A0217",
        ], reason: "received_at: required value missing"),
        BadRow(file: 6, afterDay: CivilDate(2018, 1, 20).dayIndex, values: [
            .callID: "BS2018012099001", .receivedAt: "2018-01-20 19:45:00", .district: "宝山区", .street: "月浦镇",
            .callType: "报警", .category: "纠纷", .responseSeconds: "510", .disposition: "已处置",
        ], extra: ["双方和解"], reason: "9 fields where the header has 8 (an unquoted comma)"),
    ]

    /// A call exported twice in the same file (an exact duplicate within one export).
    static let repeatedInFile = (file: 1, day: CivilDate(2015, 10, 8).dayIndex, district: Shanghai.baoshan)
    /// A blank line in the middle of an export, after this day's calls.
    static let blankLine = (file: 1, afterDay: CivilDate(2015, 8, 1).dayIndex)

    /// Per mille of the calls in an overlap that the later export revises.
    static let revisedPerMille = 12

    let source: AlarmCallSource

    func write(into directory: String, meter: inout ProgressMeter, progress: (Int) -> Void) throws(SampleDataError) {
        for index in Self.files.indices {
            try writeFile(index, into: directory, meter: &meter, progress: progress)
        }
    }

    private func writeFile(_ index: Int, into directory: String, meter: inout ProgressMeter,
                           progress: (Int) -> Void) throws(SampleDataError) {
        let spec = Self.files[index]
        let file = try ExportFile(path: directory + "/" + spec.name, encoding: spec.encoding,
                                  byteOrderMark: spec.byteOrderMark, lineEnding: spec.lineEnding)
        try spec.writeHeader(file)
        let revisedUntil = index > 0 ? Self.files[index - 1].span.last : -1
        let badRows = Self.badRows.filter { $0.file == index }
        let columns = spec.columns.map(\.0)
        for day in spec.span.days {
            let date = CivilDate(dayIndex: day)
            var looks = SplitMix64(seed: source.seed, 100 + UInt64(index), 0, UInt64(day))
            var repeated: AlarmCall?
            let before = file.rows
            for district in Shanghai.districts.indices {
                try source.calls(district: district, day: day) { (original: AlarmCall) throws(SampleDataError) in
                    var call = original
                    if day <= revisedUntil && call.revisionRoll < Self.revisedPerMille { call.revise() }
                    if index == Self.repeatedInFile.file && day == Self.repeatedInFile.day
                        && district == Self.repeatedInFile.district && call.sequence == 1 {
                        repeated = call
                    }
                    try file.beginRow()
                    writeCall(call, date: date, spec: spec, columns: columns, file: file, looks: &looks)
                    file.endRow()
                }
            }
            if let repeated {
                try file.beginRow()
                writeCall(repeated, date: date, spec: spec, columns: columns, file: file, looks: &looks)
                file.endRow()
            }
            for bad in badRows where bad.afterDay == day {
                try bad.write(file, spec: spec)
            }
            if index == Self.blankLine.file && day == Self.blankLine.afterDay {
                try file.beginRow()
                file.endLine()
            }
            meter.add(file.rows - before, progress)
        }
        try file.close(finalLineBreak: spec.finalLineBreak)
    }

    private func writeCall(_ call: AlarmCall, date: CivilDate, spec: ExportSpec<Column>, columns: [Column],
                           file: ExportFile, looks: inout SplitMix64) {
        let style = spec.style(using: &looks)
        let padDistrict = spec.paddedValues && looks.chance(perMille: 5)
        let padStreet = spec.paddedValues && looks.chance(perMille: 10)
        for column in columns {
            switch column {
            case .callID:
                file.separate()
                file.append(Shanghai.codeBytes.bytes(call.district))
                file.appendNumber(date.year)
                file.appendNumber(date.month, width: 2)
                file.appendNumber(date.day, width: 2)
                file.appendNumber(call.sequence, width: 5)
            case .receivedAt:
                file.field(date: date, minute: call.minute, style: style)
            case .district:
                file.separate()
                if padDistrict { file.append(0x20) }
                file.append(Shanghai.districtBytes.bytes(call.district))
            case .street:
                file.separate()
                if call.street >= 0 {
                    file.append(Shanghai.streetBytes[call.district].bytes(call.street))
                    if padStreet { file.append(Self.ideographicSpace.bytes(0)) }
                }
            case .callType:
                file.field(AlarmCallTables.callTypeBytes, call.callType)
            case .category:
                file.field(AlarmCallTables.categoryBytes, call.category)
            case .responseSeconds:
                if call.responseSeconds >= 0 { file.field(number: call.responseSeconds) } else { file.emptyField() }
            case .disposition:
                file.field(AlarmCallTables.dispositionBytes, call.disposition)
            case .operatorID:
                file.separate()
                file.append(0x41)
                file.appendNumber(call.operatorNumber, width: 4)
            }
        }
    }

    static let ideographicSpace = EncodedFields(["\u{3000}"])
}

extension Shanghai {
    static let codeBytes = EncodedFields(districts.map(\.code))
    static let districtBytes = EncodedFields(districts.map(\.name))
    static let streetBytes = districts.map { EncodedFields($0.streets) }
}
