/// A typed handle of a dataset's column, taken from its declaration: the stages after ingest
/// read the standing records' groups through these (`RecordGroups.texts(_:)`, `dates(_:)`,
/// `periods(_:)`, `flags(_:)`), never by a column's name. A handle is the column's position
/// in `Dataset.columns`, and its name for messages; `Kind` says what values it holds.
public struct ColumnHandle<Kind>: Hashable, Sendable {
    public let index: Int
    public let name: String

    package init(index: Int, name: String) {
        self.index = index
        self.name = name
    }
}

/// What a column holds, for `ColumnHandle`: text, a datetime, a period, yes or no.
public enum TextKind {}
public enum DateKind {}
public enum PeriodValueKind {}
public enum FlagKind {}

public typealias TextColumn = ColumnHandle<TextKind>
public typealias DateColumn = ColumnHandle<DateKind>
/// A period column: `YYYY`, `YYYYH1`, `YYYYQ3`.
public typealias PeriodColumn = ColumnHandle<PeriodValueKind>
/// A yes/no column, or one judged yes or no (`compliant`).
public typealias FlagColumn = ColumnHandle<FlagKind>

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
