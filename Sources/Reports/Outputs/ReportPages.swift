/// The pages: `index`, one per dataset present and one per district, as Markdown and HTML
/// from one report model (`ReportRenderer`).
public struct ReportPages: OutputWriter {
    public init() {}

    public func write(_ input: ReportInput, to sink: some OutputSink) throws {
        for document in ReportRenderer.render(input) {
            try sink.write(document.path) { try $0(document.contents) }
        }
    }
}
