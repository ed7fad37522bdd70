import CSVReading
import Ingest
import Schema

/// The row decoder's properties, driven as `IngestStage` drives it: the first record that
/// is not blank is the header (`FileLayout`), every later one goes through `RowDecoder` into
/// a `RecordStore`. The records are read twice into the same store, as two overlapping
/// exports of one dataset would be.
///
/// Every row read ends accepted, rejected or duplicate; conflicts are duplicates; the second
/// reading accepts nothing, rejects the same rows and decodes every row as the first did;
/// the store agrees with `ReferenceStore` on every insertion and every standing version.
struct RowTally: Equatable {
    var rowsRead = 0
    var accepted = 0
    var rejected = 0
    var duplicates = 0
    var conflicts = 0
    /// No header, or a required column missing: no row counts.
    var refused = false

    /// The tallies of the two readings.
    static func check(_ records: [CSVRecord], dataset: Dataset, settings: DatasetSettings) -> [RowTally] {
        var store = RecordStore(dataset: dataset)
        var reference = ReferenceStore(dataset: dataset)
        let (first, outcomes) = tally(records, dataset: dataset, settings: settings, store: &store, reference: &reference)
        first.checkSums("first reading")
        Property.check(store.count == first.accepted, "\(first.accepted) rows accepted, \(store.count) records stand")

        let (second, outcomesAgain) = tally(records, dataset: dataset, settings: settings, store: &store, reference: &reference)
        second.checkSums("second reading")
        Property.check(second.accepted == 0, "the same file read again had \(second.accepted) rows accepted")
        Property.check(second.rowsRead == first.rowsRead && second.rejected == first.rejected && second.refused == first.refused,
                       "the same file read again: \(second), first: \(first)")
        Property.check(store.count == first.accepted, "the same file read again changed the records standing: \(store.count), was \(first.accepted)")
        Property.check(outcomes == outcomesAgain, "the same rows decoded differently the second time")
        reference.checkSame(as: store)
        return [first, second]
    }

    private static func tally(
        _ records: [CSVRecord], dataset: Dataset, settings: DatasetSettings,
        store: inout RecordStore, reference: inout ReferenceStore
    ) -> (RowTally, [RowDecoder.Outcome]) {
        var tally = RowTally()
        var outcomes: [RowDecoder.Outcome] = []
        var decoder: RowDecoder?
        let columns = Set(dataset.columns.map(\.name))
        for record in records where !record.isBlank {
            guard let rowDecoder = decoder else {
                let layout = FileLayout(dataset: dataset, header: record.fields, settings: settings)
                if layout.refusal != nil {
                    tally.refused = true
                    return (tally, outcomes)
                }
                Property.check(layout.fieldCount == record.fields.count, "a layout of \(layout.fieldCount) fields from a header of \(record.fields.count)")
                decoder = RowDecoder(layout: layout, settings: settings)
                continue
            }
            tally.rowsRead += 1
            let outcome = rowDecoder.decode(record)
            outcomes.append(outcome)
            switch outcome {
            case .rejected(let column, let reason):
                tally.rejected += 1
                Property.check(!reason.isEmpty, "a row rejected without a reason at line \(record.line)")
                Property.check(column.isEmpty || columns.contains(column), "a row rejected for column '\(column)', not one of \(dataset.name)'s")
                if record.problem != nil || record.fields.count != rowDecoder.layout.fieldCount {
                    Property.check(column.isEmpty, "a record-level fault blamed on column '\(column)' at line \(record.line)")
                }
            case .filtered:
                // The fuzz cases declare no filters.
                Property.violated("a row filtered at line \(record.line) with no filter declared")
            case .row(let key, let values):
                Property.check(record.problem == nil && record.fields.count == rowDecoder.layout.fieldCount,
                               "a row decoded from a record that is not whole: \(record)")
                Property.check(values.count == dataset.columns.count, "a row of \(values.count) values for \(dataset.columns.count) columns")
                Property.check(!key.isEmpty, "a row with an empty key at line \(record.line)")
                let insertion = store.insert(key: key, values: values)
                let expected = reference.insert(key: key, values: values)
                Property.check(insertion == expected, "row at line \(record.line) (key \(Array(key.utf8))): the store said \(insertion), the reference \(expected)")
                switch insertion {
                case .accepted: tally.accepted += 1
                case .duplicate: tally.duplicates += 1
                case .conflict:
                    tally.duplicates += 1
                    tally.conflicts += 1
                }
            }
        }
        tally.refused = decoder == nil
        return (tally, outcomes)
    }

    func checkSums(_ reading: String) {
        Property.check(rowsRead == accepted + rejected + duplicates,
                       "\(reading): rows read \(rowsRead) != accepted \(accepted) + rejected \(rejected) + duplicates \(duplicates)")
        Property.check(conflicts <= duplicates, "\(reading): \(conflicts) conflicts > \(duplicates) duplicates")
        if refused {
            Property.check(rowsRead == 0, "\(reading): a refused file counted \(rowsRead) rows")
        }
    }
}
