import Ingest
import Schema

/// The duplicate rule of docs/reference.md written the plain way (a dictionary of
/// keys, as bytes, to rows of values), against which `RecordStore`'s compact encoding is
/// checked: the same insertion outcome for every row, and the same standing versions.
struct ReferenceStore {
    let dataset: Dataset
    private var index: [[UInt8]: Int] = [:]
    private var rows: [[FieldValue]] = []

    init(dataset: Dataset) {
        self.dataset = dataset
    }

    var count: Int { rows.count }

    mutating func insert(key: String, values: [FieldValue]) -> RecordStore.Insertion {
        let bytes = Array(key.utf8)
        guard let record = index[bytes] else {
            index[bytes] = rows.count
            rows.append(values)
            return .accepted
        }
        let differs = zip(rows[record], values).contains { standing, incoming in
            if case .absent = standing { return false }
            if case .absent = incoming { return false }
            return !Self.same(standing, incoming)
        }
        guard differs else { return .duplicate }
        rows[record] = values
        return .conflict
    }

    /// Values are equal when their parsed forms are; text by its bytes.
    static func same(_ lhs: FieldValue, _ rhs: FieldValue) -> Bool {
        switch (lhs, rhs) {
        case (.text(let left), .text(let right)): left.utf8.elementsEqual(right.utf8)
        case (.decimal(let left), .decimal(let right)): left.canonical.utf8.elementsEqual(right.canonical.utf8)
        default: lhs == rhs
        }
    }

    /// The store holds the same standing versions, record by record, in the same order.
    func checkSame(as store: RecordStore) {
        Property.check(store.count == rows.count, "the store holds \(store.count) records, the reference \(rows.count)")
        let keyColumns = Set(dataset.keyColumns)
        for (column, spec) in dataset.columns.enumerated() where !(keyColumns.contains(spec.name) && spec.type == .text) {
            let slots = store.slots(of: spec.name)
            Property.check(slots.count == rows.count, "column \(spec.name) has \(slots.count) slots for \(rows.count) records")
            for (record, row) in rows.enumerated() {
                let slot = slots[record]
                let value = row[column]
                let matches: Bool
                switch value {
                case .absent: matches = slot == Slot.absent
                case .missing: matches = slot == Slot.missing
                case .text(let text): matches = store.text(of: spec.name, slot: slot).map { $0.utf8.elementsEqual(text.utf8) } ?? false
                case .decimal(let decimal): matches = store.text(of: spec.name, slot: slot).map { $0.utf8.elementsEqual(decimal.canonical.utf8) } ?? false
                case .time(let time): matches = slot == Slot.encode(time)
                case .boolean(let flag): matches = slot == (flag ? 1 : 0)
                case .count(let count): matches = slot == UInt64(count)
                case .period(let period): matches = slot == Slot.encode(period) && Slot.period(slot) == period
                }
                Property.check(matches, "record \(record), column \(spec.name): the store has slot \(slot), the reference \(value)")
            }
        }
    }
}
