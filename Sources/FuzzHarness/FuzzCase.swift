import CSVReading
import Schema

/// One fuzz input, read as two control bytes and then the bytes of an export file.
///
/// - byte 0, bits 0-1: the dataset (0 alarm_calls, 1 burglary_reports, 2 and 3 safe_community);
///   bits 2-3: the encoding setting (0 and 1 auto, 2 gb18030, 3 big5);
///   bit 4: dates and periods read in the default years (set) or in all years 1-9999
///   (clear, so that the corpus made before the setting keeps its extreme dates);
///   bits 6 and 7 both set: also stream the file bytes over and over (`StreamingBound`).
/// - byte 1: one more block size for the reader, and the chunk size of parallel ingest
///   (0-127: 1 + the byte; 128-255: multiples of 509).
/// - the rest: the file.
///
/// An input shorter than two bytes is an alarm_calls file, auto encoding.
struct FuzzCase {
    /// The limit every reading uses: small, so that an oversized field is cheap to make.
    static let maxFieldBytes = 4096

    let dataset: Dataset
    let encoding: EncodingSetting
    let extraBlockBytes: Int
    let streams: Bool
    let years: ClosedRange<Int>
    let file: [UInt8]

    init(_ input: UnsafeRawBufferPointer) {
        guard input.count >= 2 else {
            dataset = .alarmCalls
            encoding = .auto
            extraBlockBytes = 5
            streams = false
            years = 1...9999
            file = Array(input)
            return
        }
        let control = input[0]
        dataset = [.alarmCalls, .burglaryReports, .safeCommunity, .safeCommunity][Int(control & 3)]
        encoding = [.auto, .auto, .fixed(.gb18030), .fixed(.big5)][Int(control >> 2 & 3)]
        streams = control & 0xC0 == 0xC0
        years = control & 0x10 != 0 ? DatasetSettings.defaultYears : 1...9999
        let size = input[1]
        extraBlockBytes = size < 128 ? Int(size) + 1 : (Int(size) - 127) * 509
        file = Array(input[2...])
    }

    var settings: DatasetSettings {
        var settings = DatasetSettings()
        settings.encoding = encoding
        settings.years = years
        return settings
    }

    /// Runs every check; a violated property traps.
    func check() {
        let folder = ScratchDataFolder.shared
        let path = folder.place(file, dataset: dataset)
        let reading = RecordReadings.check(path: path, setting: encoding, fileBytes: file.count, extraBlockBytes: extraBlockBytes)
        let tallies = RowTally.check(reading.records, dataset: dataset, settings: settings)
        // The stage reads with the default field limit: compare counts only where the
        // harness's small limit changed nothing.
        let cut = reading.records.contains { if case .fieldTooLarge = $0.problem { true } else { false } }
        StageCrossCheck.check(folder: folder, dataset: dataset, settings: settings, chunkBytes: extraBlockBytes, refusedWhole: reading.refusedWhole, expected: cut ? nil : tallies)
        if streams { StreamingBound.check(file) }
    }
}

/// Where the harness says a property does not hold.
enum Property {
    /// Traps with the message (fatalError keeps the message in optimised builds too).
    static func violated(_ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) -> Never {
        fatalError("fuzz property violated: " + message(), file: file, line: line)
    }

    static func check(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
        if !condition { violated(message(), file: file, line: line) }
    }
}
