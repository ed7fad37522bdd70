/// Typed handles of a dataset's columns, taken from its declaration: the stages after
/// ingest read the standing records through these (`RecordStore.texts(_:)`, `dates(_:)`,
/// `periods(_:)`, `flags(_:)`), never by a column's name. A handle is the column's position
/// in `Dataset.columns`, and its name for messages.
public struct TextColumn: Hashable, Sendable {
    public let index: Int
    public let name: String

    package init(index: Int, name: String) {
        self.index = index
        self.name = name
    }
}

/// A datetime column (see `TextColumn`).
public struct DateColumn: Hashable, Sendable {
    public let index: Int
    public let name: String

    package init(index: Int, name: String) {
        self.index = index
        self.name = name
    }
}

/// A period column: `YYYY`, `YYYYH1`, `YYYYQ3` (see `TextColumn`).
public struct PeriodColumn: Hashable, Sendable {
    public let index: Int
    public let name: String

    package init(index: Int, name: String) {
        self.index = index
        self.name = name
    }
}

/// A yes/no column, or one judged yes or no (`compliant`; see `TextColumn`).
public struct FlagColumn: Hashable, Sendable {
    public let index: Int
    public let name: String

    package init(index: Int, name: String) {
        self.index = index
        self.name = name
    }
}

/// The columns that place a record: its district, and its street and community where the
/// dataset has them.
public struct PlaceHandles: Sendable {
    public let district: TextColumn
    public let street: TextColumn?
    public let community: TextColumn?
}

/// The columns a compliance rate is computed from.
public struct ComplianceHandles: Sendable {
    public let period: PeriodColumn
    public let compliant: FlagColumn
}
