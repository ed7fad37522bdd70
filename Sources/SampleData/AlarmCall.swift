/// One 110 call as the generator makes it, before an export writes it in its own forms.
/// Tables hold the texts; the record holds indexes into them.
struct AlarmCall {
    var district: Int
    var day: Int
    /// 1-based number of the call within its district and day, in time order.
    var sequence: Int
    var minute: Int
    /// -1: no street recorded.
    var street: Int
    var callType: Int
    var category: Int
    /// -1: not recorded.
    var responseSeconds: Int
    var disposition: Int
    /// 0..<1000, drawn for every call: a later export revises the call when it is small.
    var revisionRoll: Int
    var operatorNumber: Int

    /// The later of two exports changes what is not calibrated: the response time (where
    /// there was one) or the disposition, never the date, place, call type or category.
    mutating func revise() {
        if revisionRoll % 2 == 0 && responseSeconds >= 0 {
            responseSeconds += 60
        } else {
            disposition = disposition == AlarmCallTables.revisedDisposition ? 0 : AlarmCallTables.revisedDisposition
        }
    }
}
