import Reports
// TEMPORARY until the Reports renderer lands.
enum ReportRenderer { static func render(_ input: ReportInput) -> [OutputDocument] { [] } }
